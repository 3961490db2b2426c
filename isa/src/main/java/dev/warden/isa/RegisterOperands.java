package dev.warden.isa;

/**
 * The registers an instruction reads and writes through its operands, as bit masks (bit r for
 * register r). Calls and exits name no register operands: what they read and write is a calling
 * convention, which each analysis states for itself (the verifier's liveness, the JIT's).
 */
public final class RegisterOperands {
    private RegisterOperands() {}

    /**
     * Registers read: ALU sources and destinations (a move's destination is only written), jump
     * operands, load and store addresses and stored values, an atomic's address, value and r0
     * (compare-and-exchange's expected value), a legacy packet load's index and r6 (its context).
     */
    public static int read(Instruction insn) {
        return switch (insn) {
            case Instruction.Alu a -> (a.src() instanceof Reg r ? bit(r) : 0) | (a.op() == AluOp.MOV ? 0 : bit(a.dst()));
            case Instruction.Endian e -> bit(e.dst());
            case Instruction.Jump j -> bit(j.dst()) | (j.src() instanceof Reg r ? bit(r) : 0);
            case Instruction.Load l -> bit(l.src());
            case Instruction.StoreImm s -> bit(s.dst());
            case Instruction.StoreReg s -> bit(s.dst()) | bit(s.src());
            case Instruction.Atomic a -> bit(a.dst()) | bit(a.src()) | 1;
            case Instruction.PacketLoad p -> bit(p.src()) | (1 << 6);
            case Instruction.Goto g -> 0;
            case Instruction.LoadImm64 l -> 0;
            case Instruction.Call c -> 0;
            case Instruction.CallX c -> 0;
            case Instruction.Exit e -> 0;
        };
    }

    /** Registers written as a destination: ALU, byte swap, 64-bit immediate and load destinations. */
    public static int written(Instruction insn) {
        return switch (insn) {
            case Instruction.Alu a -> bit(a.dst());
            case Instruction.Endian e -> bit(e.dst());
            case Instruction.LoadImm64 l -> bit(l.dst());
            case Instruction.Load l -> bit(l.dst());
            default -> 0;
        };
    }

    private static int bit(Reg r) {
        return 1 << r.number();
    }
}
