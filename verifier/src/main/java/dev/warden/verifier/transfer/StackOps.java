package dev.warden.verifier.transfer;

import dev.warden.isa.AluOp;
import dev.warden.domains.Scalar;
import dev.warden.isa.Width;
import dev.warden.isa.Instruction.Extension;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.Spill;
import dev.warden.verifier.state.StackByte;
import dev.warden.verifier.state.Value;

/**
 * Reads and writes of stack bytes. Offsets are byte indices into a frame (0..511, 512 = r10);
 * the caller has checked the bounds.
 *
 * <p>Spills: an 8-byte store keeps the whole value (a pointer keeps its type); a narrower store of
 * a scalar keeps the scalar truncated to its width, so a fill of the same bytes gets its bounds
 * back. A narrower store of a pointer leaves unknown initialised bytes (reading them gives an
 * unknown scalar): the pointer cannot be rebuilt from its pieces.
 */
final class StackOps {
    private StackOps() {}

    /** The value of a store of {@code v} in {@code size} bytes, as kept in the stack (empty for "just bytes"). */
    static Value truncated(Value v, int size) {
        if (size == 8) {
            return v;
        }
        if (v instanceof Value.Num n) {
            Scalar s = n.scalar();
            Scalar t = switch (size) {
                case 4 -> s.alu(AluOp.MOV, Width.W32, s);
                case 2 -> s.alu(AluOp.AND, Width.W64, Scalar.constant(0xffff));
                default -> s.alu(AluOp.AND, Width.W64, Scalar.constant(0xff));
            };
            // A 4-byte spill of a number below 2^32 keeps it whole, and so its length fact.
            return new Value.Num(t, 0, Value.View.FULL, size == 4 && Long.compareUnsigned(s.u64().hi(), 0xffffffffL) <= 0 ? n.fact() : dev.warden.verifier.state.LengthFact.NONE);
        }
        return Value.UNINIT;
    }

    /** Writes {@code v} at constant byte index {@code at}. */
    static AbstractState write(AbstractState s, int depth, int at, int size, Value v) {
        Frame f = s.frame(depth);
        Object[] stack = copy(f);
        demoteOverlapping(stack, at, size);
        Value kept = truncated(v, size);
        Object cell = kept instanceof Value.Uninit ? StackByte.MISC : new Spill(kept, at, size);
        for (int k = 0; k < size; k++) {
            stack[at + k] = cell;
        }
        return s.withFrame(depth, withStack(f, stack));
    }

    /** A write somewhere in {@code [lo, hi)}: the bytes there become "written, unknown" unless maybe never written. */
    static AbstractState smear(AbstractState s, int depth, int lo, int hi) {
        Frame f = s.frame(depth);
        Object[] stack = copy(f);
        demoteOverlapping(stack, lo, hi - lo);
        for (int i = lo; i < hi; i++) {
            if (stack[i] != StackByte.UNINIT) {
                stack[i] = StackByte.MISC;
            }
        }
        return s.withFrame(depth, withStack(f, stack));
    }

    /** A helper filled {@code [lo, hi)}: initialised, unknown. */
    static AbstractState fill(AbstractState s, int depth, int lo, int hi) {
        Frame f = s.frame(depth);
        Object[] stack = copy(f);
        demoteOverlapping(stack, lo, hi - lo);
        for (int i = lo; i < hi; i++) {
            stack[i] = StackByte.MISC;
        }
        return s.withFrame(depth, withStack(f, stack));
    }

    /** Whether every byte in {@code [lo, hi)} has been written on every path. */
    static boolean initialised(AbstractState s, int depth, int lo, int hi) {
        Frame f = s.frame(depth);
        for (int i = lo; i < hi; i++) {
            if (f.stackAt(i) == StackByte.UNINIT) {
                return false;
            }
        }
        return true;
    }

    /** The value a load of {@code size} bytes at {@code at} gives, assuming the bytes are readable. */
    static Value read(AbstractState s, int depth, int at, int size, Extension ext) {
        Frame f = s.frame(depth);
        Object first = f.stackAt(at);
        if (first instanceof Spill sp && sp.start() == at && sp.size() == size
                && !(sp.value() instanceof Value.Ptr d && d.kind() == dev.warden.verifier.state.PtrKind.DYNPTR)) {
            // (A dynptr's bytes read back are a number: the program may not copy or forge one.)
            Value v = sp.value();
            if (ext == Extension.SIGN) {
                if (v instanceof Value.Num n) {
                    AluOp op = size == 1 ? AluOp.MOVSX8 : size == 2 ? AluOp.MOVSX16 : AluOp.MOVSX32;
                    return Value.Num.of(n.scalar().alu(op, Width.W64, n.scalar()));
                }
                return Sizes.signed(size);
            }
            return v;
        }
        boolean zero = true;
        for (int k = 0; k < size; k++) {
            zero &= f.stackAt(at + k) == StackByte.ZERO;
        }
        if (zero) {
            return Value.Num.constant(0);
        }
        return ext == Extension.SIGN ? Sizes.signed(size) : Sizes.unsigned(size);
    }

    /**
     * Gives the number spilled whole at {@code [at, at + size)} of frame {@code depth} the link
     * {@code id} (the caller gives the filled register the same), or null when no unlinked number
     * is spilled exactly there. Both then hold the same value: the fill zero-extends what the spill
     * kept truncated to its width.
     */
    static AbstractState link(AbstractState s, int depth, int at, int size, int id) {
        Frame f = s.frame(depth);
        if (!(f.stackAt(at) instanceof Spill sp) || sp.start() != at || sp.size() != size
                || !(sp.value() instanceof Value.Num n) || n.id() != 0) {
            return null;
        }
        Object[] stack = copy(f);
        Spill linked = new Spill(n.withId(id), at, size);
        for (int k = 0; k < size; k++) {
            stack[at + k] = linked;
        }
        return s.withFrame(depth, withStack(f, stack));
    }

    private static Object[] copy(Frame f) {
        return f.stackCopy();
    }

    private static Frame withStack(Frame f, Object[] stack) {
        return f.withStack(stack);
    }

    /** Spills that overlap {@code [at, at + size)} are lost: their other bytes become unknown written bytes. */
    private static void demoteOverlapping(Object[] stack, int at, int size) {
        for (int i = at; i < at + size; i++) {
            if (stack[i] instanceof Spill sp) {
                for (int j = sp.start(); j < sp.start() + sp.size(); j++) {
                    if (stack[j] == sp) {
                        stack[j] = StackByte.MISC;
                    }
                }
            }
        }
    }
}
