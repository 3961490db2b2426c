package dev.warden.runtime.eim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Soundness of run-time slices, by random programs: each indexes {@code data} (granted
 * {@code read(data[0, len))}) after random comparisons of random indexes against the right
 * length, the wrong one or a constant, in every unsigned, signed and 32-bit form, with the index
 * nudged by -1, 0 or +1 after the check, at a random width and displacement, in straight code or
 * a loop. Every program the verifier accepts runs in the checking interpreter with {@code data}
 * addressable for exactly {@code len} bytes, for lengths from 0 up: any fault is an access the
 * verifier let past the run's length.
 */
class SliceAccessesStayBelowTheLengthFuzzTest {
    static final String POLICY = """
            Extension_Entry(name = "e", extension_entry = "h", prototype = (u8 *data, u64 len, u64 other, u32 len32) -> u64)
            Extension_Class(name = "c", extension_entry = "e", allowed = { read(data[0, len)) })
            """;
    static final int PROGRAMS = 600;
    static final long[] LENGTHS = {0, 1, 2, 3, 4, 7, 8, 9, 64};

    @Test
    void noAcceptedProgramReadsPastTheRunsLength() throws Exception {
        ParseResult parsed = Eim.parse("slices.eim", POLICY, Path.of("."));
        assertTrue(!parsed.hasErrors(), parsed.diagnostics()::toString);
        EimPlatform eim = ((EimPlatform.Built.Ok) EimPlatform.forClass(parsed, "c")).platform();
        VerifierOptions options = VerifierOptions.linux().withTermination(Termination.RUNTIME);
        List<String> unsound = new ArrayList<>();
        int accepted = 0;
        int rejected = 0;
        for (int seed = 0; seed < PROGRAMS; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            String asm = generate(rnd);
            Program p = Assembler.assemble(asm);
            if (!(Verifier.verify(p, options, eim) instanceof VerificationResult.Verified)) {
                rejected++;
                continue;
            }
            accepted++;
            try (Arena arena = Arena.ofConfined();
                 LoadedProgram loaded = new Interpreter().load(p, ExecOptions.defaults().withBudget(100_000))) {
                long most = LENGTHS[LENGTHS.length - 1];
                MemorySegment data = arena.allocate(most + 2 * Memory.GUARD, 16).asSlice(Memory.GUARD, most);
                loaded.memory().addRegion(data, Access.READ_ONLY, "*data");
                MemorySegment noInput = arena.allocate(1).asSlice(0, 0);
                for (long len : LENGTHS) {
                    loaded.memory().resizeRegion(data.address(), len);
                    for (long other : new long[] {0, len + 1, len + 5, -1}) {
                        long[] args = {data.address(), len, other, len};
                        if (loaded.runWithArguments(args, noInput, Access.READ_ONLY) instanceof ExecResult.Faulted f
                                && f.fault().kind() != dev.warden.vm.FaultKind.BUDGET_EXHAUSTED) {
                            unsound.add("seed " + seed + " len " + len + " other " + other + ": " + f.fault() + "\n" + asm);
                        }
                    }
                }
            }
        }
        System.out.println("slice soundness fuzz: " + accepted + " accepted, " + rejected + " rejected");
        assertTrue(unsound.isEmpty(), unsound.size() + " accepted programs read past the length:\n"
                + String.join("\n", unsound.subList(0, Math.min(3, unsound.size()))));
        // Not vacuous: both verdicts occur often.
        assertTrue(accepted >= PROGRAMS / 10 && rejected >= PROGRAMS / 10, "accepted " + accepted + ", rejected " + rejected);
    }

    private static final String[] CONDITIONS = {"<", "<=", ">", ">=", "s<", "s<=", "s>", "s>=", "==", "!="};

    /** One comparison of the index r3 with a bound, jumping to {@code target} when it holds. */
    private static String test(SplittableRandom rnd, String target) {
        String bound = switch (rnd.nextInt(6)) {
            case 0, 1, 2 -> "r2";
            case 3 -> "r4";
            case 4 -> "r5";
            default -> Integer.toString(rnd.nextInt(10));
        };
        boolean narrow = rnd.nextInt(4) == 0;
        String x = narrow ? "w3" : "r3";
        String y = narrow && bound.startsWith("r") ? "w" + bound.substring(1) : bound;
        String c = CONDITIONS[rnd.nextInt(CONDITIONS.length)];
        return rnd.nextBoolean() ? "if " + x + " " + c + " " + y + " goto " + target + "\n"
                : y.startsWith("r") || y.startsWith("w") ? "if " + y + " " + c + " " + x + " goto " + target + "\n"
                : "if " + x + " " + c + " " + y + " goto " + target + "\n";
    }

    private static String access(SplittableRandom rnd) {
        String[] sizes = {"u8", "u8", "u16", "u32", "u64"};
        int disp = rnd.nextInt(3) - 1;
        StringBuilder sb = new StringBuilder();
        int nudge = rnd.nextInt(5) == 0 ? rnd.nextInt(3) - 1 : 0;
        if (nudge != 0) {
            sb.append("r3 += ").append(nudge).append('\n');
        }
        sb.append("r8 = r1\nr8 += r3\n");
        sb.append("r0 = *(").append(sizes[rnd.nextInt(sizes.length)]).append(" *)(r8 ").append(disp < 0 ? "- 1" : "+ " + disp).append(")\n");
        return sb.toString();
    }

    static String generate(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder("r0 = 0\n");
        sb.append(switch (rnd.nextInt(5)) {
            case 0, 1 -> "r3 = 0\n";
            case 2 -> "r3 = r2\nr3 += -1\n";
            case 3 -> "r3 = r4\n";
            default -> "r3 = " + rnd.nextInt(8) + "\n";
        });
        if (rnd.nextBoolean()) {
            // Straight code: one or two tests guard the access.
            sb.append(test(rnd, "out"));
            if (rnd.nextBoolean()) {
                sb.append(test(rnd, "out"));
            }
            sb.append(access(rnd));
        } else {
            // A loop: test at the top (exit when it holds), or at the bottom behind an entry test.
            if (rnd.nextBoolean()) {
                sb.append("loop:\n").append(test(rnd, "out")).append(access(rnd)).append("r3 += 1\ngoto loop\n");
            } else {
                sb.append(test(rnd, "out")).append("loop:\n").append(access(rnd)).append("r3 += 1\n");
                String back = test(rnd, "loop");
                sb.append(back);
            }
        }
        sb.append("out:\nexit\n");
        return sb.toString();
    }
}
