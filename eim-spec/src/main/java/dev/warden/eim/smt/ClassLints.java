package dev.warden.eim.smt;

import dev.warden.eim.AccessOp;
import dev.warden.eim.CType;
import dev.warden.eim.Code;
import dev.warden.eim.Declaration;
import dev.warden.eim.Declaration.Allowed;
import dev.warden.eim.Diagnostic;
import dev.warden.eim.Grants;
import dev.warden.eim.Location;
import dev.warden.eim.Policy;
import dev.warden.eim.Region;
import dev.warden.eim.SourceMap;
import dev.warden.eim.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * Warnings about one class's grants that need the layouts (and, for slices and constraints, the
 * solver):
 * <ul>
 *   <li>EIM054: a grant whose memory another grant of the same operation already covers
 *       (redundant: {@code read(r->uri)} beside {@code read(r)}), or that shares bytes with another
 *       without either containing the other (overlapping: usually a mistyped bound);</li>
 *   <li>EIM055: a constrained write of a field beside a write of a whole that contains it and
 *       allows field values the constrained one forbids: the field's constraint restricts nothing
 *       in this class.</li>
 * </ul>
 */
final class ClassLints {
    private ClassLints() {}

    /**
     * One grant of the class with where it is written.
     * @param constrained a write with constraints on the value: whether another write makes it
     *                    redundant depends on the values, which EIM055 judges, not on the bytes
     */
    private record Item(String written, AccessOp op, Coverage.Framed framed, Allowed item, Constrained constrained) {}

    private enum Constrained { NO, YES }

    static void lint(Policy p, Declaration.ExtensionClass c, SourceMap src, ConstraintSolver solver, List<Diagnostic> out) {
        Grants g = p.grants(c.name()).orElseThrow();
        ClassView view = ClassView.of(p, c.name());
        Location fallback = src.of(c, new Location("?", 1, 1, 1, ""));
        List<Item> items = new ArrayList<>();
        for (Allowed a : c.allowed()) {
            switch (a) {
                case Allowed.ArgumentAccess acc -> view.arguments().stream().filter(r -> r.written().equals(acc.access().toString()))
                        .findFirst().ifPresent(r -> items.add(new Item(acc.access().toString(), acc.access().op(), r.framed(), a,
                                Constrained.NO)));
                case Allowed.Capability cap -> g.state().stream().filter(s -> s.capability().name().equals(cap.name())).findFirst()
                        .ifPresent(s -> items.add(new Item(cap.name() + " (" + s.capability().operation() + ")", s.op(),
                                new Coverage.Framed(s.span(), ClassView.hostFrame(p, s)), a,
                                s.capability().constraints().isEmpty() ? Constrained.NO : Constrained.YES)));
                case Allowed.Limit l -> {}
            }
        }
        redundant(items, src, fallback, solver, out);
        wideWrites(p, c, g, src, fallback, solver, out);
    }

    private static void redundant(List<Item> items, SourceMap src, Location fallback, ConstraintSolver solver, List<Diagnostic> out) {
        boolean[] reported = new boolean[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item a = items.get(i);
            for (int j = 0; j < items.size() && !reported[i]; j++) {
                Item b = items.get(j);
                if (i == j || a.op() != b.op() || !a.framed().span().base().equals(b.framed().span().base())) continue;
                if (a.constrained() == Constrained.YES || b.constrained() == Constrained.YES) continue;
                boolean aInB = Coverage.covers(a.framed(), List.of(b.framed()), solver) instanceof Covered.Yes;
                boolean bInA = Coverage.covers(b.framed(), List.of(a.framed()), solver) instanceof Covered.Yes;
                // Equal grants: report the later one only.
                if (aInB && (!bInA || j < i)) {
                    out.add(new Diagnostic(src.of(a.item(), fallback), Code.EIM054, "'" + a.written() + "' is redundant: '"
                            + b.written() + "' already grants " + (bInA ? "the same memory" : "all of its memory")));
                    reported[i] = true;
                } else if (!aInB && !bInA && j < i && overlap(a.framed().span(), b.framed().span())) {
                    out.add(new Diagnostic(src.of(a.item(), fallback), Code.EIM054, "'" + a.written() + "' overlaps '"
                            + b.written() + "' without either containing the other: bytes "
                            + shared((Region) a.framed().span(), (Region) b.framed().span()) + " are granted twice"));
                    reported[i] = true;
                }
            }
        }
    }

    /** Partial overlap is decided for fixed bytes only (slices either contain each other or are left alone). */
    private static boolean overlap(Span a, Span b) {
        return a instanceof Region x && b instanceof Region y
                && x.offset() < y.offset() + y.size() && y.offset() < x.offset() + x.size();
    }

    private static String shared(Region a, Region b) {
        long from = Math.max(a.offset(), b.offset());
        long to = Math.min(a.offset() + a.size(), b.offset() + b.size());
        return a.base() + "[" + from + ", " + to + ")";
    }

    private static void wideWrites(Policy p, Declaration.ExtensionClass c, Grants g, SourceMap src,
                                   Location fallback, ConstraintSolver solver, List<Diagnostic> out) {
        for (Grants.StateGrant field : g.state()) {
            if (field.op() != AccessOp.WRITE || field.capability().constraints().isEmpty() || field.type() instanceof CType.Void) continue;
            Alternative narrow = ClassView.write(p.types(), field.type(), field.capability().constraints(),
                    field.capability().operation().path().toString());
            for (Grants.StateGrant whole : g.state()) {
                if (whole == field || whole.op() != AccessOp.WRITE || whole.type() instanceof CType.Void) continue;
                if (!(field.span() instanceof Region f) || !(whole.span() instanceof Region w) || !f.within(w) || f.equals(w)) continue;
                Alternative wide = ClassView.write(p.types(), whole.type(), whole.capability().constraints(),
                        whole.capability().operation().path().toString());
                if (solver.implies(new Allowance(List.of(wide)), new Allowance(List.of(narrow))) instanceof Implication.Refuted r) {
                    Allowed item = c.allowed().stream().filter(a -> a instanceof Allowed.Capability x
                            && x.name().equals(field.capability().name())).findFirst().orElseThrow();
                    out.add(new Diagnostic(src.of(item, fallback), Code.EIM055, "in class '" + c.name() + "', '"
                            + whole.capability().name() + "' (" + whole.capability().operation() + ") may write "
                            + field.capability().operation().path() + " with values the constraints of '"
                            + field.capability().name() + "' forbid (for example " + r.witness().show(x -> x)
                            + "): those constraints restrict nothing here"));
                    break;
                }
            }
        }
    }
}
