package dev.warden.verifier;

import java.util.Objects;
import java.util.Optional;

/**
 * One obligation the verifier could not prove.
 *
 * @param pc the instruction (slot index, as {@code llvm-objdump} numbers it)
 * @param line the source line from BTF line info ({@code file.c:12}), when the object has it
 * @param obligation what could not be proved, as data ({@link #kind()} names it)
 * @param message what went wrong, in words a C programmer understands
 * @param state the abstract values involved, as the log prints them
 * @param witness whether a concrete input was found that faults here
 * @param witnessInput a description of that input, and where it came from ("from a Z3 model", "random search"), when one was found
 * @param model what a Z3 model of a path to the violation says of the inputs, when Z3 found one: the first input a
 *              witness search replays
 */
public record Violation(int pc, Optional<String> line, Obligation obligation, String message, String state,
                        WitnessStatus witness, Optional<String> witnessInput, Optional<ModelInput> model) {
    public Violation {
        Objects.requireNonNull(line);
        Objects.requireNonNull(obligation);
        Objects.requireNonNull(message);
        Objects.requireNonNull(state);
        Objects.requireNonNull(witness);
        Objects.requireNonNull(witnessInput);
        Objects.requireNonNull(model);
    }

    /** The obligation's kind, the stable name in logs and JSON. */
    public ObligationKind kind() {
        return obligation.kind();
    }

    public Violation withWitness(WitnessStatus status, Optional<String> input) {
        return new Violation(pc, line, obligation, message, state, status, input, model);
    }

    @Override
    public String toString() {
        return "pc " + pc + line.map(l -> " (" + l + ")").orElse("") + ": " + obligation.kind().key() + ": " + message;
    }
}
