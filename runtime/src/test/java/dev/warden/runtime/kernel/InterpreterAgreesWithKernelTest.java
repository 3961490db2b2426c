package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.random.Feature;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.vm.Engine;
import dev.warden.vm.Engines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The differential test of issue 2: random programs run in Warden's interpreter and in the Linux
 * kernel (verifier, JIT, {@code BPF_PROG_TEST_RUN}), and their whole exit states — r0-r9, all 64
 * bits, and the stack area — must be equal. Skipped, never passed, where bpf() does not work.
 *
 * <p>Program {@code i} comes from seed {@code base + i} (the long profile's base is 10^9 higher).
 * A failure prints the Maven command that replays it ({@code -Dwarden.kernel.seed},
 * {@code -Dwarden.kernel.programs}); change the volume with {@code -Dwarden.kernel.programs=N}.
 */
class InterpreterAgreesWithKernelTest {
    private static final long BASE_SEED = Long.getLong("warden.kernel.seed", 0x5EED_0002L);
    private static final int PROGRAMS = Integer.getInteger("warden.kernel.programs", 10_000);
    /** Verifier rejections tolerated: they are excluded from the comparison, so they must stay rare. */
    private static final double MAX_REJECTED_FRACTION = 0.01;
    private static final int REPORTED = 5;
    /** Keeps the long profile's seeds apart from the default profile's. */
    private static final long LONG_PROFILE_SEEDS = 1_000_000_000L;

    /** The default mix: every feature the kernel runs right, about 80 instructions, loops nested up to 3 deep. */
    @Test
    void randomProgramsLeaveTheSameStateInBoth() {
        compare("randomProgramsLeaveTheSameStateInBoth", GeneratorOptions.defaults().with(Feature.LOCAL_CALLS), 0, PROGRAMS);
    }

    /**
     * Fewer, longer programs without loops or calls: longer chains of dependent values, more of the
     * stack (calls would multiply the verifier's work on these sizes several times over).
     */
    @Test
    void longProgramsLeaveTheSameStateInBoth() {
        GeneratorOptions o = GeneratorOptions.defaults().without(Feature.LOOPS);
        o = new GeneratorOptions(o.features(), 400, 32, 1, 2);
        compare("longProgramsLeaveTheSameStateInBoth", o, LONG_PROFILE_SEEDS, Math.max(1, PROGRAMS / 5));
    }

    /** Compares programs from seeds {@code BASE_SEED + seedOffset + i}; {@code test} names the method, for replay lines. */
    private static void compare(String test, GeneratorOptions requested, long seedOffset, int programs) {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        Engine interp = Engines.find("interp").orElseThrow(
                () -> new AssertionError("the interpreter engine is not on the class path: " + Engines.names()));
        KernelDifferential.Report r = KernelDifferential.run(
                interp, KernelDifferential.kernelSafe(requested), BASE_SEED + seedOffset, programs, REPORTED);
        System.out.println(test + ": " + r.summary());
        r.rejections().forEach(line -> System.out.println("  rejected " + line));
        if (r.mismatchCount() > 0) {
            List<String> shown = new ArrayList<>();
            for (KernelDifferential.Mismatch m : r.mismatches()) {
                shown.add("seed " + m.seed() + " (replay: ./mvnw -q -B -o -pl runtime -am verify"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dtest=InterpreterAgreesWithKernelTest#" + test
                        + " -Dwarden.kernel.seed=" + (m.seed() - seedOffset)
                        + " -Dwarden.kernel.programs=" + (seedOffset == 0 ? 1 : 5) + "): "
                        + m.what() + "\n" + Disassembler.listing(m.program()));
            }
            fail(r.summary() + "\n\n" + String.join("\n\n", shown));
        }
        assertTrue(r.agreed() > 0, "no program was compared");
        assertTrue(r.rejected() <= MAX_REJECTED_FRACTION * programs,
                r.summary() + "\nthe generator makes programs the verifier refuses:\n" + String.join("\n", r.rejections()));
    }
}
