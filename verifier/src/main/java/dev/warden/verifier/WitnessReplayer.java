package dev.warden.verifier;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a program on concrete inputs in the checking interpreter to confirm a violation. The
 * {@code runtime} module implements it; the verifier only calls it, so it does not depend on the
 * interpreter.
 */
public interface WitnessReplayer {
    /**
     * Searches for an input under which the program faults at {@code pc} (directed random inputs:
     * packet lengths, context fields, map contents, helper results) within a small budget.
     *
     * @return a description of the input that faulted there, or empty if none was found
     */
    Optional<String> findFault(BpfObject object, BpfProgram program, String programType, int pc);

    /**
     * Turns what a Z3 model says of the inputs into one concrete input (the same shape the search
     * draws) and runs it once, with a second run where the first showed which map keys the program
     * looks up.
     *
     * @return a description of the input, when the run faulted at {@code pc}; empty otherwise (a
     *         model that does not reproduce is no witness), and empty where the replayer cannot
     *         build inputs from a model
     */
    default Optional<String> replayModel(BpfObject object, BpfProgram program, String programType, int pc, ModelInput model) {
        return Optional.empty();
    }

    /**
     * One search for faults at any of {@code pcs}: the first input found for each pc. The default
     * searches pc by pc; implementations that can watch all pcs in one search should.
     */
    default Map<Integer, String> findFaults(BpfObject object, BpfProgram program, String programType, Set<Integer> pcs) {
        Map<Integer, String> found = new TreeMap<>();
        for (int pc : pcs) {
            findFault(object, program, programType, pc).ifPresent(d -> found.put(pc, d));
        }
        return found;
    }
}
