package dev.warden.verifier;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import java.util.Optional;

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
}
