package dev.warden.isa.elf;

/**
 * A CO-RE relocation record of {@code .BTF.ext} ({@code struct bpf_core_relo}), placed at a pc of
 * a linked program: the instruction whose immediate or offset libbpf rewrites for the running
 * kernel. {@code typeId} is a type of this object's BTF (the root of the access) and {@code access}
 * the access string ({@code "0:1:2"}: member indices from the root; the type name for type-based
 * kinds, the enumerator index for enum-based ones).
 */
public record CoreRelocation(int pc, Kind kind, int typeId, String access) {
    /** {@code enum bpf_core_relo_kind}, in its numeric order. */
    public enum Kind {
        FIELD_BYTE_OFFSET,
        FIELD_BYTE_SIZE,
        FIELD_EXISTS,
        FIELD_SIGNED,
        FIELD_LSHIFT_U64,
        FIELD_RSHIFT_U64,
        TYPE_ID_LOCAL,
        TYPE_ID_TARGET,
        TYPE_EXISTS,
        TYPE_SIZE,
        ENUMVAL_EXISTS,
        ENUMVAL_VALUE,
        TYPE_MATCHES
    }
}
