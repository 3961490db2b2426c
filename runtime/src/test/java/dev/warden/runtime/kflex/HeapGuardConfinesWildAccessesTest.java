package dev.warden.runtime.kflex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.KflexHeap;
import dev.warden.runtime.linux.KflexOptions;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.vm.ExecResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The heap's guard (one mask, one add) has the same semantics in the interpreter and the JIT, and
 * confines every address to the heap: corpus/kflex/sandbox.c stores and loads through addresses its
 * request chooses (random, the host's own memory, just past the heap, unaligned), and after each
 * request both engines return the same value and leave byte-identical heaps, while a canary in host
 * memory the requests aim at stays untouched. The guard is there where the proof says (some of the
 * program's heap accesses are proved inside the root object and elided, the wild ones are not).
 */
class HeapGuardConfinesWildAccessesTest {
    @Test
    void bothEnginesConfineWildAddressesToTheHeapAlike() throws Exception {
        BpfObject object = KflexFixtures.object("sandbox");
        VerifiedProgram proof = KflexFixtures.verified(object);
        KflexOptions kflex = new KflexOptions(KflexFixtures.HEAP, 0);
        try (Arena arena = Arena.ofConfined();
             LinuxEnvironment interp = LinuxEnvironment.loadVerified(object, proof, LinuxProgramType.XDP, 1_000, new Interpreter(), kflex);
             LinuxEnvironment jit = LinuxEnvironment.loadVerified(object, proof, LinuxProgramType.XDP, 1_000, new JitEngine(), kflex)) {
            ProvedChecks checks = jit.elision().orElseThrow();
            assertTrue(checks.heapGuardsElided() > 0 && checks.heapGuardsElided() < checks.heapGuardsTotal(),
                    "some heap accesses proved (elided), the wild ones guarded: " + checks.heapGuardsElided() + "/" + checks.heapGuardsTotal());
            MemorySegment canary = arena.allocate(64, 8);
            canary.fill((byte) 0x5a);
            KflexHeap a = interp.heap().orElseThrow();
            KflexHeap b = jit.heap().orElseThrow();
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 3000; i++) {
                long store = pick(random, i, canary.address(), a);
                long load = pick(random, i + 1, canary.address() + 8, a);
                byte[] request = KflexFixtures.request(load, store, random.nextLong());
                ExecResult x = interp.run(request);
                ExecResult y = jit.run(request);
                assertInstanceOf(ExecResult.Returned.class, x, "request " + i);
                assertEquals(x, y, "request " + i);
                if (i % 100 == 0) {
                    assertArrayEquals(a.bytes(), b.bytes(), "heaps after request " + i);
                }
            }
            assertArrayEquals(a.bytes(), b.bytes(), "heaps at the end");
            for (long k = 0; k < 64; k++) {
                assertEquals((byte) 0x5a, canary.get(ValueLayout.JAVA_BYTE, k), "host memory the requests aimed at is untouched");
            }
        }
    }

    /** Addresses of every kind: random, the host's canary, the heap's last bytes, the heap's own addresses, NULL. */
    private static long pick(SplittableRandom random, int i, long host, KflexHeap heap) {
        return switch (i % 5) {
            case 0 -> random.nextLong();
            case 1 -> host;
            case 2 -> heap.base() + heap.size() - 1 - random.nextInt(8);
            case 3 -> heap.base() + random.nextLong(heap.size());
            default -> 0;
        };
    }
}
