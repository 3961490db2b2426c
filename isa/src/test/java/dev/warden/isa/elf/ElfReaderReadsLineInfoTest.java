package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ElfReaderReadsLineInfoTest {

    /** Each record's text is the source line it names, in the committed C file. */
    private static void linesMatchTheSource(String name) {
        List<String> source = TestObjects.sourceLines(name);
        BpfObject obj = TestObjects.read(name);
        for (BpfProgram p : obj.programs()) {
            assertFalse(p.lines().isEmpty(), p.name() + " has line information");
            for (LineInfo l : p.lines()) {
                assertEquals("./" + name + ".c", l.file());
                if (l.line() == 0) {
                    continue; // clang's "no line" records for code without a source position
                }
                assertEquals(source.get(l.line() - 1), l.source(), "line " + l.line());
                assertTrue(l.column() <= l.source().length() + 1, "column inside the line");
                assertTrue(p.program().indexAt(l.pc()) >= 0, "pc " + l.pc() + " starts an instruction");
            }
        }
    }

    @Test
    void loopProgramLinesAreItsSourceLines() {
        linesMatchTheSource("loop");
        BpfProgram p = TestObjects.read("loop").program("checksum").orElseThrow();
        assertEquals(new LineInfo(0, "./loop.c", 5, 0, "int checksum(struct __sk_buff *skb)"), p.lines().getFirst());
        assertEquals(new LineInfo(6, "./loop.c", 9, 22, "\tfor (__u32 i = 0; i < 64 && i < skb->len; i++)"), p.lineAt(6).orElseThrow());
    }

    @Test
    void subprogramLinesMoveWithTheirFunction() {
        linesMatchTheSource("subprog");
        BpfProgram p = TestObjects.read("subprog").program("classify").orElseThrow();
        Function square = p.functions().stream().filter(f -> f.name().equals("square")).findFirst().orElseThrow();
        assertEquals("static __noinline __u64 square(__u64 x)", p.lineAt(square.pc()).orElseThrow().source());
        assertTrue(p.lines().stream().anyMatch(l -> l.pc() > square.pc() && l.pc() < square.pc() + square.slots()
                && l.source().equals("\treturn x * x;")), "square's body line lies inside square");
    }

    @Test
    void everyTestObjectReads() {
        for (String name : TestObjects.ALL) {
            linesMatchTheSource(name);
        }
    }
}
