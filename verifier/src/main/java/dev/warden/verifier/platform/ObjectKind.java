package dev.warden.verifier.platform;

/**
 * Kernel objects a program reaches through a typed pointer other than its context (a socket from
 * {@code __sk_buff.sk} or {@code bpf_sk_lookup_tcp}, the flow dissector's keys). Each has a
 * layout the kernel checks loads against, as it does for contexts ({@link Platform#objectLayout}).
 */
public enum ObjectKind {
    /** {@code struct bpf_sock} through a full socket pointer (PTR_TO_SOCKET): bpf_sock_is_valid_access. */
    SOCKET,
    /** {@code struct bpf_sock} through any socket kind (PTR_TO_SOCK_COMMON): bpf_sock_common_is_valid_access. */
    SOCK_COMMON,
    /** {@code struct bpf_tcp_sock} (PTR_TO_TCP_SOCK, from {@code bpf_tcp_sock}): bpf_tcp_sock_is_valid_access. */
    TCP_SOCK,
    /** {@code struct bpf_xdp_sock} (PTR_TO_XDP_SOCK, an XSKMAP lookup): bpf_xdp_sock_is_valid_access. */
    XDP_SOCK,
    /** {@code struct bpf_flow_keys} (PTR_TO_FLOW_KEYS): check_flow_keys_access, read and write. */
    FLOW_KEYS
}
