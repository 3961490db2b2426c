package dev.warden.verifier;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tells the user which violations are real: each violation that a run can exhibit (a memory
 * fault, a null or non-pointer dereference, a helper refusing its argument) is replayed in the
 * checking interpreter with a {@link WitnessReplayer}: first the input a Z3 model of a path to it
 * gives ({@link Violation#model()}), then directed random inputs. One that faults at the
 * violation's pc becomes {@link WitnessStatus#CONFIRMED} with the input and where it came from
 * ({@value #FROM_MODEL} or {@value #FROM_SEARCH}); one not found {@link WitnessStatus#NOT_CONFIRMED}
 * ("may be a false alarm"). Violations no run can show (a loop bound, a return range, a leaked
 * reference) stay {@link WitnessStatus#NOT_SEARCHED}.
 */
public final class Witnesses {
    /** How a witness input found from a Z3 model is introduced. */
    public static final String FROM_MODEL = "from a Z3 model";
    /** How a witness input found by the random search is introduced. */
    public static final String FROM_SEARCH = "from the random search";

    private Witnesses() {}

    /** Whether a run of the program can fault because of this kind of violation. */
    public static boolean observableByRunning(ObligationKind kind) {
        return switch (kind) {
            case VALID_ACCESS, NON_NULL, TYPE, HELPER_ARGUMENT, CALL_DEPTH -> true;
            case INITIALISED, KNOWN_CALL, BOUNDED_LOOP, RETURN_RANGE, REFERENCE_RELEASED, VALID_DIVISOR,
                 NO_POINTER_LEAK, CONSTRAINT, LIMIT -> false;
        };
    }

    /**
     * Whether a run of an EIM entry can show this violation: what {@link #observableByRunning}
     * says, and a constraint at a call (the replay checks a granted call's argument constraints
     * on the concrete arguments).
     */
    public static boolean observableByRunningEim(Violation v, BpfProgram program) {
        if (observableByRunning(v.kind())) {
            return true;
        }
        return v.kind() == ObligationKind.CONSTRAINT && program.program().indexAt(v.pc()) >= 0
                && program.program().at(v.pc()) instanceof dev.warden.isa.Instruction.Call;
    }

    /**
     * {@code result} of a program verified against EIM class {@code eim}, with the witness status of
     * each violation a run of the entry can show; all stay {@link WitnessStatus#NOT_SEARCHED} where
     * {@link EimWitnessReplayer#unsupported} gives a reason. Which input confirmed it is said as
     * for Linux programs ({@value #FROM_MODEL} when a Z3 model's bytes were in it).
     */
    public static VerificationResult confirmEim(VerificationResult result, BpfObject object, BpfProgram program,
                                                dev.warden.verifier.eim.EimPlatform eim, EimWitnessReplayer replayer) {
        if (!(result instanceof VerificationResult.Rejected r) || replayer.unsupported(object, program, eim).isPresent()) {
            return result;
        }
        Set<Integer> pcs = new TreeSet<>();
        Map<Integer, ModelInput> models = new java.util.TreeMap<>();
        for (Violation v : r.violations()) {
            if (observableByRunningEim(v, program)) {
                pcs.add(v.pc());
                v.model().ifPresent(m -> models.putIfAbsent(v.pc(), m));
            }
        }
        if (pcs.isEmpty()) {
            return result;
        }
        Map<Integer, String> found = replayer.findFaults(object, program, eim, pcs, models);
        List<Violation> updated = r.violations().stream().map(v -> {
            if (!observableByRunningEim(v, program)) {
                return v;
            }
            String input = found.get(v.pc());
            return input == null ? v.withWitness(WitnessStatus.NOT_CONFIRMED, Optional.empty())
                    : v.withWitness(WitnessStatus.CONFIRMED, Optional.of(input));
        }).toList();
        return new VerificationResult.Rejected(updated, r.stats(), r.log());
    }

    /** {@code result} with the witness status of each of its violations; an accepted result unchanged. */
    public static VerificationResult confirm(VerificationResult result, BpfObject object, BpfProgram program,
                                             String programType, WitnessReplayer replayer) {
        if (!(result instanceof VerificationResult.Rejected r)) {
            return result;
        }
        List<Violation> updated = new ArrayList<>(r.violations());
        Set<Integer> unfound = new TreeSet<>();
        for (int i = 0; i < updated.size(); i++) {
            Violation v = updated.get(i);
            if (!observableByRunning(v.kind())) {
                continue;
            }
            Optional<String> fromModel = v.model().flatMap(m -> replayer.replayModel(object, program, programType, v.pc(), m));
            if (fromModel.isPresent()) {
                updated.set(i, v.withWitness(WitnessStatus.CONFIRMED, Optional.of(FROM_MODEL + ": " + fromModel.get())));
            } else {
                unfound.add(v.pc());
            }
        }
        if (unfound.isEmpty() && updated.equals(r.violations())) {
            return result;
        }
        Map<Integer, String> found = unfound.isEmpty() ? Map.of() : replayer.findFaults(object, program, programType, unfound);
        for (int i = 0; i < updated.size(); i++) {
            Violation v = updated.get(i);
            if (!observableByRunning(v.kind()) || v.witness() == WitnessStatus.CONFIRMED) {
                continue;
            }
            String input = found.get(v.pc());
            updated.set(i, input == null ? v.withWitness(WitnessStatus.NOT_CONFIRMED, Optional.empty())
                    : v.withWitness(WitnessStatus.CONFIRMED, Optional.of(FROM_SEARCH + ": " + input)));
        }
        return new VerificationResult.Rejected(List.copyOf(updated), r.stats(), r.log());
    }
}
