package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Instruction.*;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The disassembler prints each kind of instruction as llvm-objdump and the kernel do. */
class DisassemblerPrintsLlvmSyntaxTest {

    private static void prints(String expected, Instruction insn) {
        assertEquals(expected, Disassembler.format(0, insn));
    }

    @Test
    void aluOperationsUseCompoundAssignmentAndWidthPrefixes() {
        prints("w0 += w1", new Alu(Width.W32, AluOp.ADD, Reg.R0, Reg.R1));
        prints("r0 += -5", new Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(-5)));
        prints("r0 = r1", new Alu(Width.W64, AluOp.MOV, Reg.R0, Reg.R1));
        prints("w9 = 2147483647", new Alu(Width.W32, AluOp.MOV, Reg.R9, new Imm(Integer.MAX_VALUE)));
        prints("r0 = -r0", new Alu(Width.W64, AluOp.NEG, Reg.R0, new Imm(0)));
        prints("w3 = -w3", new Alu(Width.W32, AluOp.NEG, Reg.R3, new Imm(0)));
        prints("r0 = (s8)r1", new Alu(Width.W64, AluOp.MOVSX8, Reg.R0, Reg.R1));
        prints("w0 = (s16)w1", new Alu(Width.W32, AluOp.MOVSX16, Reg.R0, Reg.R1));
        prints("r0 = (s32)r1", new Alu(Width.W64, AluOp.MOVSX32, Reg.R0, Reg.R1));
        prints("r1 s>>= 63", new Alu(Width.W64, AluOp.ARSH, Reg.R1, new Imm(63)));
        prints("r1 s/= r2", new Alu(Width.W64, AluOp.SDIV, Reg.R1, Reg.R2));
        prints("w1 s%= 3", new Alu(Width.W32, AluOp.SMOD, Reg.R1, new Imm(3)));
        prints("r1 <<= 61", new Alu(Width.W64, AluOp.LSH, Reg.R1, new Imm(61)));
        prints("r3 &= 63", new Alu(Width.W64, AluOp.AND, Reg.R3, new Imm(63)));
    }

    @Test
    void byteSwapsNameOrderAndWidth() {
        prints("r0 = be16 r0", new Endian(ByteOrder.TO_BE, 16, Reg.R0));
        prints("r2 = le64 r2", new Endian(ByteOrder.TO_LE, 64, Reg.R2));
        prints("r0 = bswap32 r0", new Endian(ByteOrder.SWAP, 32, Reg.R0));
    }

    @Test
    void jumpsPrintSignedRelativeOffsets() {
        prints("if w1 s> 5 goto +3", new Jump(Width.W32, JmpCond.JSGT, Reg.R1, new Imm(5), 3));
        prints("if r1 == r2 goto -4", new Jump(Width.W64, JmpCond.JEQ, Reg.R1, Reg.R2, -4));
        prints("if r1 & 4 goto +0", new Jump(Width.W64, JmpCond.JSET, Reg.R1, new Imm(4), 0));
        prints("goto +1", new Goto(1, GotoForm.SHORT));
        prints("gotol +100000", new Goto(100000, GotoForm.LONG));
        prints("call 5", new Call(CallKind.HELPER, 5));
        prints("call pc+3", new Call(CallKind.LOCAL, 3));
        prints("call pc-7", new Call(CallKind.LOCAL, -7));
        prints("call kfunc 1234", new Call(CallKind.KFUNC, 1234));
        prints("callx r2", new CallX(Reg.R2));
        prints("exit", new Exit());
    }

    @Test
    void memoryAccessesPrintTypedPointers() {
        prints("r0 = *(u32 *)(r1 + 4)", new Load(Size.W, Extension.ZERO, Reg.R0, Reg.R1, 4));
        prints("r0 = *(s16 *)(r1 + 2)", new Load(Size.H, Extension.SIGN, Reg.R0, Reg.R1, 2));
        prints("r0 = *(u64 *)(r10 - 8)", new Load(Size.DW, Extension.ZERO, Reg.R0, Reg.R10, -8));
        prints("*(u64 *)(r1 - 8) = r0", new StoreReg(Size.DW, Reg.R1, Reg.R0, -8));
        prints("*(u8 *)(r10 + 0) = -1", new StoreImm(Size.B, Reg.R10, 0, -1));
        prints("r0 = *(u8 *)skb[4]", new PacketLoad(PacketMode.ABS, Size.B, Reg.R0, 4));
        prints("r0 = *(u16 *)skb[r1]", new PacketLoad(PacketMode.IND, Size.H, Reg.R1, 0));
        prints("r0 = *(u32 *)skb[r1 - 2]", new PacketLoad(PacketMode.IND, Size.W, Reg.R1, -2));
    }

    @Test
    void atomicsPrintAsLlvmDoes() {
        prints("lock *(u64 *)(r2 + 0) += r3", new Atomic(Size.DW, AtomicOp.ADD, Fetch.NO_FETCH, Reg.R2, Reg.R3, 0));
        prints("lock *(u32 *)(r2 + 8) |= w3", new Atomic(Size.W, AtomicOp.OR, Fetch.NO_FETCH, Reg.R2, Reg.R3, 8));
        prints("r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)",
                new Atomic(Size.DW, AtomicOp.ADD, Fetch.FETCH, Reg.R1, Reg.R0, 0));
        prints("w5 = atomic_fetch_xor((u32 *)(r1 - 4), w5)",
                new Atomic(Size.W, AtomicOp.XOR, Fetch.FETCH, Reg.R1, Reg.R5, -4));
        prints("r7 = xchg_64(r1 + 16, r7)", new Atomic(Size.DW, AtomicOp.XCHG, Fetch.FETCH, Reg.R1, Reg.R7, 16));
        prints("w7 = xchg32_32(r1 + 16, w7)", new Atomic(Size.W, AtomicOp.XCHG, Fetch.FETCH, Reg.R1, Reg.R7, 16));
        prints("r0 = cmpxchg_64(r1 + 24, r0, r7)",
                new Atomic(Size.DW, AtomicOp.CMPXCHG, Fetch.FETCH, Reg.R1, Reg.R7, 24));
        prints("w0 = cmpxchg32_32(r1 + 24, w0, w7)",
                new Atomic(Size.W, AtomicOp.CMPXCHG, Fetch.FETCH, Reg.R1, Reg.R7, 24));
    }

    @Test
    void wideLoadsPrintTheValueOrThePseudoSource() {
        prints("r1 = 4660 ll", LoadImm64.of(Reg.R1, 0x1234));
        prints("r0 = 20015998343868 ll", LoadImm64.of(Reg.R0, 0x123456789abcL));
        prints("r0 = -1 ll", LoadImm64.of(Reg.R0, -1));
        prints("r1 = map[fd:5] ll", new LoadImm64(Reg.R1, Pseudo.MAP_FD, 5, 0));
        prints("r1 = map[fd:5][0]+8 ll", new LoadImm64(Reg.R1, Pseudo.MAP_VALUE, 5, 8));
        prints("r1 = map[idx:0] ll", new LoadImm64(Reg.R1, Pseudo.MAP_IDX, 0, 0));
        prints("r1 = map[idx:2][0]-8 ll", new LoadImm64(Reg.R1, Pseudo.MAP_IDX_VALUE, 2, -8));
        prints("r1 = btf_var[7] ll", new LoadImm64(Reg.R1, Pseudo.BTF_ID, 7, 0));
        prints("r1 = func[pc+3] ll", new LoadImm64(Reg.R1, Pseudo.FUNC, 3, 0));
    }

    @Test
    void programsPrintOneLinePerInstructionAndListingsNameTargets() throws Exception {
        Program p = Program.of(LoadImm64.of(Reg.R0, 1), new Jump(Width.W64, JmpCond.JEQ, Reg.R0, new Imm(1), 1),
                new Alu(Width.W64, AluOp.MOV, Reg.R0, new Imm(2)), new Exit());
        assertEquals(List.of("r0 = 1 ll", "if r0 == 1 goto +1", "r0 = 2", "exit"), Disassembler.format(p));
        assertEquals("""
                    0: r0 = 1 ll
                    2: if r0 == 1 goto +1 ; -> 4
                    3: r0 = 2
                    4: exit
                """, Disassembler.listing(p));
    }
}
