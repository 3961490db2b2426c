package dev.warden.runtime.host;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A host function an extension calls like a helper ({@code call N}): r1-r5 in, r0 out, unboxed.
 * Pointers the extension passes are read and written through {@link ExtensionMemory}. To fail
 * the run, throw {@link HostFunctionFailure} (the run ends with a {@code HELPER_FAILED} fault at
 * the call); any other exception leaves {@link Extension#invoke} unchanged.
 *
 * <p>Called on the invoking thread, possibly on many threads at once: a host function must be
 * thread-safe.
 */
@FunctionalInterface
public interface HostFunction {
    long call(ExtensionMemory memory, long r1, long r2, long r3, long r4, long r5);

    /**
     * A host function from a method handle taking up to five {@code long}s and returning
     * {@code long} (extra registers are ignored).
     *
     * @throws IllegalArgumentException for any other type
     */
    static HostFunction of(MethodHandle handle) {
        MethodType t = handle.type();
        if (t.returnType() != long.class || t.parameterCount() > 5
                || t.parameterList().stream().anyMatch(p -> p != long.class)) {
            throw new IllegalArgumentException("a host function's method handle takes up to five longs and returns long, not " + t);
        }
        int k = t.parameterCount();
        Class<?>[] rest = new Class<?>[5 - k];
        java.util.Arrays.fill(rest, long.class);
        MethodHandle five = MethodHandles.dropArguments(handle, k, rest)
                .asType(MethodType.methodType(long.class, long.class, long.class, long.class, long.class, long.class));
        return (memory, r1, r2, r3, r4, r5) -> {
            try {
                return (long) five.invokeExact(r1, r2, r3, r4, r5);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t2) {
                throw new HostFunctionFailure("host function threw " + t2);
            }
        };
    }

    /** Thrown by a host function to end the run with a fault at the call. */
    final class HostFunctionFailure extends RuntimeException {
        public HostFunctionFailure(String message) {
            super(message);
        }
    }
}
