package dev.warden.verifier.transfer;

import dev.warden.isa.Instruction;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Program;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;

/** One instruction's effect on the abstract state, dispatched by instruction family. */
public final class Transfer {
    private final Env env;
    private final Callees callees;

    public Transfer(Env env, Callees callees) {
        this.env = env;
        this.callees = callees;
    }

    public Env env() {
        return env;
    }

    /**
     * The states after the instruction at {@code pc}. For {@link Instruction.Exit} the fall-through
     * state is the state at the exit (the caller decides what an exit means).
     */
    public Edges step(int pc, Instruction insn, AbstractState s, Sink sink) {
        if (s.isBottom()) {
            return new Edges(s, s);
        }
        return switch (insn) {
            case Instruction.Alu a -> Edges.next(AluTransfer.alu(s, pc, a, sink));
            case Instruction.Endian e -> Edges.next(endian(s, pc, e, sink));
            case Instruction.Jump j -> BranchTransfer.jump(s, pc, j, sink);
            case Instruction.Goto g -> new Edges(AbstractState.BOTTOM, s);
            case Instruction.Call c -> Edges.next(call(s, pc, c, sink));
            case Instruction.CallX x -> {
                sink.violation(pc, new Obligation.KnownCall("callx " + x.target()), "indirect calls (callx " + x.target() + ") are not supported", s);
                yield Edges.next(clobbered(s));
            }
            case Instruction.Exit x -> Edges.next(s);
            case Instruction.LoadImm64 l -> Edges.next(loadImm(s, pc, l, sink));
            case Instruction.Load l -> Edges.next(MemoryTransfer.load(env, s, pc, l, sink));
            case Instruction.StoreImm st -> Edges.next(MemoryTransfer.store(env, s, pc, st.dst().number(), st.offset(),
                    st.size().bytes(), Value.Num.constant(st.imm()), sink));
            case Instruction.StoreReg st -> Edges.next(storeReg(s, pc, st, sink));
            case Instruction.Atomic a -> Edges.next(MemoryTransfer.atomic(env, s, pc, a, sink));
            case Instruction.PacketLoad l -> Edges.next(packetLoad(s, pc, l, sink));
        };
    }

    private AbstractState storeReg(AbstractState s, int pc, Instruction.StoreReg st, Sink sink) {
        Value v = s.reg(st.src().number());
        if (v instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(st.src().number()), "R" + st.src().number() + " is stored before it is written", s);
            v = Value.TOP;
        }
        return MemoryTransfer.store(env, s, pc, st.dst().number(), st.offset(), st.size().bytes(), v, sink);
    }

    private AbstractState endian(AbstractState s, int pc, Instruction.Endian e, Sink sink) {
        int dst = e.dst().number();
        return switch (s.reg(dst)) {
            case Value.Num n -> s.withReg(dst, Value.Num.of(n.scalar().byteOrder(Ops.endian(e))));
            case Value.Uninit u -> {
                sink.violation(pc, Obligation.Initialised.register(dst), "R" + dst + " is read before it is written", s);
                yield s.withReg(dst, Value.TOP);
            }
            case Value.Ptr p -> s.withReg(dst, Value.TOP);
        };
    }

    private AbstractState call(AbstractState s, int pc, Instruction.Call c, Sink sink) {
        return switch (c.kind()) {
            // The heap's allocation helpers come with the heap (an EIM class's memory < M), not from a capability.
            case HELPER -> env.eim().isPresent() && !(dev.warden.verifier.platform.KflexHelpers.isHeapHelper(c.imm())
                    && env.platform().heap().isPresent()) ? HostCall.helper(env, callees, s, pc, c.imm(), sink)
                    : HelperCall.call(env, callees, s, pc, c.imm(), sink);
            case LOCAL -> callees.call(pc, Program.targetOf(pc, c), s, sink);
            case KFUNC -> env.eim().isPresent() ? HostCall.kfunc(env, s, pc, c.imm(), sink) : KfuncCall.call(env, s, pc, c.imm(), sink);
        };
    }

    private static AbstractState clobbered(AbstractState s) {
        for (int r = 1; r <= 5; r++) {
            s = s.withReg(r, Value.UNINIT);
        }
        return s.withReg(0, Value.TOP);
    }

    private AbstractState loadImm(AbstractState s, int pc, Instruction.LoadImm64 l, Sink sink) {
        int dst = l.dst().number();
        return switch (l.pseudo()) {
            case IMM64 -> s.withReg(dst, Value.Num.constant(l.value()));
            case MAP_IDX, MAP_IDX_VALUE -> {
                if (env.map(l.imm()).isEmpty()) {
                    sink.violation(pc, new Obligation.Type("a map of the object", "map index " + l.imm()), "map index " + l.imm() + " does not name a map of the object", s);
                    yield s.withReg(dst, Value.TOP);
                }
                yield s.withReg(dst, l.pseudo() == Pseudo.MAP_IDX ? Value.Ptr.of(PtrKind.MAP, l.imm(), 0)
                        : Value.Ptr.of(PtrKind.MAP_VALUE, l.imm(), l.nextImm()));
            }
            case FUNC -> s.withReg(dst, Value.Ptr.of(PtrKind.FUNC, pc + 1 + l.imm(), 0));
            case BTF_ID -> s.withReg(dst, HostAccess.variable(env, s, pc, l.imm(), sink));
            case MAP_FD, MAP_VALUE -> {
                sink.violation(pc, new Obligation.Type("a map reference resolvable before loading", "map file descriptor " + l.imm()), "map file descriptor " + l.imm()
                        + " cannot be resolved before loading: use map[idx:N] references", s);
                yield s.withReg(dst, Value.TOP);
            }
        };
    }

    /** Legacy packet loads: r6 must hold the context; the load is checked at run time (a miss ends the program). */
    private AbstractState packetLoad(AbstractState s, int pc, Instruction.PacketLoad l, Sink sink) {
        if (!(s.reg(6) instanceof Value.Ptr p && p.kind() == PtrKind.CTX)) {
            sink.violation(pc, new Obligation.Type("the context pointer in R6", s.reg(6).toString()), "legacy packet loads need the context pointer in R6", s);
        }
        if (l.mode() == Instruction.PacketMode.IND && s.reg(l.src().number()) instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(l.src().number()), "R" + l.src().number() + " is read before it is written", s);
        }
        for (int r = 1; r <= 5; r++) {
            s = s.withReg(r, Value.UNINIT);
        }
        return s.withReg(0, Sizes.unsigned(l.size().bytes()));
    }
}
