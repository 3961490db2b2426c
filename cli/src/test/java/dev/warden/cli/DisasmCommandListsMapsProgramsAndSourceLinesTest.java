package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisasmCommandListsMapsProgramsAndSourceLinesTest {

    /** Exit status, stdout and stderr of one {@code warden} run. */
    private record Run(int status, String out, String err) {}

    private static Run warden(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Warden.run(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** The bundled examples, found from the module directory Maven runs tests in, or the repository root. */
    private static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void listsSectionsMapsAndInstructionsWithTheirSourceLines() {
        Run r = warden("disasm", example("xdp_counter.o").toString());
        assertEquals(0, r.status(), r.err());
        String out = r.out();
        assertTrue(out.contains("license \"GPL\", 1 program, 2 maps"), out);
        assertTrue(out.matches("(?s).*\\[ 3]  xdp +PROGBITS +AX .*"), out);
        assertTrue(out.contains("    0  proto_count      BTF .maps    array                4      8         256  0x0"), out);
        assertTrue(out.contains("    1  .rodata          global data  array                4      1           1  0x80"), out);
        assertTrue(out.contains("Program xdp_counter (section xdp): 30 instructions, 32 slots"), out);
        assertTrue(out.contains("; __u32 key = ip->protocol;  [./examples/xdp_counter.c:27:18]"), out);
        assertTrue(out.matches("(?s).*\n   15: r1 = map\\[idx:0] ll +; map proto_count\n.*"), out);
        assertTrue(out.matches("(?s).*\n   22: r1 = map\\[idx:1]\\[0]\\+0 ll +; \\.rodata\\+0 \\(blocked_proto\\)\n.*"), out);
    }

    @Test
    void sectionOptionShowsOnlyThatSectionsProgramsWithSubprograms() {
        Run r = warden("disasm", example("checksum.o").toString(), "--section", "socket");
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("Sections:"), r.out());
        assertTrue(r.out().contains("Program checksum (section socket)"), r.out());
        assertTrue(r.out().contains("<fold> from .text:"), r.out());
    }

    @Test
    void unknownSectionIsAUserError() {
        Run r = warden("disasm", example("checksum.o").toString(), "--section", "xdp");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("no program in section xdp; programs are in: socket"), r.err());
    }

    @Test
    void malformedObjectIsALocatedUserErrorWithoutStackTrace(@TempDir Path dir) throws IOException {
        byte[] b = Files.readAllBytes(example("xdp_counter.o"));
        b[18] = 62; // e_machine: x86-64
        Path bad = dir.resolve("bad.o");
        Files.write(bad, b);
        Run r = warden("disasm", bad.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("bad.o: not a usable eBPF object:\n  offset 0x12: e_machine: expected 247 (EM_BPF)"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        Run missing = warden("disasm", dir.resolve("missing.o").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("missing.o: no such file"), missing.err());
    }
}
