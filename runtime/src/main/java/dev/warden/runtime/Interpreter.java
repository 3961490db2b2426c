package dev.warden.runtime;

import dev.warden.isa.Program;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;

/**
 * The reference interpreter, engine "interp": runs any decoded program, verified or not, with
 * every memory access checked. It is the oracle the JIT and the verifier are tested against.
 */
public final class Interpreter implements Engine {
    public static final String NAME = "interp";

    /** Whether programs this interpreter loads record the branch edges their runs take. */
    public enum Coverage {
        /** The plain loop: nothing recorded, nothing spent on it. */
        OFF,
        /** Every conditional jump records its edge ({@link BranchEdges}); a coverage-guided search's feedback. */
        BRANCH_EDGES
    }

    private final Coverage coverage;

    /** The interpreter, recording nothing. */
    public Interpreter() {
        this(Coverage.OFF);
    }

    /** The interpreter; with {@link Coverage#BRANCH_EDGES} the programs it loads record their branch edges. */
    public Interpreter(Coverage coverage) {
        this.coverage = coverage;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LoadedProgram load(Program program, ExecOptions options) {
        return new InterpretedProgram(program, options, coverage);
    }

    /**
     * The branch edges {@code program}'s runs executed, when this interpreter loaded it with
     * {@link Coverage#BRANCH_EDGES}; empty otherwise (another engine, or coverage off).
     */
    public static java.util.Optional<BranchEdges> branchEdges(LoadedProgram program) {
        return program instanceof InterpretedProgram p ? p.branchEdges() : java.util.Optional.empty();
    }

    /**
     * Runs once and also reports how many instructions executed (for measuring the time per
     * instruction).
     */
    public static Counted executeCounted(Program program, byte[] input, ExecOptions options) {
        try (InterpretedProgram loaded = new InterpretedProgram(program, options)) {
            ExecResult r = loaded.run(input);
            return new Counted(r, loaded.executedInstructions());
        }
    }

    /**
     * The instructions {@code program}'s last run executed, when the interpreter loaded it (another
     * engine does not count): a survey's measure of how far its inputs drive a program.
     */
    public static java.util.OptionalLong executedInstructions(LoadedProgram program) {
        return program instanceof InterpretedProgram p ? java.util.OptionalLong.of(p.executedInstructions())
                : java.util.OptionalLong.empty();
    }

    /** A result with the number of instructions the run executed. */
    public record Counted(ExecResult result, long instructions) {}
}
