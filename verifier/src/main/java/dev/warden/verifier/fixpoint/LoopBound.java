package dev.warden.verifier.fixpoint;

import dev.warden.domains.Scalar;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Reg;
import dev.warden.isa.cfg.WtoElement;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Value;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.OptionalLong;

/**
 * Proves a loop bounded with an induction register: on every path from the loop head back to it,
 * the register changes by a constant amount of one sign (found by following additions of
 * immediates), without wrapping around, while the stable head state bounds it. A register that
 * only grows (or only shrinks) and stays within {@code [L, U]} at the head lets the head be
 * reached at most {@code (U - L) / step + 1} times.
 */
final class LoopBound {
    private LoopBound() {}

    /** Width at which the register's change is tracked: not yet changed, 64-bit, 32-bit (subregister). */
    private enum Tag { NONE, W64, W32 }

    /** A delta from the head value; null scalar means unknown. */
    private record Delta(Scalar d, Tag tag) {
        static final Delta UNKNOWN = new Delta(null, Tag.NONE);

        boolean known() {
            return d != null;
        }

        Delta join(Delta o) {
            if (o == null) {
                return this;
            }
            if (!known() || !o.known()) {
                return UNKNOWN;
            }
            Tag t = tag == Tag.NONE ? o.tag : o.tag == Tag.NONE || o.tag == tag ? tag : null;
            return t == null ? UNKNOWN : new Delta(d.join(o.d), t);
        }
    }

    /** Upper bound on the number of times the head of {@code c} is entered, if one is proved. */
    static OptionalLong iterations(FunctionAnalysis fa, WtoElement.Component c) {
        FunctionBlocks g = fa.graph();
        int h = c.head();
        BitSet blocks = new BitSet();
        collect(c, blocks);
        boolean anyBackEdge = false;
        for (int p : g.preds(h)) {
            if (blocks.get(p)) {
                for (int k = 0; k < 2; k++) {
                    anyBackEdge |= g.succs(p)[k] == h && !fa.edge(p, k).isBottom();
                }
            }
        }
        if (!anyBackEdge) {
            return OptionalLong.of(1);
        }
        AbstractState head = fa.in(h);
        long best = -1;
        for (int r = 0; r <= 9; r++) {
            if (!(head.reg(r) instanceof Value.Num n)) {
                continue;
            }
            Delta back = backEdgeDelta(fa, h, blocks, r);
            if (back == null || !back.known() || back.tag == Tag.NONE) {
                continue;
            }
            long it = bound(n.scalar(), back);
            if (it > 0 && (best < 0 || Long.compareUnsigned(it, best) < 0)) {
                best = it;
            }
        }
        return best < 0 ? OptionalLong.empty() : OptionalLong.of(best);
    }

    /**
     * The amount every register {@code r} changes by on every feasible path from the head of
     * {@code c} to one of its back edges, when that amount is one constant (not zero) added by
     * {@code r += c} / {@code r -= c} instructions of a single width: the head value of the next
     * iteration is the head value of this one plus {@code amount} (64-bit), or the low 32 bits of
     * that sum zero-extended ({@link dev.warden.isa.Width#W32}). Empty when some path changes it otherwise (a
     * different amount, no change, a move, a load or a call writes it, an inner loop advances it).
     */
    static java.util.Optional<Advance> advance(FunctionAnalysis fa, WtoElement.Component c, int r) {
        BitSet blocks = new BitSet();
        collect(c, blocks);
        Delta back = backEdgeDelta(fa, c.head(), blocks, r);
        if (back == null || !back.known() || back.tag == Tag.NONE || back.d.constantValue().isEmpty()
                || back.d.constantValue().getAsLong() == 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Advance(back.d.constantValue().getAsLong(),
                back.tag == Tag.W64 ? dev.warden.isa.Width.W64 : dev.warden.isa.Width.W32));
    }

    /** A register's change per iteration: {@code amount} added at {@code width} (see {@link #advance}). */
    record Advance(long amount, dev.warden.isa.Width width) {}

    private static void collect(WtoElement e, BitSet out) {
        switch (e) {
            case WtoElement.Vertex v -> out.set(v.block());
            case WtoElement.Component c -> {
                out.set(c.head());
                c.body().forEach(x -> collect(x, out));
            }
        }
    }

    /** The join of the register's deltas over the feasible back edges, or null/unknown. */
    private static Delta backEdgeDelta(FunctionAnalysis fa, int h, BitSet blocks, int r) {
        FunctionBlocks g = fa.graph();
        Delta[] at = new Delta[g.blockCount()];
        at[h] = new Delta(Scalar.constant(0), Tag.NONE);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.add(h);
        Delta back = null;
        int budget = 64 * Math.max(1, blocks.cardinality());
        while (!work.isEmpty()) {
            if (--budget < 0) {
                return Delta.UNKNOWN;
            }
            int b = work.poll();
            if (fa.in(b).isBottom()) {
                continue;
            }
            Delta d = at[b];
            for (int pc : g.pcs(b)) {
                d = step(g.program().at(pc), d, r);
            }
            for (int k = 0; k < 2; k++) {
                int s = g.succs(b)[k];
                if (s < 0 || !blocks.get(s) || fa.edge(b, k).isBottom()) {
                    continue;
                }
                if (s == h) {
                    back = d.join(back);
                    continue;
                }
                Delta joined = at[s] == null ? d : at[s].join(d);
                if (!joined.equals(at[s])) {
                    at[s] = joined;
                    work.add(s);
                }
            }
        }
        return back;
    }

    private static Delta step(Instruction insn, Delta d, int r) {
        if (!d.known()) {
            return d;
        }
        return switch (insn) {
            case Instruction.Alu a when a.dst().number() == r -> {
                boolean self = a.src() instanceof Reg s && s.number() == r;
                if ((a.op() == dev.warden.isa.AluOp.ADD || a.op() == dev.warden.isa.AluOp.SUB) && a.src() instanceof Imm i) {
                    Tag t = a.width() == dev.warden.isa.Width.W64 ? Tag.W64 : Tag.W32;
                    if (d.tag != Tag.NONE && d.tag != t) {
                        yield Delta.UNKNOWN;
                    }
                    long c = a.op() == dev.warden.isa.AluOp.ADD ? i.value() : -(long) i.value();
                    yield new Delta(d.d.alu(dev.warden.isa.AluOp.ADD, dev.warden.isa.Width.W64, Scalar.constant(c)), t);
                }
                if (a.op() == dev.warden.isa.AluOp.MOV && self) {
                    if (a.width() == dev.warden.isa.Width.W64) {
                        yield d;
                    }
                    yield d.tag == Tag.W64 ? Delta.UNKNOWN : new Delta(d.d, Tag.W32);
                }
                yield Delta.UNKNOWN;
            }
            case Instruction.Load l when l.dst().number() == r -> Delta.UNKNOWN;
            case Instruction.LoadImm64 l when l.dst().number() == r -> Delta.UNKNOWN;
            case Instruction.Endian e when e.dst().number() == r -> Delta.UNKNOWN;
            case Instruction.Call c when r <= 5 -> Delta.UNKNOWN;
            case Instruction.CallX c when r <= 5 -> Delta.UNKNOWN;
            case Instruction.PacketLoad p when r <= 5 -> Delta.UNKNOWN;
            case Instruction.Atomic a when a.fetch() == Instruction.Fetch.FETCH
                    && (a.op() == dev.warden.isa.AtomicOp.CMPXCHG ? r == 0 : a.src().number() == r) -> Delta.UNKNOWN;
            default -> d;
        };
    }

    /** Iterations bound from the head value's bounds and the per-iteration change, or -1. */
    private static long bound(Scalar head, Delta back) {
        Scalar d = back.d;
        long dlo = d.s64().lo();
        long dhi = d.s64().hi();
        boolean w32 = back.tag == Tag.W32;
        long best = -1;
        if (dlo >= 1 || dhi <= -1) {
            long step = dlo >= 1 ? dlo : -dhi;
            long maxChange = dlo >= 1 ? dhi : -dlo;
            long ulo = w32 ? head.u32().lo() : head.u64().lo();
            long uhi = w32 ? head.u32().hi() : head.u64().hi();
            long umax = w32 ? 0xffffffffL : -1L;
            boolean noWrap = dlo >= 1
                    ? Long.compareUnsigned(uhi, umax - maxChange) <= 0 && maxChange > 0 && maxChange <= (w32 ? 0xffffffffL : Long.MAX_VALUE)
                    : Long.compareUnsigned(ulo, maxChange) >= 0;
            if (noWrap) {
                best = Long.divideUnsigned(uhi - ulo, step) + 1;
            }
            long slo = w32 ? head.s32().lo() : head.s64().lo();
            long shi = w32 ? head.s32().hi() : head.s64().hi();
            long smax = w32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            long smin = w32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            boolean sNoWrap = dlo >= 1 ? shi <= smax - maxChange : slo >= smin + maxChange;
            if (sNoWrap) {
                long it = Long.divideUnsigned(shi - slo, step) + 1;
                if (best < 0 || Long.compareUnsigned(it, best) < 0) {
                    best = it;
                }
            }
        }
        return best == 0 ? -1 : best;
    }
}
