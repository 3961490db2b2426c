package dev.warden.verifier.check;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Gives the C heap's free memory back to the operating system after a Z3 context is closed.
 *
 * <p>Why: each program is verified on its own thread, and glibc serves each thread's allocations
 * from a per-thread arena; the memory a closed Z3 context frees stays in those arenas, so the
 * process's resident set keeps the high-water mark of every arena Z3 used (tens of megabytes on
 * the real objects). {@code malloc_trim(0)} releases the free pages of all arenas. Where the C
 * library has no {@code malloc_trim} (not glibc) nothing is done.
 */
final class NativeHeap {
    private static final Optional<MethodHandle> TRIM = lookup();

    private NativeHeap() {}

    static void trim() {
        TRIM.ifPresent(h -> {
            try {
                int ignored = (int) h.invokeExact(0L);
            } catch (Throwable t) {
                // Trimming is an economy, never a requirement: a failure changes nothing verified.
            }
        });
    }

    private static Optional<MethodHandle> lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)));
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
