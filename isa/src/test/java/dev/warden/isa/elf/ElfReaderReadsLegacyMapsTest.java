package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ElfReaderReadsLegacyMapsTest {
    private final BpfObject obj = TestObjects.read("legacy_maps");

    @Test
    void bpfMapDefsGiveTheMaps() {
        assertEquals(List.of(
                new BpfMap(0, "opens", MapKind.LEGACY, 1, 4, 8, 1024, 0, new byte[0]),
                new BpfMap(1, "totals", MapKind.LEGACY, 2, 4, 8, 2, 0, new byte[0])), obj.maps());
        assertEquals("Dual BSD/GPL", obj.license());
    }

    @Test
    void everyFunctionOfAProgramSectionIsAProgram() {
        assertEquals(List.of("socket_filter", "on_open", "on_open_again"), obj.programs().stream().map(BpfProgram::name).toList());
        assertEquals(List.of("on_open", "on_open_again"),
                obj.programsInSection("kprobe/sys_open").stream().map(BpfProgram::name).toList());
        // The second program of the section starts at byte 0x70 there, but at pc 0 of its own program.
        BpfProgram again = obj.program("on_open_again").orElseThrow();
        assertEquals(List.of(new Function("on_open_again", 0, 14, "kprobe/sys_open", 0x70)), again.functions());
        assertEquals(List.of(new Relocation.MapRef(4, "opens", 0)), again.relocations());
        assertEquals(List.of(new Relocation.MapRef(5, "totals", 1), new Relocation.MapRef(15, "opens", 0)),
                obj.program("socket_filter").orElseThrow().relocations());
    }
}
