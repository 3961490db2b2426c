package dev.warden.eim;

import dev.warden.eim.Declaration.Allowed;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The semantic checks over every declaration of a policy (its file and its includes). Reports
 * all problems; builds the {@link Policy} only when none is an error.
 */
final class Checker {

    /** Names constraints give a meaning to: {@code rtn} (return value) and {@code value} (value written). */
    private static final Set<String> RESERVED = Set.of("rtn", "value");

    private final SourceMap map;
    private final Set<String> broken;
    private final Consumer<Diagnostic> sink;
    private final Location nowhere;
    private boolean errors;
    /** Typedefs and enums by name, and the typedefs found bad (cycles, void): set at the start of {@link #check}. */
    private final Map<String, Declaration.Typedef> typedefs = new LinkedHashMap<>();
    private final Map<String, Declaration.Enum> enums = new LinkedHashMap<>();
    private final Set<String> badTypedefs = new HashSet<>();

    Checker(SourceMap map, Set<String> brokenNames, Consumer<Diagnostic> sink, Location nowhere) {
        this.map = map;
        this.broken = brokenNames;
        this.sink = sink;
        this.nowhere = nowhere;
    }

    Optional<Policy> check(List<Declaration> declarations) {
        Map<String, Declaration.Struct> structs = new LinkedHashMap<>();
        Map<String, Declaration.HostVariable> hosts = new LinkedHashMap<>();
        Map<String, Declaration> capabilities = new LinkedHashMap<>();
        Map<String, Declaration.Entry> entries = new LinkedHashMap<>();
        Map<String, Declaration.ExtensionClass> classes = new LinkedHashMap<>();
        Map<String, Declaration> typeNames = new LinkedHashMap<>(); // structs, typedefs and enums share one namespace
        for (Declaration d : declarations) {
            switch (d) {
                case Declaration.Include i -> {}
                case Declaration.Struct s -> {
                    if (unique(typeNames, s, "type")) structs.put(s.name(), s);
                }
                case Declaration.Typedef t -> {
                    if (unique(typeNames, t, "type")) typedefs.put(t.name(), t);
                }
                case Declaration.Enum e -> {
                    if (unique(typeNames, e, "type")) enums.put(e.name(), e);
                }
                case Declaration.HostVariable h -> unique(hosts, h, "host variable");
                case Declaration.StateCapability s -> unique(capabilities, s, "capability");
                case Declaration.FunctionCapability f -> unique(capabilities, f, "capability");
                case Declaration.Entry e -> unique(entries, e, "entry");
                case Declaration.ExtensionClass c -> unique(classes, c, "class");
            }
        }

        declaredTypeNames = Set.copyOf(typeNames.keySet());
        Map<String, java.math.BigInteger> enumerators = checkEnums();
        checkTypedefs(structs);

        // Structs first: everything else needs their layout. Only sound structs are laid out;
        // typing treats the others as opaque and stays silent about them (they were reported here).
        Set<String> bad = new HashSet<>();
        for (Declaration.Struct s : structs.values()) if (!checkStruct(s, structs)) bad.add(s.name());
        bad.addAll(containmentCycles(structs));
        boolean changed = true;
        while (changed) { // a struct is only as good as the structs it names
            changed = false;
            for (Declaration.Struct s : structs.values()) {
                if (!bad.contains(s.name()) && s.fields().stream().anyMatch(f -> namesBad(f.type(), structs, bad))) {
                    changed |= bad.add(s.name());
                }
            }
        }
        Map<String, Declaration.Struct> good = new LinkedHashMap<>(structs);
        good.keySet().removeAll(bad);
        Map<String, CType> goodTypedefs = new LinkedHashMap<>();
        for (Declaration.Typedef t : typedefs.values()) if (!badTypedefs.contains(t.name())) goodTypedefs.put(t.name(), t.type());
        // Declared (or skipped) but unusable names are not opaque: they were reported where declared.
        Set<String> unusable = new HashSet<>(bad);
        unusable.addAll(badTypedefs);
        unusable.addAll(broken);
        Layout layout;
        try {
            layout = new Layout(good, goodTypedefs, enums.keySet(), enumerators, unusable);
        } catch (ArithmeticException tooLarge) {
            report(structs.values().iterator().next(), Code.EIM020, "a struct is too large to lay out");
            unusable.addAll(structs.keySet());
            layout = new Layout(Map.of(), goodTypedefs, enums.keySet(), enumerators, unusable);
        }
        Types types = new Types(layout);
        Map<String, Declaration.Struct> known = structs;

        for (Declaration.HostVariable h : hosts.values()) {
            if (objectType(h.type(), h, known, "host variable '" + h.name() + "'") && layout.isComplete(h.type())) {
                try {
                    layout.sizeOf(h.type());
                } catch (ArithmeticException tooLarge) {
                    report(h, Code.EIM020, "host variable '" + h.name() + "' is too large to lay out");
                }
            }
        }
        for (Declaration.Entry e : entries.values()) {
            if (checkPrototype(e.prototype(), e, known)) checkReturns(e.constraints(), e.prototype(), types, e);
        }

        Map<Binding, Declaration.FunctionCapability> byTarget = new HashMap<>();
        Set<String> usedCapabilities = new HashSet<>();
        for (Declaration d : capabilities.values()) {
            switch (d) {
                case Declaration.FunctionCapability f -> {
                    boolean protoOk = checkPrototype(f.prototype(), f, known);
                    if (protoOk) {
                        Map<String, CType> scope = new LinkedHashMap<>();
                        for (Field p : f.prototype().parameters()) scope.put(p.name(), p.type());
                        if (!(f.prototype().returns() instanceof CType.Void)) scope.put("rtn", f.prototype().returns());
                        checkConstraints(f.constraints(), scope, types, f,
                                f.prototype().returns() instanceof CType.Void ? "the function returns void" : "");
                    }
                    if (f.target() instanceof Binding.Helper h && h.id() < 0) {
                        report(map.property(f, "helper", nowhere), Code.EIM071, "helper id must not be negative");
                    } else if (f.target() instanceof Binding.Helper h) {
                        checkHelper(f, h);
                    }
                    Declaration.FunctionCapability other = byTarget.putIfAbsent(f.target(), f);
                    if (other != null && !sameSignature(layout, other.prototype(), f.prototype())) {
                        report(map.property(f, "prototype", nowhere), Code.EIM070, "capability '" + f.name()
                                + "' gives " + f.target().show() + " a different prototype than '" + other.name()
                                + "' (" + where(other) + ")");
                    }
                    checkEntryList(f, f.entries(), entries);
                }
                case Declaration.StateCapability s -> {
                    checkState(s, hosts, types);
                    checkEntryList(s, s.entries(), entries);
                }
                default -> throw new IllegalStateException("not a capability: " + d);
            }
        }

        for (Declaration.ExtensionClass c : classes.values()) {
            checkClass(c, entries, capabilities, types, usedCapabilities);
            Declaration.Entry e = entries.get(c.entry());
            if (e != null) checkReturns(c.constraints(), e.prototype(), types, c);
        }
        for (Declaration d : capabilities.values()) {
            // A class skipped for a syntax error may be the one that uses it: say nothing then.
            // Capabilities of included files (libraries) and of files without classes are not "unused".
            boolean ownFile = locOf(d).file().equals(nowhere.file());
            if (broken.isEmpty() && ownFile && !classes.isEmpty() && !usedCapabilities.contains(d.name())) {
                report(d, Code.EIM100, "capability '" + d.name() + "' is not allowed by any class");
            }
        }
        if (errors) return Optional.empty();
        Map<String, Declaration.StateCapability> states = new LinkedHashMap<>();
        Map<String, Declaration.FunctionCapability> functions = new LinkedHashMap<>();
        for (Declaration d : capabilities.values()) {
            if (d instanceof Declaration.StateCapability s) states.put(s.name(), s);
            if (d instanceof Declaration.FunctionCapability f) functions.put(f.name(), f);
        }
        return Optional.of(new Policy(structs, typedefs, enums, hosts, states, functions, entries, classes));
    }

    // ---------------------------------------------------------------- declarations

    /** Records {@code d} under its name, or reports a duplicate; true if it was the first. */
    private <T extends Declaration> boolean unique(Map<String, ? super T> seen, T d, String what) {
        Object first = seen.get(d.name());
        if (first instanceof Declaration f) {
            report(d, Code.EIM010, "duplicate " + what + " '" + d.name() + "' (first declared at " + where(f) + ")");
            return false;
        }
        seen.put(d.name(), d);
        return true;
    }

    /** Enumerator values ({@link Layout#enumeratorValues}), each an int, each name once. */
    private Map<String, java.math.BigInteger> checkEnums() {
        Map<String, java.math.BigInteger> values = Layout.enumeratorValues(enums.values());
        Map<String, Declaration.Enumerator> first = new HashMap<>();
        for (Declaration.Enum e : enums.values()) {
            java.math.BigInteger next = java.math.BigInteger.ZERO;
            for (Declaration.Enumerator x : e.enumerators()) {
                java.math.BigInteger v = x.written().orElse(next);
                next = v.add(java.math.BigInteger.ONE);
                if (v.compareTo(ScalarKind.INT.min()) < 0 || v.compareTo(ScalarKind.INT.max()) > 0) {
                    report(x, Code.EIM022, "enumerator '" + x.name() + "' = " + v + " is outside the range of int");
                }
                Declaration.Enumerator earlier = first.putIfAbsent(x.name(), x);
                if (earlier != null) {
                    Location l = locOf(earlier);
                    report(x, Code.EIM010, "duplicate enumerator '" + x.name() + "' (first declared at "
                            + l.file() + ":" + l.line() + ":" + l.column() + ")");
                }
            }
        }
        return values;
    }

    /** A typedef names a known type, not void itself, and never itself (through other typedefs, pointers or arrays). */
    private void checkTypedefs(Map<String, Declaration.Struct> structs) {
        for (Declaration.Typedef t : typedefs.values()) {
            if (!objectType(t.type(), t, structs, "typedef '" + t.name() + "'")) badTypedefs.add(t.name());
        }
        Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
        for (String name : typedefs.keySet()) typedefCycle(name, new java.util.ArrayList<>(), state);
        // A typedef of a bad typedef is bad too.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Declaration.Typedef t : typedefs.values()) {
                if (!badTypedefs.contains(t.name()) && namedTypes(t.type()).stream().anyMatch(badTypedefs::contains)) {
                    changed |= badTypedefs.add(t.name());
                }
            }
        }
    }

    private void typedefCycle(String name, List<String> path, Map<String, Integer> state) {
        Integer st = state.get(name);
        if (st != null && st == 2) return;
        if (st != null) {
            List<String> cycle = new java.util.ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            report(typedefs.get(path.getLast()), Code.EIM022, "typedef '" + path.getLast() + "' closes a cycle of typedefs ("
                    + String.join(" -> ", cycle) + "): a type cannot be defined by itself");
            badTypedefs.addAll(cycle);
            return;
        }
        state.put(name, 1);
        path.add(name);
        for (String n : namedTypes(typedefs.get(name).type())) if (typedefs.containsKey(n)) typedefCycle(n, path, state);
        path.removeLast();
        state.put(name, 2);
    }

    /** The type names a type mentions (through pointers and arrays). */
    private static List<String> namedTypes(CType t) {
        return switch (t) {
            case CType.Named n -> List.of(n.name());
            case CType.Pointer p -> namedTypes(p.target());
            case CType.Array a -> namedTypes(a.element());
            case CType.Scalar s -> List.of();
            case CType.Void v -> List.of();
        };
    }

    /**
     * The type behind good typedefs, arrays unwrapped: what a field holds by value. (The checker
     * needs this before the {@link Layout}, whose {@code resolve} does the same, can be built.)
     */
    private CType unalias(CType t) {
        while (true) {
            if (t instanceof CType.Array a) {
                t = a.element();
            } else if (t instanceof CType.Named n && typedefs.containsKey(n.name()) && !badTypedefs.contains(n.name())) {
                t = typedefs.get(n.name()).type();
            } else {
                return t;
            }
        }
    }

    private boolean checkStruct(Declaration.Struct s, Map<String, Declaration.Struct> structs) {
        boolean ok = true;
        if (s.fields().isEmpty()) {
            report(s, Code.EIM020, "struct " + s.name() + " has no fields");
            ok = false;
        }
        Set<String> names = new HashSet<>();
        for (Field f : s.fields()) {
            if (!names.add(f.name())) {
                report(f, Code.EIM010, "duplicate field '" + f.name() + "' in struct " + s.name());
                ok = false;
            }
            ok &= objectType(f.type(), f, structs, "field '" + f.name() + "'");
        }
        return ok;
    }

    /** Depth-first search for structs that contain themselves by value (through fields or arrays, not pointers). */
    private Set<String> containmentCycles(Map<String, Declaration.Struct> structs) {
        Map<String, Integer> state = new HashMap<>(); // 1 = on the stack, 2 = done
        Set<String> cyclic = new HashSet<>();
        for (String s : structs.keySet()) visit(s, structs, state, cyclic);
        return cyclic;
    }

    private void visit(String name, Map<String, Declaration.Struct> structs, Map<String, Integer> state, Set<String> cyclic) {
        if (state.containsKey(name)) return;
        state.put(name, 1);
        for (Field f : structs.get(name).fields()) {
            CType t = unalias(f.type());
            if (t instanceof CType.Named n && structs.containsKey(n.name())) {
                if (state.get(n.name()) != null && state.get(n.name()) == 1) {
                    report(f, Code.EIM020, "struct " + n.name() + " contains itself through field '" + f.name()
                            + "' (use a pointer)");
                    cyclic.add(n.name());
                } else {
                    visit(n.name(), structs, state, cyclic);
                }
            }
        }
        state.put(name, 2);
    }

    private boolean namesBad(CType t, Map<String, Declaration.Struct> structs, Set<String> bad) {
        return switch (t) {
            case CType.Named n when enums.containsKey(n.name()) -> false;
            case CType.Named n when typedefs.containsKey(n.name()) ->
                    badTypedefs.contains(n.name()) || namesBad(typedefs.get(n.name()).type(), structs, bad);
            case CType.Named n -> bad.contains(n.name()) || !structs.containsKey(n.name());
            // A pointer to an undeclared struct is an opaque pointer (warned where used); by value it was an error.
            case CType.Pointer p -> !(unalias(p.target()) instanceof CType.Named n && isUndeclared(n.name()))
                    && namesBad(p.target(), structs, bad);
            case CType.Array a -> namesBad(a.element(), structs, bad);
            case CType.Scalar s -> false;
            case CType.Void v -> false;
        };
    }

    /** A type of something stored: known names, no void except behind a pointer. */
    private boolean objectType(CType t, Object owner, Map<String, Declaration.Struct> structs, String what) {
        return switch (t) {
            case CType.Void v -> {
                report(map.of(t, locOf(owner)), Code.EIM021, what + " cannot have type void (use void *)");
                yield false;
            }
            case CType.Array a -> objectType(a.element(), owner, structs, what);
            default -> knownNames(t, owner, structs, Position.BY_VALUE);
        };
    }

    /** Where a type name is used: by value (its layout is needed) or behind a pointer (C allows an incomplete type there). */
    private enum Position { BY_VALUE, BEHIND_POINTER }

    /** Every name a type can have here: structs, typedefs and enums (for "did you mean"). */
    private Set<String> declaredTypeNames = Set.of();
    /** Undeclared struct names already warned about (EIM081 once per name). */
    private final Set<String> opaqueWarned = new HashSet<>();

    /** A name no declaration gives and no skipped item had: an opaque struct behind a pointer. */
    private boolean isUndeclared(String name) {
        return !declaredTypeNames.contains(name) && !broken.contains(name) && Similar.closest(name, declaredTypeNames).isEmpty();
    }

    private boolean knownNames(CType t, Object owner, Map<String, Declaration.Struct> structs, Position position) {
        return switch (t) {
            case CType.Named n -> {
                if (!structs.containsKey(n.name()) && !typedefs.containsKey(n.name()) && !enums.containsKey(n.name())) {
                    Optional<String> similar = Similar.closest(n.name(), declaredTypeNames);
                    if (broken.contains(n.name())) {
                        errors = true;
                    } else if (position == Position.BEHIND_POINTER && similar.isEmpty()) {
                        // The paper writes (Request *r) without declaring Request: accepted, as C's incomplete type.
                        if (opaqueWarned.add(n.name())) {
                            report(map.of(t, locOf(owner)), Code.EIM081, "struct " + n.name() + " is not declared, so Warden"
                                    + " treats it as opaque: a grant of memory of this type grants no byte the verifier can"
                                    + " prove in bounds (an extension that touches it is rejected), and its fields cannot be"
                                    + " granted one by one; declare struct " + n.name() + " { ... } with its fields to let"
                                    + " Warden check each access against its layout");
                        }
                        yield true;
                    } else {
                        report(map.of(t, locOf(owner)), Code.EIM011, "unknown type '" + n.name() + "'"
                                + similar.map(x -> " (did you mean '" + x + "'?)").orElse(
                                        position == Position.BY_VALUE ? " (an undeclared struct can only be used behind a pointer)" : ""));
                    }
                    yield false;
                }
                yield true;
            }
            case CType.Pointer p -> knownNames(p.target(), owner, structs, Position.BEHIND_POINTER);
            case CType.Array a -> knownNames(a.element(), owner, structs, position);
            case CType.Scalar s -> true;
            case CType.Void v -> true;
        };
    }

    private boolean checkPrototype(Prototype p, Declaration owner, Map<String, Declaration.Struct> structs) {
        boolean ok = true;
        Set<String> names = new HashSet<>();
        for (Field f : p.parameters()) {
            if (f.name().equals("rtn")) { // "value" is free: function constraints have no value written
                report(f, Code.EIM010, "'" + f.name() + "' is reserved in constraints and cannot name a parameter");
                ok = false;
            } else if (!names.add(f.name())) {
                report(f, Code.EIM010, "duplicate parameter '" + f.name() + "'");
                ok = false;
            }
            if (unaliasTop(f.type()) instanceof CType.Array) {
                report(map.of(f.type(), locOf(f)), Code.EIM021, "parameter '" + f.name()
                        + "' cannot be an array (write a pointer)");
                ok = false;
            } else {
                ok &= objectType(f.type(), f, structs, "parameter '" + f.name() + "'");
            }
        }
        if (unaliasTop(p.returns()) instanceof CType.Array) {
            report(map.of(p.returns(), locOf(owner)), Code.EIM021, "a function cannot return an array");
            ok = false;
        }
        ok &= knownNames(p.returns(), owner, structs, Position.BY_VALUE);
        return ok;
    }

    /** The type behind good typedefs at the top level (arrays stay). */
    private CType unaliasTop(CType t) {
        while (t instanceof CType.Named n && typedefs.containsKey(n.name()) && !badTypedefs.contains(n.name())) {
            t = typedefs.get(n.name()).type();
        }
        return t;
    }

    /** Same parameter count and the same C types (a typedef is its type, an enum is int). */
    private static boolean sameSignature(Layout layout, Prototype a, Prototype b) {
        Prototype x = layout.canonicalPrototype(a);
        Prototype y = layout.canonicalPrototype(b);
        return x.returns().equals(y.returns())
                && x.parameters().stream().map(Field::type).toList().equals(y.parameters().stream().map(Field::type).toList());
    }

    private void checkConstraints(List<Expr> constraints, Map<String, CType> scope, Types types,
                                  Declaration owner, String noRtnReason) {
        Types.Problems problems = (node, code, message) -> {
            if (code == Code.EIM012 && node instanceof Path p && RESERVED.contains(p.root())) {
                String why = p.root().equals("rtn") ? noRtnReason : "only a write capability has a value to constrain";
                report(map.of(node, locOf(owner)), Code.EIM032, "'" + p.root() + "' cannot be used here: " + why);
            } else {
                report(map.of(node, locOf(owner)), code, message);
            }
        };
        for (Expr e : constraints) types.expect(e, Types.Kind.BOOL, scope, problems, "a constraint");
    }

    private void checkState(Declaration.StateCapability s, Map<String, Declaration.HostVariable> hosts,
                            Types types) {
        Path p = s.operation().path();
        Declaration.HostVariable h = hosts.get(p.root());
        Location at = map.of(s.operation(), locOf(s));
        if (h == null) {
            undeclaredHostVariable(s, hosts, at);
            return;
        }
        Types.Problems problems = (node, code, message) -> report(map.of(node, at), code, message);
        Optional<Span> r = types.span(s.operation(), h.type(), Types.RootKind.HOST_VARIABLE, Map.of(p.root(), h.type()), problems);
        if (r.isEmpty()) return;
        if (s.operation().op() == AccessOp.READ) {
            if (!s.constraints().isEmpty()) {
                report(map.of(s.constraints().getFirst(), at), Code.EIM043,
                        "a read capability takes no constraints (only a write constrains the value written)");
            }
            return;
        }
        Optional<CType> t = types.accessedType(s.operation(), h.type(), Types.RootKind.HOST_VARIABLE);
        if (t.isEmpty() || r.get() instanceof Span.Opaque) {
            if (!s.constraints().isEmpty()) {
                report(map.of(s.constraints().getFirst(), at), Code.EIM044, "the write of '" + s.operation().target()
                        + "' has no single value to constrain" + (r.get() instanceof Span.Opaque o ? " (" + o.why() + ")"
                        : " (a slice writes many elements)"));
            }
            return;
        }
        checkConstraints(s.constraints(), Map.of("value", t.get()), types, s, "a state capability has no return value");
    }

    /**
     * {@code read(ngx_pid)} without {@code host int ngx_pid;}: the paper's notation, accepted with a
     * warning (the capability grants the variable by name, with no byte the verifier can prove in
     * bounds). A name close to a declared one is a typo, and a field path, a slice or a value
     * constraint need the type: those are errors.
     */
    private void undeclaredHostVariable(Declaration.StateCapability s, Map<String, Declaration.HostVariable> hosts, Location at) {
        Path p = s.operation().path();
        if (broken.contains(p.root())) {
            errors = true;
            return;
        }
        Optional<String> similar = Similar.closest(p.root(), hosts.keySet());
        String declare = "host <type> " + p.root() + ";";
        if (similar.isPresent()) {
            report(at, Code.EIM012, "unknown host variable '" + p.root() + "' (did you mean '" + similar.get() + "'?)");
        } else if (!p.steps().isEmpty() || !(s.operation().reach() instanceof Access.Reach.Whole)) {
            report(at, Code.EIM012, "unknown host variable '" + p.root() + "': '" + s.operation().target()
                    + "' needs its type (declare it: " + declare + ")");
        } else if (!s.constraints().isEmpty()) {
            report(map.of(s.constraints().getFirst(), at), Code.EIM012, "unknown host variable '" + p.root()
                    + "': constraints on the value written need its type (declare it: " + declare + ")");
        } else {
            report(at, Code.EIM080, "host variable '" + p.root() + "' is not declared, so Warden treats it as opaque:"
                    + " this capability grants no byte the verifier can prove in bounds (an extension that "
                    + (s.operation().op() == AccessOp.READ ? "reads" : "writes") + " it is rejected); declare it ("
                    + declare + ") to let Warden check each access against its type and to constrain the value written");
        }
    }

    /**
     * Constraints of an entry or a class, over {@code rtn} and the entry's parameters: one that
     * mentions {@code rtn} binds the extension (at every exit), one that does not (only on an
     * entry) is what the host guarantees of the arguments.
     */
    private void checkReturns(List<Expr> constraints, Prototype entry, Types types, Declaration owner) {
        if (constraints.isEmpty()) return;
        Map<String, CType> scope = new LinkedHashMap<>();
        for (Field f : entry.parameters()) scope.put(f.name(), f.type());
        boolean isVoid = entry.returns() instanceof CType.Void;
        if (!isVoid) scope.put("rtn", entry.returns());
        checkConstraints(constraints, scope, types, owner, isVoid ? "the entry returns void" : "");
        if (!(owner instanceof Declaration.ExtensionClass c) || isVoid) return;
        for (Expr x : constraints) {
            // Only well-typed constraints: a broken one was reported already.
            if (!x.mentions("rtn") && types.kindOf(x, scope, Types.Problems.NONE).isPresent()) {
                report(map.of(x, locOf(c)), Code.EIM034, "'" + x.show() + "' does not constrain the return value"
                        + " (rtn): a class may only restrict what its extensions return; what the host guarantees of"
                        + " the arguments belongs on the entry");
            }
        }
    }

    /** A helper binding names a Linux helper, with as many parameters as it takes (warnings: a runtime may add helpers). */
    private void checkHelper(Declaration.FunctionCapability f, Binding.Helper h) {
        Optional<LinuxHelpers.Helper> known = LinuxHelpers.byId(h.id());
        if (known.isEmpty()) {
            report(map.property(f, "helper", nowhere), Code.EIM072, "helper id " + h.id()
                    + " is not a Linux helper id (Linux has ids 1 to " + LinuxHelpers.all().keySet().stream().mapToLong(x -> x).max().orElse(0)
                    + "); ignore this warning if your runtime defines it");
            return;
        }
        int n = f.prototype().parameters().size();
        if (!known.get().takes(n)) {
            report(map.property(f, "prototype", nowhere), Code.EIM073, "helper " + h.id() + " is "
                    + known.get().describe() + ", but the prototype has " + n + " parameter" + (n == 1 ? "" : "s"));
        }
    }

    private void checkEntryList(Declaration d, List<String> names, Map<String, Declaration.Entry> entries) {
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (!entries.containsKey(n) && !broken.contains(n)) {
                report(map.property(d, "entries#" + i, nowhere), Code.EIM051, "unknown entry '" + n + "'");
            }
        }
    }

    private void checkClass(Declaration.ExtensionClass c, Map<String, Declaration.Entry> entries,
                            Map<String, Declaration> capabilities, Types types, Set<String> used) {
        Declaration.Entry entry = entries.get(c.entry());
        if (entry == null) {
            if (!broken.contains(c.entry())) {
                report(map.property(c, "extension_entry", nowhere), Code.EIM051, "unknown entry '" + c.entry() + "'"
                        + (entries.isEmpty() ? "" : " (entries: " + String.join(", ", entries.keySet()) + ")"));
            } else {
                errors = true;
            }
        }
        Set<Allowed> seen = new HashSet<>();
        Set<LimitKind> limits = new HashSet<>();
        for (Allowed a : c.allowed()) {
            Location at = map.of(a, locOf(c));
            if (!seen.add(a)) {
                report(at, Code.EIM053, "'" + Printer.allowed(a) + "' is listed twice");
                continue;
            }
            switch (a) {
                case Allowed.Capability cap -> {
                    used.add(cap.name());
                    Declaration d = capabilities.get(cap.name());
                    if (d == null) {
                        if (!broken.contains(cap.name())) {
                            report(at, Code.EIM052, "unknown capability '" + cap.name() + "'" + Similar.closest(cap.name(),
                                    capabilities.keySet()).map(x -> " (did you mean '" + x + "'?)").orElse(""));
                        } else {
                            errors = true;
                        }
                        continue;
                    }
                    List<String> meantFor = switch (d) {
                        case Declaration.FunctionCapability f -> f.entries();
                        case Declaration.StateCapability s -> s.entries();
                        default -> List.of();
                    };
                    if (entry != null && !meantFor.isEmpty() && !meantFor.contains(entry.name())) {
                        report(at, Code.EIM050, "capability '" + cap.name() + "' is meant for entr"
                                + (meantFor.size() == 1 ? "y " : "ies ") + String.join(", ", meantFor)
                                + ", not for '" + entry.name() + "'");
                    }
                }
                case Allowed.ArgumentAccess acc -> {
                    if (entry == null) continue;
                    Path p = acc.access().path();
                    Optional<Field> param = entry.prototype().parameter(p.root());
                    if (param.isEmpty()) {
                        String params = entry.prototype().parameters().isEmpty() ? "it takes none"
                                : "its parameters: " + String.join(", ",
                                        entry.prototype().parameters().stream().map(Field::name).toList());
                        report(map.of(p, at), Code.EIM040, "'" + p.root() + "' is not a parameter of entry '"
                                + entry.name() + "' (" + params + ")");
                        continue;
                    }
                    Map<String, CType> scope = new LinkedHashMap<>();
                    for (Field f : entry.prototype().parameters()) scope.put(f.name(), f.type());
                    types.span(acc.access(), param.get().type(), Types.RootKind.ARGUMENT, scope,
                            (node, code, message) -> report(map.of(node, at), code, message));
                }
                case Allowed.Limit l -> {
                    if (!limits.add(l.kind())) {
                        report(at, Code.EIM060, "the " + l.kind().keyword() + " limit is given twice");
                        continue;
                    }
                    checkLimit(l, at);
                }
            }
        }
    }

    private void checkLimit(Allowed.Limit l, Location at) {
        if (!(l.bound() instanceof Bound.Finite f)) {
            if (l.kind() == LimitKind.STACK) {
                report(at, Code.EIM060, "the stack cannot be unlimited: the eBPF stack is " + LimitKind.MAX_STACK
                        + " bytes (write stack <= " + LimitKind.MAX_STACK + ")");
            }
            return;
        }
        switch (l.kind()) {
            case INSTRUCTIONS -> {
                if (f.exclusive() <= 1) report(at, Code.EIM060, "this limit allows no instruction at all");
            }
            case MEMORY -> {
                if (f.exclusive() <= 0) report(at, Code.EIM060, "memory must allow at least 0 bytes (write memory < 1)");
            }
            case STACK -> {
                if (f.exclusive() <= 0) {
                    report(at, Code.EIM060, "stack must allow at least 0 bytes (write stack < 1)");
                } else if (f.exclusive() - 1 > LimitKind.MAX_STACK) {
                    report(at, Code.EIM060, "stack limit " + (f.exclusive() - 1) + " bytes exceeds the "
                            + LimitKind.MAX_STACK + "-byte eBPF stack");
                }
            }
        }
    }

    // ---------------------------------------------------------------- reporting

    private Location locOf(Object node) {
        return map.of(node, nowhere);
    }

    private String where(Declaration d) {
        Location l = locOf(d);
        return l.file() + ":" + l.line() + ":" + l.column();
    }

    private void report(Object node, Code code, String message) {
        report(locOf(node), code, message);
    }

    private void report(Location at, Code code, String message) {
        if (code.severity() == Severity.ERROR) errors = true;
        sink.accept(new Diagnostic(at, code, message));
    }
}
