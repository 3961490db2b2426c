package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.Instruction;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElfReaderReadsBtfMapsTest {
    private final BpfObject obj = TestObjects.read("btf_maps");

    @Test
    void mapsHaveTheDeclaredTypesSizesAndFlags() {
        assertEquals(List.of(
                new BpfMap(0, "flows", MapKind.BTF, 1, 12, 8, 1024, 0, new byte[0]),
                new BpfMap(1, "stats", MapKind.BTF, 6, 4, 8, 4, 0, new byte[0]),
                new BpfMap(2, "config", MapKind.BTF, 2, 4, 16, 2, 0x80, new byte[0])), obj.maps());
        assertEquals("percpu_array", obj.maps().get(1).typeName());
    }

    @Test
    void mapReferencesBecomeMapIndexLoads() {
        BpfProgram p = obj.program("count_flows").orElseThrow();
        assertEquals("xdp", p.section());
        assertEquals(List.of(new Relocation.MapRef(11, "flows", 0), new Relocation.MapRef(21, "flows", 0),
                new Relocation.MapRef(27, "stats", 1), new Relocation.MapRef(36, "config", 2)), p.relocations());
        assertEquals(new Instruction.LoadImm64(Reg.R1, Pseudo.MAP_IDX, 2, 0), p.program().at(36));
        assertEquals(44, p.program().slotCount());
        assertEquals("GPL", obj.license());
    }
}
