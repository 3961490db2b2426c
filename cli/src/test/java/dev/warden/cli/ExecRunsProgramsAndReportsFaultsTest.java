package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecRunsProgramsAndReportsFaultsTest {

    record Outcome(int status, String out, String err) {}

    static Outcome warden(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Warden.run(args);
            return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @TempDir Path dir;

    @Test
    void conformanceDataFileRunsWithItsMemory() {
        Path file = ConformancePluginProtocolPassesTheSuiteTest.suite("tests").resolve("ldxh.data");
        Outcome o = warden("exec", file.toString());
        assertEquals(0, o.status(), o.err());
        assertEquals("r0 = 0x2211 (8721)\n", o.out());
    }

    @Test
    void rawBytesWithMemoryAndJsonTiming() throws Exception {
        // ldxw r0, [r1 + 0]; exit
        Path bin = dir.resolve("p.bin");
        Files.write(bin, new byte[] {0x61, 0x10, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0});
        Outcome o = warden("exec", bin.toString(), "--mem", "aa bb cc dd", "--repeat", "50", "--json");
        assertEquals(0, o.status(), o.err());
        assertTrue(Pattern.matches("\\{\"engine\":\"interp\",\"r0\":\"0xddccbbaa\",\"instructions\":2,\"runs\":50,"
                + "\"median_ns\":\\d+,\"median_cpu_ns\":\\d+,\"ns_per_instruction\":[0-9.]+}\\n", o.out()), o.out());
        Path mem = dir.resolve("mem");
        Files.write(mem, new byte[] {1, 2, 3, 4});
        assertEquals("r0 = 0x4030201 (67305985)\n", warden("exec", bin.toString(), "--mem", "@" + mem).out());
    }

    @Test
    void instructionsAreCountedOnlyWhenAsked() throws Exception {
        // A loop of 3 instructions per trip, 1,000 trips. Counting takes an interpreter run of
        // its own under --engine jit, so exec counts only with --count (or --repeat).
        Path loop = dir.resolve("loop.s");
        Files.writeString(loop, "r0 = 0\nr1 = 1000\nl: r0 += r1\nr1 -= 1\nif r1 != 0 goto l\nexit\n");
        for (String engine : new String[] {"interp", "jit"}) {
            Outcome plain = warden("exec", loop.toString(), "--engine", engine, "--json");
            assertEquals("{\"engine\":\"" + engine + "\",\"r0\":\"0x7a314\"}\n", plain.out(), plain.err());
            Outcome counted = warden("exec", loop.toString(), "--engine", engine, "--json", "--count");
            assertEquals("{\"engine\":\"" + engine + "\",\"r0\":\"0x7a314\",\"instructions\":3003}\n",
                    counted.out(), counted.err());
            assertEquals("r0 = 0x7a314 (500500)\n3003 instructions executed\n",
                    warden("exec", loop.toString(), "--engine", engine, "--count").out());
        }
    }

    @Test
    void assemblyFilesAreAssembledInEitherSyntax() throws Exception {
        Path llvm = dir.resolve("p.s");
        Files.writeString(llvm, "r0 = *(u16 *)(r1 + 2)\nr0 += 1\nexit\n");
        assertEquals("r0 = 0xddcd (56781)\n", warden("exec", llvm.toString(), "aa bb cc dd").out());
        Path mnemonic = dir.resolve("p.asm");
        Files.writeString(mnemonic, "ldxh %r0, [%r1+2]\nadd %r0, 1\nexit\n");
        assertEquals("r0 = 0xddcd (56781)\n", warden("exec", mnemonic.toString(), "aa bb cc dd").out());
        Path bad = dir.resolve("bad.s");
        Files.writeString(bad, "r0 =\nexit\n");
        Outcome o = warden("exec", bad.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("bad.s:") && o.err().contains("1:"), o.err());
    }

    @Test
    void faultPrintsPcKindAndMessageAndExitsTwo() throws Exception {
        Path bin = dir.resolve("p.bin");
        Files.write(bin, new byte[] {0x61, 0x10, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0});
        Outcome o = warden("exec", bin.toString());
        assertEquals(2, o.status());
        assertTrue(o.out().startsWith("fault at pc 0: OUT_OF_BOUNDS: load of 4 bytes at 0x"), o.out());
        Outcome json = warden("exec", bin.toString(), "--json");
        assertEquals(2, json.status());
        assertTrue(json.out().contains("\"fault\":{\"pc\":0,\"kind\":\"OUT_OF_BOUNDS\""), json.out());
    }

    @Test
    void badInputsAreLocatedUserErrors() throws Exception {
        Path bin = dir.resolve("bad.bin");
        Files.write(bin, new byte[] {(byte) 0x95, 1, 0, 0, 0, 0, 0, 0});
        Outcome o = warden("exec", bin.toString());
        assertEquals(1, o.status());
        assertTrue(o.err().contains("instruction 0: dst = 1: unused field must be zero"), o.err());
        Path data = dir.resolve("bad.data");
        Files.writeString(data, "-- asm\nmov %r0, 1\nexit\n-- mem\nzz\n");
        Outcome d = warden("exec", data.toString());
        assertEquals(1, d.status());
        assertTrue(d.err().contains("bad.data:5: 'zz' is not a hex byte"), d.err());
        Outcome missing = warden("exec", dir.resolve("nope.bin").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("cannot read"), missing.err());
        Outcome engine = warden("exec", bin.toString(), "--engine", "nope");
        assertEquals(1, engine.status());
    }

    @Test
    void elfObjectRunsThroughBothEngines() {
        Path checksum = findUp("examples/checksum.o");
        String header = "45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7";
        assertEquals("r0 = 0xb861 (47201)\n", warden("exec", checksum.toString(), header).out());
        assertEquals("r0 = 0xb861 (47201)\n", warden("exec", checksum.toString(), "--mem", header, "--engine", "jit").out());
    }

    private static Path findUp(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(relative))) {
            p = p.getParent();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(p != null, relative + " not found");
        return p.resolve(relative);
    }
}
