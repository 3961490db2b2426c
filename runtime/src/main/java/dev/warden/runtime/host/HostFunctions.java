package dev.warden.runtime.host;

import dev.warden.domains.Scalar;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helper;
import dev.warden.vm.Helpers;
import dev.warden.vm.VmFault;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Turns the spec's host functions into the {@code vm}'s helper table (unboxed, one lambda each). */
final class HostFunctions {
    /**
     * The first helper id given to host functions bound by name: above every Linux helper (they end
     * near 212) and the example ids hosts use, and small, since a helper table is a dense array.
     */
    private static final int FIRST_NAMED_ID = 1 << 10;

    private HostFunctions() {}

    /**
     * A {@link StackOverflowError} of a host function's own code, carried past the engines, which
     * turn a stack overflow into a {@code CALL_DEPTH} fault of the extension (their own recursion
     * is bounded, so they take one as an engine bug); {@link Extension} rethrows the error itself,
     * as it does every other throwable of a host function.
     */
    static final class HostStackOverflow extends RuntimeException {
        HostStackOverflow(StackOverflowError error) {
            super("a host function's stack overflow", error, false, false);
        }

        StackOverflowError error() {
            return (StackOverflowError) getCause();
        }
    }

    static Helpers table(Map<Integer, ExtensionSpec.Bound> functions) {
        Helpers h = Helpers.none();
        for (Map.Entry<Integer, ExtensionSpec.Bound> e : functions.entrySet()) {
            h = h.with(e.getKey(), e.getValue().name(), helper(e.getValue().name(), e.getValue().function()));
        }
        return h;
    }

    /**
     * The helper ids the spec's functions bound by name are called through once their kfunc calls
     * are linked ({@link HostLinker}): consecutive, in name order, after every id the spec binds.
     */
    static Map<String, Integer> namedIds(ExtensionSpec spec) {
        int next = Math.max(FIRST_NAMED_ID, spec.functions().keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (String name : spec.namedFunctions().keySet()) {
            ids.put(name, next++);
        }
        return ids;
    }

    /**
     * {@link #table} plus the functions bound by name under {@code ids}, each checking its result
     * against what the verifier assumed of it ({@code assumed(name)}: empty when nothing is assumed).
     */
    static Helpers table(ExtensionSpec spec, Map<String, Integer> ids, Function<String, Optional<Scalar>> assumed,
                         Function<String, String> promise) {
        Helpers h = table(spec.functions());
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            String name = e.getKey();
            Helper call = helper(name, spec.namedFunctions().get(name));
            Optional<Scalar> range = assumed.apply(name);
            h = h.with(e.getValue(), name, range.isEmpty() ? call : checked(name, call, range.get(), promise.apply(name)));
        }
        return h;
    }

    private static Helper checked(String name, Helper call, Scalar range, String promise) {
        return (memory, pc, r1, r2, r3, r4, r5) -> {
            long r0 = call.call(memory, pc, r1, r2, r3, r4, r5);
            if (!range.contains(r0)) {
                throw new VmFault(pc, FaultKind.HELPER_FAILED, "host function " + name + " returned " + r0 + ", which breaks " + promise
                        + ", assumed by the proof of the code after the call");
            }
            return r0;
        };
    }

    private static Helper helper(String name, HostFunction f) {
        return (memory, pc, r1, r2, r3, r4, r5) -> {
            ExtensionMemory view = new ExtensionMemory(memory, pc);
            try {
                return f.call(view, r1, r2, r3, r4, r5);
            } catch (HostFunction.HostFunctionFailure e) {
                throw new VmFault(pc, FaultKind.HELPER_FAILED, "host function " + name + ": " + e.getMessage());
            } catch (StackOverflowError e) {
                throw new HostStackOverflow(e);
            } finally {
                view.end(); // a view kept past the call would reach the next run's stack, or freed memory
            }
        };
    }
}
