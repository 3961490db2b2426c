package dev.warden.verifier.fixpoint;

import dev.warden.domains.Scalar;
import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Width;
import dev.warden.isa.cfg.WtoElement;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Value;
import java.util.BitSet;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A narrowing step at a loop head for registers advanced by one constant per iteration (the
 * pointer {@code p += 2} that clang makes of {@code mem[2 * i]} next to a counter {@code i}): the
 * widening pass leaves such a register unbounded at the head, because only the counter meets the
 * exit test. Here the loop's proved iteration bound carries over to it.
 *
 * <p>The rule. Let {@code N} bound the number of times one entry into the loop visits its head
 * ({@link LoopBound#iterations}: a counter that moves by at least its step on every way around and
 * stays within the head's bounds). Between consecutive visits exactly one back edge is taken, so
 * the {@code k}-th visit ({@code k = 0 .. N - 1}) follows {@code k} back-edge traversals; an exit
 * from the middle of the body ends the entry without another visit, so it changes neither count.
 * If every feasible path from the head to a back edge adds the same constant {@code c} to register
 * {@code r} ({@link LoopBound#advance}: nothing else writes it, no inner loop changes it, no call
 * clobbers it), then at the {@code k}-th visit {@code r = r0 + k * c}, where {@code r0} is its value
 * on the edge that entered the loop. So {@code r} lies in {@code entry + c * [0, N - 1]} at the
 * head, for the join {@code entry} of the entering edges' states; the narrowed head is that set met
 * with the stable head (both over-approximate every visit). For a pointer this is its offset (same
 * kind and object on entry and at the head); a spilled copy on the stack is another value and keeps
 * its stable state. A register advanced by 32-bit adds ({@code w1 += c}) holds the low 32 bits of
 * the sum, zero-extended: the rule applies to it only where the sum cannot leave
 * {@code [0, 2^32)} (so the truncation never bites) and {@code r0} already fits 32 bits.
 *
 * <p>Why {@code N} from the widened pass is a bound: that pass's states over-approximate every
 * state an execution reaches (before any fault), and {@link LoopBound} reads only those states and
 * the program's instructions, so its bound holds for every execution; the narrowed head is then a
 * sound over-approximation too, and the body re-run from it (a descending step) stays sound.
 *
 * <p>Not applied where the loop can be entered other than at its head (irreducible flow): an
 * execution entering the middle reaches the head without having started from {@code entry}.
 */
final class InductionNarrowing {
    private InductionNarrowing() {}

    /** Registers the rule considers: r10 (the frame pointer) never changes. */
    private static final int REGISTERS = 10;
    private static final long U32_MAX = 0xffff_ffffL;

    /**
     * The head state of loop {@code c} narrowed by the rule, given {@code entering}, the join of
     * the states on the edges entering the loop; the stable head itself where nothing narrows.
     */
    static AbstractState head(FunctionAnalysis fa, WtoElement.Component c, AbstractState entering) {
        AbstractState head = fa.in(c.head());
        if (head.isBottom() || entering.isBottom() || !enteredOnlyAtHead(fa.graph(), c)) {
            return head;
        }
        OptionalLong visits = OptionalLong.empty();
        boolean boundTried = false;
        AbstractState out = head;
        BitSet candidates = addedToByConstants(fa.graph(), c);
        for (int r = candidates.nextSetBit(0); r >= 0 && r < REGISTERS; r = candidates.nextSetBit(r + 1)) {
            Optional<LoopBound.Advance> advance = LoopBound.advance(fa, c, r);
            if (advance.isEmpty()) {
                continue;
            }
            if (!boundTried) {
                visits = LoopBound.iterations(fa, c);
                boundTried = true;
            }
            // An unsigned bound past 2^63 reads as negative here: no narrowing from it.
            if (visits.isEmpty() || visits.getAsLong() < 1) {
                return head;
            }
            OptionalLong reach = reach(visits.getAsLong() - 1, advance.get().amount());
            if (reach.isEmpty()) {
                continue;
            }
            Optional<Value> v = narrowed(head.reg(r), entering.reg(r), advance.get().width(), reach.getAsLong());
            if (v.isPresent()) {
                out = out.withReg(r, v.get());
            }
        }
        return out;
    }

    /**
     * The registers some instruction of the loop adds a constant to: only they can be advanced by
     * one (a cheap filter before following every path for each register).
     */
    private static BitSet addedToByConstants(FunctionBlocks g, WtoElement.Component c) {
        BitSet regs = new BitSet();
        BitSet members = c.blocks();
        for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
            for (int pc : g.pcs(b)) {
                if (g.program().at(pc) instanceof Instruction.Alu a && a.src() instanceof Imm
                        && (a.op() == AluOp.ADD || a.op() == AluOp.SUB)) {
                    regs.set(a.dst().number());
                }
            }
        }
        return regs;
    }

    /** {@code backEdges * amount}, the farthest change from the entry value; empty on overflow. */
    private static OptionalLong reach(long backEdges, long amount) {
        long hi = Math.multiplyHigh(backEdges, amount);
        long lo = backEdges * amount;
        // The product fits a long exactly when the high half is the low half's sign extension.
        return hi == (lo >> 63) ? OptionalLong.of(lo) : OptionalLong.empty();
    }

    /**
     * The register's head value {@code stable} met with {@code entry + [0, reach]} (or
     * {@code [reach, 0]} for a negative reach); empty where the rule does not apply to this pair of
     * values or the meet would not be a value (which a sound bound never gives; kept as is).
     */
    private static Optional<Value> narrowed(Value stable, Value entry, Width width, long reach) {
        Scalar span = reach >= 0 ? Scalar.unsignedRange(0, reach) : Scalar.signedRange(reach, 0);
        return switch (stable) {
            case Value.Num n when entry instanceof Value.Num e -> {
                if (width == Width.W32 && !fits32(e.scalar(), reach)) {
                    yield Optional.empty();
                }
                Scalar m = n.scalar().meet(e.scalar().alu(AluOp.ADD, Width.W64, span));
                yield m.isBottom() ? Optional.empty() : Optional.of(new Value.Num(m, n.id(), n.view()));
            }
            case Value.Ptr p when width == Width.W64 && entry instanceof Value.Ptr e
                    && e.kind() == p.kind() && e.region() == p.region() -> {
                Scalar m = p.off().meet(e.off().alu(AluOp.ADD, Width.W64, span));
                yield m.isBottom() ? Optional.empty() : Optional.of(p.withOff(m, p.fix()));
            }
            default -> Optional.empty();
        };
    }

    /** Whether {@code entry + [0, reach]} stays in {@code [0, 2^32)}: 32-bit adds then never wrap. */
    private static boolean fits32(Scalar entry, long reach) {
        long lo = entry.u64().lo();
        long hi = entry.u64().hi();
        if (Long.compareUnsigned(hi, U32_MAX) > 0 || Math.abs(reach) > U32_MAX) {
            return false;
        }
        return reach >= 0 ? hi + reach <= U32_MAX : lo + reach >= 0;
    }

    /** Whether every edge into a block of the loop other than its head comes from inside the loop. */
    private static boolean enteredOnlyAtHead(FunctionBlocks g, WtoElement.Component c) {
        BitSet members = c.blocks();
        for (int b = members.nextSetBit(0); b >= 0; b = members.nextSetBit(b + 1)) {
            if (b == c.head()) {
                continue;
            }
            if (b == g.entryBlock()) {
                return false;
            }
            for (int p : g.preds(b)) {
                if (!members.get(p)) {
                    return false;
                }
            }
        }
        return true;
    }
}
