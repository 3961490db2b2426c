package dev.warden.runtime.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A program the kernel accepted, held by its file descriptor. Close it when done: each open
 * program pins kernel memory (and its JIT image) until its last descriptor is closed.
 */
public final class KernelProgram implements AutoCloseable {
    private final int fd;
    private final ProgType type;
    private boolean closed;

    KernelProgram(int fd, ProgType type) {
        this.fd = fd;
        this.type = type;
    }

    /** The descriptor, for a program array slot ({@link KernelOracle#runWithTailTargets}). */
    int fd() {
        return fd;
    }

    public ProgType type() {
        return type;
    }

    /**
     * Runs the program once ({@code repeat = 1}) on a copy of {@code packet}, which must be at
     * least 14 bytes (an Ethernet header) for the packet program types. The output packet has
     * room for {@code packet.length} bytes.
     */
    public TestRunResult testRun(byte[] packet) {
        return testRun(packet, packet.length);
    }

    /**
     * The same with room for {@code outCapacity} bytes of output packet (more than the input when
     * the program may grow it, e.g. {@code bpf_xdp_adjust_head} with a negative delta).
     */
    public TestRunResult testRun(byte[] packet, int outCapacity) {
        return testRun(packet, outCapacity, new byte[0]);
    }

    /**
     * The same with {@code context} as the test run's {@code ctx_in} (a {@code struct __sk_buff} or
     * {@code xdp_md} whose settable fields the run starts from; empty: none, the kernel's defaults).
     */
    public TestRunResult testRun(byte[] packet, int outCapacity, byte[] context) {
        if (closed) {
            throw new IllegalStateException("the program was closed");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(Math.max(1, packet.length));
            MemorySegment.copy(packet, 0, in, ValueLayout.JAVA_BYTE, 0, packet.length);
            MemorySegment out = arena.allocate(Math.max(1, outCapacity));
            MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, Bpf.TEST_PROG_FD, fd);
            attr.set(ValueLayout.JAVA_INT, Bpf.TEST_DATA_SIZE_IN, packet.length);
            attr.set(ValueLayout.JAVA_INT, Bpf.TEST_DATA_SIZE_OUT, outCapacity);
            attr.set(ValueLayout.JAVA_LONG, Bpf.TEST_DATA_IN, in.address());
            attr.set(ValueLayout.JAVA_LONG, Bpf.TEST_DATA_OUT, out.address());
            attr.set(ValueLayout.JAVA_INT, Bpf.TEST_REPEAT, 1);
            if (context.length > 0) {
                attr.set(ValueLayout.JAVA_INT, Bpf.TEST_CTX_SIZE_IN, context.length);
                attr.set(ValueLayout.JAVA_LONG, Bpf.TEST_CTX_IN, arena.allocateFrom(ValueLayout.JAVA_BYTE, context).address());
            }
            Bpf.Ret r = Bpf.call(Bpf.BPF_PROG_TEST_RUN, attr);
            if (r.failed()) {
                return new TestRunResult.Failed("BPF_PROG_TEST_RUN: " + Bpf.describe(r.errno()));
            }
            // The kernel writes back how many bytes it produced; never trust it beyond our buffer.
            int outSize = Math.min(attr.get(ValueLayout.JAVA_INT, Bpf.TEST_DATA_SIZE_OUT), outCapacity);
            byte[] dataOut = out.asSlice(0, outSize).toArray(ValueLayout.JAVA_BYTE);
            return new TestRunResult.Ran(
                    attr.get(ValueLayout.JAVA_INT, Bpf.TEST_RETVAL),
                    Integer.toUnsignedLong(attr.get(ValueLayout.JAVA_INT, Bpf.TEST_DURATION)),
                    dataOut);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Bpf.close(fd);
        }
    }
}
