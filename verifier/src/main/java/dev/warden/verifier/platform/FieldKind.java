package dev.warden.verifier.platform;

/** What a load of one context field gives the program. */
public enum FieldKind {
    /** A number. */
    SCALAR,
    /** The first byte of the packet ({@code xdp_md.data}, {@code __sk_buff.data}). */
    PACKET,
    /** One past the packet's last byte ({@code data_end}). */
    PACKET_END,
    /** The first byte of the packet metadata ({@code data_meta}); it ends where the packet starts. */
    PACKET_META,
    /** A socket pointer, or null ({@code __sk_buff.sk}, {@code bpf_sock_ops.sk}). */
    SOCKET_OR_NULL,
    /** A kernel object typed by BTF (tracing contexts). */
    BTF_ID
}
