package dev.warden.runtime.jit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.isa.random.RandomProgramGenerator;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The JIT against the reference interpreter on random programs: identical r0 (which folds in
 * every register), input memory, outermost stack frame and fault. 100,000 programs per run by
 * default ({@code -Dwarden.differential.programs=N} to change it, {@code
 * -Dwarden.differential.seed=S} to move the seeds); every seed reproduces its program.
 *
 * <p>Mix: most programs come from {@link DifferentialProgramGenerator} (every instruction
 * family, local calls, helpers, deliberate faults), one in five from the kernel oracle's
 * {@link RandomProgramGenerator} (verifier-shaped programs), and one in ten runs under a small
 * instruction budget (half of them 0 to 15), where both engines must stop at the same pc with
 * the same memory.
 */
class JitAgreesWithInterpreterOnRandomProgramsTest {
    private static final int PROGRAMS = Integer.getInteger("warden.differential.programs", 100_000);
    private static final long FIRST_SEED = Long.getLong("warden.differential.seed", 0);

    /** One seed's outcome: the interpreter's result, and how the JIT differed (null if not). */
    private record Outcome(long seed, ExecResult reference, String difference) {}

    private static Outcome check(long seed, Interpreter interp, JitEngine jit, RandomProgramGenerator kernelShaped) {
        Program p = seed % 5 == 4
                ? kernelShaped.generate(seed).program()
                : DifferentialProgramGenerator.generate(seed, 8 + (int) Math.floorMod(seed * 7, 40));
        // One in ten under a small budget, half of those tiny (0..15: the first block or two).
        ExecOptions base = DifferentialProgramGenerator.options();
        ExecOptions options = seed % 20 == 3
                ? base.withBudget(10 + Math.floorMod(seed * 13, 300))
                : seed % 20 == 13
                        ? base.withBudget(Math.floorMod(seed * 7, 16))
                        : base;
        byte[] input = DifferentialProgramGenerator.input(seed);
        EngineRun reference = EngineRun.of(interp, p, input, options);
        EngineRun compiled = EngineRun.of(jit, p, input, options);
        String difference = compiled.differenceFrom(reference);
        return new Outcome(seed, reference.result(), difference == null ? null
                : "seed " + seed + " (budget " + options.budget() + "): " + difference + "\n" + Disassembler.listing(p));
    }

    @Test
    void jitAndInterpreterAgreeOnEveryRandomProgram() {
        Interpreter interp = new Interpreter();
        JitEngine jit = new JitEngine();
        RandomProgramGenerator kernelShaped = new RandomProgramGenerator(
                GeneratorOptions.defaults().withBodyInstructions(30));
        // Seeds are independent, so the cores share them (compiling 100,000 classes is the cost).
        List<Outcome> outcomes = LongStream.range(FIRST_SEED, FIRST_SEED + PROGRAMS).parallel()
                .mapToObj(seed -> check(seed, interp, jit, kernelShaped))
                .toList();
        Map<FaultKind, Integer> faults = new EnumMap<>(FaultKind.class);
        int returned = 0;
        List<String> failures = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.difference() != null && failures.size() < 5) {
                failures.add(o.difference());
            }
            switch (o.reference()) {
                case ExecResult.Returned r -> returned++;
                case ExecResult.Faulted f -> faults.merge(f.fault().kind(), 1, Integer::sum);
            }
        }
        long differing = outcomes.stream().filter(o -> o.difference() != null).count();
        if (differing > 0) {
            fail(differing + " programs differ; the first:\n" + String.join("\n\n", failures));
        }
        // The mix must exercise both outcomes and the main fault kinds, or it tests little.
        int total = returned + faults.values().stream().mapToInt(Integer::intValue).sum();
        String mix = "returned " + returned + " of " + total + ", faults " + faults;
        System.out.println("differential JIT vs interpreter: " + mix);
        assertTrue(returned > total / 4, mix);
        if (PROGRAMS >= 10_000) {
            for (FaultKind k : List.of(FaultKind.OUT_OF_BOUNDS, FaultKind.MISALIGNED, FaultKind.CALL_DEPTH,
                    FaultKind.BUDGET_EXHAUSTED, FaultKind.UNKNOWN_HELPER, FaultKind.BAD_CALLX,
                    FaultKind.FRAME_POINTER_WRITE)) {
                assertTrue(faults.getOrDefault(k, 0) > 0, "no program faulted with " + k + ": " + mix);
            }
            // callx to the tail call (DifferentialProgramGenerator.TAIL_CALL) is one of the BAD_CALLX cases.
            assertTrue(outcomes.stream().anyMatch(o -> o.reference() instanceof ExecResult.Faulted f
                    && f.fault().message().contains("cannot be called through callx")), "no callx reached the tail call: " + mix);
        }
    }
}
