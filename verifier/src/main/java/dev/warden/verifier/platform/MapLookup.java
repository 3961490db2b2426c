package dev.warden.verifier.platform;

/** What a non-null {@code bpf_map_lookup_elem} result is, by map type (the kernel's mark_ptr_or_null_reg). */
public enum MapLookup {
    /** Memory of the map's value size, readable and writable unless the map is BPF_F_RDONLY_PROG. */
    VALUE,
    /** Memory of the map's value size, read-only (device maps: the kernel sets BPF_F_RDONLY_PROG). */
    READONLY_VALUE,
    /** The inner map (CONST_PTR_TO_MAP) of an array or hash of maps, usable as a map argument. */
    INNER_MAP,
    /** A referenced full socket (PTR_TO_SOCKET) that must be released with {@code bpf_sk_release}. */
    SOCKET,
    /** An XDP socket (PTR_TO_XDP_SOCK), see {@link ObjectKind#XDP_SOCK}. */
    XDP_SOCK,
    /** Programs may not look elements up in this map type. */
    NONE
}
