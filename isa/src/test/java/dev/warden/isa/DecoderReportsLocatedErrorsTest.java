package dev.warden.isa;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each kind of malformed bytecode is rejected with the instruction index, field and value at fault. */
class DecoderReportsLocatedErrorsTest {

    private static byte[] code(Slot... slots) {
        byte[] out = new byte[slots.length * Slot.BYTES];
        for (int i = 0; i < slots.length; i++) {
            slots[i].write(out, i * Slot.BYTES);
        }
        return out;
    }

    private static final Slot EXIT = new Slot(0x95, 0, 0, 0, 0);
    private static final Slot MOV_R0_0 = new Slot(0xb7, 0, 0, 0, 0);

    private static IsaError onlyError(byte[] code) {
        InvalidProgramException e = assertThrows(InvalidProgramException.class, () -> Decoder.decode(code));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.errors().getFirst();
    }

    @Test
    void unknownOpcodeIsNamedWithItsIndex() {
        IsaError e = onlyError(code(MOV_R0_0, new Slot(0xff, 0, 0, 0, 0), EXIT));
        assertEquals(new IsaError(1, "opcode", 0xff, "unknown opcode"), e);
        assertEquals("instruction 1: opcode = 0xff: unknown opcode", e.toString());
    }

    @Test
    void truncatedWideLoadIsReported() {
        IsaError e = onlyError(code(MOV_R0_0, new Slot(0x18, 0, 0, 0, 1)));
        assertEquals(1, e.pc());
        assertTrue(e.message().contains("truncated"), e.message());
    }

    @Test
    void secondSlotOfWideLoadMustBeBlank() {
        IsaError e = onlyError(code(new Slot(0x18, 0, 0, 0, 1), new Slot(0, 3, 0, 0, 0), EXIT));
        assertEquals(new IsaError(1, "dst", 3, "unused field must be zero"), e);
    }

    @Test
    void jumpOutOfTheProgramIsReported() {
        IsaError e = onlyError(code(new Slot(0x05, 0, 0, 5, 0), EXIT));
        assertEquals(0, e.pc());
        assertEquals("offset", e.field());
        assertEquals(5, e.value());
    }

    @Test
    void jumpIntoTheMiddleOfAWideLoadIsReported() {
        IsaError e = onlyError(code(new Slot(0x05, 0, 0, 1, 0), new Slot(0x18, 0, 0, 0, 1), new Slot(0, 0, 0, 0, 0), EXIT));
        assertTrue(e.message().contains("second half"), e.message());
    }

    @Test
    void registerBeyondR10IsReported() {
        assertEquals(new IsaError(0, "dst", 11, "no such register (r0 to r10)"),
                onlyError(code(new Slot(0xb7, 11, 0, 0, 0), EXIT)));
    }

    @Test
    void lengthNotAMultipleOfEightIsReported() {
        InvalidProgramException e = assertThrows(InvalidProgramException.class,
                () -> Decoder.decode(new byte[] {(byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 1}));
        assertEquals("length", e.errors().getFirst().field());
    }

    @Test
    void emptyProgramIsRejected() {
        assertEquals("length", onlyError(new byte[0]).field());
    }

    @Test
    void allErrorsOfAProgramAreReported() {
        InvalidProgramException e = assertThrows(InvalidProgramException.class,
                () -> Decoder.decode(code(new Slot(0xff, 0, 0, 0, 0), new Slot(0x95, 1, 0, 0, 0), new Slot(0xb7, 0, 0, 0, 0))));
        assertEquals(List.of(0, 1), e.errors().stream().map(IsaError::pc).toList());
    }

    @Test
    void movsx32IsOnlyDefinedAt64Bits() {
        IsaError e = onlyError(code(new Slot(0xbc, 1, 2, 32, 0), EXIT));
        assertEquals("offset", e.field());
        assertEquals(32, e.value());
    }

    @Test
    void v4InstructionsDecode() throws Exception {
        Program p = Decoder.decode(code(
                new Slot(0x3f, 1, 2, 1, 0),             // sdiv
                new Slot(0xbf, 1, 2, 16, 0),            // movsx16
                new Slot(0xd7, 1, 0, 0, 32),            // bswap32
                new Slot(0x91, 1, 2, -4, 0),            // ldxsb
                new Slot(0x06, 0, 0, 0, 1),             // gotol +1
                new Slot(0xdb, 10, 1, -8, 0xf1),        // cmpxchg (fetch)
                EXIT));
        assertEquals(new Instruction.Alu(Width.W64, AluOp.SDIV, Reg.R1, Reg.R2), p.get(0));
        assertEquals(new Instruction.Alu(Width.W64, AluOp.MOVSX16, Reg.R1, Reg.R2), p.get(1));
        assertEquals(new Instruction.Endian(Instruction.ByteOrder.SWAP, 32, Reg.R1), p.get(2));
        assertEquals(new Instruction.Load(Size.B, Instruction.Extension.SIGN, Reg.R1, Reg.R2, -4), p.get(3));
        assertEquals(new Instruction.Goto(1, Instruction.GotoForm.LONG), p.get(4));
        assertEquals(new Instruction.Atomic(Size.DW, AtomicOp.CMPXCHG, Instruction.Fetch.FETCH, Reg.R10, Reg.R1, -8), p.get(5));
    }

    @Test
    void aLongListOfErrorsIsKeptWholeButShownAsAScreenful() {
        Slot[] junk = new Slot[100];
        java.util.Arrays.fill(junk, new Slot(0xff, 0, 0, 0, 0));
        InvalidProgramException e = assertThrows(InvalidProgramException.class, () -> Decoder.decode(code(junk)));
        assertEquals(100, e.errors().size());
        assertEquals(InvalidProgramException.SHOWN + 1, e.getMessage().lines().count());
        assertTrue(e.getMessage().endsWith("... and 80 more errors"), e.getMessage());
    }
}
