package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.runtime.ConformanceData;
import dev.warden.vm.Engines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the conformance suite through {@code warden conformance-plugin} in-process, exactly as
 * the bpf_conformance runner drives a plugin: the memory as one argument of hex bytes each
 * followed by two spaces, the options after it, the program on stdin in the same format, and
 * r0 parsed from stdout as hex (what the runner does with {@code std::stoull(s, nullptr, 16)}).
 * {@code scripts/conformance.sh} does the same through real processes.
 */
class ConformancePluginProtocolPassesTheSuiteTest {

    record Outcome(int status, String out, String err) {}

    static Outcome plugin(byte[] program, List<String> args) {
        InputStream savedIn = System.in;
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream((runnerHex(program) + "\n").getBytes(StandardCharsets.US_ASCII)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            List<String> argv = new ArrayList<>();
            argv.add("conformance-plugin");
            argv.addAll(args);
            int status = Warden.run(argv.toArray(String[]::new));
            return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(savedIn);
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /** The runner's {@code _base_16_encode}: two hex digits and two spaces per byte. */
    static String runnerHex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x  ", b & 0xff));
        }
        return sb.toString();
    }

    static Path suite(String dir) {
        Path p = Path.of(System.getProperty("warden.shared", "../shared"), "testdata", "bpf-conformance", dir).normalize();
        Assumptions.assumeTrue(Files.isDirectory(p), "external test data not found at " + p.toAbsolutePath());
        return p;
    }

    static List<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(suite(dir))) {
            return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        }
    }

    private static Stream<DynamicTest> suiteThrough(List<String> options) throws IOException {
        List<Path> files = files("tests");
        assertEquals(313, files.size());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ConformanceData d = ConformanceData.parse(file.toString(), Files.readString(file));
            byte[] program = Assembler.assemble(d.asm().orElseThrow()).encode();
            List<String> args = new ArrayList<>();
            // Newer runners leave the memory argument out when there is none; older ones pass "".
            if (d.memory().length > 0) {
                args.add(runnerHex(d.memory()));
            }
            args.addAll(options);
            Outcome o = plugin(program, args);
            assertEquals(0, o.status(), o.err());
            String line = o.out().strip();
            assertTrue(line.startsWith("0x"), line);
            assertEquals(d.result().orElseThrow(), Long.parseUnsignedLong(line.substring(2), 16), line);
        }));
    }

    @TestFactory
    Stream<DynamicTest> all313ThroughTheInterpreter() throws IOException {
        return suiteThrough(List.of());
    }

    @TestFactory
    Stream<DynamicTest> all313ThroughTheJit() throws IOException {
        Assumptions.assumeTrue(Engines.find("jit").isPresent(), "no jit engine on the class path");
        return suiteThrough(List.of("--jit"));
    }

    @Test
    void badEncodingsExitNonZeroWithALocatedMessageOnStderr() throws Exception {
        int checked = 0;
        for (Path file : files("negative")) {
            String name = file.getFileName().toString();
            if (!name.startsWith("unused-")) {
                continue;
            }
            ConformanceData d = ConformanceData.parse(name, Files.readString(file));
            Outcome o = plugin(d.raw().orElseThrow(), List.of());
            String field = name.substring(name.lastIndexOf('-') + 1, name.length() - ".data".length());
            assertNotEquals(0, o.status(), name);
            assertEquals("", o.out(), name);
            assertTrue(o.err().contains("instruction 0: " + field + " = "), name + ": " + o.err());
            checked++;
        }
        assertEquals(45, checked);
    }

    @Test
    void optionsMayComeBeforeOrAfterTheMemoryAndInOneArgument() {
        // ldxw r0, [r1]; exit
        byte[] program = {0x61, 0x10, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
        String mem = "aa  bb  cc  dd  ";
        List<List<String>> forms = new ArrayList<>(List.of(List.of(mem), List.of(mem, ""), List.of("", mem)));
        if (Engines.find("jit").isPresent()) {
            forms.addAll(List.of(List.of("--jit", mem), List.of(mem, "--jit"), List.of(mem, "--jit ")));
        }
        for (List<String> args : forms) {
            Outcome o = plugin(program, args);
            assertEquals(new Outcome(0, "0xddccbbaa\n", ""), o, args.toString());
        }
    }

    @Test
    void elfObjectsArriveAsHexOnStdinWithElf() throws IOException {
        Path object = Path.of("").toAbsolutePath();
        while (object != null && !Files.exists(object.resolve("examples/checksum.o"))) {
            object = object.getParent();
        }
        Assumptions.assumeTrue(object != null, "examples/checksum.o not found");
        byte[] elf = Files.readAllBytes(object.resolve("examples/checksum.o"));
        byte[] header = {0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, (byte) 0xc0, (byte) 0xa8, 0, 1,
            (byte) 0xc0, (byte) 0xa8, 0, (byte) 0xc7};
        assertEquals(new Outcome(0, "0xb861\n", ""), plugin(elf, List.of(runnerHex(header), "--elf")));
        Outcome notElf = plugin(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, List.of("--elf"));
        assertEquals(1, notElf.status());
        assertTrue(notElf.err().startsWith("program on stdin: invalid ELF object"), notElf.err());
    }

    @Test
    void faultsAndUnknownOptionsAreErrorsNotResults() {
        // ldxdw r0, [r1 + 0] with no memory: out of bounds.
        byte[] program = {0x79, 0x10, 0, 0, 0, 0, 0, 0, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0};
        Outcome fault = plugin(program, List.of());
        assertEquals(1, fault.status());
        assertTrue(fault.err().startsWith("fault at pc 0: OUT_OF_BOUNDS"), fault.err());
        Outcome bad = plugin(program, List.of("--fast"));
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("unknown option --fast"), bad.err());
        Outcome notHex = plugin(program, List.of("zz"));
        assertEquals(1, notHex.status());
        assertTrue(notHex.err().contains("memory argument: token 1 'zz'"), notHex.err());
    }
}
