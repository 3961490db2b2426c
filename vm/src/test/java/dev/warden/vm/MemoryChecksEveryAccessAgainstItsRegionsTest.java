package dev.warden.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class MemoryChecksEveryAccessAgainstItsRegionsTest {

    private static FaultKind faultOf(Runnable r) {
        return assertThrows(VmFault.class, r::run).fault().kind();
    }

    @Test
    void stackIsAddressableBelowR10AndNotAboveIt() {
        try (Memory m = new Memory()) {
            long r10 = m.startRun(StackInit.ZEROED);
            m.store64(r10 - 8, 0x1122334455667788L, 3);
            assertEquals(0x1122334455667788L, m.load64(r10 - 8, 4));
            assertEquals(0x88L, m.load8(r10 - 8, 4));
            assertEquals(0x1122L, m.load16(r10 - 2, 4));
            m.store8(r10 - Memory.STACK_SIZE, 7, 5);
            assertEquals(7, m.load8(r10 - Memory.STACK_SIZE, 5));
            VmFault above = assertThrows(VmFault.class, () -> m.load64(r10 - 4, 9));
            assertEquals(9, above.fault().pc());
            assertEquals(FaultKind.OUT_OF_BOUNDS, above.fault().kind());
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(r10 - Memory.STACK_SIZE - 1, 0)));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(0, 0)));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(-1L, 0)));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load64(Long.MAX_VALUE, 0)));
        }
    }

    @Test
    void eachFrameIsItsOwnRegionAndDisappearsOnReturn() {
        try (Memory m = new Memory()) {
            long top0 = m.startRun(StackInit.ZEROED);
            long top1 = m.pushFrame(1);
            assertEquals(2, m.depth());
            m.store64(top1 - 8, 42, 2);
            // Frame 1 sits right below frame 0: an access across the boundary straddles two regions.
            assertEquals(top0 - Memory.STACK_SIZE, top1);
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load64(top1 - 4, 3)));
            // The caller's frame stays addressable through a pointer.
            m.store64(top0 - 8, 1, 4);
            assertEquals(top0, m.popFrame());
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load64(top1 - 8, 5)));
        }
    }

    @Test
    void framesStartZeroedInEveryRun() {
        try (Memory m = new Memory()) {
            for (int run = 0; run < 2; run++) {
                long top0 = m.startRun(StackInit.ZEROED);
                assertEquals(0, m.load64(top0 - 8, 0));
                m.store64(top0 - 8, -1, 0);
                long top1 = m.pushFrame(0);
                assertEquals(0, m.load64(top1 - 8, 0));
                m.store64(top1 - 8, -1, 0);
                m.popFrame();
                long again = m.pushFrame(0);
                assertEquals(0, m.load64(again - 8, 0));
            }
        }
    }

    @Test
    void callDepthIsLimitedToMaxFrames() {
        try (Memory m = new Memory()) {
            m.startRun(StackInit.ZEROED);
            for (int i = 1; i < Memory.MAX_FRAMES; i++) {
                m.pushFrame(i);
            }
            VmFault f = assertThrows(VmFault.class, () -> m.pushFrame(77));
            assertEquals(new Fault(77, FaultKind.CALL_DEPTH, f.fault().message()), f.fault());
        }
    }

    @Test
    void inputRegionHasExactlyItsLength() {
        try (Memory m = new Memory()) {
            m.startRun(StackInit.ZEROED);
            long a = m.setInput(new byte[] {1, 2, 3, 4, 5}, InputKind.PLAIN);
            assertEquals(0x04030201L, m.load32(a, 0));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load32(a + 2, 0)));
            long empty = m.setInput(new byte[0], InputKind.PLAIN);
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(empty, 0)));
        }
    }

    @Test
    void noSixteenBitOffsetFromTheInputOrStackReachesAnotherRegion() {
        // Whatever malloc does, base +- 32 KiB of one region never lands in another.
        for (int trial = 0; trial < 20; trial++) {
            try (Memory m = new Memory()) {
                long top = m.startRun(StackInit.ZEROED);
                long in = m.setInput(new byte[64], InputKind.PLAIN);
                for (long off : new long[] {-32768, -516, -8, 64, 100, 32767}) {
                    assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(in + off, 0)));
                }
                for (long off : new long[] {0, 8, 32767}) {
                    assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(top + off, 0)));
                }
                assertEquals(FaultKind.OUT_OF_BOUNDS,
                        faultOf(() -> m.load8(top - Memory.STACK_SIZE * Memory.MAX_FRAMES - 32768, 0)));
            }
        }
    }

    @Test
    void allocatedRegionsAreZeroedGuardedAndListed() {
        try (Memory m = new Memory()) {
            m.startRun(StackInit.ZEROED);
            MemorySegment value = m.allocateRegion(24, Access.READ_WRITE, "map value");
            assertEquals(0, m.load64(value.address() + 16, 0));
            m.store64(value.address(), 5, 0);
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(value.address() + 24, 0)));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(value.address() - 1, 0)));
            assertTrue(m.regions().stream().anyMatch(r -> r.name().equals("map value") && r.size() == 24));
        }
    }

    @Test
    void readOnlyRegionsRejectStoresAndAtomics() {
        try (Arena arena = Arena.ofConfined(); Memory m = new Memory()) {
            MemorySegment seg = arena.allocate(16, 8);
            seg.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 5);
            m.startRun(StackInit.ZEROED);
            m.addRegion(seg, Access.READ_ONLY, "map value");
            assertEquals(5, m.load64(seg.address(), 0));
            assertEquals(FaultKind.READ_ONLY, faultOf(() -> m.store8(seg.address(), 1, 0)));
            assertEquals(FaultKind.READ_ONLY, faultOf(() -> m.fetchAdd64(seg.address(), 1, 0)));
            assertEquals(5, m.load64(seg.address(), 0));
        }
    }

    @Test
    void aRegionLimitedToARunsLengthFaultsPastIt() {
        try (Arena arena = Arena.ofConfined(); Memory m = new Memory()) {
            MemorySegment seg = arena.allocate(16, 8);
            m.startRun(StackInit.ZEROED);
            m.addRegion(seg, Access.READ_WRITE, "argument *data");
            m.resizeRegion(seg.address(), 8);
            assertEquals(0, m.load8(seg.address() + 7, 0));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(seg.address() + 8, 0)));
            m.resizeRegion(seg.address(), 0);
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load8(seg.address(), 0)));
            m.resizeRegion(seg.address(), 16);
            assertEquals(0, m.load8(seg.address() + 15, 0));
            // Never beyond what was added (the guard and the other regions start there).
            assertThrows(IllegalArgumentException.class, () -> m.resizeRegion(seg.address(), 17));
            assertThrows(IllegalArgumentException.class, () -> m.resizeRegion(seg.address() + 1, 4));
        }
    }

    @Test
    void atomicsReturnOldValuesAndNeedAlignment() {
        try (Memory m = new Memory()) {
            long r10 = m.startRun(StackInit.ZEROED);
            long a = r10 - 16;
            m.store64(a, 10, 0);
            assertEquals(10, m.fetchAdd64(a, 5, 0));
            assertEquals(15, m.exchange64(a, -1, 0));
            assertEquals(-1, m.compareExchange64(a, 3, 4, 0));
            assertEquals(-1, m.load64(a, 0));
            assertEquals(0xffff_ffffL, m.fetchAnd32(a, 0xf0, 0));
            assertEquals(0xffff_ffff_0000_00f0L, m.load64(a, 0));
            assertEquals(FaultKind.MISALIGNED, faultOf(() -> m.fetchOr64(a + 4, 1, 0)));
            assertEquals(FaultKind.MISALIGNED, faultOf(() -> m.fetchXor32(a + 2, 1, 0)));
        }
    }

    @Test
    void packetLoadsNeedAPacketAndReadNetworkOrder() {
        try (Memory m = new Memory()) {
            m.startRun(StackInit.ZEROED);
            m.setInput(new byte[] {1, 2, 3, 4}, InputKind.PLAIN);
            assertEquals(FaultKind.NO_PACKET_CONTEXT, faultOf(() -> m.packetLoad(0, 2, 0)));
            m.setInput(new byte[] {1, 2, 3, 4}, InputKind.PACKET);
            assertEquals(0x0102L, m.packetLoad(0, 2, 0));
            assertEquals(0x01020304L, m.packetLoad(0, 4, 0));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.packetLoad(2, 4, 0)));
        }
    }

    @Test
    void regionsListsActiveFramesAndInput() {
        try (Memory m = new Memory()) {
            m.startRun(StackInit.ZEROED);
            m.setInput(new byte[3], InputKind.PLAIN);
            assertEquals(2, m.regions().size());
            m.pushFrame(0);
            assertTrue(m.regions().stream().anyMatch(r -> r.name().equals("stack frame 1")));
        }
    }

    @Test
    void aLoadMaySpanAddedRegionsBackToBackButAStoreMayNot() {
        // One object split by rights, as the EIM replay adds it: bytes [0, 6) read-write, [6, 16) read-only.
        try (Arena arena = Arena.ofConfined(); Memory m = new Memory()) {
            MemorySegment all = arena.allocate(16 + 2 * Memory.GUARD, 16);
            MemorySegment object = all.asSlice(Memory.GUARD, 16);
            object.fill((byte) 1);
            m.addRegion(object.asSlice(0, 6), Access.READ_WRITE, "rw");
            m.addRegion(object.asSlice(6, 10), Access.READ_ONLY, "ro");
            long a = object.address();
            assertEquals(0x0101010101010101L, m.load64(a + 4, 1));
            assertEquals(0x0101L, m.load16(a + 5, 1));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.store64(a + 4, 0, 2)));
            assertEquals(FaultKind.OUT_OF_BOUNDS, faultOf(() -> m.load64(a + 12, 3)));  // past the end
            m.store32(a + 2, 7, 4);
            assertEquals(FaultKind.READ_ONLY, faultOf(() -> m.store8(a + 6, 0, 5)));
        }
    }
}
