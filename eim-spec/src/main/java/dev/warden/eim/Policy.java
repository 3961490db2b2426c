package dev.warden.eim;

import dev.warden.eim.Declaration.Allowed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checked EIM policy: every declaration of a file and the files it includes, by name. Made by
 * {@link Eim#parse}; two policies are equal when they declare the same things, wherever and
 * however they were written.
 */
public record Policy(Map<String, Declaration.Struct> structs,
                     Map<String, Declaration.Typedef> typedefs,
                     Map<String, Declaration.Enum> enums,
                     Map<String, Declaration.HostVariable> hostVariables,
                     Map<String, Declaration.StateCapability> stateCapabilities,
                     Map<String, Declaration.FunctionCapability> functionCapabilities,
                     Map<String, Declaration.Entry> entries,
                     Map<String, Declaration.ExtensionClass> classes) {

    public Policy {
        structs = frozen(structs);
        typedefs = frozen(typedefs);
        enums = frozen(enums);
        hostVariables = frozen(hostVariables);
        stateCapabilities = frozen(stateCapabilities);
        functionCapabilities = frozen(functionCapabilities);
        entries = frozen(entries);
        classes = frozen(classes);
    }

    private static <V> Map<String, V> frozen(Map<String, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The classes declared for an entry, in declaration order. */
    public List<Declaration.ExtensionClass> classesAt(String entry) {
        return classes.values().stream().filter(c -> c.entry().equals(entry)).toList();
    }

    /** Layout and typing for this policy's structs, typedefs and enums. */
    public Types types() {
        Map<String, CType> aliases = new LinkedHashMap<>();
        for (Declaration.Typedef t : typedefs.values()) aliases.put(t.name(), t.type());
        return new Types(new Layout(structs, aliases, enums.keySet(), Layout.enumeratorValues(enums.values())));
    }

    /**
     * The type of the host memory a state capability reads or writes (the type of {@code value}
     * for a write); empty when the host variable is not declared (an opaque grant) or the
     * capability names a slice.
     */
    public Optional<CType> accessedType(Declaration.StateCapability s) {
        Declaration.HostVariable h = hostVariables.get(s.operation().path().root());
        if (h == null) return Optional.empty();
        return types().accessedType(s.operation(), h.type(), Types.RootKind.HOST_VARIABLE);
    }

    /**
     * What a state capability names: bytes of a declared host variable, a slice, or an opaque
     * object (a host variable used without a {@code host} declaration).
     */
    public Span span(Declaration.StateCapability s) {
        Declaration.HostVariable h = hostVariables.get(s.operation().path().root());
        if (h == null) {
            return new Span.Opaque("&" + s.operation().path().root(), "host variable " + s.operation().path().root()
                    + " is not declared");
        }
        return types().span(s.operation(), h.type(), Types.RootKind.HOST_VARIABLE, Map.of(h.name(), h.type()), Types.Problems.NONE)
                .orElseThrow(() -> new IllegalStateException("unchecked policy: " + s.operation()));
    }

    /** The names an entry's argument grants and return constraints may use: its parameters, with their types. */
    public static Map<String, CType> parameterScope(Declaration.Entry entry) {
        Map<String, CType> scope = new LinkedHashMap<>();
        for (Field f : entry.prototype().parameters()) scope.put(f.name(), f.type());
        return scope;
    }

    /** What a class may do, resolved to functions, memory spans, return constraints and limits. */
    public Optional<Grants> grants(String className) {
        Declaration.ExtensionClass c = classes.get(className);
        if (c == null) return Optional.empty();
        Declaration.Entry entry = entries.get(c.entry());
        Types types = types();
        List<Declaration.FunctionCapability> functions = new ArrayList<>();
        List<Grants.StateGrant> state = new ArrayList<>();
        List<Grants.ArgumentGrant> args = new ArrayList<>();
        Limits limits = Limits.NONE;
        for (Allowed a : c.allowed()) {
            switch (a) {
                case Allowed.Capability cap -> {
                    Declaration.FunctionCapability f = functionCapabilities.get(cap.name());
                    if (f != null && !functions.contains(f)) functions.add(f);
                    Declaration.StateCapability s = stateCapabilities.get(cap.name());
                    if (s != null) {
                        Grants.StateGrant g = new Grants.StateGrant(s, accessedType(s).orElse(new CType.Void()), span(s));
                        if (!state.contains(g)) state.add(g);
                    }
                }
                case Allowed.ArgumentAccess acc -> {
                    Path p = acc.access().path();
                    CType root = entry.prototype().parameter(p.root()).orElseThrow().type();
                    Span r = types.span(acc.access(), root, Types.RootKind.ARGUMENT, parameterScope(entry), Types.Problems.NONE)
                            .orElseThrow(() -> new IllegalStateException("unchecked policy: " + acc.access()));
                    Grants.ArgumentGrant g = new Grants.ArgumentGrant(acc.access(), r);
                    if (!args.contains(g)) args.add(g);
                }
                case Allowed.Limit l -> limits = limits.with(l.kind(), l.bound());
            }
        }
        List<Expr> returns = new ArrayList<>(entry.constraints().stream().filter(e -> e.mentions("rtn")).toList());
        returns.addAll(c.constraints());
        List<Expr> guarantees = entry.constraints().stream().filter(e -> !e.mentions("rtn")).toList();
        return Optional.of(new Grants(c, entry, functions, state, args, returns, guarantees, limits));
    }
}
