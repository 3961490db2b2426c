package dev.warden.jit;

import dev.warden.vm.Fault;
import dev.warden.vm.VmFault;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The static faults of one compiled program (see {@link StaticFaults}), handed to its class as
 * class data, so that generated code raises fault {@code i} with one int constant instead of a
 * string constant per message: the constant pool then does not grow with the number of faulting
 * instructions. Filled while translating, read-only once the class is loaded.
 */
final class FaultTable {
    private final List<Fault> faults = new ArrayList<>();
    private final Map<Integer, Integer> byPc = new HashMap<>();

    /** The index of {@code fault} (one per pc: an instruction's static fault depends on it alone). */
    int indexOf(Fault fault) {
        return byPc.computeIfAbsent(fault.pc(), pc -> {
            faults.add(fault);
            return faults.size() - 1;
        });
    }

    /** Called by generated code: the exception to throw for fault {@code index}. */
    VmFault raise(int index) {
        return new VmFault(faults.get(index));
    }
}
