package dev.warden.runtime.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The calling thread pinned to CPU 0 ({@code sched_setaffinity}) until closed, when its former
 * CPU set comes back. {@code BPF_PROG_TEST_RUN} runs the program on the caller's CPU, so a pinned
 * test run touches CPU 0's values of per-CPU maps and sees 0 from {@code bpf_get_smp_processor_id}:
 * the CPU Warden's single-CPU environment runs on.
 */
final class CpuPin implements AutoCloseable {
    private static final long MASK_BYTES = 128; // 1024 CPUs

    private static final class Handles {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle SET = LINKER.downcallHandle(LINKER.defaultLookup().find("sched_setaffinity").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle GET = LINKER.downcallHandle(LINKER.defaultLookup().find("sched_getaffinity").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment saved = arena.allocate(MASK_BYTES, 8);
    private final boolean pinned;

    private CpuPin() {
        MemorySegment zero = arena.allocate(MASK_BYTES, 8);
        zero.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        pinned = call(Handles.GET, saved) == 0 && call(Handles.SET, zero) == 0;
    }

    /** Pins the calling thread to CPU 0; {@link #pinned()} says whether that worked. */
    static CpuPin toCpuZero() {
        return new CpuPin();
    }

    /** Whether the thread runs on CPU 0 only now (false where the affinity could not be changed). */
    boolean pinned() {
        return pinned;
    }

    private static int call(MethodHandle h, MemorySegment mask) {
        try {
            return (int) h.invokeExact(0, MASK_BYTES, mask);
        } catch (Throwable t) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (pinned) {
            call(Handles.SET, saved);
        }
        arena.close();
    }
}
