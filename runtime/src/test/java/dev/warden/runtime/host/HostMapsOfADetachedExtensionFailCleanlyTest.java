package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@link HostMap} the host kept past {@code close()} (or a hot reload that dropped its map): the
 * maps' native memory is freed, so every operation must fail with an
 * {@link IllegalStateException} that says so, never read or write the freed memory, for every
 * kind of storage (array values, hash values, a ring buffer, a queue's ring) and isolation mode.
 */
class HostMapsOfADetachedExtensionFailCleanlyTest {
    static final List<BpfMap> MAPS = List.of(
            new BpfMap(0, "array", MapKind.BTF, 2, 4, 8, 4, 0, new byte[0]),
            new BpfMap(1, "hash", MapKind.BTF, 1, 4, 8, 4, 0, new byte[0]),
            new BpfMap(2, "ring", MapKind.BTF, 27, 0, 0, 4096, 0, new byte[0]),
            new BpfMap(3, "queue", MapKind.BTF, 22, 0, 8, 4, 0, new byte[0]));

    private static void refused(String what, Runnable use) {
        IllegalStateException e = assertThrows(IllegalStateException.class, use::run, what);
        assertTrue(e.getMessage().contains("detached"), what + ": " + e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = IsolationMode.class, names = {"NONE", "MPROTECT"})
    void everyOperationOnAMapOfAClosedExtensionIsRefused(IsolationMode mode) throws Exception {
        BpfProgram p = new BpfProgram("p", "xdp", Assembler.assemble("r0 = 2\nexit\n"), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), MAPS, "GPL");
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("p", LinuxProgramType.XDP)).withCpus(1).withIsolation(mode);
        HostMap array;
        HostMap hash;
        HostMap ring;
        HostMap queue;
        try (Extension ext = Extensions.load(o, "maps.o", spec, VerificationPolicy.linux())) {
            array = ext.map("array").orElseThrow();
            hash = ext.map("hash").orElseThrow();
            ring = ext.map("ring").orElseThrow();
            queue = ext.map("queue").orElseThrow();
            assertEquals(0, array.update(new byte[4], new byte[8], HostMap.ANY));
            assertEquals(0, hash.update(new byte[4], new byte[8], HostMap.ANY));
            assertEquals(0, queue.push(new byte[8], HostMap.ANY));
        }
        byte[] key = new byte[4];
        for (HostMap m : List.of(array, hash)) {
            refused(m.name() + " lookup", () -> m.lookup(key));
            refused(m.name() + " lookupPerCpu", () -> m.lookupPerCpu(key));
            refused(m.name() + " update", () -> m.update(key, new byte[8], HostMap.ANY));
            refused(m.name() + " delete", () -> m.delete(key));
            refused(m.name() + " entries", m::entries);
        }
        refused("ring poll", ring::poll);
        refused("queue push", () -> queue.push(new byte[8], HostMap.ANY));
        refused("queue pop", queue::pop);
        refused("queue peek", queue::peek);
        refused("queue entries", queue::entries);
    }
}
