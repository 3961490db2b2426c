package dev.warden.verifier;

import static dev.warden.verifier.Fixture.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.verifier.state.PtrKind;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A violation carries its obligation as a record that holds what the check knew: the region,
 * offsets, size and right of an access; the register that was read unset; the range a return
 * must lie in; the loop that could not be bounded. The kind stays the stable name of JSON.
 */
class ObligationRecordsTest {

    @Test
    void aPacketReadPastItsCheckNamesTheRegionTheOffsetsTheSizeAndTheRight() {
        Violation v = rejected("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 4
                r0 = 0
                if r4 > r3 goto +1
                r5 = *(u16 *)(r2 + 3)
                exit
                """, 6, ObligationKind.VALID_ACCESS, "past data_end");
        assertEquals(new Obligation.ValidAccess(PtrKind.PACKET, 3, 3, 2, Obligation.Right.READ), v.obligation());
        assertEquals(ObligationKind.VALID_ACCESS, v.obligation().kind());
    }

    @Test
    void aStackWriteOutsideTheFrameIsAWriteObligationOnTheStack() {
        Violation v = rejected("""
                r1 = 7
                *(u64 *)(r10 - 516) = r1
                r0 = 0
                exit
                """, 1, ObligationKind.VALID_ACCESS, "outside the 512-byte frame");
        assertEquals(new Obligation.ValidAccess(PtrKind.STACK, -516, -516, 8, Obligation.Right.WRITE), v.obligation());
    }

    @Test
    void anUnsetRegisterIsNamed() {
        Violation v = rejected("""
                r0 = r3
                exit
                """, 0, ObligationKind.INITIALISED, "R3 is read before it is written");
        assertEquals(Obligation.Initialised.register(3), v.obligation());
    }

    @Test
    void aReturnOutsideTheTypesRangeCarriesTheRange() {
        Violation v = rejected("""
                r0 = 9
                exit
                """, 1, ObligationKind.RETURN_RANGE, "must return a value in [0, 4]");
        assertEquals(new Obligation.ReturnRange(0, 4), v.obligation());
    }

    @Test
    void aDereferencedNullNamesItsRegister() {
        Violation v = rejected("""
                r1 = 1
                *(u32 *)(r10 - 4) = r1
                r2 = r10
                r2 += -4
                r1 = map[idx:0] ll
                call 1
                r1 = *(u64 *)(r0 + 0)
                r0 = 0
                exit
                """, 7, ObligationKind.NON_NULL, "R0 may be null");
        assertEquals(new Obligation.NonNull(0), v.obligation());
    }

    @Test
    void anUnboundedLoopNamesItsHead() {
        Violation v = rejected("""
                call 7
                r0 += 1
                if r0 != 0 goto -2
                exit
                """, 1, ObligationKind.BOUNDED_LOOP, "cannot prove that the loop at pc 1 terminates");
        Obligation.BoundedLoop b = (Obligation.BoundedLoop) v.obligation();
        assertEquals(OptionalInt.of(1), b.loopHead());
        assertEquals(true, b.bound().isEmpty());
    }
}
