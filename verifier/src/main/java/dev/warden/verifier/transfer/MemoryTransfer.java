package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.Instruction.Extension;
import dev.warden.isa.elf.BpfMap;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.Privilege;
import dev.warden.verifier.platform.ContextField;
import dev.warden.verifier.platform.ObjectKind;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Optional;

/** Loads, stores and atomic operations. */
final class MemoryTransfer {
    private MemoryTransfer() {}

    /** The pointer in {@code reg}, or empty after reporting why it cannot be dereferenced. */
    static Optional<Value.Ptr> base(AbstractState s, int pc, int reg, Sink sink) {
        return switch (s.reg(reg)) {
            case Value.Ptr p -> Optional.of(p);
            case Value.Uninit u -> {
                sink.violation(pc, Obligation.Initialised.register(reg), "R" + reg + " is used as an address before it is written", s);
                yield Optional.empty();
            }
            case Value.Num n -> {
                boolean zero = n.scalar().isConstant() && n.scalar().tnum().value() == 0;
                sink.violation(pc, zero ? new Obligation.NonNull(reg) : new Obligation.Type("a pointer", n.toString()), zero
                        ? "R" + reg + " is NULL here and is dereferenced"
                        : "R" + reg + " is a number (" + n + "), not a pointer: it cannot be dereferenced", s);
                yield Optional.empty();
            }
        };
    }

    static AbstractState load(Env env, AbstractState s, int pc, Instruction.Load l, Sink sink) {
        int src = l.src().number();
        int size = l.size().bytes();
        Value unknown = l.extension() == Extension.SIGN ? Sizes.signed(size) : Sizes.unsigned(size);
        Optional<Value.Ptr> heap = HeapAccess.base(env, s, src);
        if (heap.isPresent()) {
            Sink.Proof proof = HeapAccess.check(s, pc, src, heap.get(), l.offset(), size, sink);
            sink.access(pc, proof);
            sink.memoryTarget(pc, proof == Sink.Proof.PROVED ? Sink.MemoryTarget.HEAP_OBJECT : Sink.MemoryTarget.HEAP_GUARDED);
            // The heap holds numbers and heap pointers: an 8-byte word may be either.
            return size == 8 ? s.forgetId(pc + 1).withReg(l.dst().number(), HeapAccess.loaded(pc + 1))
                    : s.withReg(l.dst().number(), unknown);
        }
        if (env.platform().heap().isPresent()) {
            sink.memoryTarget(pc, Sink.MemoryTarget.OTHER);
        }
        Optional<Value.Ptr> base = base(s, pc, src, sink);
        if (base.isEmpty()) {
            sink.access(pc, Sink.Proof.UNPROVED);
            return s.withReg(l.dst().number(), unknown);
        }
        Value.Ptr p = base.get();
        Sink.Proof proof = Access.check(env, s, pc, src, p, l.offset(), size, Access.Kind.READ, sink);
        sink.access(pc, proof);
        Value result = unknown;
        if (proof == Sink.Proof.PROVED) {
            result = switch (p.kind()) {
                case STACK -> stackLoad(env, s, pc, p, l, sink);
                case CTX -> contextLoad(env, s, pc, p, l, unknown);
                case MAP_VALUE -> constantData(env, p, l).orElse(unknown);
                case SOCKET, BTF_ID, BTF_UNTRUSTED -> KernelObjects.load(env, p, l.offset(), size, l.extension(), pc + 1);
                case HOST -> HostAccess.loaded(env, p, l.offset(), size, pc + 1).orElse(unknown);
                default -> unknown;
            };
        }
        if (result instanceof Value.Ptr q && q.id() == pc + 1) {
            s = s.forgetId(pc + 1);
        }
        if (proof == Sink.Proof.PROVED && p.kind() == PtrKind.STACK && result instanceof Value.Num n && n.id() == 0
                && l.extension() != Extension.SIGN && p.off().isConstant()) {
            // A fill links the register to its slot: a branch on the register then bounds the slot
            // too (a loop counter or an index kept on the stack).
            int at = (int) (p.off().tnum().value() + l.offset() + Frame.STACK_SIZE);
            AbstractState linked = StackOps.link(s.forgetId(pc + 1), p.region(), at, size, pc + 1);
            if (linked != null) {
                return linked.withReg(l.dst().number(), n.withId(pc + 1));
            }
        }
        return s.withReg(l.dst().number(), result);
    }

    private static Value stackLoad(Env env, AbstractState s, int pc, Value.Ptr p, Instruction.Load l, Sink sink) {
        int size = l.size().bytes();
        int lo = (int) (p.off().s64().lo() + l.offset() + Frame.STACK_SIZE);
        int hi = (int) (p.off().s64().hi() + l.offset() + Frame.STACK_SIZE);
        if (!StackOps.initialised(s, p.region(), lo, hi + size)) {
            if (env.privilege() == Privilege.UNPRIVILEGED) {
                sink.violation(pc, Obligation.Initialised.stack(lo - Frame.STACK_SIZE, hi - lo + size), "read of " + size + " bytes at fp" + (lo - Frame.STACK_SIZE)
                        + " may read stack bytes that were never written", s);
            }
            return l.extension() == Extension.SIGN ? Sizes.signed(size) : Sizes.unsigned(size);
        }
        if (lo != hi) {
            return l.extension() == Extension.SIGN ? Sizes.signed(size) : Sizes.unsigned(size);
        }
        return StackOps.read(s, p.region(), lo, size, l.extension());
    }

    private static Value contextLoad(Env env, AbstractState s, int pc, Value.Ptr p, Instruction.Load l, Value unknown) {
        long at = p.off().tnum().value() + l.offset();
        ContextField f = env.type().orElseThrow().context().fieldContaining(at, l.size().bytes()).orElseThrow();
        int site = pc + 1;
        return switch (f.kind()) {
            case SCALAR -> unknown;
            case PACKET -> Value.Ptr.of(PtrKind.PACKET, 0, 0);
            case PACKET_END -> Value.Ptr.of(PtrKind.PACKET_END, 0, 0);
            case PACKET_META -> Value.Ptr.of(PtrKind.PACKET_META, 0, 0);
            case SOCKET -> Value.Ptr.of(PtrKind.SOCKET, ObjectKind.SOCKET.ordinal(), 0);
            case SOCKET_OR_NULL ->
                    new Value.Ptr(PtrKind.SOCKET, ObjectKind.SOCKET.ordinal(), Scalar.constant(0), site, 0, Nullness.MAYBE_NULL, 0);
            case SOCK_COMMON_OR_NULL ->
                    new Value.Ptr(PtrKind.SOCKET, ObjectKind.SOCK_COMMON.ordinal(), Scalar.constant(0), site, 0, Nullness.MAYBE_NULL, 0);
            case BTF_ID -> Value.Ptr.of(PtrKind.BTF_ID, pointee(env, f), 0);
            case BTF_ID_OR_NULL -> new Value.Ptr(PtrKind.BTF_ID, pointee(env, f), Scalar.constant(0), site, 0, Nullness.MAYBE_NULL, 0);
            case FLOW_KEYS -> Value.Ptr.of(PtrKind.SOCKET, ObjectKind.FLOW_KEYS.ordinal(), 0);
            // The only MEM_OR_NULL fields are an iterator's key and value.
            case MEM_OR_NULL -> new Value.Ptr(PtrKind.ITER_BUF, iterBuffer(env, f), Scalar.constant(0), site, 0,
                    Nullness.MAYBE_NULL, 0);
        };
    }

    /** The target BTF's id of the struct a context field points to; 0 (untyped) when not known. */
    private static int pointee(Env env, ContextField f) {
        if (f.pointee().isEmpty()) {
            return 0;
        }
        return env.platform().kernelBtf().map(k -> k.composite(f.pointee()).orElse(0)).orElse(0);
    }

    /** Which iterator buffer a MEM_OR_NULL field is: the one named {@code key}, otherwise the value. */
    private static int iterBuffer(Env env, ContextField f) {
        return f.name().equals("key") ? PtrKind.ITER_KEY : PtrKind.ITER_VALUE;
    }

    /** A load from a read-only global data map at a constant offset gives the bytes the object holds. */
    private static Optional<Value> constantData(Env env, Value.Ptr p, Instruction.Load l) {
        Optional<BpfMap> m = env.map(p.region());
        if (m.isEmpty() || (m.get().flags() & Env.F_RDONLY_PROG) == 0 || !p.off().isConstant()) {
            return Optional.empty();
        }
        byte[] init = m.get().initialValue();
        long at = p.off().tnum().value() + l.offset();
        int size = l.size().bytes();
        if (at < 0 || at + size > init.length) {
            return Optional.empty();
        }
        long v = 0;
        for (int k = size - 1; k >= 0; k--) {
            v = v << 8 | (init[(int) at + k] & 0xff);
        }
        if (l.extension() == Extension.SIGN && size < 8) {
            int shift = 64 - 8 * size;
            v = v << shift >> shift;
        }
        return Optional.of(Value.Num.constant(v));
    }

    static AbstractState store(Env env, AbstractState s, int pc, int dst, int off, int size, Value v, Sink sink) {
        Optional<Value.Ptr> heap = HeapAccess.base(env, s, dst);
        if (heap.isPresent()) {
            HeapAccess.stored(s, pc, v, sink);
            Sink.Proof proof = HeapAccess.check(s, pc, dst, heap.get(), off, size, sink);
            sink.access(pc, proof);
            sink.memoryTarget(pc, proof == Sink.Proof.PROVED ? Sink.MemoryTarget.HEAP_OBJECT : Sink.MemoryTarget.HEAP_GUARDED);
            return s;
        }
        if (env.platform().heap().isPresent()) {
            sink.memoryTarget(pc, Sink.MemoryTarget.OTHER);
        }
        Optional<Value.Ptr> base = base(s, pc, dst, sink);
        if (base.isEmpty()) {
            sink.access(pc, Sink.Proof.UNPROVED);
            return s;
        }
        Value.Ptr p = base.get();
        Sink.Proof proof = Access.check(env, s, pc, dst, p, off, size, Access.Kind.WRITE, sink);
        sink.access(pc, proof);
        if (p.kind() == PtrKind.HOST) {
            // Also when the bounds are not proved here: Z3 may prove them later, and the value
            // constraints must have been checked then.
            HostAccess.stored(env, s, pc, p, off, size, v, sink);
        }
        if (v instanceof Value.Ptr && p.kind() != PtrKind.STACK) {
            if (p.kind() == PtrKind.CTX) {
                sink.violation(pc, new Obligation.Type("a number (pointers may not be stored into the context)", "a pointer"), "a pointer may not be stored into the context", s);
            } else if (env.privilege() == Privilege.UNPRIVILEGED) {
                sink.violation(pc, new Obligation.NoPointerLeak(p.kind() == PtrKind.MAP_VALUE ? "a map value" : "memory other than the stack"), "an unprivileged program may not store a pointer into "
                        + (p.kind() == PtrKind.MAP_VALUE ? "a map value" : "memory other than its stack"), s);
            }
        }
        if (proof != Sink.Proof.PROVED || p.kind() != PtrKind.STACK) {
            return s;
        }
        overwritesDynptr(s, pc, p, off, size, sink);
        return stackStore(s, p, off, size, v);
    }

    /** A store over a dynptr that holds a ring buffer reservation would lose it (the kernel refuses it too). */
    private static void overwritesDynptr(AbstractState s, int pc, Value.Ptr p, int off, int size, Sink sink) {
        int lo = (int) (p.off().s64().lo() + off + Frame.STACK_SIZE);
        int hi = (int) (p.off().s64().hi() + off + Frame.STACK_SIZE);
        Dynptrs.referenced(s, p.region(), lo, hi + size).ifPresent(d -> sink.violation(pc, new Obligation.ReferenceReleased("a ring buffer reservation held by a dynptr", java.util.OptionalInt.of(d.ref() - 1)),
                "this store overwrites a dynptr holding the ring buffer reservation of pc " + (d.ref() - 1)
                        + ": submit or discard it first", s));
    }

    private static AbstractState stackStore(AbstractState s, Value.Ptr p, int off, int size, Value v) {
        int lo = (int) (p.off().s64().lo() + off + Frame.STACK_SIZE);
        int hi = (int) (p.off().s64().hi() + off + Frame.STACK_SIZE);
        if (lo == hi && p.off().isConstant()) {
            return StackOps.write(s, p.region(), lo, size, v);
        }
        return StackOps.smear(s, p.region(), lo, hi + size);
    }

    static AbstractState atomic(Env env, AbstractState s, int pc, Instruction.Atomic a, Sink sink) {
        int size = a.size().bytes();
        int src = a.src().number();
        Value operand = s.reg(src);
        if (operand instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(src), "R" + src + " is read before it is written", s);
        } else if (operand instanceof Value.Ptr && env.privilege() == Privilege.UNPRIVILEGED) {
            sink.violation(pc, new Obligation.NoPointerLeak("an atomic operand"), "an atomic operation may not store a pointer", s);
        }
        if (a.op() == AtomicOp.CMPXCHG && s.reg(0) instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(0), "R0 (the expected value of the compare-and-exchange) is read before it is written", s);
        }
        Optional<Value.Ptr> base = base(s, pc, a.dst().number(), sink);
        AbstractState out = s;
        if (base.isPresent()) {
            Value.Ptr p = base.get();
            Sink.Proof proof = Access.check(env, s, pc, a.dst().number(), p, a.offset(), size, Access.Kind.WRITE, sink);
            sink.access(pc, proof);
            if (p.kind() == PtrKind.CTX || p.kind() == PtrKind.PACKET) {
                sink.violation(pc, Access.valid(p, a.offset(), size, Access.Kind.WRITE), "atomic operations are not allowed on " + Access.describe(p), s);
            }
            if (p.kind() == PtrKind.HOST) {
                HostAccess.atomic(env, s, pc, p, a.offset(), size, sink);
            }
            if (proof == Sink.Proof.PROVED && p.kind() == PtrKind.STACK) {
                overwritesDynptr(s, pc, p, a.offset(), size, sink);
                int lo = (int) (p.off().s64().lo() + a.offset() + Frame.STACK_SIZE);
                int hi = (int) (p.off().s64().hi() + a.offset() + Frame.STACK_SIZE);
                if (!StackOps.initialised(s, p.region(), lo, hi + size) && env.privilege() == Privilege.UNPRIVILEGED) {
                    sink.violation(pc, Obligation.Initialised.stack(lo - Frame.STACK_SIZE, hi - lo + size), "atomic operation on stack bytes that were never written", s);
                }
                Optional<Value.Num[]> exact = lo == hi ? onKnownSlot(s, p.region(), lo, size, a, operand) : Optional.empty();
                if (exact.isPresent()) {
                    // A slot holding exactly one number: the old value and the new one are known as precisely as it.
                    out = StackOps.write(s, p.region(), lo, size, exact.get()[1]);
                    if (a.fetch() == Instruction.Fetch.FETCH) {
                        out = out.withReg(a.op() == AtomicOp.CMPXCHG ? 0 : src, exact.get()[0]);
                    }
                    return out;
                }
                out = lo == hi ? StackOps.write(s, p.region(), lo, size, Sizes.unsigned(size))
                        : StackOps.smear(s, p.region(), lo, hi + size);
            }
        } else {
            sink.access(pc, Sink.Proof.UNPROVED);
        }
        if (a.fetch() == Instruction.Fetch.FETCH) {
            int result = a.op() == AtomicOp.CMPXCHG ? 0 : src;
            out = out.withReg(result, Sizes.unsigned(size));
        }
        return out;
    }

    /**
     * {old, new} for an atomic operation on stack bytes [at, at + size) that hold exactly one spilled
     * number (the stack is private to the program, so nothing else changes it in between); empty when
     * the slot holds anything else or an operand is not a number.
     */
    private static Optional<Value.Num[]> onKnownSlot(AbstractState s, int depth, int at, int size, Instruction.Atomic a, Value operand) {
        if (!(s.frame(depth).stackAt(at) instanceof dev.warden.verifier.state.Spill sp) || sp.start() != at || sp.size() != size
                || !(sp.value() instanceof Value.Num old) || !(operand instanceof Value.Num v)) {
            return Optional.empty();
        }
        dev.warden.isa.Width w = size == 8 ? dev.warden.isa.Width.W64 : dev.warden.isa.Width.W32;
        Scalar o = old.scalar();
        // The operand is used at the operation's width; a 32-bit slot keeps the zero-extended result.
        Scalar x = v.scalar();
        Scalar next = switch (a.op()) {
            case ADD -> o.alu(dev.warden.isa.AluOp.ADD, w, x);
            case OR -> o.alu(dev.warden.isa.AluOp.OR, w, x);
            case AND -> o.alu(dev.warden.isa.AluOp.AND, w, x);
            case XOR -> o.alu(dev.warden.isa.AluOp.XOR, w, x);
            case XCHG -> x.alu(dev.warden.isa.AluOp.MOV, w, x);
            case CMPXCHG -> {
                if (!(s.reg(0) instanceof Value.Num expected)) {
                    yield null;
                }
                Scalar e = expected.scalar().alu(dev.warden.isa.AluOp.MOV, w, expected.scalar());
                Scalar swapped = x.alu(dev.warden.isa.AluOp.MOV, w, x);
                if (e.isConstant() && o.isConstant()) {
                    yield e.tnum().value() == o.tnum().value() ? swapped : o;
                }
                yield o.join(swapped);
            }
        };
        if (next == null) {
            return Optional.empty();
        }
        return Optional.of(new Value.Num[] {Value.Num.of(o), Value.Num.of(next)});
    }
}
