package dev.warden.jit;

import dev.warden.isa.AtomicOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.vm.Fault;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helpers;
import java.util.Optional;

/**
 * Faults that any execution of an instruction raises, whatever the registers hold: a write to
 * r10, an unresolved 64-bit load, a call to an undefined helper or to a kfunc. The interpreter
 * decides the same set when it pre-decodes; the JIT compiles such an instruction into a throw.
 */
final class StaticFaults {
    private StaticFaults() {}

    static Optional<Fault> of(int pc, Instruction insn, Helpers helpers, dev.warden.isa.Program program) {
        return switch (insn) {
            case Instruction.Alu a -> r10(pc, a.dst());
            case Instruction.Endian e -> r10(pc, e.dst());
            case Instruction.Load l -> r10(pc, l.dst());
            case Instruction.LoadImm64 l -> {
                Optional<Fault> w = r10(pc, l.dst());
                if (w.isPresent() || l.pseudo() == Pseudo.IMM64) {
                    yield w;
                }
                if (l.pseudo() == Pseudo.FUNC && functionTarget(pc, l, program) >= 0) {
                    yield Optional.empty(); // a callback's address: Memory.FUNCTION_BASE + its pc
                }
                yield Optional.of(new Fault(pc, FaultKind.UNRESOLVED_REFERENCE, "64-bit load of " + l.pseudo() + " "
                        + l.imm() + " needs a loader to resolve it; this run has none"));
            }
            case Instruction.Atomic a -> {
                if (a.fetch() != Instruction.Fetch.FETCH) {
                    yield Optional.empty();
                }
                yield r10(pc, a.op() == AtomicOp.CMPXCHG ? Reg.R0 : a.src());
            }
            case Instruction.Call c -> switch (c.kind()) {
                case HELPER -> helpers.defines(c.imm())
                        ? Optional.<Fault>empty()
                        : Optional.of(new Fault(pc, FaultKind.UNKNOWN_HELPER,
                                "call to helper " + c.imm() + ", which this run does not define"));
                case LOCAL -> Optional.empty();
                case KFUNC -> Optional.of(new Fault(pc, FaultKind.UNKNOWN_KFUNC, "call to kernel function with BTF id "
                        + c.imm() + "; no host defines kernel functions"));
            };
            case Instruction.Jump j -> Optional.empty();
            case Instruction.Goto g -> Optional.empty();
            case Instruction.CallX x -> Optional.empty();
            case Instruction.Exit e -> Optional.empty();
            case Instruction.StoreImm s -> Optional.empty();
            case Instruction.StoreReg s -> Optional.empty();
            case Instruction.PacketLoad p -> Optional.empty();
        };
    }

    /** The fault of running past the last instruction, at the pc just after it. */
    static Fault fellOff(int slotCount) {
        return new Fault(slotCount, FaultKind.FELL_OFF_END,
                "execution ran past the last instruction (pc " + (slotCount - 1) + ") without exit");
    }

    private static Optional<Fault> r10(int pc, Reg written) {
        return written == Reg.R10
                ? Optional.of(new Fault(pc, FaultKind.FRAME_POINTER_WRITE, "r10 is the read-only frame pointer"))
                : Optional.empty();
    }

    /** The pc a {@code func[pc+N]} load names, or -1 when no instruction starts there. */
    static int functionTarget(int pc, Instruction.LoadImm64 l, dev.warden.isa.Program program) {
        long t = pc + 1L + l.imm();
        return t >= 0 && t <= Integer.MAX_VALUE && program.indexAt((int) t) >= 0 ? (int) t : -1;
    }
}
