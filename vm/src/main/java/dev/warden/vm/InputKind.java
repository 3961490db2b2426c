package dev.warden.vm;

/** What the input memory means to the program. */
public enum InputKind {
    /** Plain memory: r1 = its address, r2 = its length (the bpf_conformance convention). */
    PLAIN,
    /**
     * Also the packet of the legacy packet loads ({@code ldabs}/{@code ldind}): they read the
     * input, big-endian. Without it a legacy packet load faults with
     * {@link FaultKind#NO_PACKET_CONTEXT}.
     */
    PACKET
}
