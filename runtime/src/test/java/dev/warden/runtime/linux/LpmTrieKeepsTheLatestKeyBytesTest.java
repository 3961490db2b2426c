package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by the kernel differential, ProgramsWithMapsAgreeWithTheKernelTest): updating an
 * LPM element whose data differs from the stored key only beyond the prefix replaces the key bytes,
 * as Linux's {@code trie_update_elem} replaces the node; a listing then shows the latest key.
 */
class LpmTrieKeepsTheLatestKeyBytesTest {
    static final BpfMap LPM = new BpfMap(0, "lpm", MapKind.BTF, 11, 8, 8, 4, 1, new byte[0]);

    @Test
    void anUpdateOfTheSamePrefixReplacesTheKeyBytes() throws Exception {
        BpfProgram p = new BpfProgram("nop", "xdp", Assembler.assemble("r0 = 0\nexit\n"), List.of(), List.of(), List.of());
        try (LinuxEnvironment env = LinuxEnvironment.load(new BpfObject(List.of(), List.of(p), List.of(LPM), "GPL"), p,
                LinuxProgramType.XDP)) {
            HostMap lpm = env.map("lpm").orElseThrow();
            byte[] first = {7, 0, 0, 0, 10, 1, 0, 0};
            byte[] second = {7, 0, 0, 0, 10, 1, 0, (byte) 0x86}; // the same 7-bit prefix, other bits beyond it
            assertEquals(0, lpm.update(first, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, HostMap.ANY));
            assertEquals(0, lpm.update(second, new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, HostMap.EXIST));
            List<MapEntry> entries = lpm.entries();
            assertEquals(1, entries.size());
            assertArrayEquals(second, entries.get(0).key());
            assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0}, entries.get(0).value());
        }
    }
}
