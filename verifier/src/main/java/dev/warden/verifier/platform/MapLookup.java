package dev.warden.verifier.platform;

/** What a non-null {@code bpf_map_lookup_elem} result is, by map type (the kernel's mark_ptr_or_null_reg). */
public enum MapLookup {
    /** Memory of the map's value size, readable and writable unless the map is BPF_F_RDONLY_PROG. */
    VALUE,
    /**
     * Like {@link #VALUE}, and every index below {@code max_entries} exists (array, per-CPU array): a
     * {@code bpf_map_lookup_elem} whose key is a constant below both {@code max_entries} and
     * {@link #CONSTANT_KEY_LIMIT} gives a non-null value (the kernel's can_elide_value_nullness,
     * Linux 6.13 and later).
     */
    INDEXED_VALUE,
    /** Memory of the map's value size, read-only (device maps: the kernel sets BPF_F_RDONLY_PROG). */
    READONLY_VALUE,
    /** The inner map (CONST_PTR_TO_MAP) of an array or hash of maps, usable as a map argument. */
    INNER_MAP,
    /** A referenced full socket (PTR_TO_SOCKET) that must be released with {@code bpf_sk_release}. */
    SOCKET,
    /** An XDP socket (PTR_TO_XDP_SOCK), see {@link ObjectKind#XDP_SOCK}. */
    XDP_SOCK,
    /** Programs may not look elements up in this map type. */
    NONE;

    /**
     * Constant array keys at or above this are not called non-null whatever {@code max_entries} says:
     * a runtime may create a huge array lazily up to a cap (Warden's does, 2^20 values over all CPUs),
     * and it must give a value for every key the verifier calls non-null. 4096 covers the constant
     * indices of real programs (0, a handful of config slots).
     */
    public static final long CONSTANT_KEY_LIMIT = 4096;
}
