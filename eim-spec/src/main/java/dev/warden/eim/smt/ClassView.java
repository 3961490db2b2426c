package dev.warden.eim.smt;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Binding;
import dev.warden.eim.CType;
import dev.warden.eim.Declaration;
import dev.warden.eim.Expr;
import dev.warden.eim.Field;
import dev.warden.eim.Grants;
import dev.warden.eim.Limits;
import dev.warden.eim.Policy;
import dev.warden.eim.Prototype;
import dev.warden.eim.Span;
import dev.warden.eim.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A class's permissions grouped the way queries compare them: per called function (the
 * disjunction of the constraints of every capability the class has for it), per written host
 * location (likewise over {@code value}), memory read, memory reached from the entry's arguments,
 * and the constraints on the value it returns.
 */
record ClassView(String name, String entry,
                 Map<Binding, Group> functions,
                 List<HostRange> stateReads,
                 Map<Span, Group> stateWrites,
                 Map<Span, Frame> writeFrames,
                 List<ArgumentRange> arguments,
                 Group returns,
                 Group guarantees,
                 Limits limits) {

    /** The capabilities a class has for one function or one written location, and what they allow together. */
    record Group(List<String> capabilities, List<String> parameters, Prototype prototype, Allowance allowance) {}

    /** Memory reached from an entry argument, as written and resolved. */
    record ArgumentRange(AccessOp op, Span region, String written, Frame frame) {
        Coverage.Framed framed() {
            return new Coverage.Framed(region, frame);
        }
    }

    /** Host memory a state capability reads. */
    record HostRange(Span region, String capability, Frame frame) {
        Coverage.Framed framed() {
            return new Coverage.Framed(region, frame);
        }
    }

    static ClassView of(Policy p, String className) {
        Grants g = p.grants(className).orElseThrow();
        Types types = p.types();
        Map<Binding, Group> functions = new LinkedHashMap<>();
        for (Declaration.FunctionCapability f : g.functions()) {
            Alternative alt = function(types, f);
            Group old = functions.get(f.target());
            // Types compared across capabilities and policy versions: typedefs resolved, enums as int.
            Prototype signature = types.layout().canonicalPrototype(f.prototype());
            functions.put(f.target(), old == null
                    ? new Group(List.of(f.name()), names(f.prototype()), signature, new Allowance(List.of(alt)))
                    : merge(old, f.name(), alt));
        }
        List<HostRange> reads = new ArrayList<>();
        Map<Span, Group> writes = new LinkedHashMap<>();
        Map<Span, Frame> writeFrames = new LinkedHashMap<>();
        for (Grants.StateGrant s : g.state()) {
            Frame frame = hostFrame(p, s);
            if (s.op() == AccessOp.READ) {
                if (reads.stream().noneMatch(r -> r.region().equals(s.span()))) {
                    reads.add(new HostRange(s.span(), s.capability().name(), frame));
                }
                continue;
            }
            Alternative alt = !(s.type() instanceof CType.Void)
                    ? write(types, s.type(), s.capability().constraints(), s.capability().operation().path().toString())
                    : new Alternative(types, List.of(), Map.of(), Map.of()); // opaque or a slice: no value to constrain
            Group old = writes.get(s.span());
            writes.put(s.span(), old == null
                    ? new Group(List.of(s.capability().name()), List.of(),
                            new Prototype(List.of(), s.type()), new Allowance(List.of(alt)))
                    : merge(old, s.capability().name(), alt));
            writeFrames.putIfAbsent(s.span(), frame);
        }
        Frame arguments = argumentFrame(types, g.entry());
        List<ArgumentRange> args = g.arguments().stream()
                .map(a -> new ArgumentRange(a.access().op(), a.span(), a.access().toString(), arguments)).toList();
        return new ClassView(className, g.entry().name(), functions, reads, writes, writeFrames, args,
                returns(types, g.entry(), g.returns()), returns(types, g.entry(), g.guarantees()), g.limits());
    }

    /** What the bounds of a state capability's slice may name: its host variable (none when undeclared). */
    static Frame hostFrame(Policy p, Grants.StateGrant s) {
        String root = s.capability().operation().path().root();
        return new Frame(p.types(), p.hostVariables().containsKey(root)
                ? Map.of(root, p.hostVariables().get(root).type()) : Map.of(), Map.of());
    }

    /** An entry's parameters, named by position. */
    static Frame argumentFrame(Types types, Declaration.Entry entry) {
        Map<String, String> naming = new LinkedHashMap<>();
        List<Field> params = entry.prototype().parameters();
        for (int i = 0; i < params.size(); i++) naming.put(params.get(i).name(), "arg" + i);
        return new Frame(types, Policy.parameterScope(entry), naming);
    }

    /** The return constraints of a class (the entry's and its own), over {@code rtn} and the arguments by position. */
    private static Group returns(Types types, Declaration.Entry entry, List<Expr> constraints) {
        return new Group(List.of(), names(entry.prototype()), types.layout().canonicalPrototype(entry.prototype()),
                new Allowance(List.of(argumentReturns(types, entry, constraints))));
    }

    /** Return constraints as an alternative over {@code rtn} and the entry's arguments by position. */
    static Alternative argumentReturns(Types types, Declaration.Entry entry, List<Expr> constraints) {
        Map<String, CType> scope = new LinkedHashMap<>(Policy.parameterScope(entry));
        Map<String, String> naming = new LinkedHashMap<>();
        List<Field> params = entry.prototype().parameters();
        for (int i = 0; i < params.size(); i++) naming.put(params.get(i).name(), "arg" + i);
        if (!(entry.prototype().returns() instanceof CType.Void)) {
            scope.put("rtn", entry.prototype().returns());
            naming.put("rtn", "rtn");
        }
        return new Alternative(types, constraints, scope, naming);
    }

    private static Group merge(Group g, String capability, Alternative alt) {
        List<String> caps = new ArrayList<>(g.capabilities());
        caps.add(capability);
        List<Alternative> alts = new ArrayList<>(g.allowance().alternatives());
        alts.add(alt);
        return new Group(caps, g.parameters(), g.prototype(), new Allowance(alts));
    }

    private static List<String> names(Prototype p) {
        return p.parameters().stream().map(Field::name).toList();
    }

    /** A function capability's constraints, its arguments named by position. */
    static Alternative function(Types types, Declaration.FunctionCapability f) {
        Map<String, CType> scope = new LinkedHashMap<>();
        Map<String, String> naming = new LinkedHashMap<>();
        List<Field> params = f.prototype().parameters();
        for (int i = 0; i < params.size(); i++) {
            scope.put(params.get(i).name(), params.get(i).type());
            naming.put(params.get(i).name(), "arg" + i);
        }
        if (!(f.prototype().returns() instanceof CType.Void)) {
            scope.put("rtn", f.prototype().returns());
            naming.put("rtn", "rtn");
        }
        return new Alternative(types, f.constraints(), scope, naming);
    }

    /**
     * A write capability's constraints over {@code value}, named after the written location
     * ({@code server.aof_fsync}), so that a write of a whole ({@code server}, whose constraints
     * speak of {@code value.aof_fsync}) and a write of one of its fields speak of the same bytes.
     */
    static Alternative write(Types types, CType valueType, List<dev.warden.eim.Expr> constraints, String location) {
        return new Alternative(types, constraints, Map.of("value", valueType), Map.of("value", location));
    }

    /**
     * What this class allows to be written to {@code r}: the disjunction over every write it has
     * to memory that contains {@code r}, or empty when no write contains it. A write of a whole
     * covers a write of a part only for values of the part that its constraints allow whatever
     * the rest of the whole holds (the rest keeps its old, unknown, bytes). Undecided containment
     * (a slice the solver could not place) is {@code Unknown}.
     */
    Optional<Allowance> writeCover(Span r, Frame frame, ConstraintSolver solver) {
        List<Alternative> alts = new ArrayList<>();
        for (var e : stateWrites.entrySet()) {
            Covered c = Coverage.covers(new Coverage.Framed(r, frame),
                    List.of(new Coverage.Framed(e.getKey(), writeFrames.get(e.getKey()))), solver);
            if (c instanceof Covered.Yes) alts.addAll(e.getValue().allowance().alternatives());
        }
        return alts.isEmpty() ? Optional.empty() : Optional.of(new Allowance(alts));
    }

    /** Whether the memory of {@code r} is readable here (host reads), alone or by adjacent grants. */
    Covered reads(HostRange r, ConstraintSolver solver) {
        return Coverage.covers(r.framed(), stateReads.stream().map(HostRange::framed).toList(), solver);
    }

    /** Whether the class may {@code op} all of an argument range, through one grant or adjacent ones. */
    Covered covers(ArgumentRange r, ConstraintSolver solver) {
        return Coverage.covers(r.framed(), arguments.stream().filter(x -> x.op() == r.op()).map(ArgumentRange::framed).toList(), solver);
    }

    /** A class that grants nothing at the same entry, to list what an added class grants. */
    ClassView empty() {
        Alternative anyValue = new Alternative(returns.allowance().alternatives().getFirst().types(), List.of(),
                returns.allowance().alternatives().getFirst().scope(), returns.allowance().alternatives().getFirst().naming());
        Group any = new Group(List.of(), returns.parameters(), returns.prototype(), new Allowance(List.of(anyValue)));
        return new ClassView(name, entry, Map.of(), List.of(), Map.of(), Map.of(), List.of(), any, guarantees, limits);
    }

    /** True if the class constrains its return value. */
    boolean constrainsReturns() {
        return returns.allowance().alternatives().stream().anyMatch(a -> !a.constraints().isEmpty());
    }

    /** True if the entry states what the host guarantees of the arguments. */
    boolean hasGuarantees() {
        return guarantees.allowance().alternatives().stream().anyMatch(a -> !a.constraints().isEmpty());
    }
}
