package dev.warden.runtime.fuzz.eim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A random extension for a {@link RandomEimPolicy}, as assembly: r6 = {@code r}, r7 = {@code n},
 * r8 = {@code &cfg} ({@code btf_var[0]}), r9 an accumulator of loaded and returned values. Pieces:
 * loads and stores at constant offsets inside the grants; loads and stores at variable offsets
 * whose index is masked, compared against the element count (directly, on a copy, as 32-bit
 * registers, signed), or a bounded loop's counter, sometimes spilled to the stack and filled;
 * stores into constrained fields of constants or compared values; calls of {@code hostFn} with a
 * constant or bounded first argument; pieces behind branches on {@code n}; a return value inside
 * the entry's constraint. A piece may carry one planted {@link EimFlaw}, live or (behind a branch
 * the entry's constraint on {@code n} never takes) dead.
 */
final class RandomEimProgram {
    private static final int[] WIDTHS = {1, 2, 4, 8};

    /** A piece as it should be, or with its flaw. */
    private enum Variant { SAFE, FLAWED }

    private final SplittableRandom rnd;
    private final RandomEimPolicy policy;
    private final StringBuilder asm = new StringBuilder();
    private final List<EimFlaw.Planted> planted = new ArrayList<>();
    private int labels;
    /** The values of {@code n} under which the piece being written runs (empty when lo > hi). */
    private long nLo;
    private long nHi;
    /** The value {@code n} must take for the flaw being planted to break the class, where it depends on one. */
    private java.util.OptionalLong edge = java.util.OptionalLong.empty();

    private RandomEimProgram(SplittableRandom rnd, RandomEimPolicy policy) {
        this.rnd = rnd;
        this.policy = policy;
    }

    /** The program's text and the flaws planted in it. */
    record Written(String asm, List<EimFlaw.Planted> planted) {}

    static Written write(RandomEimPolicy policy, SplittableRandom rnd, int pieces, double flawRate) {
        RandomEimProgram p = new RandomEimProgram(rnd, policy);
        p.nHi = policy.nMax();
        p.line("r6 = r1");
        p.line("r7 = r2");
        p.line("r9 = 0");
        if (policy.variable().isPresent()) {
            p.line("r8 = btf_var[0] ll");
        }
        for (int i = 0; i < pieces; i++) {
            Optional<EimFlaw> flaw = rnd.nextDouble() < flawRate ? Optional.of(pickFlaw(rnd)) : Optional.empty();
            if (flaw.isPresent() && policy.nMax() < RandomEimPolicy.U32_MAX && rnd.nextInt(4) == 0) {
                // Dead: n never exceeds nMax, so the flawed piece after this test is never run.
                String skip = p.label();
                p.line("if r7 <= " + policy.nMax() + " goto " + skip);
                p.piece(flaw, EimFlaw.Reach.DEAD);
                p.place(skip);
            } else if (rnd.nextInt(4) == 0) {
                String skip = p.label();
                boolean above = rnd.nextBoolean();
                long x = rnd.nextLong(Math.min(policy.nMax(), 100) + 1);
                p.line("if r7 " + (above ? ">" : "<") + " " + x + " goto " + skip);
                // The piece runs for n <= x, or for n >= x.
                p.nLo = above ? 0 : x;
                p.nHi = above ? x : policy.nMax();
                p.piece(flaw, EimFlaw.Reach.LIVE);
                p.nLo = 0;
                p.nHi = policy.nMax();
                p.place(skip);
            } else {
                p.piece(flaw, EimFlaw.Reach.LIVE);
            }
        }
        p.epilogue(rnd.nextDouble() < flawRate / 2 ? Variant.FLAWED : Variant.SAFE);
        return new Written(p.asm.toString(), List.copyOf(p.planted));
    }

    private static EimFlaw pickFlaw(SplittableRandom rnd) {
        EimFlaw[] kinds = {EimFlaw.UNGRANTED_BYTE, EimFlaw.PAST_THE_OBJECT, EimFlaw.WRITE_TO_READ_ONLY,
            EimFlaw.VALUE_OUTSIDE_WRITE_CONSTRAINT, EimFlaw.ARGUMENT_OUTSIDE_CALL_CONSTRAINT, EimFlaw.OFF_BY_ONE_INDEX};
        return kinds[rnd.nextInt(kinds.length)];
    }

    /** One piece, carrying {@code flaw} where the policy gives it a place (else a safe piece). */
    private void piece(Optional<EimFlaw> flaw, EimFlaw.Reach reach) {
        if (flaw.isPresent() && flawed(flaw.get(), reach)) {
            return;
        }
        switch (rnd.nextInt(7)) {
            case 0, 1 -> constantAccess(object(), rnd.nextInt(3) == 0 ? HostShape.WRITE : HostShape.READ);
            case 2 -> indexed(object(), rnd.nextInt(3) == 0 ? HostShape.WRITE : HostShape.READ, Variant.SAFE);
            case 3 -> loop(object(), rnd.nextInt(3) == 0 ? HostShape.WRITE : HostShape.READ, Variant.SAFE);
            case 4 -> constrainedStore(Variant.SAFE);
            case 5 -> call(Variant.SAFE);
            default -> {
                line("r9 += r7");
                line("r9 ^= " + rnd.nextInt(1 << 16));
            }
        }
    }

    /** Plants {@code flaw}; false when this policy has no place for it. */
    private boolean flawed(EimFlaw flaw, EimFlaw.Reach reach) {
        int mark = asm.length();
        int before = planted.size();
        edge = java.util.OptionalLong.empty();
        boolean done = switch (flaw) {
            case UNGRANTED_BYTE -> ungranted(object());
            case PAST_THE_OBJECT -> pastTheEnd(object());
            case WRITE_TO_READ_ONLY -> readOnlyWrite(object());
            case VALUE_OUTSIDE_WRITE_CONSTRAINT -> constrainedStore(Variant.FLAWED);
            case ARGUMENT_OUTSIDE_CALL_CONSTRAINT -> call(Variant.FLAWED);
            case OFF_BY_ONE_INDEX -> rnd.nextBoolean() ? indexed(object(), rnd.nextInt(3) == 0 ? HostShape.WRITE : HostShape.READ, Variant.FLAWED)
                    : loop(object(), rnd.nextInt(3) == 0 ? HostShape.WRITE : HostShape.READ, Variant.FLAWED);
            case RETURN_OUTSIDE_CONSTRAINT -> false;
        };
        if (!done) {
            asm.setLength(mark);
            return false;
        }
        String piece = String.join("; ", asm.substring(mark).strip().split("\\s*\n\\s*"));
        // A flaw that needs a value of n the piece never runs with is dead too.
        boolean reachable = nLo <= nHi && (edge.isEmpty() || nLo <= edge.getAsLong() && edge.getAsLong() <= nHi);
        planted.add(before, new EimFlaw.Planted(flaw, reachable ? reach : EimFlaw.Reach.DEAD, piece));
        return true;
    }

    private HostShape object() {
        return policy.variable().isPresent() && rnd.nextInt(3) == 0 ? policy.variable().get() : policy.argument();
    }

    // ---- constant offsets ----

    /** A load (or store) of granted bytes at a constant offset, never touching a constrained field. */
    private boolean constantAccess(HostShape o, int right) {
        List<long[]> options = new ArrayList<>();
        for (int w : WIDTHS) {
            for (long off = 0; off + w <= o.size; off += w) {
                if (o.all(off, w, right, right == HostShape.WRITE ? HostShape.CONSTRAINED : 0)) {
                    options.add(new long[] {off, w});
                }
            }
        }
        return access(o, right, options);
    }

    /** A load of a byte no grant covers, or a store where neither read nor write is granted. */
    private boolean ungranted(HostShape o) {
        int right = rnd.nextBoolean() ? HostShape.WRITE : HostShape.READ;
        List<long[]> options = new ArrayList<>();
        for (int w : WIDTHS) {
            for (long off = 0; off + w <= o.size; off += w) {
                boolean bare = false;
                for (long b = off; b < off + w; b++) {
                    bare |= (o.rights[(int) b] & (HostShape.READ | HostShape.WRITE)) == 0;
                }
                if (bare) {
                    options.add(new long[] {off, w});
                }
            }
        }
        return access(o, right, options);
    }

    /** A store into bytes granted for reading only (no write grant on any of them). */
    private boolean readOnlyWrite(HostShape o) {
        List<long[]> options = new ArrayList<>();
        for (int w : WIDTHS) {
            for (long off = 0; off + w <= o.size; off += w) {
                if (o.all(off, w, HostShape.READ, HostShape.WRITE)) {
                    options.add(new long[] {off, w});
                }
            }
        }
        return access(o, HostShape.WRITE, options);
    }

    /** An access that ends past the object (aligned, so only its bounds are wrong). */
    private boolean pastTheEnd(HostShape o) {
        int w = WIDTHS[rnd.nextInt(WIDTHS.length)];
        long off = (o.size + w - 1) / w * w - (rnd.nextBoolean() && o.size % w != 0 ? w : 0);
        if (off + w <= o.size) {
            off += w;
        }
        return access(o, rnd.nextBoolean() ? HostShape.WRITE : HostShape.READ, List.<long[]>of(new long[] {off, w}));
    }

    private boolean access(HostShape o, int right, List<long[]> options) {
        if (options.isEmpty()) {
            return false;
        }
        long[] pick = options.get(rnd.nextInt(options.size()));
        String at = "*(u" + (8 * pick[1]) + " *)(" + o.register + " + " + pick[0] + ")";
        if (right == HostShape.READ) {
            line("r0 = " + at);
            line("r9 += r0");
        } else if (rnd.nextBoolean()) {
            line(at + " = " + (rnd.nextInt(2000) - 1000));
        } else {
            line(at + " = r9");
        }
        return true;
    }

    // ---- variable offsets ----

    /** An element run: {@code count} elements of {@code width} bytes from {@code from}, all with {@code right}. */
    private record Run(long from, int width, long count) {}

    private Optional<Run> run(HostShape o, int right) {
        List<Run> runs = new ArrayList<>();
        for (long[] r : o.runs(right)) {
            for (int w : WIDTHS) {
                long from = (r[0] + w - 1) / w * w;
                long count = (r[1] - from) / w;
                boolean constrained = right == HostShape.WRITE && !o.all(from, (int) (count * w), 0, HostShape.CONSTRAINED);
                if (count >= 2 && !constrained) {
                    runs.add(new Run(from, w, count));
                }
            }
        }
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(rnd.nextInt(runs.size())));
    }

    /**
     * An access at a variable index into a run: the index is {@code n} compared against the count
     * (flawed: with {@code >} in place of {@code >=}, so that index = count passes), or the
     * accumulator masked to a power of two at most the count.
     */
    private boolean indexed(HostShape o, int right, Variant variant) {
        boolean offByOne = variant == Variant.FLAWED;
        Optional<Run> found = run(o, right);
        if (found.isEmpty()) {
            return false;
        }
        Run r = found.get();
        String skip = label();
        String ge = offByOne ? ">" : ">=";
        int style = rnd.nextInt(offByOne ? 4 : 5);
        if (style == 4) {
            line("r1 = r9");
            line("r1 &= " + (Long.highestOneBit(r.count()) - 1));
        } else {
            // n against the count: directly, on a copy (the bound must reach r1 through the copy),
            // as 32-bit registers (n is zero-extended), or signed with a test for negatives.
            line("r1 = r7");
            switch (style) {
                case 0 -> line("if r1 " + ge + " " + r.count() + " goto " + skip);
                case 1 -> {
                    line("r3 = r1");
                    line("if r3 " + ge + " " + r.count() + " goto " + skip);
                }
                case 2 -> line("if w1 " + ge + " " + r.count() + " goto " + skip);
                default -> {
                    line("if r1 s" + ge + " " + r.count() + " goto " + skip);
                    line("if r1 s< 0 goto " + skip);
                }
            }
            edge = java.util.OptionalLong.of(r.count());
        }
        if (rnd.nextInt(4) == 0) {
            // Through the stack: the bound must survive a spill and a fill.
            line("*(u64 *)(r10 - 8) = r1");
            line("r1 = *(u64 *)(r10 - 8)");
        }
        element(o, right, r, "r1");
        place(skip);
        return true;
    }

    /** A loop over the first elements of a run, counter r4 ({@code offByOne}: one iteration too many). */
    private boolean loop(HostShape o, int right, Variant variant) {
        boolean offByOne = variant == Variant.FLAWED;
        Optional<Run> found = run(o, right);
        if (found.isEmpty()) {
            return false;
        }
        Run r = found.get();
        long iterations = offByOne ? r.count() + 1 : 1 + rnd.nextLong(r.count());
        String head = label();
        line("r4 = 0");
        place(head);
        line("r1 = r4");
        element(o, right, r, "r1");
        line("r4 += 1");
        line("if r4 < " + iterations + " goto " + head);
        return true;
    }

    private void element(HostShape o, int right, Run r, String index) {
        if (r.width() > 1) {
            line(index + " <<= " + Long.numberOfTrailingZeros(r.width()));
        }
        line("r2 = " + o.register);
        if (r.from() != 0) {
            line("r2 += " + r.from());
        }
        line("r2 += " + index);
        String at = "*(u" + (8 * r.width()) + " *)(r2 + 0)";
        if (right == HostShape.READ) {
            line("r0 = " + at);
            line("r9 += r0");
        } else {
            line(at + " = r9");
        }
    }

    // ---- constrained stores ----

    /** A whole-field store into a constrained field of {@code cfg}: a constant or a compared value inside the constraint (or, flawed, one past it). */
    private boolean constrainedStore(Variant variant) {
        boolean outside = variant == Variant.FLAWED;
        if (policy.variable().isEmpty() || policy.variable().get().constrained.isEmpty()) {
            return false;
        }
        HostShape v = policy.variable().get();
        HostShape.Constrained c = v.constrained.get(rnd.nextInt(v.constrained.size()));
        long min = c.field().signed() ? -(1L << (8 * c.field().size() - 1)) : 0;
        long max = c.field().size() == 8 ? (c.field().signed() ? Long.MAX_VALUE : -1) : (c.field().signed()
                ? (1L << (8 * c.field().size() - 1)) - 1 : (1L << (8 * c.field().size())) - 1);
        boolean belowRoom = c.lo() > min;
        // Unsigned 64-bit max is -1 here: compare as unsigned.
        boolean aboveRoom = c.field().signed() || c.field().size() < 8 ? c.hi() < max : Long.compareUnsigned(c.hi(), max) < 0;
        if (outside && !belowRoom && !aboveRoom) {
            return false;
        }
        String at = "*(u" + (8 * c.field().size()) + " *)(r8 + " + c.field().offset() + ")";
        String gt = c.field().signed() ? "s>" : ">";
        String lt = c.field().signed() ? "s<" : "<";
        boolean high = aboveRoom && (!belowRoom || rnd.nextBoolean());
        if (rnd.nextBoolean()) {
            long from = Math.max(c.lo(), -50);
            long value = outside ? (high ? c.hi() + 1 : c.lo() - 1) : from + rnd.nextLong(c.hi() - from + 1);
            line("r1 = " + value);
            line(at + " = r1");
        } else {
            // From n, so that the fuzzer's inputs (the program's constants, each +-1) reach the edge.
            String skip = label();
            line("r1 = r7");
            line("if r1 " + gt + " " + (outside && high ? c.hi() + 1 : c.hi()) + " goto " + skip);
            edge = java.util.OptionalLong.of(high ? c.hi() + 1 : c.lo() - 1);
            if (c.lo() > min || c.field().size() < 8) {
                // A 64-bit register below a narrower field's minimum would wrap when stored: compare even at the minimum.
                line("if r1 " + lt + " " + (outside && !high ? c.lo() - 1 : c.lo()) + " goto " + skip);
            }
            line(at + " = r1");
            place(skip);
        }
        return true;
    }

    // ---- calls ----

    /** {@code hostFn(x, y)}: x a constant or a bounded value in the capability's range (flawed: one past it); the result into r9. */
    private boolean call(Variant variant) {
        boolean outside = variant == Variant.FLAWED;
        if (policy.call().isEmpty()) {
            return false;
        }
        RandomEimPolicy.CallRule rule = policy.call().get();
        boolean below = outside && rule.lo() > 0 && rnd.nextBoolean();
        String skip = label();
        boolean compared = false;
        switch (rnd.nextInt(3)) {
            case 0 -> line("r1 = " + (outside ? (below ? rule.lo() - 1 : rule.hi() + 1) : rule.lo() + rnd.nextLong(rule.hi() - rule.lo() + 1)));
            case 1 -> {
                line("r1 = r7");
                line("if r1 > " + (outside && !below ? rule.hi() + 1 : rule.hi()) + " goto " + skip);
                line("if r1 < " + (below ? rule.lo() - 1 : rule.lo()) + " goto " + skip);
                edge = java.util.OptionalLong.of(below ? rule.lo() - 1 : rule.hi() + 1);
                compared = true;
            }
            default -> {
                line("r1 = r9");
                long mask = Long.highestOneBit(rule.hi() + 1) - 1;
                line("r1 &= " + (outside && !below ? 2 * mask + 1 : mask));
                line("r1 += " + (below ? rule.lo() - 1 : rule.lo()));
                if (rule.lo() + mask > rule.hi() && !outside) {
                    line("if r1 > " + rule.hi() + " goto " + skip);
                    compared = true;
                }
            }
        }
        line("r2 = r9");
        line("call kfunc 0");
        if (compared) {
            line("r9 += r0");
            place(skip);
        } else {
            line("r9 += r0");
        }
        return true;
    }

    // ---- the end ----

    /** r0 inside the entry's return constraint (or, flawed, one past it), then exit. */
    private void epilogue(Variant variant) {
        boolean flaw = variant == Variant.FLAWED;
        if (policy.returns().isPresent()) {
            long hi = policy.returns().get();
            if (flaw) {
                line("r0 = " + (hi + 1));
                planted.add(new EimFlaw.Planted(EimFlaw.RETURN_OUTSIDE_CONSTRAINT, EimFlaw.Reach.LIVE, "r0 = " + (hi + 1)));
            } else if (rnd.nextBoolean()) {
                line("r0 = " + rnd.nextLong(hi + 1));
            } else {
                String done = label();
                line("r0 = r9");
                line("if r0 <= " + hi + " goto " + done);
                line("r0 = 0");
                place(done);
            }
        } else {
            line(rnd.nextBoolean() ? "r0 = r9" : "r0 = 0");
        }
        line("exit");
    }

    private String label() {
        return "L" + labels++;
    }

    private void place(String label) {
        asm.append(label).append(":\n");
    }

    private void line(String s) {
        asm.append("    ").append(s).append('\n');
    }
}
