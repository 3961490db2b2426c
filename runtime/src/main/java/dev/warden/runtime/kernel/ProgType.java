package dev.warden.runtime.kernel;

/**
 * The kernel program types the oracle loads ({@code enum bpf_prog_type} in
 * {@code include/uapi/linux/bpf.h}). All run under {@code BPF_PROG_TEST_RUN} with a packet
 * and give back the program's r0 truncated to 32 bits.
 */
public enum ProgType {
    /** Socket filter: the context is a read-only {@code __sk_buff}; no direct packet access. */
    SOCKET_FILTER(1),
    /**
     * Traffic-control classifier: direct packet read and write through {@code __sk_buff.data}
     * and {@code data_end}, which is how {@link KernelExecutor} copies a program's final state
     * out to the test run's output packet.
     */
    SCHED_CLS(3),
    /** XDP: {@code struct xdp_md}, direct packet read and write; what the pointer program generator makes. */
    XDP(6);

    private final int code;

    ProgType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
