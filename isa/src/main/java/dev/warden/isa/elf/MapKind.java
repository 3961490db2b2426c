package dev.warden.isa.elf;

/** How a map was declared in the object. */
public enum MapKind {
    /** A variable in the {@code .maps} section, described by BTF (libbpf's {@code __uint}/{@code __type}). */
    BTF,
    /** A {@code struct bpf_map_def} in the legacy {@code maps} section. */
    LEGACY,
    /** A global data section ({@code .rodata}, {@code .data}, {@code .bss}) turned into a one-entry array map. */
    GLOBAL_DATA
}
