package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.verifier.ModelInput;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import dev.warden.verifier.WitnessStatus;
import dev.warden.verifier.Witnesses;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Witnesses from Z3 models: when Z3 finds a path to an access out of bounds, the model's packet
 * length and the bytes the path reads become an input, replayed in the checking interpreter. The
 * faults here happen at one exact packet length (longer than any the random search draws) or one
 * exact pair of bytes, so the random search alone does not find them; the model does. A model that
 * does not reproduce confirms nothing.
 */
class Z3ModelWitnessTest {
    private static final VerifierOptions XDP = VerifierOptions.linux().withType(VerifierOptions.linux().platform().type("xdp").orElseThrow());

    /** Reads the byte at data + 1000 when the packet is exactly 1000 bytes long: one byte past its end. */
    private static final String EXACT_LENGTH = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r3
            r4 -= r2
            r0 = 0
            if r4 != 1000 goto +1
            r5 = *(u8 *)(r2 + 1000)
            exit
            """;

    /** Reads data[2] of a packet checked to have 2 bytes, only when they are 5a a5. */
    private static final String EXACT_BYTES = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r0 = 0
            r4 = r2
            r4 += 2
            if r4 > r3 goto +6
            r5 = *(u8 *)(r2 + 0)
            if r5 != 0x5a goto +4
            r5 = *(u8 *)(r2 + 1)
            if r5 != 0xa5 goto +2
            r5 = *(u8 *)(r2 + 2)
            r0 = 1
            exit
            """;

    static BpfObject object(String asm, List<BpfMap> maps) throws Exception {
        BpfProgram p = new BpfProgram("p", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(p), maps, "GPL");
    }

    static Violation only(VerificationResult r) {
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r);
        assertEquals(1, rej.violations().size(), rej.violations().toString());
        return rej.violations().getFirst();
    }

    static VerificationResult confirmed(BpfObject o) {
        BpfProgram p = o.programs().getFirst();
        return Witnesses.confirm(Verifier.verify(o, p, XDP), o, p, "xdp", LinuxWitnessReplayer.defaults());
    }

    @Test
    void aFaultAtOneExactPacketLengthIsConfirmedFromTheModel() throws Exception {
        BpfObject o = object(EXACT_LENGTH, List.of());
        BpfProgram p = o.programs().getFirst();
        Violation v = only(Verifier.verify(o, p, XDP));
        assertEquals(6, v.pc());
        assertEquals(ObligationKind.VALID_ACCESS, v.kind());
        ModelInput m = v.model().orElseThrow();
        assertEquals(1000, m.packetLength().orElseThrow());
        // The random search alone draws packets of at most 256 bytes: it cannot find this fault.
        assertEquals(Optional.empty(), LinuxWitnessReplayer.defaults().findFault(o, p, "xdp", 6));
        Violation w = only(confirmed(o));
        assertEquals(WitnessStatus.CONFIRMED, w.witness());
        String input = w.witnessInput().orElseThrow();
        assertTrue(input.startsWith(Witnesses.FROM_MODEL + ": packet of 1000 bytes"), input);
        assertTrue(input.contains("OUT_OF_BOUNDS"), input);
    }

    @Test
    void aFaultBehindTwoExactBytesIsConfirmedFromTheModel() throws Exception {
        BpfObject o = object(EXACT_BYTES, List.of());
        BpfProgram p = o.programs().getFirst();
        Violation v = only(Verifier.verify(o, p, XDP));
        assertEquals(10, v.pc());
        ModelInput m = v.model().orElseThrow();
        assertEquals(2, m.packetLength().orElseThrow());
        assertEquals(Map.of(0L, (byte) 0x5a, 1L, (byte) 0xa5), m.packetBytes());
        assertEquals(Optional.empty(), LinuxWitnessReplayer.defaults().findFault(o, p, "xdp", 10));
        Violation w = only(confirmed(o));
        assertEquals(WitnessStatus.CONFIRMED, w.witness());
        assertTrue(w.witnessInput().orElseThrow().startsWith(Witnesses.FROM_MODEL + ": packet of 2 bytes 5a a5"),
                w.witnessInput().toString());
    }

    @Test
    void aMapValueTheModelFillsLeadsToTheFault() throws Exception {
        // The offset into the array value comes from the value itself; only 0x3c (60) reaches past its 16 bytes... and
        // only when the first byte is 0x3c exactly: the model says so, random values almost never do.
        BpfObject o = object("""
                r1 = 0
                *(u32 *)(r10 - 4) = r1
                r2 = r10
                r2 += -4
                r1 = map[idx:0] ll
                call 1
                if r0 == 0 goto +6
                r1 = *(u8 *)(r0 + 0)
                if r1 != 0x3c goto +4
                r2 = r0
                r2 += r1
                r0 = *(u8 *)(r2 + 0)
                r0 = 0
                r0 = 0
                exit
                """, List.of(new BpfMap(0, "arr", MapKind.BTF, 2, 4, 16, 4, 0, new byte[0])));
        Violation w = only(confirmed(o));
        assertEquals(12, w.pc());
        assertEquals(WitnessStatus.CONFIRMED, w.witness(), w.toString());
        assertTrue(w.witnessInput().orElseThrow().startsWith(Witnesses.FROM_MODEL), w.witnessInput().toString());
        assertTrue(w.witnessInput().get().contains("map 'arr' holds"), w.witnessInput().get());
    }

    @Test
    void aFalseAlarmStaysNotConfirmed() throws Exception {
        // Safe: the packet length is stored into a map value and read back before it is checked, so the check
        // bounds the packet; but neither the domains nor the path encoding follow a value through map memory,
        // so data[7] is a violation. Z3's model (a short packet, a map value of 8 or more) does not fault in a
        // run: the program overwrites the value with the real length first. Nor does any random input.
        BpfObject o = object("""
                r6 = r1
                r1 = 0
                *(u32 *)(r10 - 4) = r1
                r2 = r10
                r2 += -4
                r1 = map[idx:0] ll
                call 1
                if r0 == 0 goto +10
                r7 = r0
                r0 = 0
                r2 = *(u32 *)(r6 + 0)
                r3 = *(u32 *)(r6 + 4)
                r4 = r3
                r4 -= r2
                *(u64 *)(r7 + 0) = r4
                r5 = *(u64 *)(r7 + 0)
                if r5 < 8 goto +1
                r1 = *(u8 *)(r2 + 7)
                exit
                """, List.of(new BpfMap(0, "arr", MapKind.BTF, 2, 4, 16, 4, 0, new byte[0])));
        Violation v = only(Verifier.verify(o, o.programs().getFirst(), XDP));
        assertEquals(18, v.pc());
        assertTrue(v.model().isPresent(), "Z3 found a model of a path to the read");
        Violation w = only(confirmed(o));
        assertEquals(WitnessStatus.NOT_CONFIRMED, w.witness(), w.toString());
    }
}
