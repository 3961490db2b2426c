package dev.warden.cli;

import static dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandReportsVerdictsTest {

    @TempDir Path dir;

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void safeAssemblyIsAcceptedWithExitZero() throws Exception {
        Path p = file("ok.s", """
                r0 = 0
                *(u64 *)(r10 - 8) = r0
                r0 = *(u64 *)(r10 - 8)
                exit
                """);
        Outcome o = warden("verify", p.toString());
        assertEquals(0, o.status(), o.out() + o.err());
        assertTrue(o.out().contains(": accept"), o.out());
    }

    @Test
    void stackAccessOutsideTheFrameIsRejectedAtItsPc() throws Exception {
        Path p = file("bad.s", """
                r0 = 0
                r1 = *(u64 *)(r10 + 8)
                exit
                """);
        Outcome o = warden("verify", p.toString(), "--json");
        assertEquals(1, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("\"verdict\": \"reject\""), o.out());
        assertTrue(o.out().contains("\"pc\": 1, \"line\": \"\", \"obligation\": \"valid_access\""), o.out());
    }

    @Test
    void readingAnUninitialisedRegisterIsRejected() throws Exception {
        Path p = file("uninit.s", """
                r0 = r3
                exit
                """);
        Outcome o = warden("verify", p.toString());
        assertEquals(1, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("pc 0") && o.out().contains("initialised"), o.out());
    }

    @Test
    void jsonHasOneEntryPerProgramWithTheDocumentedFields() throws Exception {
        Outcome o = warden("verify", "../examples/xdp_counter.o", "--json");
        assertTrue(o.status() == 0 || o.status() == 1, o.out() + o.err());
        Pattern entry = Pattern.compile("\\{\"section\": \"xdp\", \"function\": \"[a-z_]+\", \"type\": \"xdp\", "
                + "\"verdict\": \"(accept|reject)\", \"seconds\": [0-9.]+, \"instructions\": [1-9][0-9]*, \"z3_queries\": \\d+, "
                + "\"checks_elided\": \\d+, \"checks_total\": \\d+, \"violations\": \\[");
        assertTrue(o.out().startsWith("{\"objects\": [{\"file\": \"../examples/xdp_counter.o\", \"programs\": ["), o.out());
        assertTrue(entry.matcher(o.out()).find(), o.out());
    }

    @Test
    void malformedInputIsAnErrorEntryWithExitTwo() throws Exception {
        Path elf = dir.resolve("broken.o");
        Files.write(elf, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        Path asm = file("broken.s", "r0 = \nexit\n");
        Outcome o = warden("verify", elf.toString(), asm.toString(), dir.resolve("missing.o").toString(), "--json");
        assertEquals(2, o.status(), o.out() + o.err());
        assertEquals(3, o.out().split("\"verdict\": \"error\"", -1).length - 1, o.out());
        assertTrue(o.out().contains("invalid ELF object"), o.out());
        assertTrue(o.out().contains("not valid assembly"), o.out());
        assertTrue(o.out().contains("no such file"), o.out());
        assertTrue(o.err().isEmpty(), "no stack trace: " + o.err());
    }

    @Test
    void unknownProgramTypeIsABadInput() throws Exception {
        Path p = file("ok.s", "r0 = 0\nexit\n");
        Outcome o = warden("verify", p.toString(), "--type", "no_such_type");
        assertEquals(2, o.status());
        assertTrue(o.err().contains("no program type 'no_such_type'"), o.err());
    }

    @Test
    void manyFilesOnManyThreadsKeepTheirOrder() throws Exception {
        Path a = file("a.s", "r0 = 0\nexit\n");
        Path b = file("b.s", "r0 = r5\nexit\n");
        Outcome o = warden("verify", a.toString(), b.toString(), a.toString(), "--jobs", "3", "--json");
        assertEquals(1, o.status(), o.out() + o.err());
        int ia = o.out().indexOf("a.s");
        int ib = o.out().indexOf("b.s");
        int ia2 = o.out().lastIndexOf("a.s");
        assertTrue(ia < ib && ib < ia2, o.out());
    }

    @Test
    void aFaultOnlyAZ3ModelFindsIsConfirmedAndJsonSaysSo() throws Exception {
        // data[1000] is read only when the packet is exactly 1000 bytes long: past the random search's lengths.
        Path p = file("exact.s", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r3
                r4 -= r2
                r0 = 0
                if r4 != 1000 goto +1
                r5 = *(u8 *)(r2 + 1000)
                exit
                """);
        Outcome text = warden("verify", p.toString(), "--type", "xdp");
        assertEquals(1, text.status(), text.out() + text.err());
        assertTrue(text.out().contains("confirmed by a run in the checking interpreter, input from a Z3 model: packet of 1000 bytes"),
                text.out());
        Outcome json = warden("verify", p.toString(), "--type", "xdp", "--json");
        assertTrue(json.out().contains("\"pc\": 6, \"line\": \"\", \"obligation\": \"valid_access\"")
                && json.out().contains("\"confirmed\": true"), json.out());
    }

    @Test
    void aRealViolationIsConfirmedByARunAndJsonSaysSo() throws Exception {
        Path p = file("unchecked.s", """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r0 = *(u8 *)(r2 + 13)
                exit
                """);
        Outcome text = warden("verify", p.toString(), "--type", "xdp");
        assertEquals(1, text.status(), text.out() + text.err());
        assertTrue(text.out().contains("confirmed by a run in the checking interpreter, input from "), text.out());
        assertTrue(text.out().contains("packet of"), text.out());
        Outcome json = warden("verify", p.toString(), "--type", "xdp", "--json");
        assertTrue(json.out().contains("\"pc\": 2, \"line\": \"\", \"obligation\": \"valid_access\"")
                && json.out().contains("\"confirmed\": true"), json.out());
        Outcome none = warden("verify", p.toString(), "--type", "xdp", "--json", "--witness", "none");
        assertTrue(none.out().contains("\"confirmed\": false"), none.out());
    }
}
