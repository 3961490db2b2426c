package dev.warden.cli;

import static dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden exec PROG --policy P --class C}: verify against the class, then run with r1 = --mem, r2 = its length. */
class ExecVerifiesAgainstEimClassTest {
    static final Path ROOT = Path.of("..");
    static final String WORKLOADS = ROOT.resolve("bench/workloads/workloads.bpf.o").toString();
    static final String BENCH = ROOT.resolve("bench/workloads/bench.eim").toString();

    @TempDir
    Path dir;

    /** A 4 KiB buffer (sizeof(Buffer) in bench.eim) of varied bytes. */
    String buffer(int size) throws Exception {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        Path p = dir.resolve("buf" + size + ".bin");
        Files.write(p, b);
        return "@" + p;
    }

    @Test
    void aWorkloadTheClassAllowsRunsAndReturnsWhatThePlainRunReturns() throws Exception {
        String mem = buffer(4096);
        for (String engine : new String[] {"interp", "jit"}) {
            Outcome checked = warden("exec", WORKLOADS, "--section", "wl_fnv1a", "--mem", mem, "--engine", engine,
                    "--policy", BENCH, "--class", "bufferOnly");
            assertEquals(0, checked.status(), checked.out() + checked.err());
            // The JIT leaves out the checks the proof made redundant: fnv1a's one load through *data.
            String how = engine.equals("jit") ? "1 of 1 memory checks left out (proved)" : "every memory check kept (interp)";
            assertTrue(checked.out().startsWith("verified against class bufferOnly of " + BENCH + "; running with " + how + "\n"),
                    checked.out());
            Outcome plain = warden("exec", WORKLOADS, "--section", "wl_fnv1a", "--mem", mem, "--engine", engine);
            assertEquals(0, plain.status(), plain.out() + plain.err());
            String r0 = plain.out().lines().filter(l -> l.startsWith("r0 = ")).findFirst().orElseThrow();
            assertTrue(checked.out().contains(r0 + "\n"), checked.out() + " vs " + plain.out());
        }
        Outcome json = warden("exec", WORKLOADS, "--section", "wl_bubble_sort", "--mem", mem, "--json", "--policy", BENCH,
                "--class", "bufferOnly");
        assertEquals(0, json.status(), json.out() + json.err());
        assertTrue(json.out().contains("\"class\":\"bufferOnly\"") && json.out().contains("\"r0\":"), json.out());
    }

    @Test
    void fletcherRunsThroughTheJitWithBothOfItsPointerWalkChecksLeftOut() throws Exception {
        // Its pointer moves by 2 beside the counter (docs/eim.md): both loads through *data are proved.
        String mem = buffer(4096);
        Outcome checked = warden("exec", WORKLOADS, "--section", "wl_fletcher", "--mem", mem, "--engine", "jit",
                "--policy", BENCH, "--class", "bufferOnly");
        assertEquals(0, checked.status(), checked.out() + checked.err());
        assertTrue(checked.out().startsWith("verified against class bufferOnly of " + BENCH
                + "; running with 2 of 2 memory checks left out (proved)\n"), checked.out());
        Outcome plain = warden("exec", WORKLOADS, "--section", "wl_fletcher", "--mem", mem, "--engine", "interp");
        assertEquals(0, plain.status(), plain.out() + plain.err());
        String r0 = plain.out().lines().filter(l -> l.startsWith("r0 = ")).findFirst().orElseThrow();
        assertTrue(checked.out().contains(r0 + "\n"), checked.out() + " vs " + plain.out());
    }

    @Test
    void aRejectedProgramExitsOneWithItsViolations() throws Exception {
        // Reads byte 4096 of a 4096-byte Buffer: outside what the class's entry points to.
        Path asm = dir.resolve("past.s");
        Files.writeString(asm, "r0 = *(u8 *)(r1 + 4096)\nexit\n");
        Outcome o = warden("exec", asm.toString(), "--mem", buffer(4096), "--policy", BENCH, "--class", "bufferOnly");
        assertEquals(1, o.status(), o.out() + o.err());
        assertTrue(o.err().contains("program main is rejected by class bufferOnly:\n  pc 0: "), o.err());
        assertTrue(o.err().contains("*data"), o.err());
        assertTrue(o.out().isEmpty(), o.out());
    }

    @Test
    void whatCannotBeRunThisWayIsRefusedWithAReason() throws Exception {
        Outcome shortBuffer = warden("exec", WORKLOADS, "--section", "wl_fnv1a", "--mem", buffer(100), "--policy", BENCH,
                "--class", "bufferOnly");
        assertEquals(2, shortBuffer.status());
        assertTrue(shortBuffer.err().contains("points r1 to 4096 bytes (sizeof *data)") && shortBuffer.err().contains("--mem gives 100"),
                shortBuffer.err());
        Outcome longBuffer = warden("exec", WORKLOADS, "--section", "wl_fnv1a", "--mem", buffer(5000), "--policy", BENCH,
                "--class", "bufferOnly");
        assertEquals(2, longBuffer.status());
        assertTrue(longBuffer.err().contains("r2 = 5000 (the --mem length) is not a value")
                && longBuffer.err().contains("len in [0, 4096]"), longBuffer.err());

        Outcome redis = warden("exec", ROOT.resolve("corpus/eim/redis_tuner.o").toString(), "--policy",
                ROOT.resolve("corpus/policies/redis-durability.eim").toString(), "--class", "durabilityTuner");
        assertEquals(2, redis.status());
        assertTrue(redis.err().contains("exec --policy runs an entry shaped (T *data, uN len)")
                && redis.err().contains("entry beforeSleep ()"), redis.err());

        Path helper = dir.resolve("helper.s");
        Files.writeString(helper, "call 5\nr0 = 0\nexit\n");
        Outcome calls = warden("exec", helper.toString(), "--mem", buffer(4096), "--policy", BENCH, "--class", "bufferOnly");
        assertEquals(2, calls.status());
        assertTrue(calls.err().contains("pc 0: calls helper 5 (the run has no helper"), calls.err());

        Outcome linux = warden("exec", WORKLOADS, "--type", "xdp", "--policy", BENCH, "--class", "bufferOnly");
        assertEquals(2, linux.status());
        assertTrue(linux.err().contains("--policy runs take --mem"), linux.err());
    }
}
