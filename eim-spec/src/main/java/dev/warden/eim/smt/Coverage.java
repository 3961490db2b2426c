package dev.warden.eim.smt;

import dev.warden.eim.Expr;
import dev.warden.eim.Region;
import dev.warden.eim.Span;
import dev.warden.eim.Types;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the memory of one grant lies within the memory of others of the same base. Fixed
 * regions compare by bytes (adjacent regions together cover what spans them); an opaque object is
 * covered by any grant of the same base (it names that object and no byte of it); a slice, whose
 * bounds are known only at run time, is covered by one grant whose bytes contain the slice's for
 * every value of the names in its bounds, which the solver decides (an empty slice is covered by
 * anything).
 */
final class Coverage {
    private Coverage() {}

    /** A span with the frame its bounds are read in. */
    record Framed(Span span, Frame frame) {}

    static Covered covers(Framed inner, List<Framed> outer, ConstraintSolver solver) {
        List<Framed> same = outer.stream().filter(o -> o.span().base().equals(inner.span().base())).toList();
        switch (inner.span()) {
            case Span.Opaque o -> {
                return same.isEmpty() ? new Covered.No() : new Covered.Yes();
            }
            case Region r -> {
                List<Region> fixed = new ArrayList<>();
                for (Framed f : same) if (f.span() instanceof Region g) fixed.add(g);
                if (r.coveredBy(fixed)) return new Covered.Yes();
            }
            case Span.Slice s -> {
                for (Framed f : same) if (f.span().equals(s)) return new Covered.Yes();
            }
        }
        Covered result = new Covered.No();
        for (Framed f : same) {
            if (f.span() instanceof Span.Opaque) continue;
            if (inner.span() instanceof Region && f.span() instanceof Region) continue; // decided above
            Covered c = within(inner, f, solver);
            if (c instanceof Covered.Yes) return c;
            if (c instanceof Covered.Unknown) result = c;
        }
        return result;
    }

    /** One span within another, for every value of the names in their bounds. */
    private static Covered within(Framed inner, Framed outer, ConstraintSolver solver) {
        // For every case of each side (a slice of an array is cut at the array's end), the inner
        // bytes are empty or inside the outer ones.
        List<Expr> all = new ArrayList<>();
        for (Case in : cases(inner)) {
            for (Case out : cases(outer)) {
                Expr empty = new Expr.Binary(Expr.BinaryOp.GE, in.from(), in.to());
                Expr inside = new Expr.Binary(Expr.BinaryOp.AND,
                        new Expr.Binary(Expr.BinaryOp.LE, out.from(), in.from()), new Expr.Binary(Expr.BinaryOp.LE, in.to(), out.to()));
                Expr holds = new Expr.Binary(Expr.BinaryOp.OR, empty, inside);
                Expr premise = new Expr.Binary(Expr.BinaryOp.AND, in.premise(), out.premise());
                all.add(new Expr.Binary(Expr.BinaryOp.IMPLIES, premise, holds));
            }
        }
        Expr condition = all.stream().reduce((a, b) -> new Expr.Binary(Expr.BinaryOp.AND, a, b)).orElseThrow();
        Frame frame = inner.frame();
        Types types = frame.types();
        var scope = new java.util.LinkedHashMap<>(outer.frame().canonicalScope());
        scope.putAll(frame.canonicalScope());
        // Bounds of the other version may name fields the newer layout lacks: then say so, never guess.
        if (types.kindOf(condition, scope, Types.Problems.NONE).isEmpty()) {
            return new Covered.Unknown("the bounds of " + inner.span().show() + " and " + outer.span().show()
                    + " are over different layouts");
        }
        Alternative alt = new Alternative(types, List.of(condition), scope, java.util.Map.of());
        return switch (solver.canFail(alt, 0)) {
            case SatResult.Unsat u -> new Covered.Yes();
            case SatResult.Sat s -> new Covered.No();
            case SatResult.Unknown u -> new Covered.Unknown(u.reason());
        };
    }

    /** The bytes {@code [from, to)} of a span when {@code premise} holds. */
    private record Case(Expr premise, Expr from, Expr to) {}

    /** A span's bytes, as expressions over solver-level names: one case, or two for a slice of an array (cut at its end). */
    private static List<Case> cases(Framed f) {
        Expr yes = new Expr.BoolLit(true);
        return switch (f.span()) {
            case Region r -> List.of(new Case(yes, literal(r.offset()), literal(r.offset() + r.size())));
            case Span.Slice s -> {
                Expr from = Names.rename(s.from(), f.frame().naming());
                Expr to = Names.rename(s.to(), f.frame().naming());
                if (s.capacity().isEmpty()) yield List.of(new Case(yes, at(s, from), at(s, to)));
                Expr cap = literal(s.capacity().getAsLong());
                yield List.of(new Case(new Expr.Binary(Expr.BinaryOp.LE, to, cap), at(s, from), at(s, to)),
                        new Case(new Expr.Binary(Expr.BinaryOp.GT, to, cap), at(s, from), at(s, cap)));
            }
            case Span.Opaque o -> throw new IllegalStateException("an opaque object has no bytes");
        };
    }

    private static Expr at(Span.Slice s, Expr index) {
        return new Expr.Binary(Expr.BinaryOp.ADD, literal(s.offset()),
                new Expr.Binary(Expr.BinaryOp.MUL, index, literal(s.elementSize())));
    }

    private static Expr literal(long n) {
        return new Expr.IntLit(BigInteger.valueOf(n));
    }
}
