package dev.warden.verifier;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tells the user which violations are real: each violation that a run can exhibit (a memory
 * fault, a null or non-pointer dereference, a helper refusing its argument) is searched for with
 * a {@link WitnessReplayer}; one found becomes {@link WitnessStatus#CONFIRMED} with the input,
 * one not found {@link WitnessStatus#NOT_CONFIRMED} ("may be a false alarm"). Violations no run
 * can show (a loop bound, a return range, a leaked reference) stay {@link WitnessStatus#NOT_SEARCHED}.
 */
public final class Witnesses {
    private Witnesses() {}

    /** Whether a run of the program can fault because of this kind of violation. */
    public static boolean observableByRunning(ObligationKind kind) {
        return switch (kind) {
            case VALID_ACCESS, NON_NULL, TYPE, HELPER_ARGUMENT, CALL_DEPTH -> true;
            case INITIALISED, KNOWN_CALL, BOUNDED_LOOP, RETURN_RANGE, REFERENCE_RELEASED, VALID_DIVISOR,
                 NO_POINTER_LEAK, CONSTRAINT, LIMIT -> false;
        };
    }

    /** {@code result} with the witness status of each of its violations; an accepted result unchanged. */
    public static VerificationResult confirm(VerificationResult result, BpfObject object, BpfProgram program,
                                             String programType, WitnessReplayer replayer) {
        if (!(result instanceof VerificationResult.Rejected r)) {
            return result;
        }
        Set<Integer> pcs = new TreeSet<>();
        for (Violation v : r.violations()) {
            if (observableByRunning(v.kind())) {
                pcs.add(v.pc());
            }
        }
        if (pcs.isEmpty()) {
            return result;
        }
        Map<Integer, String> found = replayer.findFaults(object, program, programType, pcs);
        List<Violation> updated = r.violations().stream().map(v -> {
            if (!observableByRunning(v.kind())) {
                return v;
            }
            String input = found.get(v.pc());
            return input == null ? v.withWitness(WitnessStatus.NOT_CONFIRMED, Optional.empty())
                    : v.withWitness(WitnessStatus.CONFIRMED, Optional.of(input));
        }).toList();
        return new VerificationResult.Rejected(updated, r.stats(), r.log());
    }
}
