package dev.warden.runtime.host;

import dev.warden.eim.AccessOp;
import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Field;
import dev.warden.eim.ScalarKind;
import dev.warden.runtime.linux.ArgumentRegion;
import dev.warden.runtime.linux.CpuArguments;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
import dev.warden.verifier.eim.LengthSymbol;
import dev.warden.verifier.eim.SliceGrant;
import dev.warden.verifier.eim.PointerField;
import dev.warden.verifier.state.Nullness;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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

        /**
         * A pointer argument: its object's {@code sizeof} bytes, or, for an object the class
         * slices at run time ({@code data[0, len)}), up to {@code size} bytes reserved, of which
         * a run may address what its lengths grant.
         */
        record Pointer(Field field, int region, long size, int object, List<SliceGrant> slices) implements Parameter {
            boolean sliced() {
                return !slices.isEmpty();
            }
        }

        record Scalar(Field field, ScalarKind kind) implements Parameter {}
    }

    /** A guarantee of the entry and, where it compiles, its allocation-free check ({@link CompiledGuarantee}). */
    private record Guarantee(Expr expr, Optional<CompiledGuarantee> compiled) {}

    /**
     * A pointer field the class reaches through: its pointee gets region {@code region} of
     * {@code size} bytes, and the field lies in the copy held by region {@code parentRegion}.
     */
    private record Link(PointerField field, int region, int parentRegion, long size) {}

    private final EimPlatform platform;
    private final List<Parameter> parameters;
    private final List<ArgumentRegion> regions;
    private final List<Link> links;
    /** Where the guarantees' field paths lie, resolved on first use ({@link ConcreteConstraints}). */
    private final java.util.concurrent.ConcurrentMap<dev.warden.eim.Path, ConcreteConstraints.FieldAt> fields = new java.util.concurrent.ConcurrentHashMap<>();
    /** The entry's guarantees in policy order, compiled once: checking them is most of an invocation's host-side work. */
    private final List<Guarantee> guarantees;
    /**
     * Per invocation, only what each call needs, read from arrays and flags made here (an
     * invocation should touch few objects: after the host's own work they are cache misses):
     * each guarantee's compiled check (null where the general evaluator decides), the indexes of
     * the sliced pointer parameters, and whether any argument's object is copied back.
     */
    private final CompiledGuarantee[] compiledChecks;
    private final int[] slicedParameters;
    private final boolean writesBack;

    private EntryShape(EimPlatform platform, List<Parameter> parameters, List<ArgumentRegion> regions, List<Link> links) {
        this.platform = platform;
        this.parameters = List.copyOf(parameters);
        this.regions = List.copyOf(regions);
        this.links = List.copyOf(links);
        this.guarantees = compile();
        this.compiledChecks = guarantees.stream().map(g -> g.compiled().orElse(null)).toArray(CompiledGuarantee[]::new);
        this.slicedParameters = java.util.stream.IntStream.range(0, this.parameters.size())
                .filter(i -> this.parameters.get(i) instanceof Parameter.Pointer p && p.sliced()).toArray();
        this.writesBack = this.regions.stream().anyMatch(r -> r.access().canWrite());
    }

    /** Each guarantee with its compiled check where {@link CompiledGuarantee} handles its expression. */
    private List<Guarantee> compile() {
        Map<String, CompiledGuarantee.Name> names = new HashMap<>();
        // Types only, with a cache of its own: a path behind a followed pointer field is not a
        // field here (no pointee is placed), and that answer must not reach the general evaluator's cache.
        ConcreteConstraints layout = new ConcreteConstraints(platform.types(), new java.util.concurrent.ConcurrentHashMap<>());
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
        java.util.Map<Integer, Integer> regionOf = new java.util.HashMap<>(); // host object -> region
        for (Field f : platform.grants().entry().prototype().parameters()) {
            switch (platform.types().layout().resolve(f.type())) {
                case CType.Pointer p -> {
                    HostObject o = platform.objects().stream()
                            .filter(x -> x.origin() == HostObject.Origin.ARGUMENT && x.name().equals("*" + f.name()))
                            .findFirst().orElseThrow(() -> new IllegalStateException("the platform has no object for " + f.name()));
                    int index = platform.argumentObject(f.name()).orElseThrow();
                    Access access = o.grants(AccessOp.WRITE).isEmpty() && platform.slices(index).stream().noneMatch(g -> g.op() == AccessOp.WRITE)
                            ? Access.READ_ONLY : Access.READ_WRITE;
                    // A slice of an array lies inside the object; a slice of the buffer the
                    // argument points to sizes the region by the run's length.
                    List<SliceGrant> slices = platform.slices(index).stream().filter(g -> g.capacity().isEmpty()).toList();
                    long size = reserved(platform, o, slices);
                    ps.add(new Parameter.Pointer(f, rs.size(), size, index, slices));
                    regionOf.put(index, rs.size());
                    rs.add(new ArgumentRegion(o.name(), size, access));
                }
                case CType.Scalar s -> ps.add(new Parameter.Scalar(f, s.kind()));
                default -> throw new IllegalArgumentException("parameter " + f.name() + " of entry " + platform.grants().entry().name()
                        + " is a " + f.type().spelling() + " passed by value, which no register holds; pass a pointer to it");
            }
        }
        // Each pointee the class reaches through a pointer field gets a region of its own (after its parent's).
        List<Link> ls = new ArrayList<>();
        for (PointerField pf : platform.pointerFields()) {
            Integer parent = regionOf.get(pf.parent());
            if (parent == null) {
                continue;
            }
            HostObject o = platform.object(pf.target());
            regionOf.put(pf.target(), rs.size());
            ls.add(new Link(pf, rs.size(), parent, o.size()));
            rs.add(new ArgumentRegion(o.name(), o.size(), o.grants(AccessOp.WRITE).isEmpty() ? Access.READ_ONLY : Access.READ_WRITE));
        }
        return new EntryShape(platform, ps, rs, ls);
    }

    /** The most bytes a CPU reserves for one sliced argument (its slice's greatest length must fit). */
    static final long MOST_SLICE_BYTES = 64L << 20;

    /** The bytes a sliced object may span at most: its slices at their greatest lengths (and its C size). */
    private static long reserved(EimPlatform platform, HostObject o, List<SliceGrant> slices) {
        BigInteger most = BigInteger.valueOf(o.size());
        for (SliceGrant g : slices) {
            LengthSymbol s = platform.lengthSymbol(g.symbol()).orElseThrow();
            BigInteger l = g.capacity().isPresent() ? s.most().min(BigInteger.valueOf(g.capacity().getAsLong())) : s.most();
            BigInteger end = BigInteger.valueOf(g.offset()).add(l.multiply(BigInteger.valueOf(g.elementSize())));
            if (end.compareTo(BigInteger.valueOf(MOST_SLICE_BYTES)) > 0) {
                throw new IllegalArgumentException(g.what() + " (" + g.where() + ") may span " + end + " bytes; the runtime reserves at most "
                        + MOST_SLICE_BYTES + " per argument: bound " + s.name() + " with a constraint of the entry");
            }
            most = most.max(end);
        }
        return most.longValueExact();
    }

    /**
     * The bytes of a sliced argument a run may address: its fixed grants and its slices at this
     * run's lengths ({@code registers} hold the arguments' values; a length field is read from the
     * host's object, which nothing the class may do changes).
     */
    private long runBytes(Parameter.Pointer p, long[] registers, List<EntryArguments.Argument> values) {
        HostObject o = platform.object(p.object());
        long bytes = 0;
        for (var g : o.grants()) {
            bytes = Math.max(bytes, g.to());
        }
        for (SliceGrant g : p.slices()) {
            LengthSymbol s = platform.lengthSymbol(g.symbol()).orElseThrow();
            long length;
            if (s.isField()) {
                int k = 0;
                while (!(parameters.get(k) instanceof Parameter.Pointer q && q.object() == s.region())) {
                    k++;
                }
                MemorySegment holder = switch (values.get(k)) {
                    case EntryArguments.Argument.Memory m -> m.segment();
                    case EntryArguments.Argument.Bytes b -> MemorySegment.ofArray(b.bytes());
                    case EntryArguments.Argument.Scalar sc -> MemorySegment.NULL;
                };
                if (holder.byteSize() < s.offset() + s.size()) {
                    throw new IllegalArgumentException(describe() + ": argument " + parameters.get(k).field().name()
                            + " is too short to hold " + s.name() + ", the length of " + g.what());
                }
                length = s.readFrom(holder);
            } else {
                length = registers[s.id() - 1];
            }
            // A length beyond what was reserved is beyond what the constraints allow; clamp to be safe.
            bytes = Math.max(bytes, Long.compareUnsigned(length, p.size()) > 0 ? p.size() : g.end(length));
        }
        return Math.min(bytes, p.size());
    }

    /** How many of the entry's guarantees are checked without the general evaluator (unless a value leaves {@code long}). */
    int compiledGuarantees() {
        return (int) guarantees.stream().filter(g -> g.compiled().isPresent()).count();
    }

    /**
     * By the verifier's {@code HOST} region of each pointer parameter's object, the rights of the
     * region every CPU holds for it: exactly {@code sizeof} the type, for the whole load, so the
     * proved accesses to it need no check ({@code HostLinks#covered}).
     */
    Map<Integer, Access> coveredObjects() {
        Map<Integer, Access> out = new TreeMap<>();
        for (Parameter p : parameters) {
            // A buffer sliced at run time is addressable as far as the run's length only: its accesses keep their checks.
            if (p instanceof Parameter.Pointer ptr && !ptr.sliced()) {
                platform.argumentObject(ptr.field().name()).ifPresent(index -> out.put(index, regions.get(ptr.region()).access()));
            }
        }
        return out;
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
     * Copies {@code arguments} into the CPU's regions (limiting a sliced buffer's region to the
     * run's bytes), checks them, and returns r1..r5 (the parameters' values, 0 beyond them).
     *
     * @throws IllegalArgumentException (nothing runs) for arguments of the wrong number, kind or
     *     size, a scalar outside its C type, or a broken or undecidable guarantee of the entry
     */
    long[] enter(EntryArguments arguments, CpuArguments region) {
        List<EntryArguments.Argument> values = arguments.values();
        if (values.size() != parameters.size()) {
            throw new IllegalArgumentException(describe() + " takes " + parameters.size() + " arguments, not " + values.size());
        }
        // A fresh array per call, not one per CPU: the CPUs' arrays, made one after the other when
        // the extension loads, shared cache lines, and two threads invoking at once on two CPUs
        // paid 40-80 ns more per call for it (ConcurrentFilterCost: +39, +57, +78 ns against +3, -3,
        // +13 with this array; the allocation is thread-local and 56 bytes).
        long[] registers = new long[5];
        if (parameters.size() > registers.length) {
            throw new IllegalArgumentException(describe() + ": a program takes at most five arguments (r1-r5), not " + parameters.size());
        }
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            EntryArguments.Argument a = values.get(i);
            switch (p) {
                case Parameter.Pointer ptr -> {
                    MemorySegment target = region.region(ptr.region());
                    if (!ptr.sliced()) {
                        copyIn(ptr, a, target, ptr.size());
                    }
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
        for (int i = 0; i < slicedParameters.length; i++) {
            // Exactly this run's bytes are addressable: the slice ends at the run's length.
            Parameter.Pointer ptr = (Parameter.Pointer) parameters.get(slicedParameters[i]);
            long bytes = runBytes(ptr, registers, values);
            copyIn(ptr, values.get(slicedParameters[i]), region.region(ptr.region()), bytes);
            region.limit(ptr.region(), bytes);
        }
        java.util.Map<String, java.util.Optional<MemorySegment>> pointees = place(arguments, region);
        ConcreteConstraints scope = null; // built only when a guarantee needs the general evaluator
        for (int g = 0; g < guarantees.size(); g++) {
            CompiledGuarantee compiled = compiledChecks[g];
            if (compiled != null && compiled.check(registers, region) == CompiledGuarantee.HOLDS) {
                continue;
            }
            // Broken, out of long range, or not compiled: the general evaluator decides, and words a refusal.
            Expr guarantee = guarantees.get(g).expr();
            scope = scope != null ? scope : scope(registers, region, pointees);
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
    private ConcreteConstraints scope(long[] registers, CpuArguments region,
            java.util.Map<String, java.util.Optional<MemorySegment>> pointees) {
        ConcreteConstraints scope = new ConcreteConstraints(platform.types(), fields);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            switch (p) {
                case Parameter.Pointer ptr -> scope.pointer(p.field().name(), p.field().type(), region.region(ptr.region()));
                case Parameter.Scalar sc -> scope.scalar(p.field().name(), p.field().type(), ConcreteConstraints.asInteger(registers[i], sc.kind()));
            }
        }
        pointees.forEach(scope::field);
        return scope;
    }

    /**
     * Copies each pointee the host gave into its region and points the field in its parent's copy
     * at it; a field without pointee is NULL there. The host's own pointer values never reach the
     * extension.
     *
     * @throws IllegalArgumentException for a pointee of a field the class does not reach through,
     *     one whose parent is NULL, one shorter than its object, or a missing one the entry
     *     promises {@code non_null}
     */
    private java.util.Map<String, java.util.Optional<MemorySegment>> place(EntryArguments arguments, CpuArguments region) {
        if (links.isEmpty() && arguments.pointees().isEmpty()) {
            // No pointer field to fill (the URL filter's case, every request): no maps to build per call.
            return java.util.Map.of();
        }
        java.util.Map<String, java.util.Optional<MemorySegment>> fieldsPlaced = new java.util.LinkedHashMap<>();
        for (String path : arguments.pointees().keySet()) {
            if (links.stream().noneMatch(l -> l.field().path().equals(path))) {
                throw new IllegalArgumentException(describe() + ": the class '" + platform.className() + "' reaches through no pointer field "
                        + path + " (it reaches through " + links.stream().map(l -> l.field().path()).toList() + ")");
            }
        }
        java.util.Map<Integer, MemorySegment> placed = new java.util.HashMap<>();
        for (Parameter p : parameters) {
            if (p instanceof Parameter.Pointer ptr) {
                placed.put(ptr.region(), region.region(ptr.region()));
            }
        }
        for (Link l : links) {
            String path = l.field().path();
            MemorySegment parent = placed.get(l.parentRegion());
            EntryArguments.Argument given = arguments.pointees().get(path);
            if (parent == null || given == null) {
                if (given != null) {
                    throw new IllegalArgumentException(describe() + ": a pointee is given for " + path + ", but not for the pointer it lies behind");
                }
                if (l.field().nullness() == Nullness.NOT_NULL) {
                    throw new IllegalArgumentException(describe() + ": the entry promises non_null(" + path + ") ("
                            + platform.where(platform.grants().entry(), platform.grants().entry()) + "), which the class '" + platform.className()
                            + "' was verified assuming, but no pointee is given for it: EntryArguments.withPointee(\"" + path + "\", ...); not run");
                }
                if (parent != null) {
                    parent.set(ValueLayout.JAVA_LONG_UNALIGNED, l.field().offset(), 0);
                }
                fieldsPlaced.put(path, java.util.Optional.empty());
                continue;
            }
            long size = switch (given) {
                case EntryArguments.Argument.Memory m -> m.segment().byteSize();
                case EntryArguments.Argument.Bytes b -> b.bytes().length;
                case EntryArguments.Argument.Scalar s -> 0;
            };
            if (size < l.size()) {
                throw new IllegalArgumentException(describe() + ": the pointee of " + path + " is " + platform.object(l.field().target()).type().spelling()
                        + " of " + l.size() + " bytes, but " + size + " were given; not run");
            }
            MemorySegment target = region.region(l.region());
            switch (given) {
                case EntryArguments.Argument.Memory m -> MemorySegment.copy(m.segment(), 0, target, 0, l.size());
                case EntryArguments.Argument.Bytes b -> MemorySegment.copy(b.bytes(), 0, target, ValueLayout.JAVA_BYTE, 0, (int) l.size());
                case EntryArguments.Argument.Scalar s -> { }
            }
            parent.set(ValueLayout.JAVA_LONG_UNALIGNED, l.field().offset(), target.address());
            placed.put(l.region(), target);
            fieldsPlaced.put(path, java.util.Optional.of(target));
        }
        return fieldsPlaced;
    }

    /** After the run: what the extension may have written into its copies goes back to the host's objects. */
    void leave(EntryArguments arguments, CpuArguments region) {
        if (!writesBack) {
            return; // the class writes none of the arguments' objects (the URL filter's case): nothing to copy back
        }
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) instanceof Parameter.Pointer ptr && regions.get(ptr.region()).access().canWrite()) {
                copyBack(ptr.region(), region.region(ptr.region()), arguments.values().get(i),
                        ptr.sliced() ? runBytes(ptr, registersOf(arguments), arguments.values()) : ptr.size());
            }
        }
        // Pointees after the arguments, in the policy's order: where the host made two fields
        // point to one object, the later copy's bytes are what the host sees.
        for (Link l : links) {
            EntryArguments.Argument given = arguments.pointees().get(l.field().path());
            if (given != null && regions.get(l.region()).access().canWrite()) {
                copyBack(l.region(), region.region(l.region()), given, l.size());
            }
        }
    }

    /** Copies {@code size} bytes of region {@code index} back to the host, except the pointer fields the runtime set in it. */
    private void copyBack(int index, MemorySegment copy, EntryArguments.Argument host, long size) {
        long at = 0;
        for (Link l : links.stream().filter(x -> x.parentRegion() == index)
                .sorted(java.util.Comparator.comparingLong(x -> x.field().offset())).toList()) {
            copyRange(copy, host, at, l.field().offset() - at);
            at = l.field().offset() + PointerField.SIZE;
        }
        copyRange(copy, host, at, size - at);
    }

    private static void copyRange(MemorySegment copy, EntryArguments.Argument host, long from, long length) {
        if (length <= 0) {
            return;
        }
        switch (host) {
            case EntryArguments.Argument.Memory m -> MemorySegment.copy(copy, from, m.segment(), from, length);
            case EntryArguments.Argument.Bytes b -> MemorySegment.copy(copy, ValueLayout.JAVA_BYTE, from, b.bytes(), (int) from, (int) length);
            case EntryArguments.Argument.Scalar s -> { }
        }
    }

    /** The scalar arguments' register values (a pointer's are not needed to size a slice). */
    private static long[] registersOf(EntryArguments arguments) {
        long[] out = new long[arguments.values().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arguments.values().get(i) instanceof EntryArguments.Argument.Scalar(long v) ? v : 0;
        }
        return out;
    }

    /**
     * Copies the host's object into the CPU's region: exactly {@code sizeof} bytes for a plain
     * pointer argument; for a sliced one, at least this run's {@code bytes} must be given and those
     * are copied (a longer buffer is the host's business; the extension sees the slice only).
     */
    private void copyIn(Parameter.Pointer p, EntryArguments.Argument a, MemorySegment target, long bytes) {
        long given = switch (a) {
            case EntryArguments.Argument.Memory m -> m.segment().byteSize();
            case EntryArguments.Argument.Bytes b -> b.bytes().length;
            case EntryArguments.Argument.Scalar s -> throw new IllegalArgumentException(describe() + ": argument " + p.field().name()
                    + " is a pointer: pass the object it points to (Argument.memory or Argument.bytes), not a scalar");
        };
        if (p.sliced() ? given < bytes : given != bytes) {
            throw new IllegalArgumentException(describe() + ": argument " + p.field().name() + " points to "
                    + (p.sliced() ? "a buffer of which this run's lengths grant " + bytes + " bytes"
                    : p.field().type().spelling().replace("*", "").strip() + " of " + bytes + " bytes") + ", but " + given + " were given");
        }
        long size = bytes;
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
