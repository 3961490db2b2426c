package dev.warden.runtime.host;

import dev.warden.eim.AccessOp;
import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Field;
import dev.warden.eim.ScalarKind;
import dev.warden.runtime.linux.ArgumentRegion;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * An EIM entry's prototype as the runtime passes it: r1..r5 set exactly as the verifier assumed
 * ({@link EimPlatform#entryArguments}). A pointer parameter gets the address of a region of the
 * CPU's own of exactly {@code sizeof} its pointee, holding a copy of the host's object (writable
 * when the class grants a write of any byte of it); a scalar parameter gets its value, which must
 * be a value of its C type as a register holds it. Before the run the entry's constraints on the
 * arguments (the host's guarantees, which the proof assumed) are checked on exactly the bytes and
 * values the extension will see; one that does not hold, or cannot be evaluated, refuses the
 * invocation.
 */
final class EntryShape {
    /** One parameter: a pointer (its region's index among {@link #regions}) or a scalar. */
    private sealed interface Parameter {
        Field field();

        record Pointer(Field field, int region, long size) implements Parameter {}

        record Scalar(Field field, ScalarKind kind) implements Parameter {}
    }

    /** A guarantee of the entry and, where it compiles, its allocation-free check ({@link CompiledGuarantee}). */
    private record Guarantee(Expr expr, Optional<CompiledGuarantee> compiled) {}

    private final EimPlatform platform;
    private final List<Parameter> parameters;
    private final List<ArgumentRegion> regions;
    /** Where the guarantees' field paths lie, resolved on first use ({@link ConcreteConstraints}). */
    private final java.util.concurrent.ConcurrentMap<dev.warden.eim.Path, ConcreteConstraints.FieldAt> fields = new java.util.concurrent.ConcurrentHashMap<>();
    /** The entry's guarantees in policy order, compiled once: checking them is most of an invocation's host-side work. */
    private final List<Guarantee> guarantees;

    private EntryShape(EimPlatform platform, List<Parameter> parameters, List<ArgumentRegion> regions) {
        this.platform = platform;
        this.parameters = List.copyOf(parameters);
        this.regions = List.copyOf(regions);
        this.guarantees = compile();
    }

    /** Each guarantee with its compiled check where {@link CompiledGuarantee} handles its expression. */
    private List<Guarantee> compile() {
        Map<String, CompiledGuarantee.Name> names = new HashMap<>();
        // Types only: field paths are located once, into the shared cache the general evaluator uses too.
        ConcreteConstraints layout = new ConcreteConstraints(platform.types(), fields);
        for (int i = 0; i < parameters.size(); i++) {
            Field f = parameters.get(i).field();
            switch (parameters.get(i)) {
                case Parameter.Pointer p -> {
                    layout.pointer(f.name(), f.type(), MemorySegment.NULL);
                    names.put(f.name(), new CompiledGuarantee.Name.Pointer(p.region(), layout::fieldAt));
                }
                case Parameter.Scalar sc -> {
                    layout.scalar(f.name(), f.type(), BigInteger.ZERO);
                    names.put(f.name(), new CompiledGuarantee.Name.Scalar(i, sc.kind()));
                }
            }
        }
        List<Guarantee> out = new ArrayList<>();
        for (Expr g : platform.argumentConstraints()) {
            out.add(new Guarantee(g, CompiledGuarantee.of(g, names, name -> platform.types().layout().enumerator(name),
                    t -> platform.types().layout().sizeOf(t))));
        }
        return List.copyOf(out);
    }

    /**
     * The shape of {@code platform}'s entry, or why the runtime cannot pass its arguments (a struct
     * passed by value: the verifier does not model its bytes, and no register holds it).
     */
    static EntryShape of(EimPlatform platform) throws IllegalArgumentException {
        List<Parameter> ps = new ArrayList<>();
        List<ArgumentRegion> rs = new ArrayList<>();
        for (Field f : platform.grants().entry().prototype().parameters()) {
            switch (platform.types().layout().resolve(f.type())) {
                case CType.Pointer p -> {
                    HostObject o = platform.objects().stream()
                            .filter(x -> x.origin() == HostObject.Origin.ARGUMENT && x.name().equals("*" + f.name()))
                            .findFirst().orElseThrow(() -> new IllegalStateException("the platform has no object for " + f.name()));
                    Access access = o.grants(AccessOp.WRITE).isEmpty() ? Access.READ_ONLY : Access.READ_WRITE;
                    ps.add(new Parameter.Pointer(f, rs.size(), o.size()));
                    rs.add(new ArgumentRegion(o.name(), o.size(), access));
                }
                case CType.Scalar s -> ps.add(new Parameter.Scalar(f, s.kind()));
                default -> throw new IllegalArgumentException("parameter " + f.name() + " of entry " + platform.grants().entry().name()
                        + " is a " + f.type().spelling() + " passed by value, which no register holds; pass a pointer to it");
            }
        }
        return new EntryShape(platform, ps, rs);
    }

    /** How many of the entry's guarantees are checked without the general evaluator (unless a value leaves {@code long}). */
    int compiledGuarantees() {
        return (int) guarantees.stream().filter(g -> g.compiled().isPresent()).count();
    }

    /** The regions every CPU needs, one per pointer parameter, in parameter order. */
    List<ArgumentRegion> regions() {
        return regions;
    }

    boolean takesArguments() {
        return !parameters.isEmpty();
    }

    /** The entry's name and prototype, for messages. */
    String describe() {
        return "entry " + platform.grants().entry().name() + " " + platform.grants().entry().prototype().parameters().stream()
                .map(f -> f.type().spelling() + " " + f.name()).collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    }

    /**
     * Copies {@code arguments} into the CPU's regions ({@code region(k)}), checks them, and returns
     * r1..rN.
     *
     * @throws IllegalArgumentException (nothing runs) for arguments of the wrong number, kind or
     *     size, a scalar outside its C type, or a broken or undecidable guarantee of the entry
     */
    long[] enter(EntryArguments arguments, IntFunction<MemorySegment> region) {
        List<EntryArguments.Argument> values = arguments.values();
        if (values.size() != parameters.size()) {
            throw new IllegalArgumentException(describe() + " takes " + parameters.size() + " arguments, not " + values.size());
        }
        long[] registers = new long[parameters.size()];
        for (int i = 0; i < registers.length; i++) {
            Parameter p = parameters.get(i);
            EntryArguments.Argument a = values.get(i);
            switch (p) {
                case Parameter.Pointer ptr -> {
                    MemorySegment target = region.apply(ptr.region());
                    copyIn(ptr, a, target);
                    registers[i] = target.address();
                }
                case Parameter.Scalar sc -> {
                    if (!(a instanceof EntryArguments.Argument.Scalar(long v))) {
                        throw new IllegalArgumentException(describe() + ": argument " + p.field().name() + " is a scalar, not " + kind(a));
                    }
                    BigInteger value = ConcreteConstraints.asInteger(v, sc.kind());
                    if (sc.kind().size() < 8 && (value.compareTo(sc.kind().min()) < 0 || value.compareTo(sc.kind().max()) > 0)) {
                        throw new IllegalArgumentException(describe() + ": argument " + p.field().name() + " = " + v + " is outside "
                                + sc.kind().keyword() + " (" + sc.kind().min() + ".." + sc.kind().max() + ")");
                    }
                    registers[i] = v;
                }
            }
        }
        ConcreteConstraints scope = null; // built only when a guarantee needs the general evaluator
        for (int g = 0; g < guarantees.size(); g++) {
            Guarantee compiled = guarantees.get(g);
            if (compiled.compiled().isPresent() && compiled.compiled().get().check(registers, region) == CompiledGuarantee.HOLDS) {
                continue;
            }
            // Broken, out of long range, or not compiled: the general evaluator decides, and words a refusal.
            Expr guarantee = compiled.expr();
            scope = scope != null ? scope : scope(registers, region);
            String broken = switch (scope.check(guarantee)) {
                case ConcreteConstraints.Outcome.Holds h -> "";
                case ConcreteConstraints.Outcome.Broken b -> "break";
                case ConcreteConstraints.Outcome.Undecided u -> "cannot be shown to keep (" + u.why() + ")";
            };
            if (!broken.isEmpty()) {
                throw new IllegalArgumentException(describe() + ": the arguments " + broken + " " + guarantee.show() + " ("
                        + platform.whereOr(guarantee, platform.where(platform.grants().entry(), platform.grants().entry()))
                        + "), which the class '" + platform.className() + "' was verified assuming; not run");
            }
        }
        return registers;
    }

    /** The scope {@link ConcreteConstraints} evaluates guarantees in: the arguments as the extension will see them. */
    private ConcreteConstraints scope(long[] registers, IntFunction<MemorySegment> region) {
        ConcreteConstraints scope = new ConcreteConstraints(platform.types(), fields);
        for (int i = 0; i < registers.length; i++) {
            Parameter p = parameters.get(i);
            switch (p) {
                case Parameter.Pointer ptr -> scope.pointer(p.field().name(), p.field().type(), region.apply(ptr.region()));
                case Parameter.Scalar sc -> scope.scalar(p.field().name(), p.field().type(), ConcreteConstraints.asInteger(registers[i], sc.kind()));
            }
        }
        return scope;
    }

    /** After the run: what the extension may have written into its copies goes back to the host's objects. */
    void leave(EntryArguments arguments, IntFunction<MemorySegment> region) {
        for (int i = 0; i < parameters.size(); i++) {
            if (!(parameters.get(i) instanceof Parameter.Pointer ptr) || !regions.get(ptr.region()).access().canWrite()) {
                continue;
            }
            MemorySegment copy = region.apply(ptr.region());
            switch (arguments.values().get(i)) {
                case EntryArguments.Argument.Memory m -> MemorySegment.copy(copy, 0, m.segment(), 0, ptr.size());
                case EntryArguments.Argument.Bytes b -> MemorySegment.copy(copy, ValueLayout.JAVA_BYTE, 0, b.bytes(), 0, (int) ptr.size());
                case EntryArguments.Argument.Scalar s -> { }
            }
        }
    }

    private void copyIn(Parameter.Pointer p, EntryArguments.Argument a, MemorySegment target) {
        long size = switch (a) {
            case EntryArguments.Argument.Memory m -> m.segment().byteSize();
            case EntryArguments.Argument.Bytes b -> b.bytes().length;
            case EntryArguments.Argument.Scalar s -> throw new IllegalArgumentException(describe() + ": argument " + p.field().name()
                    + " is a pointer: pass the object it points to (Argument.memory or Argument.bytes), not a scalar");
        };
        if (size != p.size()) {
            throw new IllegalArgumentException(describe() + ": argument " + p.field().name() + " points to "
                    + p.field().type().spelling().replace("*", "").strip() + " of " + p.size() + " bytes, but " + size + " were given");
        }
        switch (a) {
            case EntryArguments.Argument.Memory m -> MemorySegment.copy(m.segment(), 0, target, 0, size);
            case EntryArguments.Argument.Bytes b -> MemorySegment.copy(b.bytes(), 0, target, ValueLayout.JAVA_BYTE, 0, (int) size);
            case EntryArguments.Argument.Scalar s -> { }
        }
    }

    private static String kind(EntryArguments.Argument a) {
        return switch (a) {
            case EntryArguments.Argument.Scalar s -> "a scalar";
            case EntryArguments.Argument.Memory m -> "memory";
            case EntryArguments.Argument.Bytes b -> "bytes";
        };
    }
}
