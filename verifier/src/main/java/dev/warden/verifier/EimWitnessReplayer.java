package dev.warden.verifier;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.eim.EimPlatform;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs an extension as the entry of an EIM class would be called, to confirm a violation found
 * against the class: host memory laid out as the class's host objects with only the granted bytes
 * addressable, the entry's arguments in r1..r5, and each granted call checking its argument
 * constraints on the concrete arguments. The {@code runtime} module implements it.
 */
public interface EimWitnessReplayer {
    /**
     * Why no run can show violations of {@code program} under {@code eim} (an entry shape the run
     * cannot call, a map it cannot provide...), or empty when runs can be made.
     */
    Optional<String> unsupported(BpfObject object, BpfProgram program, EimPlatform eim);

    /**
     * Runs the entry on inputs (first the ones {@code models} give, then directed ones) until each
     * pc of {@code pcs} has faulted once or the budget is spent.
     *
     * @return per pc that faulted, a description of the input and the fault
     */
    Map<Integer, String> findFaults(BpfObject object, BpfProgram program, EimPlatform eim, Set<Integer> pcs,
                                    Map<Integer, ModelInput> models);
}
