package dev.warden.runtime.host;

import dev.warden.vm.FaultKind;
import dev.warden.vm.Helper;
import dev.warden.vm.Helpers;
import dev.warden.vm.VmFault;
import java.util.Map;

/** Turns the spec's host functions into the {@code vm}'s helper table (unboxed, one lambda each). */
final class HostFunctions {
    private HostFunctions() {}

    static Helpers table(Map<Integer, ExtensionSpec.Bound> functions) {
        Helpers h = Helpers.none();
        for (Map.Entry<Integer, ExtensionSpec.Bound> e : functions.entrySet()) {
            h = h.with(e.getKey(), e.getValue().name(), helper(e.getValue().name(), e.getValue().function()));
        }
        return h;
    }

    private static Helper helper(String name, HostFunction f) {
        return (memory, pc, r1, r2, r3, r4, r5) -> {
            try {
                return f.call(new ExtensionMemory(memory, pc), r1, r2, r3, r4, r5);
            } catch (HostFunction.HostFunctionFailure e) {
                throw new VmFault(pc, FaultKind.HELPER_FAILED, "host function " + name + ": " + e.getMessage());
            }
        };
    }
}
