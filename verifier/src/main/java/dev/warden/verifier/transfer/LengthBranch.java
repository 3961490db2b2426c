package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Width;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.LengthFact;
import dev.warden.verifier.state.Value;

/**
 * What a comparison with a run-time length proves on one edge: {@code i < len} gives the index
 * {@code i <= L - 1} (and every equal copy of it), where {@code len} holds {@code L} exactly; a
 * bound on the length register itself ({@code if len == 0 goto out}) raises what is known of
 * {@code L}'s least value. The comparison must compare the values themselves: a signed form only
 * where both are known non-negative, a 32-bit form only where both fit in 32 bits (31 for signed).
 */
final class LengthBranch {
    private LengthBranch() {}

    /** The condition that holds on the fall-through edge of a jump on {@code c}. */
    static JmpCond negate(JmpCond c) {
        return switch (c) {
            case JLT -> JmpCond.JGE;
            case JGE -> JmpCond.JLT;
            case JLE -> JmpCond.JGT;
            case JGT -> JmpCond.JLE;
            case JSLT -> JmpCond.JSGE;
            case JSGE -> JmpCond.JSLT;
            case JSLE -> JmpCond.JSGT;
            case JSGT -> JmpCond.JSLE;
            case JEQ -> JmpCond.JNE;
            case JNE -> JmpCond.JEQ;
            default -> JmpCond.JSET; // no fact from these
        };
    }

    /** The edge state {@code e}, where {@code r[dst] cond r[src]} (or the immediate) holds, with the facts it proves. */
    static AbstractState edge(AbstractState e, JmpCond cond, Width w, int dst, int src) {
        if (e.isBottom() || !(e.reg(dst) instanceof Value.Num x)) {
            return e;
        }
        e = raiseLeast(e, dst, x);
        if (src < 0 || !(e.reg(src) instanceof Value.Num y)) {
            return e;
        }
        e = raiseLeast(e, src, y);
        x = (Value.Num) e.reg(dst);
        y = (Value.Num) e.reg(src);
        if (!comparable(cond, w, x.scalar(), y.scalar())) {
            return e;
        }
        return switch (cond) {
            case JLT, JSLT -> below(e, dst, x, y, -1);
            case JLE, JSLE -> below(e, dst, x, y, 0);
            case JGT, JSGT -> below(e, src, y, x, -1);
            case JGE, JSGE -> below(e, src, y, x, 0);
            default -> e;
        };
    }

    /** Whether this comparison of {@code a} and {@code b} orders their unsigned 64-bit values. */
    private static boolean comparable(JmpCond cond, Width w, Scalar a, Scalar b) {
        boolean signed = switch (cond) {
            case JSLT, JSLE, JSGT, JSGE -> true;
            default -> false;
        };
        if (a.isBottom() || b.isBottom()) {
            return false;
        }
        if (w == Width.W32) {
            long limit = signed ? 0x7fffffffL : 0xffffffffL;
            return Long.compareUnsigned(a.u64().hi(), limit) <= 0 && Long.compareUnsigned(b.u64().hi(), limit) <= 0;
        }
        return !signed || a.s64().lo() >= 0 && b.s64().lo() >= 0;
    }

    /** {@code index <= length + d} with {@code length == k * L + c}: the index gets {@code <= k * L + c + d}. */
    private static AbstractState below(AbstractState e, int reg, Value.Num index, Value.Num length, long d) {
        LengthFact l = length.fact();
        if (l.rel() != LengthFact.Rel.EQ) {
            return e;
        }
        LengthFact f = new LengthFact(l.sym(), l.least(), l.k(), l.c(), LengthFact.Rel.LE, 0).plus(d);
        LengthFact had = index.fact();
        if (!f.present() || had.present() && had.sym() == f.sym() && had.k() == f.k() && had.c() <= f.c()) {
            return e;
        }
        if (index.id() == 0 || index.view() != Value.View.FULL) {
            return e.withReg(reg, index.withFact(f));
        }
        // Every holder of the same value (a copy, a linked spill) is below the length too.
        int id = index.id();
        return e.mapValues(v -> v instanceof Value.Num n && n.id() == id && n.view() == Value.View.FULL ? n.withFact(f) : v);
    }

    /** A number equal to {@code L} whose range now starts higher: {@code L} does too. */
    private static AbstractState raiseLeast(AbstractState e, int reg, Value.Num n) {
        LengthFact f = n.fact();
        if (!f.present() || f.rel() != LengthFact.Rel.EQ || f.k() != 1 || f.c() != 0) {
            return e;
        }
        long lo = n.scalar().u64().lo();
        // lo < 0 as a long is an unsigned value beyond 2^63, which no bound needs.
        return lo <= f.least() ? e : e.withReg(reg, n.withFact(f.withLeast(lo)));
    }
}
