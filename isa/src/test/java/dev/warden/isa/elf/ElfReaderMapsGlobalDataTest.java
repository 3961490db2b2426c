package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.Instruction;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElfReaderMapsGlobalDataTest {
    private final BpfObject obj = TestObjects.read("global_data");

    @Test
    void rodataDataAndBssAreOneEntryArraysWithTheirInitialContents() {
        assertEquals(List.of(".rodata", ".data", ".bss"), obj.maps().stream().map(BpfMap::name).toList());
        BpfMap rodata = obj.maps().get(0);
        assertEquals(new BpfMap(0, ".rodata", MapKind.GLOBAL_DATA, MapType.ARRAY, 4, 8, 1, ElfReader.F_RDONLY_PROG,
                new byte[] {100, 0, 0, 0, 1, 2, 4, 8}), rodata);
        assertArrayEquals(new byte[] {5, 0, 0, 0, 0, 0, 0, 0}, obj.maps().get(1).initialValue());
        BpfMap bss = obj.maps().get(2);
        assertEquals(0x44, bss.valueSize());
        assertArrayEquals(new byte[0x44], bss.initialValue());
    }

    @Test
    void globalVariableReferencesBecomeMapValueLoadsWithTheVariablesOffset() {
        BpfProgram p = obj.program("weigh").orElseThrow();
        assertEquals(List.of(
                new Relocation.MapValue(2, "packets", 1, 0),
                new Relocation.MapValue(9, "history", 2, 0),
                new Relocation.MapValue(19, "weights", 0, 4),
                new Relocation.MapValue(27, "threshold", 0, 0),
                new Relocation.MapValue(31, "dropped", 2, 0x40)), p.relocations());
        assertEquals(new Instruction.LoadImm64(Reg.R3, Pseudo.MAP_IDX_VALUE, 0, 4), p.program().at(19));
        for (Relocation r : p.relocations()) {
            Relocation.MapValue v = (Relocation.MapValue) r;
            Instruction.LoadImm64 load = (Instruction.LoadImm64) p.program().at(v.pc());
            assertEquals(Pseudo.MAP_IDX_VALUE, load.pseudo());
            assertEquals(v.mapIndex(), load.imm());
            assertEquals(v.offset(), load.nextImm());
        }
    }
}
