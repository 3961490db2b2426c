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
    /** A socket, never null ({@code bpf_sock_addr.sk}, {@code sk_msg_md.sk}): PTR_TO_SOCKET. */
    SOCKET,
    /** A full socket pointer, or null ({@code bpf_sock_ops.sk}, {@code bpf_sk_lookup.sk}): PTR_TO_SOCKET_OR_NULL. */
    SOCKET_OR_NULL,
    /**
     * Any socket kind (request and timewait sockets too), or null ({@code __sk_buff.sk}):
     * PTR_TO_SOCK_COMMON_OR_NULL. Fewer fields are readable than through a full socket; {@code
     * bpf_sk_fullsock} turns it into one.
     */
    SOCK_COMMON_OR_NULL,
    /** The flow dissector's {@code struct bpf_flow_keys} ({@code __sk_buff.flow_keys}): PTR_TO_FLOW_KEYS. */
    FLOW_KEYS,
    /** A kernel object typed by BTF (tracing contexts). */
    BTF_ID,
    /** A kernel object typed by BTF, or null (an iterator's object at the end of the iteration). */
    BTF_ID_OR_NULL,
    /**
     * Memory or null whose size the attachment fixes (an iterator's {@code key} and {@code value}:
     * PTR_TO_BUF | PTR_MAYBE_NULL, sized by the iterated map). The kernel does not bound these
     * accesses when it verifies the program: it records the largest offset read through {@code key}
     * (max_rdonly_access; key is read-only) and accessed through {@code value} (max_rdwr_access), and
     * refuses to attach the iterator to a map whose key or value is smaller. A verifier without the
     * map must do the same: record the extent, not reject on a size of 0.
     */
    MEM_OR_NULL
}
