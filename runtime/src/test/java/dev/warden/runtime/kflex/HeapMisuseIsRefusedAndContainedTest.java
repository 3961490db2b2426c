package dev.warden.runtime.kflex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.KflexHeap;
import dev.warden.runtime.linux.KflexOptions;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Termination;
import dev.warden.verifier.platform.Platform;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A verified extension that misuses its KFlex heap, in both engines: it frees an interior pointer,
 * frees an object twice, frees a pointer it read back from the heap where the host planted an
 * address of its own memory, writes through that forged pointer, and allocates until the heap is
 * exhausted. The allocator refuses each bad free with -EINVAL and changes nothing, the guard
 * confines the forged store to the heap (host memory untouched), exhaustion is a NULL result, and
 * both engines leave the same heap.
 */
class HeapMisuseIsRefusedAndContainedTest {
    /**
     * Allocates 32 bytes at p; records in the root object free(p + 16), free(p), free(p) again,
     * free(forged) where forged is the root's word 7 (planted by the host), then stores 0x77 through
     * forged + 8. Returns 1, or 0 when the allocation fails.
     */
    static final String MISUSE = """
            call 65026
            r6 = r0
            r1 = 32
            call 65024
            if r0 == 0 goto +19
            r7 = r0
            r1 = r7
            r1 += 16
            call 65025
            *(u64 *)(r6 + 8) = r0
            r1 = r7
            call 65025
            *(u64 *)(r6 + 16) = r0
            r1 = r7
            call 65025
            *(u64 *)(r6 + 24) = r0
            r1 = *(u64 *)(r6 + 56)
            call 65025
            *(u64 *)(r6 + 32) = r0
            r1 = *(u64 *)(r6 + 56)
            r2 = 0x77
            *(u64 *)(r1 + 8) = r2
            r0 = 1
            exit
            r0 = 0
            exit
            """;

    /** Allocates 64 KiB objects until the heap says no; returns how many it got. */
    static final String EXHAUST = """
            r6 = 0
            r1 = 65536
            call 65024
            if r0 == 0 goto +2
            r6 += 1
            goto -5
            r0 = r6
            exit
            """;

    static Stream<Engine> engines() {
        return Stream.of(new Interpreter(), new JitEngine());
    }

    private static VerifiedProgram verified(BpfObject o) {
        VerifierOptions options = VerifierOptions.linux().withPlatform(Platform.linux().withHeap(KflexFixtures.HEAP))
                .withTermination(Termination.RUNTIME);
        VerificationResult r = Verifier.verify(o, o.programs().getFirst(), options);
        return assertInstanceOf(VerificationResult.Verified.class, r, () -> r.toString()).program();
    }

    private static BpfObject object(String asm) throws Exception {
        BpfProgram p = new BpfProgram("p", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(p), List.of(), "GPL");
    }

    private static long word(byte[] heap, long offset) {
        return ByteBuffer.wrap(heap).order(ByteOrder.LITTLE_ENDIAN).getLong((int) offset);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void badFreesAreRefusedAndAForgedPointerStaysInTheHeap(Engine engine) throws Exception {
        BpfObject o = object(MISUSE);
        VerifiedProgram proof = verified(o);
        try (Arena arena = Arena.ofConfined();
             LinuxEnvironment env = LinuxEnvironment.loadVerified(o, proof, LinuxProgramType.XDP, 10_000, engine,
                     new KflexOptions(KflexFixtures.HEAP, 0))) {
            KflexHeap heap = env.heap().orElseThrow();
            MemorySegment host = arena.allocate(64, 8);
            host.fill((byte) 0x5a);
            byte[] before = host.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            long root = heap.base() + KflexHeap.ROOT_OFFSET;
            // The host plants the address of its own memory in the root object's last word.
            try (var w = heap.openWrite()) {
                MemorySegment.ofAddress(root).reinterpret(64).set(java.lang.foreign.ValueLayout.JAVA_LONG, 56, host.address());
            }
            assertEquals(new ExecResult.Returned(1), env.run(new byte[0]));
            byte[] bytes = heap.bytes();
            assertEquals(-22, word(bytes, KflexHeap.ROOT_OFFSET + 8), "free of an interior pointer");
            assertEquals(0, word(bytes, KflexHeap.ROOT_OFFSET + 16), "the first free");
            assertEquals(-22, word(bytes, KflexHeap.ROOT_OFFSET + 24), "the second free of the same object");
            assertEquals(-22, word(bytes, KflexHeap.ROOT_OFFSET + 32), "free of a forged pointer");
            assertEquals(0, heap.liveObjects(), "the object was freed once, nothing else");
            assertArrayEquals(before, host.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "the host's memory is untouched");
            // The forged store landed where the guard put it: inside the heap.
            long confined = (host.address() + 8 & KflexFixtures.HEAP - 1);
            assertEquals(0x77, word(bytes, confined), "the store went to the heap offset the guard computes");
            // The allocator is intact: the next object is the one freed (same rounded size), zeroed.
            assertEquals(heap.base() + KflexHeap.RESERVED, heap.alloc(32));
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void exhaustionIsANullResult(Engine engine) throws Exception {
        BpfObject o = object(EXHAUST);
        try (LinuxEnvironment env = LinuxEnvironment.loadVerified(o, verified(o), LinuxProgramType.XDP, 10_000, engine,
                new KflexOptions(KflexFixtures.HEAP, 0))) {
            long fits = (KflexFixtures.HEAP - KflexHeap.RESERVED) / 65536;
            assertEquals(new ExecResult.Returned(fits), env.run(new byte[0]));
            assertEquals(new ExecResult.Returned(0), env.run(new byte[0]), "full: every allocation fails");
            assertEquals((int) fits, env.heap().orElseThrow().liveObjects());
        }
    }
}
