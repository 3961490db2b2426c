package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Soundness across the runtime and the verifier: every helper whose implementation here moves,
 * grows or shrinks the packet ({@link PacketHelpers} re-slices the input region) is one the
 * verifier's platform says voids packet pointers; otherwise a verified program could keep using a
 * pointer past the packet's new end. The helpers that only read or write in place keep them, as
 * in Linux.
 */
class PacketMovingHelpersVoidPacketPointersTest {
    /** The helpers whose implementation calls {@code PacketHelpers.moved}. */
    private static final List<Integer> MOVE_THE_PACKET = List.of(18, 19, 31, 38, 43, 44, 50, 54, 65);
    /** Linux also voids pointers at these (they may reallocate an skb's head), though nothing moves here. */
    private static final List<Integer> MAY_REALLOCATE_IN_LINUX = List.of(9, 10, 11, 13, 39);
    private static final List<Integer> IN_PLACE = List.of(28, 32, 34, 40, 41, 48, 68, 69, 135, 155, 163, 188, 189, 190);

    @Test
    void thePlatformVoidsPacketPointersWhereThePacketMoves() {
        for (int id : MOVE_THE_PACKET) {
            assertEquals(HelperPrototype.PacketData.CHANGED, Platform.linux().helper(id).orElseThrow().packetData(), "helper " + id);
        }
        for (int id : MAY_REALLOCATE_IN_LINUX) {
            assertEquals(HelperPrototype.PacketData.CHANGED, Platform.linux().helper(id).orElseThrow().packetData(), "helper " + id);
        }
        for (int id : IN_PLACE) {
            assertEquals(HelperPrototype.PacketData.KEPT, Platform.linux().helper(id).orElseThrow().packetData(), "helper " + id);
        }
    }
}
