package dev.warden.verifier.prevail;

import dev.warden.domains.Scalar;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Spill;
import dev.warden.verifier.state.StackByte;
import dev.warden.verifier.state.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PREVAIL pre-state as Warden abstract states, for {@code Verifier.verifyFrom}: the states the
 * prelude of code ({@link PrevailPrelude}) cannot build. Every fact is either expressed exactly or
 * dropped, never strengthened, so each state over-approximates PREVAIL's: a verdict of Warden
 * from it is sound for PREVAIL's case, and a rejection that a dropped fact would have avoided
 * shows as "less precise".
 *
 * <ul>
 *   <li>A register of several types ({@code r1.type in {ctx, shared}}) gives one state per type
 *       (all combinations, keeping {@code rA.type=rB.type}); the runner verifies each, so the
 *       disjunction is exact.
 *   <li>Equal numbers ({@code r2.svalue=r1.svalue}) share a link id, Warden's own equality; other
 *       relations between variables are dropped.
 *   <li>Stack offsets count from the bottom of PREVAIL's whole stack ({@code r10.stack_offset}: 512
 *       for one frame, more under calls; where the state does not say, 4096 if it names offsets
 *       past 512, else 512); Warden's stack pointers count from r10, so an offset o is
 *       {@code o - r10.stack_offset}; ranges of offsets are ranges in Warden too, and a pointer
 *       without a stated offset has any offset.
 *   <li>Stack bytes of type number are written bytes; exact values of 1, 2, 4 or 8 bytes are spills
 *       that give the value back. Other stack facts (numeric sizes) are dropped.
 *   <li>Packet size {@code [lo, hi]}: {@code lo} bytes readable from data. Packet metadata
 *       ({@code meta_offset}) is dropped: Warden has no packet-relative view of the metadata.
 *   <li>Map descriptors: fd 1 is the harness map, any other (or none) a map not known statically.
 *   <li>PREVAIL's numeric facts about pointers (their addresses) are dropped, except that an
 *       address range without 0 makes a map value pointer not null.
 * </ul>
 */
final class PrevailInitialState {
    private PrevailInitialState() {}

    /** The states, or why none can be built. */
    sealed interface Built {
        /**
         * @param states one per combination of a register's alternative types
         * @param context the states hold context or packet pointers: r1's context is PREVAIL's test context
         * @param regionSizes sizes of the map value regions, in the order of their maps after the harness's
         * @param dropped the facts left out (the report lists them)
         */
        record States(List<AbstractState> states, boolean context, List<Integer> regionSizes, List<String> dropped)
                implements Built {
            public States {
                states = List.copyOf(states);
                regionSizes = List.copyOf(regionSizes);
                dropped = List.copyOf(dropped);
            }
        }

        record NotExpressible(String reason) implements Built {}
    }

    private static final Pattern EQUAL = Pattern.compile("r(\\d+)\\.(svalue|uvalue)=r(\\d+)\\.(svalue|uvalue)");
    private static final Pattern SAME_TYPE = Pattern.compile("r(\\d+)\\.type=r(\\d+)\\.type");
    private static final Pattern PACKET_END = Pattern.compile("r(\\d+)\\.packet_offset=packet_size");
    /** The link ids of equal numbers: far above any pc, so no instruction of a case reuses one. */
    private static final int FIRST_LINK = 1 << 24;

    static Built of(PreState pre) {
        List<String> dropped = new ArrayList<>();
        // Relations: equalities of numbers become links; rX.type=rY.type filters the combinations;
        // rN.packet_offset=packet_size is the packet's end; the rest is dropped.
        Map<Integer, Integer> linkOf = new TreeMap<>();
        List<int[]> sameType = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        for (String rel : pre.relations()) {
            String r = rel.replace(" ", "");
            Matcher m;
            if ((m = EQUAL.matcher(r)).matches()) {
                int a = Integer.parseInt(m.group(1));
                int b = Integer.parseInt(m.group(3));
                if (a != b) {
                    // svalue and uvalue are two readings of the same 64 bits: either equality is equality.
                    int link = linkOf.getOrDefault(a, linkOf.getOrDefault(b, FIRST_LINK + linkOf.size()));
                    linkOf.put(a, link);
                    linkOf.put(b, link);
                } else if (!m.group(2).equals(m.group(4))) {
                    // rN.uvalue=rN.svalue: not negative, applied below
                    continue;
                }
            } else if ((m = SAME_TYPE.matcher(r)).matches()) {
                sameType.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
            } else if ((m = PACKET_END.matcher(r)).matches()) {
                ends.add(Integer.parseInt(m.group(1)));
            } else {
                dropped.add(rel);
            }
        }
        // Where r10 is: stated, or else PREVAIL's: its stack holds every frame, 4096 bytes in the
        // versions whose cases name offsets past 512, and the cases that name none fit in 512.
        long stackTop = mentionsOffsetsPast512(pre) ? 4096 : 512;
        PreState.Register r10 = pre.registers().get(10);
        if (r10 != null) {
            if (!r10.type().map("stack"::equals).orElse(true)) {
                return new Built.NotExpressible("r10 is not the frame pointer");
            }
            PreState.Value top = r10.fields().get("stack_offset");
            if (top != null) {
                if (!(top instanceof PreState.Value.Exact(long t)) || t < 512) {
                    return new Built.NotExpressible("frame pointer at stack offset " + top);
                }
                stackTop = t;
            }
        }
        long packetAtLeast = 0;
        for (Map.Entry<String, PreState.Value> g : pre.globals().entrySet()) {
            if (g.getKey().equals("packet_size")) {
                if (g.getValue() instanceof PreState.Value.Exact(long n)) {
                    packetAtLeast = n;
                } else if (g.getValue() instanceof PreState.Value.Range(long lo, long hi)) {
                    packetAtLeast = lo;
                }
            } else if (!(g.getValue() instanceof PreState.Value.Range(long lo, long hi) && lo <= -4098 && hi >= 0)
                    && !g.getValue().equals(new PreState.Value.Exact(0))) {
                // meta_offset: [-4098, 0] (anything) and 0 (no metadata) ask for nothing and are not listed
                dropped.add(g.getKey() + "=" + g.getValue());
            }
        }
        // Every combination of the registers' alternative types.
        List<Map<Integer, String>> combinations = new ArrayList<>();
        combinations.add(new TreeMap<>());
        for (Map.Entry<Integer, PreState.Register> e : pre.registers().entrySet()) {
            List<Map<Integer, String>> next = new ArrayList<>();
            for (Map<Integer, String> c : combinations) {
                for (String type : e.getValue().type().orElse("number").split("\\|")) {
                    Map<Integer, String> more = new TreeMap<>(c);
                    more.put(e.getKey(), type);
                    next.add(more);
                }
            }
            combinations = next;
        }
        combinations.removeIf(c -> sameType.stream().anyMatch(p -> !c.getOrDefault(p[0], "number").equals(c.getOrDefault(p[1], "number"))));
        List<Integer> regionSizes = new ArrayList<>();
        List<AbstractState> states = new ArrayList<>();
        boolean context = packetAtLeast > 0;
        for (Map<Integer, String> types : combinations) {
            AbstractState s = AbstractState.entry(new Value[0]);
            for (Map.Entry<Integer, String> e : types.entrySet()) {
                int r = e.getKey();
                if (r == 10) {
                    continue; // the frame pointer, at offset 0 of Warden's frame
                }
                if (r < 0 || r > 10) {
                    return new Built.NotExpressible("register r" + r);
                }
                Map<String, PreState.Value> f = pre.registers().get(r).fields();
                if (pre.registers().get(r).type().orElse("").contains("|") && e.getValue().equals("number")) {
                    // The fields of the register's other types (offsets, sizes) say nothing of it as a number.
                    Map<String, PreState.Value> numeric = new TreeMap<>(f);
                    numeric.keySet().retainAll(List.of("svalue", "uvalue"));
                    f = numeric;
                }
                Optional<Value> v = switch (e.getValue()) {
                    case "number" -> number(f, linkOf.getOrDefault(r, 0), nonNegative(pre, r));
                    case "stack" -> offset(f.get("stack_offset"), stackTop).map(o -> (Value) pointer(PtrKind.STACK, 0, o));
                    case "ctx" -> offset(f.get("ctx_offset"), 0).map(o -> (Value) pointer(PtrKind.CTX, 0, o));
                    case "packet" -> ends.contains(r) ? Optional.of(Value.Ptr.of(PtrKind.PACKET_END, 0, 0))
                            : offset(f.get("packet_offset"), 0).map(o -> (Value) pointer(PtrKind.PACKET, 0, o));
                    case "shared" -> shared(f, regionSizes);
                    case "map_fd" -> Optional.of(f.get("map_fd") instanceof PreState.Value.Exact(long fd) && fd == 1
                            ? Value.Ptr.of(PtrKind.MAP, PrevailPrelude.HARNESS_MAP, 0) : Value.Ptr.of(PtrKind.MAP, -1, 0));
                    case "map_fd_programs" -> Optional.of(Value.Ptr.of(PtrKind.MAP, PrevailPrelude.PROGRAM_ARRAY, 0));
                    default -> Optional.empty();
                };
                if (v.isEmpty()) {
                    return new Built.NotExpressible("a " + e.getValue() + " register with " + f);
                }
                if (e.getValue().equals("ctx") || e.getValue().equals("packet")) {
                    context = true;
                }
                s = s.withReg(r, v.get());
            }
            // Linked numbers are equal: each gets the meet of their facts.
            for (int link : linkOf.values().stream().distinct().toList()) {
                Scalar common = Scalar.top();
                for (Map.Entry<Integer, Integer> l : linkOf.entrySet()) {
                    if (l.getValue() == link) {
                        if (!(s.reg(l.getKey()) instanceof Value.Num n)) {
                            return new Built.NotExpressible("an equality between r" + l.getKey() + ", not a number, and another register");
                        }
                        common = common.meet(n.scalar());
                    }
                }
                if (common.isBottom()) {
                    return new Built.NotExpressible("equal registers with disjoint values");
                }
                for (Map.Entry<Integer, Integer> l : linkOf.entrySet()) {
                    if (l.getValue() == link) {
                        s = s.withReg(l.getKey(), new Value.Num(common, link));
                    }
                }
            }
            Optional<AbstractState> withStack = stack(s, pre.stack(), stackTop, dropped);
            if (withStack.isEmpty()) {
                return new Built.NotExpressible("stack facts outside the frame or of a pointer type");
            }
            s = withStack.get();
            if (packetAtLeast > 0) {
                s = s.withRange(0, (int) Math.min(packetAtLeast, Integer.MAX_VALUE));
            }
            states.add(s);
        }
        if (states.isEmpty()) {
            return new Built.NotExpressible("no combination of the registers' types satisfies the relations");
        }
        return new Built.States(states, context, regionSizes, dropped.stream().distinct().toList());
    }

    private static boolean mentionsOffsetsPast512(PreState pre) {
        boolean pointers = pre.registers().values().stream().map(r -> r.fields().get("stack_offset")).anyMatch(v ->
                v instanceof PreState.Value.Exact(long x) && x > 512 || v instanceof PreState.Value.Range(long lo, long hi) && hi > 512);
        return pointers || pre.stack().stream().anyMatch(f -> f.to() >= 512);
    }

    private static boolean nonNegative(PreState pre, int r) {
        return pre.relations().stream().anyMatch(rel -> rel.replace(" ", "").equals("r" + r + ".uvalue=r" + r + ".svalue"));
    }

    /** A number from its signed and unsigned facts (each exact or a range), linked when {@code link} is not 0. */
    static Optional<Value> number(Map<String, PreState.Value> f, int link, boolean nonNegative) {
        Scalar s = Scalar.top();
        for (Map.Entry<String, PreState.Value> e : f.entrySet()) {
            boolean signed = e.getKey().equals("svalue");
            if (!signed && !e.getKey().equals("uvalue")) {
                return Optional.empty();
            }
            s = switch (e.getValue()) {
                case PreState.Value.Exact(long x) -> s.meet(Scalar.constant(x));
                case PreState.Value.Range(long lo, long hi) -> s.meet(signed ? Scalar.signedRange(lo, hi) : Scalar.unsignedRange(lo, hi));
                case PreState.Value.Symbol y -> s;
            };
        }
        if (nonNegative) {
            s = s.meet(Scalar.signedRange(0, Long.MAX_VALUE));
        }
        if (s.isBottom()) {
            return Optional.empty();
        }
        return Optional.of(new Value.Num(s, link));
    }

    /** A PREVAIL offset (exact or a range) less {@code base}; any offset when none is stated; empty for a symbol. */
    private static Optional<Scalar> offset(PreState.Value v, long base) {
        return switch (v) {
            case PreState.Value.Exact(long x) -> Optional.of(Scalar.constant(x - base));
            case PreState.Value.Range(long lo, long hi) -> Optional.of(Scalar.signedRange(lo - base, hi - base));
            case null -> Optional.of(Scalar.top());
            case PreState.Value.Symbol y -> Optional.empty();
        };
    }

    private static Value.Ptr pointer(PtrKind kind, int region, Scalar off) {
        Value.Ptr p = Value.Ptr.of(kind, region, 0);
        return off.isConstant() ? Value.Ptr.of(kind, region, off.tnum().value()) : p.withOff(off, 0);
    }

    /** A map value of the region's size (a map of its own per size), maybe null when its address range holds 0. */
    private static Optional<Value> shared(Map<String, PreState.Value> f, List<Integer> regionSizes) {
        if (!(f.get("shared_region_size") instanceof PreState.Value.Exact(long size)) || size <= 0 || size > 1 << 20) {
            return Optional.empty();
        }
        Optional<Scalar> off = f.containsKey("shared_offset") ? offset(f.get("shared_offset"), 0) : Optional.empty();
        if (off.isEmpty()) {
            return Optional.empty();
        }
        if (!regionSizes.contains((int) size)) {
            regionSizes.add((int) size);
        }
        int map = PrevailPrelude.FIRST_REGION_MAP + regionSizes.indexOf((int) size);
        boolean maybeNull = java.util.stream.Stream.of(f.get("svalue"), f.get("uvalue")).allMatch(v -> v == null
                || v instanceof PreState.Value.Range(long lo, long hi) && lo <= 0 && hi >= 0
                || v instanceof PreState.Value.Exact(long x) && x == 0
                || v instanceof PreState.Value.Symbol);
        Value.Ptr p = pointer(PtrKind.MAP_VALUE, map, off.get());
        return Optional.of(maybeNull ? new Value.Ptr(p.kind(), p.region(), p.off(), p.id(), p.fix(), Nullness.MAYBE_NULL, 0) : p);
    }

    /**
     * The stack facts written into the entry frame: bytes of numbers as written bytes, exact values of
     * 1, 2, 4 or 8 bytes as spills. Empty when a fact lies outside the frame or is about a pointer.
     */
    private static Optional<AbstractState> stack(AbstractState s, List<PreState.StackFact> facts, long stackTop,
                                                 List<String> dropped) {
        if (facts.isEmpty()) {
            return Optional.of(s);
        }
        Frame frame = s.frame(0);
        Object[] cells = frame.stackCopy();
        long bottom = stackTop - Frame.STACK_SIZE; // PREVAIL's offset of Warden's byte 0
        for (PreState.StackFact f : facts) {
            long from = f.from() - bottom;
            long to = f.to() - bottom;
            if (from < 0 || to >= Frame.STACK_SIZE || from > to) {
                return Optional.empty();
            }
            switch (f.field()) {
                case "type" -> {
                    if (!f.value().equals(new PreState.Value.Symbol("number"))) {
                        return Optional.empty();
                    }
                    for (long i = from; i <= to; i++) {
                        if (!(cells[(int) i] instanceof Spill)) {
                            cells[(int) i] = StackByte.MISC;
                        }
                    }
                }
                case "svalue", "uvalue" -> {
                    int size = (int) (to - from + 1);
                    if (f.value() instanceof PreState.Value.Exact(long x) && (size == 1 || size == 2 || size == 4 || size == 8)) {
                        long truncated = size == 8 ? x : x & ((1L << (8 * size)) - 1);
                        Spill spill = new Spill(Value.Num.constant(truncated), (int) from, size);
                        for (long i = from; i <= to; i++) {
                            cells[(int) i] = spill;
                        }
                    } else {
                        dropped.add("s[" + f.from() + "..." + f.to() + "]." + f.field() + "=" + f.value());
                    }
                }
                default -> dropped.add("s[" + f.from() + "..." + f.to() + "]." + f.field() + "=" + f.value());
            }
        }
        return Optional.of(s.withFrame(0, frame.withStack(cells)));
    }
}
