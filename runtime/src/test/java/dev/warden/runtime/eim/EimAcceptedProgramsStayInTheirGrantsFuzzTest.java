package dev.warden.runtime.eim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Soundness of EIM enforcement by execution: random programs that load and store through the
 * host pointer in r1 (constant and masked variable offsets, copies, branches) are verified against
 * a class, and every accepted one runs in the checking interpreter with host memory guarded by the
 * class's grants: the interpreter maps exactly the granted bytes, read-only where the class may
 * only read. Any fault of an accepted program is an access the class does not grant that the
 * verifier let through.
 */
class EimAcceptedProgramsStayInTheirGrantsFuzzTest {
    static final String POLICY = """
            struct Buf { u64 head[2]; u8 tail[48]; };
            Extension_Entry(name = "e", extension_entry = "h", prototype = (Buf *b, u64 len) -> u64)
            Extension_Class(name = "readHead", extension_entry = "e", allowed = { read(b->head) })
            Extension_Class(name = "readWriteAll", extension_entry = "e", allowed = { read(b), write(b) })
            """;

    /** A class with the bytes the interpreter maps for it (from offset 0) and their access. */
    record Guard(String className, int bytes, Access access) {}

    static final List<Guard> GUARDS = List.of(new Guard("readHead", 16, Access.READ_ONLY),
            new Guard("readWriteAll", 64, Access.READ_WRITE));
    static final int PROGRAMS = 400;
    static final int RUNS = 8;

    @Test
    void noAcceptedProgramTouchesAByteItsClassDoesNotGrant() throws Exception {
        ParseResult parsed = Eim.parse("fuzz.eim", POLICY, Path.of("."));
        assertTrue(!parsed.hasErrors(), parsed.diagnostics()::toString);
        List<String> unsound = new ArrayList<>();
        int accepted = 0;
        int rejected = 0;
        for (Guard g : GUARDS) {
            EimPlatform eim = ((EimPlatform.Built.Ok) EimPlatform.forClass(parsed, g.className())).platform();
            for (int seed = 0; seed < PROGRAMS; seed++) {
                String asm = generate(new SplittableRandom(seed * 31L + g.bytes()));
                Program p = Assembler.assemble(asm);
                VerificationResult r = Verifier.verify(p, VerifierOptions.linux(), eim);
                if (!(r instanceof VerificationResult.Verified)) {
                    rejected++;
                    continue;
                }
                accepted++;
                SplittableRandom inputs = new SplittableRandom(seed);
                try (Arena arena = Arena.ofConfined(); LoadedProgram loaded = new Interpreter().load(p, ExecOptions.defaults())) {
                    MemorySegment host = arena.allocate(g.bytes(), 8);
                    for (int run = 0; run < RUNS; run++) {
                        for (int i = 0; i < g.bytes(); i++) {
                            host.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) inputs.nextInt(256));
                        }
                        if (loaded.run(host, g.access()) instanceof ExecResult.Faulted f) {
                            unsound.add(g.className() + " seed " + seed + ": " + f.fault() + "\n" + asm);
                            break;
                        }
                    }
                }
            }
        }
        System.out.println("EIM soundness fuzz: " + accepted + " accepted (each run " + RUNS + " times), " + rejected + " rejected");
        assertTrue(unsound.isEmpty(), unsound.size() + " accepted programs faulted:\n" + String.join("\n", unsound.subList(0,
                Math.min(3, unsound.size()))));
        // Not vacuous: both verdicts occur often.
        assertTrue(accepted >= PROGRAMS / 10 && rejected >= PROGRAMS / 10, "accepted " + accepted + ", rejected " + rejected);
    }

    private static String at(int off) {
        return off < 0 ? " - " + -off : " + " + off;
    }

    private static String move(int by) {
        return by < 0 ? "r7 -= " + -by : "r7 += " + by;
    }

    /**
     * A program of 6 to 20 steps over r1 (the host object) and its copies: loads and stores of
     * 1-8 bytes at offsets around the object, offsets made variable by masking a loaded byte,
     * branches that skip a step when a loaded value is large.
     */
    static String generate(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        sb.append("r6 = r1\nr7 = r1\nr3 = 0\nr4 = 0\nr5 = 0\n");
        int steps = 6 + rnd.nextInt(15);
        String[] sizes = {"u8", "u16", "u32", "u64"};
        int[] bytes = {1, 2, 4, 8};
        for (int k = 0; k < steps; k++) {
            int s = rnd.nextInt(4);
            int off = bytes[s] * (rnd.nextInt(12) - 2); // aligned offsets from -2 to +9 units
            String ptr = rnd.nextBoolean() ? "r6" : "r7";
            switch (rnd.nextInt(7)) {
                case 0, 1 -> sb.append("r3 = *(").append(sizes[s]).append(" *)(").append(ptr).append(at(off)).append(")\n");
                case 2 -> sb.append("*(").append(sizes[s]).append(" *)(").append(ptr).append(at(off)).append(") = r4\n");
                case 3 -> sb.append("*(").append(sizes[s]).append(" *)(").append(ptr).append(at(off)).append(") = ")
                        .append(rnd.nextInt(100)).append("\n");
                case 4 -> {
                    // A variable offset: a loaded value masked to a multiple of 8 below 8 * (mask + 1).
                    int mask = new int[] {0, 1, 3, 7}[rnd.nextInt(4)];
                    sb.append("r5 = r3\nr5 &= ").append(mask).append("\nr5 <<= 3\nr7 = r6\nr7 += r5\n");
                }
                case 5 -> sb.append("if r3 > ").append(rnd.nextInt(64)).append(" goto +1\n")
                        .append(move(8 * (rnd.nextInt(5) - 1))).append("\n");
                default -> sb.append("r4 = r3\nr4 += ").append(rnd.nextInt(16)).append("\n");
            }
        }
        sb.append("r0 = r3\nexit\n");
        return sb.toString();
    }
}
