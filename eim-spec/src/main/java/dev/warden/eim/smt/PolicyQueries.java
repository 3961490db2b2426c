package dev.warden.eim.smt;

import dev.warden.eim.Bound;
import dev.warden.eim.Code;
import dev.warden.eim.Declaration;
import dev.warden.eim.Diagnostic;
import dev.warden.eim.Expr;
import dev.warden.eim.LimitKind;
import dev.warden.eim.Location;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Policy;
import dev.warden.eim.Printer;
import dev.warden.eim.Region;
import dev.warden.eim.SourceMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The policy questions answered with a solver: dead capabilities and constraints that always
 * hold (lint), which class of an entry is weaker than which (subsumption), and what a policy
 * change grants or revokes (diff). An undecided query is reported as undecided.
 */
public final class PolicyQueries {
    private PolicyQueries() {}

    // ---------------------------------------------------------------- lint

    /**
     * Warnings for a checked policy: a capability whose constraints can never hold together
     * (EIM101, naming a minimal set of conflicting constraints), a constraint that holds for
     * every value of its types (EIM102), and a query the solver could not decide (EIM103).
     */
    public static List<Diagnostic> lint(ParseResult parsed, ConstraintSolver solver) {
        Policy p = parsed.policy().orElseThrow(() -> new IllegalArgumentException("lint needs a checked policy"));
        SourceMap src = parsed.sources();
        List<Diagnostic> out = new ArrayList<>();
        for (Declaration.FunctionCapability f : p.functionCapabilities().values()) {
            lintOne(f, f.constraints(), ClassView.function(p.types(), f), src, solver, out);
        }
        for (Declaration.StateCapability s : p.stateCapabilities().values()) {
            if (s.constraints().isEmpty() || p.accessedType(s).isEmpty()) continue;
            lintOne(s, s.constraints(), ClassView.write(p.types(), p.accessedType(s).get(), s.constraints(), s.operation().path().toString()), src, solver, out);
        }
        for (Declaration.Entry e : p.entries().values()) {
            lintReturns(e, "entry '" + e.name() + "'", e.constraints(), List.of(), p, e, src, solver, out);
            // (an entry's constraints: on rtn and on the arguments alike)
        }
        for (Declaration.ExtensionClass c : p.classes().values()) {
            Declaration.Entry e = p.entries().get(c.entry());
            lintReturns(c, "class '" + c.name() + "'", c.constraints(), e.constraints(), p, e, src, solver, out);
            ClassLints.lint(p, c, src, solver, out);
        }
        return out;
    }

    /**
     * Return constraints that no value can meet (EIM101: no extension could ever return), and ones
     * that every value meets (EIM102). A class's own constraints are judged together with its
     * entry's, which are reported once, at the entry.
     */
    private static void lintReturns(Declaration d, String what, List<Expr> own, List<Expr> inherited, Policy p,
                                    Declaration.Entry entry, SourceMap src, ConstraintSolver solver, List<Diagnostic> out) {
        if (own.isEmpty()) return;
        List<Expr> all = new ArrayList<>(inherited);
        all.addAll(own);
        Alternative alt = ClassView.argumentReturns(p.types(), entry, all);
        Location at = src.of(d, new Location("?", 1, 1, 1, ""));
        switch (solver.satisfiable(alt)) {
            case SatResult.Unsat u -> {
                List<String> named = u.core().stream().map(i -> "'" + all.get(i).show() + "'").toList();
                out.add(new Diagnostic(at, Code.EIM101, "the constraints of " + what + " can never hold"
                        + (named.size() == 1 ? ": " + named.getFirst() : " together: " + String.join(" and ", named))
                        + " (no extension could return)"));
                return;
            }
            case SatResult.Unknown u -> {
                out.add(new Diagnostic(at, Code.EIM103, "could not decide whether the constraints of " + what
                        + " can hold (" + u.reason() + ")"));
                return;
            }
            case SatResult.Sat s -> {}
        }
        for (int i = inherited.size(); i < all.size(); i++) {
            if (solver.canFail(alt, i) instanceof SatResult.Unsat) {
                out.add(new Diagnostic(src.of(all.get(i), at), Code.EIM102, "constraint '" + all.get(i).show()
                        + "' of " + what + " holds for every value of the declared types: it restricts nothing"));
            }
        }
    }

    private static void lintOne(Declaration d, List<Expr> constraints, Alternative alt, SourceMap src,
                                ConstraintSolver solver, List<Diagnostic> out) {
        if (constraints.isEmpty()) return;
        Location at = src.of(d, new Location("?", 1, 1, 1, ""));
        switch (solver.satisfiable(alt)) {
            case SatResult.Unsat u -> {
                List<String> named = new ArrayList<>();
                for (int i : u.core()) {
                    Location c = src.of(constraints.get(i), at);
                    named.add("'" + constraints.get(i).show() + "' (" + c.line() + ":" + c.column() + ")");
                }
                String msg = named.size() == 1
                        ? "capability '" + d.name() + "' is dead: constraint " + named.getFirst()
                          + " can never hold for the declared types"
                        : "capability '" + d.name() + "' is dead: constraints " + String.join(" and ", named)
                          + " can never hold together";
                out.add(new Diagnostic(at, Code.EIM101, msg));
                return;
            }
            case SatResult.Unknown u -> {
                out.add(new Diagnostic(at, Code.EIM103, "could not decide whether capability '" + d.name()
                        + "' can be used (" + u.reason() + ")"));
                return;
            }
            case SatResult.Sat s -> {}
        }
        for (int i = 0; i < constraints.size(); i++) {
            Location c = src.of(constraints.get(i), at);
            switch (solver.canFail(alt, i)) {
                case SatResult.Unsat u -> out.add(new Diagnostic(c, Code.EIM102, "constraint '"
                        + constraints.get(i).show() + "' holds for every value of the declared types: it restricts nothing"));
                case SatResult.Unknown u -> out.add(new Diagnostic(c, Code.EIM103, "could not decide whether '"
                        + constraints.get(i).show() + "' restricts anything (" + u.reason() + ")"));
                case SatResult.Sat s -> {}
            }
        }
    }

    // ---------------------------------------------------------------- subsumption

    /** How two classes of one entry compare. */
    public enum Relation { STRICTLY_WEAKER, EQUIVALENT, UNKNOWN }

    /**
     * {@code weaker} is granted nothing that {@code stronger} is not (every capability of it is
     * granted by the other with constraints that imply the other's, every byte range lies in the
     * other's, every limit is at most the other's).
     */
    public record Subsumption(String entry, String weaker, String stronger, Relation relation, String note) {
        public String show() {
            return switch (relation) {
                case STRICTLY_WEAKER -> "class " + weaker + " is strictly weaker than " + stronger + " (entry " + entry + ")";
                case EQUIVALENT -> "classes " + weaker + " and " + stronger + " grant the same (entry " + entry + ")";
                case UNKNOWN -> "could not decide whether " + weaker + " is weaker than " + stronger + ": " + note;
            };
        }
    }

    /** Every ordered pair of classes at each entry that is related (or undecided). */
    public static List<Subsumption> subsumptions(Policy p, ConstraintSolver solver) {
        List<Subsumption> out = new ArrayList<>();
        for (String entry : p.entries().keySet()) {
            List<ClassView> views = p.classesAt(entry).stream().map(c -> ClassView.of(p, c.name())).toList();
            for (int i = 0; i < views.size(); i++) {
                for (int j = i + 1; j < views.size(); j++) {
                    ClassView a = views.get(i);
                    ClassView b = views.get(j);
                    Outcome ab = covered(a, b, solver);
                    Outcome ba = covered(b, a, solver);
                    if (ab instanceof Outcome.Yes && ba instanceof Outcome.Yes) {
                        out.add(new Subsumption(entry, a.name(), b.name(), Relation.EQUIVALENT, ""));
                    } else if (ab instanceof Outcome.Yes && ba instanceof Outcome.No) {
                        out.add(new Subsumption(entry, a.name(), b.name(), Relation.STRICTLY_WEAKER, ""));
                    } else if (ba instanceof Outcome.Yes && ab instanceof Outcome.No) {
                        out.add(new Subsumption(entry, b.name(), a.name(), Relation.STRICTLY_WEAKER, ""));
                    } else if (ab instanceof Outcome.Unknown u) {
                        out.add(new Subsumption(entry, a.name(), b.name(), Relation.UNKNOWN, u.reason()));
                    } else if (ba instanceof Outcome.Unknown u) {
                        out.add(new Subsumption(entry, b.name(), a.name(), Relation.UNKNOWN, u.reason()));
                    }
                }
            }
        }
        return out;
    }

    private sealed interface Outcome {
        record Yes() implements Outcome {}

        record No(String why) implements Outcome {}

        record Unknown(String reason) implements Outcome {}
    }

    /** Is everything {@code a} grants also granted by {@code b}? */
    private static Outcome covered(ClassView a, ClassView b, ConstraintSolver solver) {
        for (LimitKind k : LimitKind.values()) {
            if (!a.limits().get(k).within(b.limits().get(k))) return new Outcome.No(k.keyword() + " limit");
        }
        Outcome pending = new Outcome.Yes();
        for (ClassView.ArgumentRange r : a.arguments()) {
            Covered c = b.covers(r, solver);
            if (c instanceof Covered.No) return new Outcome.No(r.written());
            if (c instanceof Covered.Unknown u) pending = new Outcome.Unknown(u.reason());
        }
        for (ClassView.HostRange r : a.stateReads()) {
            Covered c = b.reads(r, solver);
            if (c instanceof Covered.No) return new Outcome.No("read " + r.region().show());
            if (c instanceof Covered.Unknown u) pending = new Outcome.Unknown(u.reason());
        }
        for (var e : a.stateWrites().entrySet()) {
            Optional<Allowance> other = b.writeCover(e.getKey(), a.writeFrames().get(e.getKey()), solver);
            if (other.isEmpty()) return new Outcome.No("write " + e.getKey().show());
            Outcome o = implies(e.getValue(), other.get(), solver);
            if (o instanceof Outcome.No) return o;
            if (o instanceof Outcome.Unknown) pending = o;
        }
        if (a.constrainsReturns() || b.constrainsReturns()) {
            Outcome o = implies(a.returns(), b.returns().allowance(), solver);
            if (o instanceof Outcome.No) return new Outcome.No("return value");
            if (o instanceof Outcome.Unknown) pending = o;
        }
        for (var e : a.functions().entrySet()) {
            ClassView.Group other = b.functions().get(e.getKey());
            if (other == null || !sameTypes(e.getValue(), other)) return new Outcome.No(e.getKey().show());
            Outcome o = implies(e.getValue(), other.allowance(), solver);
            if (o instanceof Outcome.No) return o;
            if (o instanceof Outcome.Unknown) pending = o;
        }
        return pending;
    }

    private static boolean sameTypes(ClassView.Group a, ClassView.Group b) {
        var pa = a.prototype();
        var pb = b.prototype();
        if (pa.parameters().size() != pb.parameters().size() || !pa.returns().equals(pb.returns())) return false;
        for (int i = 0; i < pa.parameters().size(); i++) {
            if (!pa.parameters().get(i).type().equals(pb.parameters().get(i).type())) return false;
        }
        return true;
    }

    private static Outcome implies(ClassView.Group a, Allowance b, ConstraintSolver solver) {
        return switch (solver.implies(a.allowance(), b)) {
            case Implication.Holds h -> new Outcome.Yes();
            case Implication.Refuted r -> new Outcome.No(a.capabilities().toString());
            case Implication.Unknown u -> new Outcome.Unknown(u.reason());
        };
    }

    // ---------------------------------------------------------------- diff

    /** What a change does to one class. */
    public enum ChangeKind { CLASS_ADDED, CLASS_REMOVED, CLASS_RENAMED, CLASS_RENAMED_AND_CHANGED, ENTRY_CHANGED, GRANTED, REVOKED, WEAKENED, STRENGTHENED,
        LIMIT_RAISED, LIMIT_LOWERED, UNDECIDED, LAYOUT_CHANGED }

    /**
     * One difference between two versions of a class.
     * @param witness for WEAKENED: values the new policy allows and the old did not; for
     *                STRENGTHENED: values the old allowed and the new does not
     */
    public record Change(String className, ChangeKind kind, String what, Optional<String> witness) {
        public String show() {
            String label = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            return label + ": " + what + witness.map(w -> "\n      witness: " + w).orElse("");
        }
    }

    /**
     * Per class: what {@code next} grants that {@code previous} did not, and the reverse, with
     * witnesses. Classes are matched by name; a class that disappears while one of another name
     * appears at the same entry granting exactly the same (no difference at all between them) is
     * reported as a probable rename, not as a removal and an addition; one that shares at least
     * half of its capabilities and accesses with the class that disappeared is a probable rename
     * with changes, listed as such. An added class is listed with everything it grants. Layout
     * changes (structs and host variables declared, removed or laid out anew) come first, with an
     * empty class name.
     */
    public static List<Change> diff(Policy previous, Policy next, ConstraintSolver solver) {
        List<String> removed = previous.classes().keySet().stream().filter(c -> !next.classes().containsKey(c)).toList();
        List<String> added = next.classes().keySet().stream().filter(c -> !previous.classes().containsKey(c)).toList();
        java.util.Map<String, String> renamedFrom = new java.util.LinkedHashMap<>(); // new name -> old name
        for (String r : removed) {
            for (String a : added) {
                if (renamedFrom.containsKey(a) || !previous.classes().get(r).entry().equals(next.classes().get(a).entry())) continue;
                List<Change> differences = new ArrayList<>();
                diffClass(a, ClassView.of(previous, r), ClassView.of(next, a), solver, differences);
                if (differences.isEmpty()) {
                    renamedFrom.put(a, r);
                    break;
                }
            }
        }
        // Renamed and changed: a class that disappeared and one that appeared at the same entry sharing
        // at least half of the capabilities and accesses of the smaller (limits aside); the best match first.
        java.util.Map<String, String> changedFrom = new java.util.LinkedHashMap<>();
        for (String a : added) {
            if (renamedFrom.containsKey(a)) continue;
            Declaration.ExtensionClass now = next.classes().get(a);
            String best = null;
            int bestShared = 0;
            for (String r : removed) {
                if (renamedFrom.containsValue(r) || changedFrom.containsValue(r)) continue;
                Declaration.ExtensionClass was = previous.classes().get(r);
                if (!was.entry().equals(now.entry())) continue;
                List<Declaration.Allowed> x = items(was);
                List<Declaration.Allowed> y = items(now);
                int shared = (int) x.stream().filter(y::contains).count();
                if (shared > bestShared && 2 * shared >= Math.min(x.size(), y.size())) {
                    best = r;
                    bestShared = shared;
                }
            }
            if (best != null) changedFrom.put(a, best);
        }
        List<Change> out = new ArrayList<>(layoutChanges(previous, next));
        for (String c : removed) {
            if (!renamedFrom.containsValue(c) && !changedFrom.containsValue(c)) {
                out.add(new Change(c, ChangeKind.CLASS_REMOVED, "class " + c, Optional.empty()));
            }
        }
        for (String c : next.classes().keySet()) {
            if (renamedFrom.containsKey(c)) {
                out.add(new Change(c, ChangeKind.CLASS_RENAMED, "class " + renamedFrom.get(c) + " -> " + c
                        + " (probably: same entry " + next.classes().get(c).entry() + ", same grants)", Optional.empty()));
                continue;
            }
            if (changedFrom.containsKey(c)) {
                String old = changedFrom.get(c);
                out.add(new Change(c, ChangeKind.CLASS_RENAMED_AND_CHANGED, "class " + old + " -> " + c + " (probably: same entry "
                        + next.classes().get(c).entry() + ", most capabilities and accesses in common)", Optional.empty()));
                diffClass(c, ClassView.of(previous, old), ClassView.of(next, c), solver, out);
                continue;
            }
            if (!previous.classes().containsKey(c)) {
                out.add(new Change(c, ChangeKind.CLASS_ADDED, "class " + c + " at entry " + next.classes().get(c).entry(), Optional.empty()));
                ClassView n = ClassView.of(next, c);
                diffClass(c, n.empty(), n, solver, out);
                for (LimitKind k : LimitKind.values()) {
                    Bound b = n.limits().get(k);
                    if (!b.allowsSameAs(Bound.NONE)) {
                        out.add(new Change(c, ChangeKind.GRANTED, "limit " + k.keyword() + " " + b.show(), Optional.empty()));
                    }
                }
                continue;
            }
            ClassView o = ClassView.of(previous, c);
            ClassView n = ClassView.of(next, c);
            if (!o.entry().equals(n.entry())) {
                out.add(new Change(c, ChangeKind.ENTRY_CHANGED, "entry " + o.entry() + " -> " + n.entry(), Optional.empty()));
            }
            diffClass(c, o, n, solver, out);
        }
        return out;
    }

    /** A class's capabilities and accesses, its limits aside. */
    private static List<Declaration.Allowed> items(Declaration.ExtensionClass c) {
        return c.allowed().stream().filter(x -> !(x instanceof Declaration.Allowed.Limit)).toList();
    }

    /**
     * Changes of layout between two versions (reported with the empty class name): a struct or
     * host variable declared, removed, or laid out differently. Byte-range grants compare by
     * bytes, so a moved field shows as bytes revoked and granted: these notes say why.
     */
    static List<Change> layoutChanges(Policy previous, Policy next) {
        List<Change> out = new ArrayList<>();
        var before = previous.types().layout();
        var after = next.types().layout();
        java.util.Set<String> structs = new java.util.TreeSet<>(previous.structs().keySet());
        structs.addAll(next.structs().keySet());
        for (String s : structs) {
            boolean was = previous.structs().containsKey(s);
            boolean is = next.structs().containsKey(s);
            if (!was) {
                out.add(new Change("", ChangeKind.LAYOUT_CHANGED, "struct " + s + " declared (size " + after.struct(s).size()
                        + "): grants of its memory now name its bytes", Optional.empty()));
            } else if (!is) {
                out.add(new Change("", ChangeKind.LAYOUT_CHANGED, "struct " + s + " no longer declared", Optional.empty()));
            } else if (!before.struct(s).equals(after.struct(s))) {
                var b = before.struct(s);
                var a = after.struct(s);
                List<String> moved = new ArrayList<>();
                if (b.size() != a.size()) moved.add("size " + b.size() + " -> " + a.size());
                for (var f : a.offsets().entrySet()) {
                    Long old = b.offsets().get(f.getKey());
                    if (old == null) moved.add("field " + f.getKey() + " added at " + f.getValue());
                    else if (!old.equals(f.getValue())) moved.add("field " + f.getKey() + " " + old + " -> " + f.getValue());
                }
                for (String f : b.offsets().keySet()) if (!a.offsets().containsKey(f)) moved.add("field " + f + " removed");
                out.add(new Change("", ChangeKind.LAYOUT_CHANGED, "struct " + s + ": " + String.join(", ", moved), Optional.empty()));
            }
        }
        java.util.Set<String> hosts = new java.util.TreeSet<>(previous.hostVariables().keySet());
        hosts.addAll(next.hostVariables().keySet());
        for (String h : hosts) {
            var was = previous.hostVariables().get(h);
            var is = next.hostVariables().get(h);
            if (was == null) {
                out.add(new Change("", ChangeKind.LAYOUT_CHANGED, "host variable " + h + " declared as " + is.type().spelling(), Optional.empty()));
            } else if (is == null) {
                out.add(new Change("", ChangeKind.LAYOUT_CHANGED, "host variable " + h + " no longer declared", Optional.empty()));
            } else if (!previous.types().layout().canonical(was.type()).equals(next.types().layout().canonical(is.type()))) {
                out.add(new Change("", ChangeKind.LAYOUT_CHANGED, "host variable " + h + ": " + was.type().spelling() + " -> "
                        + is.type().spelling(), Optional.empty()));
            }
        }
        return out;
    }

    private static void diffClass(String c, ClassView o, ClassView n, ConstraintSolver solver, List<Change> out) {
        for (var e : n.functions().entrySet()) {
            ClassView.Group old = o.functions().get(e.getKey());
            String what = "call " + e.getKey().show() + " (" + String.join(", ", e.getValue().capabilities()) + ")";
            if (old == null) {
                out.add(new Change(c, ChangeKind.GRANTED, what, Optional.empty()));
            } else if (!sameTypes(old, e.getValue())) {
                out.add(new Change(c, ChangeKind.GRANTED, what + " with a new prototype " + Printer.prototype(e.getValue().prototype()), Optional.empty()));
                out.add(new Change(c, ChangeKind.REVOKED, "call " + e.getKey().show() + " with the old prototype "
                        + Printer.prototype(old.prototype()), Optional.empty()));
            } else {
                compare(c, what, old, e.getValue(), solver, out);
            }
        }
        for (var e : o.functions().entrySet()) {
            if (!n.functions().containsKey(e.getKey())) {
                out.add(new Change(c, ChangeKind.REVOKED, "call " + e.getKey().show() + " (" + String.join(", ", e.getValue().capabilities()) + ")", Optional.empty()));
            }
        }
        for (ClassView.HostRange r : n.stateReads()) {
            coverage(c, o.reads(r, solver), ChangeKind.GRANTED, "read host " + r.region().show(), out);
        }
        for (ClassView.HostRange r : o.stateReads()) {
            coverage(c, n.reads(r, solver), ChangeKind.REVOKED, "read host " + r.region().show(), out);
        }
        // A write is compared with every write of the other version that contains its bytes.
        for (var e : n.stateWrites().entrySet()) {
            Optional<Allowance> old = o.writeCover(e.getKey(), n.writeFrames().get(e.getKey()), solver);
            String what = "write host " + e.getKey().show() + " (" + String.join(", ", e.getValue().capabilities()) + ")";
            if (old.isEmpty()) {
                out.add(new Change(c, ChangeKind.GRANTED, what, Optional.empty()));
            } else {
                weakened(c, what, e.getValue(), old.get(), solver, out);
            }
        }
        for (var e : o.stateWrites().entrySet()) {
            Optional<Allowance> now = n.writeCover(e.getKey(), o.writeFrames().get(e.getKey()), solver);
            String what = "write host " + e.getKey().show() + " (" + String.join(", ", e.getValue().capabilities()) + ")";
            if (now.isEmpty()) {
                out.add(new Change(c, ChangeKind.REVOKED, what, Optional.empty()));
            } else {
                strengthened(c, what, e.getValue(), now.get(), solver, out);
            }
        }
        for (ClassView.ArgumentRange r : n.arguments()) {
            coverage(c, o.covers(r, solver), ChangeKind.GRANTED, r.written() + ": " + describe(r.region()), out);
        }
        for (ClassView.ArgumentRange r : o.arguments()) {
            coverage(c, n.covers(r, solver), ChangeKind.REVOKED, r.written() + ": " + describe(r.region()), out);
        }
        if (o.constrainsReturns() || n.constrainsReturns()) {
            String what = "return value (" + constraintsText(n.returns()) + "; was " + constraintsText(o.returns()) + ")";
            compare(c, what, o.returns(), n.returns(), solver, out);
        }
        // Looser host guarantees take an assumption away from extensions verified under the old ones:
        // reported as weakened, so that "--fail-on weakened" catches it.
        if (o.hasGuarantees() || n.hasGuarantees()) {
            String what = "host guarantees on the arguments of entry " + n.entry() + " (" + constraintsText(n.guarantees())
                    + "; was " + constraintsText(o.guarantees()) + ")";
            compare(c, what, o.guarantees(), n.guarantees(), solver, out);
        }
        for (LimitKind k : LimitKind.values()) {
            Bound before = o.limits().get(k);
            Bound after = n.limits().get(k);
            if (before.allowsSameAs(after)) continue; // "stack < 513" -> "stack <= 512" changes nothing
            String what = k.keyword() + " " + before.show() + " -> " + k.keyword() + " " + after.show();
            out.add(new Change(c, before.within(after) ? ChangeKind.LIMIT_RAISED : ChangeKind.LIMIT_LOWERED, what, Optional.empty()));
        }
    }

    /** A grant the other version does not cover is {@code kind}; one the solver could not place is undecided. */
    private static void coverage(String c, Covered covered, ChangeKind kind, String what, List<Change> out) {
        switch (covered) {
            case Covered.No n -> out.add(new Change(c, kind, what, Optional.empty()));
            case Covered.Unknown u -> out.add(new Change(c, ChangeKind.UNDECIDED, what + ": could not decide whether the other"
                    + " version covers it (" + u.reason() + ")", Optional.empty()));
            case Covered.Yes y -> {}
        }
    }

    /** {@code bytes r[8, 264)}, {@code elements r->body[0, r->len)}, {@code no byte: r (opaque: ...)}. */
    static String describe(dev.warden.eim.Span s) {
        return switch (s) {
            case Region r -> "bytes " + r.show();
            case dev.warden.eim.Span.Slice sl -> "elements " + sl.show();
            case dev.warden.eim.Span.Opaque o -> "no byte the verifier can prove: " + o.show();
        };
    }

    private static String constraintsText(ClassView.Group g) {
        List<String> cs = new ArrayList<>();
        for (Alternative a : g.allowance().alternatives()) for (Expr e : a.constraints()) cs.add(e.show());
        return cs.isEmpty() ? "any value" : String.join(", ", cs);
    }

    /** Weakened: the new allowance permits values the old did not; strengthened: the reverse. Both can happen. */
    private static void compare(String c, String what, ClassView.Group old, ClassView.Group now,
                                ConstraintSolver solver, List<Change> out) {
        weakened(c, what, now, old.allowance(), solver, out);
        strengthened(c, what, old, now.allowance(), solver, out);
    }

    /** Reports {@code now} as weakened if it permits something {@code old} did not. */
    private static void weakened(String c, String what, ClassView.Group now, Allowance old,
                                 ConstraintSolver solver, List<Change> out) {
        switch (solver.implies(now.allowance(), old)) {
            case Implication.Refuted r -> out.add(new Change(c, ChangeKind.WEAKENED, what + ": the new constraints allow "
                    + "what the old did not", Optional.of(r.witness().show(s -> Names.display(s, now.parameters())))));
            case Implication.Unknown u -> out.add(new Change(c, ChangeKind.UNDECIDED, what + ": could not decide whether "
                    + "it was weakened (" + u.reason() + ")", Optional.empty()));
            case Implication.Holds h -> {}
        }
    }

    /** Reports {@code old} as strengthened if it permitted something {@code now} does not. */
    private static void strengthened(String c, String what, ClassView.Group old, Allowance now,
                                     ConstraintSolver solver, List<Change> out) {
        switch (solver.implies(old.allowance(), now)) {
            case Implication.Refuted r -> out.add(new Change(c, ChangeKind.STRENGTHENED, what + ": the old constraints allowed "
                    + "what the new do not", Optional.of(r.witness().show(s -> Names.display(s, old.parameters())))));
            case Implication.Unknown u -> out.add(new Change(c, ChangeKind.UNDECIDED, what + ": could not decide whether "
                    + "it was strengthened (" + u.reason() + ")", Optional.empty()));
            case Implication.Holds h -> {}
        }
    }
}
