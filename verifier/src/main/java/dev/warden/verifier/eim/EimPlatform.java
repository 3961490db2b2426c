package dev.warden.verifier.eim;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Binding;
import dev.warden.eim.CType;
import dev.warden.eim.Declaration;
import dev.warden.eim.Field;
import dev.warden.eim.Grants;
import dev.warden.eim.Layout;
import dev.warden.eim.Limits;
import dev.warden.eim.Location;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Policy;
import dev.warden.eim.ScalarKind;
import dev.warden.eim.SourceMap;
import dev.warden.eim.Types;
import dev.warden.domains.Scalar;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One class of an EIM policy as the verifier's platform: what the extension finds in r1-r5 (its
 * entry's arguments), which host memory it can address and which bytes of it it may read or write,
 * which helpers and host functions it may call and under which constraints, and its limits.
 * Everything the class does not grant is a violation, worded in the policy's terms.
 *
 * <p>Host memory is a {@link PtrKind#HOST} pointer whose region is an index into {@link #objects()}:
 * first the pointees of the entry's pointer arguments, then the host variables (all of them, so a
 * reference to a variable the class was not granted is a located violation, not an unknown name),
 * then the objects reached through pointer fields ({@code *r->hdr}, one per pointer path the
 * class's grants go through, in policy order; see {@link #pointerFields()}).
 */
public final class EimPlatform {
    private static final Location NOWHERE = new Location("?", 0, 0, 1, "");

    private final Policy policy;
    private final SourceMap sources;
    private final Grants grants;
    private final Types types;
    private final List<HostObject> objects;
    private final Map<String, Integer> argumentObjects;
    private final Map<String, Integer> variableObjects;
    private final List<String> hostFunctions;
    private final List<PointerField> pointerFields;

    private EimPlatform(Policy policy, SourceMap sources, Grants grants) {
        this.policy = policy;
        this.sources = sources;
        this.grants = grants;
        this.types = policy.types();
        List<HostObject> objs = new ArrayList<>();
        Map<String, Integer> args = new LinkedHashMap<>();
        Layout layout = types.layout();
        for (Field p : grants.entry().prototype().parameters()) {
            if (layout.resolve(p.type()) instanceof CType.Pointer ptr) {
                CType pointee = ptr.target();
                long size = layout.resolve(pointee) instanceof CType.Void ? 0 : layout.sizeOf(pointee);
                boolean struct = layout.resolve(pointee) instanceof CType.Named;
                List<ByteGrant> gs = new ArrayList<>();
                for (Grants.ArgumentGrant g : grants.arguments()) {
                    // A grant through a pointer field (r->hdr->name) is on another object, which
                    // this analysis does not reach: loaded pointer fields are plain numbers.
                    if (g.span().base().equals(p.name())) {
                        bytes(g.span()).ifPresent(b -> gs.add(new ByteGrant(g.access().op(), b[0], b[1], g.access().toString(),
                                fieldType(g.access()), List.of(), where(g.access(), grants.extensionClass()))));
                    }
                }
                args.put(p.name(), objs.size());
                objs.add(new HostObject("*" + p.name(), HostObject.Origin.ARGUMENT, struct ? p.name() + "->" : "*" + p.name(),
                        pointee, size, gs));
            }
        }
        Map<String, Integer> vars = new LinkedHashMap<>();
        for (Declaration.HostVariable v : policy.hostVariables().values()) {
            List<ByteGrant> gs = new ArrayList<>();
            for (Grants.StateGrant g : grants.state()) {
                if (g.span().base().equals("&" + v.name()) && !(g.type() instanceof CType.Void)) {
                    bytes(g.span()).ifPresent(b -> gs.add(new ByteGrant(g.op(), b[0], b[1], g.capability().name(), g.type(),
                            g.op() == AccessOp.WRITE ? g.capability().constraints() : List.of(),
                            where(g.capability(), grants.extensionClass()))));
                }
            }
            vars.put(v.name(), objs.size());
            objs.add(new HostObject(v.name(), HostObject.Origin.HOST_VARIABLE, v.name(), v.type(), layout.sizeOf(v.type()), gs));
        }
        this.pointerFields = List.copyOf(reachThroughFields(objs, args));
        this.objects = List.copyOf(objs);
        this.argumentObjects = Map.copyOf(args);
        this.variableObjects = vars;
        List<String> fns = new ArrayList<>();
        for (Declaration.FunctionCapability f : policy.functionCapabilities().values()) {
            if (f.target() instanceof Binding.HostFunction h && !fns.contains(h.name())) {
                fns.add(h.name());
            }
        }
        this.hostFunctions = List.copyOf(fns);
    }

    /**
     * Adds to {@code objs} the objects the class reaches through pointer fields (after the
     * arguments' pointees and the host variables, so their regions keep their numbers), each with
     * the bytes its grants name, and returns the links. The pointer itself becomes readable in
     * its parent (a grant through {@code r->hdr} is useless unless {@code r->hdr} can be loaded)
     * and never writable: a store could aim the proof's object anywhere.
     */
    private List<PointerField> reachThroughFields(List<HostObject> objs, Map<String, Integer> args) {
        Layout layout = types.layout();
        Map<String, Integer> reached = new LinkedHashMap<>(args);
        List<PointerField> links = new ArrayList<>();
        for (PointerPaths.Link l : PointerPaths.of(types, grants)) {
            Integer parent = reached.get(l.parent());
            CType pointee = layout.resolve(l.pointee());
            if (parent == null || pointee instanceof CType.Named n && !layout.hasStruct(n.name())) {
                continue; // an undeclared layout grants no byte (see Span.Opaque)
            }
            List<ByteGrant> gs = new ArrayList<>();
            Optional<Grants.ArgumentGrant> via = Optional.empty(); // the first grant that goes through the pointer
            for (Grants.ArgumentGrant g : grants.arguments()) {
                String base = g.span().base();
                if (base.equals(l.path())) {
                    bytes(g.span()).ifPresent(b -> gs.add(new ByteGrant(g.access().op(), b[0], b[1], g.access().toString(),
                            fieldType(g.access()), List.of(), where(g.access(), grants.extensionClass()))));
                }
                if (via.isEmpty() && (base.equals(l.path()) || base.startsWith(l.path() + "->"))) {
                    via = Optional.of(g);
                }
            }
            // A buffer behind a pointer (u8 *data) is as long as its literal-bound slices reach.
            long size = pointee instanceof CType.Void ? 0 : layout.sizeOf(pointee);
            for (ByteGrant g : gs) {
                size = Math.max(size, g.to());
            }
            if (size == 0) {
                continue;
            }
            int index = objs.size();
            reached.put(l.path(), index);
            objs.add(new HostObject("*" + l.path(), HostObject.Origin.FIELD,
                    pointee instanceof CType.Named ? l.path() + "->" : "*" + l.path(), l.pointee(), size, gs));
            Grants.ArgumentGrant g = via.orElseThrow(); // PointerPaths found the link through some grant
            objs.set(parent, readablePointer(objs.get(parent), l.offset(), g.access().toString(), where(g.access(), grants.extensionClass())));
            links.add(new PointerField(parent, l.offset(), index, l.path(), promisedNonNull(l.path())
                    ? dev.warden.verifier.state.Nullness.NOT_NULL : dev.warden.verifier.state.Nullness.MAYBE_NULL));
        }
        return links;
    }

    /** {@code o} with the pointer at {@code offset} readable (granted by {@code what}) and no write grant covering it. */
    private static HostObject readablePointer(HostObject o, long offset, String what, String where) {
        long end = offset + PointerField.SIZE;
        List<ByteGrant> gs = new ArrayList<>();
        for (ByteGrant g : o.grants()) {
            if (g.op() == AccessOp.WRITE && g.overlaps(offset, end)) {
                if (g.from() < offset) {
                    gs.add(new ByteGrant(g.op(), g.from(), offset, g.what(), g.valueType(), g.valueConstraints(), g.where()));
                }
                if (end < g.to()) {
                    gs.add(new ByteGrant(g.op(), end, g.to(), g.what(), g.valueType(), g.valueConstraints(), g.where()));
                }
            } else {
                gs.add(g);
            }
        }
        if (!o.covered(AccessOp.READ, offset, end)) {
            gs.add(new ByteGrant(AccessOp.READ, offset, end, what, new CType.Pointer(o.type()), List.of(), where));
        }
        return new HostObject(o.name(), o.origin(), o.root(), o.type(), o.size(), gs);
    }

    /** Whether the entry promises {@code non_null(path)}: one of its argument constraints, or a conjunct of one. */
    private boolean promisedNonNull(String path) {
        java.util.ArrayDeque<dev.warden.eim.Expr> todo = new java.util.ArrayDeque<>(grants.guarantees());
        while (!todo.isEmpty()) {
            switch (todo.pop()) {
                case dev.warden.eim.Expr.Binary b when b.op() == dev.warden.eim.Expr.BinaryOp.AND -> {
                    todo.push(b.right());
                    todo.push(b.left());
                }
                case dev.warden.eim.Expr.Call c when c.function().equals("non_null") && c.arguments().size() == 1
                        && c.arguments().getFirst() instanceof dev.warden.eim.Expr.Ref r && r.path().toString().equals(path) -> {
                    return true;
                }
                default -> { }
            }
        }
        return false;
    }

    private CType fieldType(dev.warden.eim.Access a) {
        CType root = grants.entry().prototype().parameter(a.path().root()).orElseThrow().type();
        return types.accessedType(a, root, Types.RootKind.ARGUMENT).orElse(root);
    }

    /**
     * The bytes {@code [from, to)} a span grants on every execution. A fixed region is exact. A
     * slice's bounds are evaluated over the entry's arguments as the extension receives them (with
     * the entry's guarantees): only the elements inside the bounds for every possible argument
     * value are granted, so {@code data[0, len)} with an unknown {@code len} grants nothing this
     * analysis can use (relating an index to {@code len} needs a relational domain). An opaque
     * object (undeclared layout) grants no byte.
     */
    private java.util.Optional<long[]> bytes(dev.warden.eim.Span span) {
        return switch (span) {
            case dev.warden.eim.Region r -> r.size() > 0 ? java.util.Optional.of(new long[] {r.offset(), r.offset() + r.size()})
                    : java.util.Optional.empty();
            case dev.warden.eim.Span.Slice sl -> {
                ConstraintEvaluator ev = new ConstraintEvaluator(types, argumentScope(), MemoryOracle.NONE);
                if (!(ev.eval(sl.from()) instanceof ConstraintEvaluator.V.I(ConstraintEvaluator.Ints f))
                        || !(ev.eval(sl.to()) instanceof ConstraintEvaluator.V.I(ConstraintEvaluator.Ints t))) {
                    yield java.util.Optional.empty();
                }
                java.math.BigInteger es = java.math.BigInteger.valueOf(sl.elementSize());
                java.math.BigInteger lo = f.hi().max(java.math.BigInteger.ZERO);
                java.math.BigInteger hi = t.lo();
                if (sl.capacity().isPresent()) {
                    hi = hi.min(java.math.BigInteger.valueOf(sl.capacity().getAsLong()));
                }
                if (hi.compareTo(lo) <= 0 || hi.bitLength() > 40) {
                    yield java.util.Optional.empty();
                }
                long off = sl.offset();
                yield java.util.Optional.of(new long[] {off + lo.multiply(es).longValueExact(), off + hi.multiply(es).longValueExact()});
            }
            case dev.warden.eim.Span.Opaque o -> java.util.Optional.empty();
        };
    }

    /** The entry's scalar arguments as the extension receives them, for evaluating slice bounds. */
    Map<String, Operand> argumentScope() {
        Map<String, Operand> scope = new LinkedHashMap<>();
        for (Field p : grants.entry().prototype().parameters()) {
            if (types.layout().resolve(p.type()) instanceof CType.Scalar sc) {
                scope.put(p.name(), new Operand(p.type(), Value.Num.of(ReturnConstraints.narrow(this, argumentConstraints(), p.name(),
                        p.type(), typeRange(sc.kind())))));
            }
        }
        return scope;
    }

    /** A platform for one class, or why there is none. */
    public sealed interface Built {
        record Ok(EimPlatform platform) implements Built {}

        record Failed(String message) implements Built {}
    }

    /** The platform of class {@code className} of a policy that parsed without errors. */
    public static Built forClass(ParseResult parsed, String className) {
        if (parsed.policy().isEmpty()) {
            return new Built.Failed("the policy has errors; run 'warden check' on it");
        }
        Policy p = parsed.policy().get();
        Optional<Grants> g = p.grants(className);
        if (g.isEmpty()) {
            return new Built.Failed("the policy has no class '" + className + "'; its classes: "
                    + String.join(", ", p.classes().keySet()));
        }
        if (g.get().entry().prototype().parameters().size() > 5) {
            return new Built.Failed("entry '" + g.get().entry().name() + "' passes " + g.get().entry().prototype().parameters().size()
                    + " arguments; an eBPF extension receives at most five (r1-r5)");
        }
        return new Built.Ok(new EimPlatform(p, parsed.sources(), g.get()));
    }

    public String className() {
        return grants.extensionClass().name();
    }

    public Grants grants() {
        return grants;
    }

    public Types types() {
        return types;
    }

    public Limits limits() {
        return grants.limits();
    }

    /** Host memory the extension can address, by {@link PtrKind#HOST} region. */
    public List<HostObject> objects() {
        return objects;
    }

    public HostObject object(int region) {
        return objects.get(region);
    }

    /**
     * The pointer fields the class reaches through, parents before what they lead to: an aligned
     * 8-byte load of one gives a pointer to its target object (see {@link PointerField}).
     */
    public List<PointerField> pointerFields() {
        return pointerFields;
    }

    /** The pointer field at exactly {@code offset} of host object {@code region}, if the class reaches through one there. */
    public Optional<PointerField> pointerField(int region, long offset) {
        return pointerFields.stream().filter(f -> f.parent() == region && f.offset() == offset).findFirst();
    }

    /** The region of what the entry's pointer parameter {@code name} points to; empty for another parameter. */
    public Optional<Integer> argumentObject(String name) {
        return Optional.ofNullable(argumentObjects.get(name));
    }

    /** The region of a host variable, by name. */
    public Optional<Integer> hostVariable(String name) {
        return Optional.ofNullable(variableObjects.get(name));
    }

    /**
     * The host variable an assembly program names by number ({@code r1 = btf_var[N] ll}): the
     * N-th {@code host} declaration of the policy, counting from 0 in declaration order (included files first where included).
     */
    public Optional<String> hostVariableNumber(long n) {
        List<String> names = new ArrayList<>(variableObjects.keySet());
        return n >= 0 && n < names.size() ? Optional.of(names.get((int) n)) : Optional.empty();
    }

    /**
     * The host function an assembly program calls by number ({@code call kfunc N}): the N-th
     * distinct host function bound by a function capability of the policy, in declaration order.
     */
    public Optional<String> hostFunctionNumber(long n) {
        return n >= 0 && n < hostFunctions.size() ? Optional.of(hostFunctions.get((int) n)) : Optional.empty();
    }

    /** The capabilities of this class that let it call {@code target}, in policy order (any one suffices). */
    public List<Declaration.FunctionCapability> capabilities(Binding target) {
        List<Declaration.FunctionCapability> out = new ArrayList<>();
        for (Declaration.FunctionCapability f : grants.functions()) {
            if (f.target().equals(target)) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * What the verifier assumes of r0 after this class calls host function {@code name}: the
     * values of the declared scalar return type, narrowed by the return constraints
     * ({@link ReturnConstraints#assume}). Empty when the class grants no call of it or it returns
     * no scalar (void, a pointer): nothing about r0 is assumed then. A runtime checks a host
     * function's result against this, since the proof of the code after the call relies on it.
     */
    public Optional<Scalar> assumedReturn(String name) {
        List<Declaration.FunctionCapability> caps = capabilities(new Binding.HostFunction(name));
        if (caps.isEmpty() || !(types.layout().resolve(caps.getFirst().prototype().returns()) instanceof CType.Scalar sc)) {
            return Optional.empty();
        }
        return ReturnConstraints.assume(this, caps, Value.Num.of(typeRange(sc.kind()))) instanceof Value.Num n
                ? Optional.of(n.scalar()) : Optional.empty();
    }

    /** Whether any capability of the policy (granted to this class or not) binds {@code target}. */
    public Optional<Declaration.FunctionCapability> anyCapability(Binding target) {
        return policy.functionCapabilities().values().stream().filter(f -> f.target().equals(target)).findFirst();
    }

    /**
     * The entry's constraints that do not mention {@code rtn}: facts about the arguments the host
     * passes, assumed at the entry (they hold at every exit then too, since the arguments' values
     * do not change).
     */
    public List<dev.warden.eim.Expr> argumentConstraints() {
        return grants.guarantees();
    }

    /**
     * What the extension must return: the entry's and the class's constraints (on {@code rtn}, and
     * possibly on the arguments' values), proved at every exit.
     */
    public List<dev.warden.eim.Expr> returnConstraints() {
        return grants.returns();
    }

    /** Whether the entry's prototype returns a value (the extension must then set r0 on every path). */
    public boolean entryReturnsValue() {
        return !(types.layout().resolve(grants.entry().prototype().returns()) instanceof CType.Void);
    }

    /** r1-r5 at the entry: the entry prototype's arguments. */
    public Value[] entryArguments() {
        List<Field> params = grants.entry().prototype().parameters();
        Value[] out = new Value[params.size()];
        for (int i = 0; i < params.size(); i++) {
            Field p = params.get(i);
            CType t = types.layout().resolve(p.type());
            out[i] = switch (t) {
                // The host passes a valid object: the pointer is not null.
                case CType.Pointer ptr -> Value.Ptr.of(PtrKind.HOST, argumentObjects.get(p.name()), 0);
                // What the host guarantees of the argument (the entry's constraints on it) is assumed.
                case CType.Scalar s -> Value.Num.of(ReturnConstraints.narrow(this, argumentConstraints(), p.name(), p.type(),
                        typeRange(s.kind())));
                default -> Value.TOP; // a struct by value: its bytes are not modelled
            };
        }
        return out;
    }

    /**
     * The register values a C scalar type can arrive as: the host widens a narrower argument to
     * 64 bits by its signedness (sign extension for signed types, zero extension otherwise).
     */
    public static Scalar typeRange(ScalarKind k) {
        if (k.size() == 8) {
            return Scalar.top();
        }
        return k.isSigned() && k != ScalarKind.BOOL ? Scalar.signedRange(k.min().longValueExact(), k.max().longValueExact())
                : Scalar.unsignedRange(0, k.max().longValueExact());
    }

    /** {@code file.eim:line} of a policy node (a declaration, a constraint, an allowed item), or of {@code fallback}. */
    public String where(Object node, Object fallback) {
        Location l = sources.of(node, sources.of(fallback, NOWHERE));
        Path f = Path.of(l.file()).getFileName();
        return (f == null ? l.file() : f.toString()) + ":" + l.line();
    }

    /** {@code file.eim:line} of a policy node, or {@code otherwise} when the parser did not place it. */
    public String whereOr(Object node, String otherwise) {
        Location l = sources.of(node, NOWHERE);
        if (l == NOWHERE) {
            return otherwise;
        }
        Path f = Path.of(l.file()).getFileName();
        return (f == null ? l.file() : f.toString()) + ":" + l.line();
    }

    /**
     * {@code the class 'c' allows instructions < N (policy.eim:7)} for a finite limit of this kind,
     * empty when the class does not limit it.
     */
    public Optional<String> limitWords(dev.warden.eim.LimitKind kind) {
        if (!(limits().get(kind) instanceof dev.warden.eim.Bound.Finite f)) {
            return Optional.empty();
        }
        Declaration.ExtensionClass c = grants.extensionClass();
        String at = classWhere();
        for (Declaration.Allowed a : c.allowed()) {
            if (a instanceof Declaration.Allowed.Limit l && l.kind() == kind) {
                at = where(a, c);
            }
        }
        return Optional.of("the class '" + className() + "' allows " + kind.keyword() + " " + f.show() + " (" + at + ")");
    }

    /** Where the class is declared. */
    public String classWhere() {
        return where(grants.extensionClass(), grants.extensionClass());
    }
}
