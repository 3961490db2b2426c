package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElfReaderLinksSubprogramsTest {
    private final BpfObject obj = TestObjects.read("subprog");

    private static List<String> names(BpfProgram p) {
        return p.functions().stream().map(Function::name).toList();
    }

    @Test
    void eachProgramGetsOnlyTheSubprogramsItReachesInFirstCallOrder() {
        // classify calls sum_of_squares (through a .text section symbol), which calls square twice
        // (pc-relative, no relocation), then clamp (through its own global symbol).
        assertEquals(List.of("classify", "sum_of_squares", "clamp", "square"), names(obj.program("classify").orElseThrow()));
        assertEquals(List.of("only_clamp", "clamp"), names(obj.program("only_clamp").orElseThrow()));
        assertEquals(List.of("loop_with_callback", "add_step"), names(obj.program("loop_with_callback").orElseThrow()));
        assertTrue(obj.program("square").isEmpty(), ".text functions are not programs");
    }

    @Test
    void everyLocalCallLandsOnTheStartOfTheCalleeItNames() {
        for (BpfProgram p : obj.programs()) {
            Program code = p.program();
            int calls = 0;
            for (int i = 0; i < code.size(); i++) {
                int pc = code.pcOf(i);
                if (code.get(i) instanceof Instruction.Call c && c.kind() == Instruction.CallKind.LOCAL) {
                    calls++;
                    int target = Program.targetOf(pc, c);
                    Relocation r = p.relocations().stream().filter(x -> x.pc() == pc).findFirst().orElseThrow();
                    assertEquals(new Relocation.LocalCall(pc, r.symbol(), target), r);
                    assertEquals(r.symbol(), p.functionAt(target).orElseThrow().name());
                }
            }
            assertEquals(p.relocations().stream().filter(r -> r instanceof Relocation.LocalCall).count(), calls);
        }
        assertEquals(4, obj.program("classify").orElseThrow().relocations().size());
    }

    @Test
    void appendedSubprogramsKeepTheirCodeExceptCallOffsets() {
        byte[] text = Arrays.copyOfRange(TestObjects.object("subprog"), 0x40, 0x40 + 0xd0); // .text, per readelf -S
        BpfProgram p = obj.program("classify").orElseThrow();
        byte[] linked = p.program().encode();
        for (Function f : p.functions().subList(1, p.functions().size())) {
            for (int s = 0; s < f.slots(); s++) {
                byte[] mine = Arrays.copyOfRange(linked, (f.pc() + s) * 8, (f.pc() + s) * 8 + 8);
                byte[] orig = Arrays.copyOfRange(text, (int) f.sectionOffset() + s * 8, (int) f.sectionOffset() + s * 8 + 8);
                if ((orig[0] & 0xff) == 0x85 && (orig[1] & 0xf0) == 0x10) {
                    assertArrayEquals(Arrays.copyOf(orig, 4), Arrays.copyOf(mine, 4), "call opcode and registers kept");
                } else {
                    assertArrayEquals(orig, mine, f.name() + " slot " + s);
                }
            }
        }
    }

    @Test
    void aCallbackAddressBecomesAFunctionLoadRelativeToTheNextInstruction() {
        BpfProgram p = obj.program("loop_with_callback").orElseThrow();
        Relocation.FunctionAddress r = (Relocation.FunctionAddress) p.relocations().getFirst();
        assertEquals("add_step", p.functionAt(r.targetPc()).orElseThrow().name());
        Instruction.LoadImm64 load = (Instruction.LoadImm64) p.program().at(r.pc());
        assertEquals(Pseudo.FUNC, load.pseudo());
        assertEquals(r.targetPc(), r.pc() + 1 + load.imm());
    }

    @Test
    void textFunctionsAreAlsoLinkedOnTheirOwnAsEntries() {
        // Verifiers compare verdicts function by function, so each .text function is offered as an
        // entry too: sum_of_squares with the two helpers it reaches, square alone.
        List<String> entries = obj.textFunctions().stream().map(BpfProgram::name).sorted().toList();
        assertEquals(List.of("add_step", "clamp", "square", "sum_of_squares"), entries);
        BpfProgram sum = obj.textFunctions().stream().filter(p -> p.name().equals("sum_of_squares")).findFirst().orElseThrow();
        assertEquals(".text", sum.section());
        assertEquals(List.of("sum_of_squares", "square"), names(sum));
    }
}
