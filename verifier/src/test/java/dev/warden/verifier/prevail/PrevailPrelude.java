package dev.warden.verifier.prevail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a PREVAIL initial state as code that Warden's public entry can run: a prelude that builds
 * the state, and checks after the end that test PREVAIL's final facts. This needs no hook into the
 * analysis, so it covers the states made of numbers and stack pointers:
 *
 * <ul>
 *   <li>an unknown number is read from a stack slot nothing wrote (root may read uninitialised
 *       stack and gets an unknown value, as in the kernel), a fresh slot per register so that no two
 *       registers are linked; a known one is a constant move;
 *   <li>a range is imposed by branches to a sink ({@link PrevailAssembly#SINK}), like an
 *       {@code assume}; bounds outside 32 bits go through a scratch register the code never names;
 *   <li>a stack pointer is r10 plus its offset (PREVAIL counts 0..511 from the frame's bottom);
 *   <li>stack facts ({@code s[504...511].type=number}) store an unknown or known number there;
 *   <li>context and packet pointers come from r1, which is then PREVAIL's test context (64 bytes,
 *       data at 0, data_end at 4); a packet size of at least N is a comparison of data + N with
 *       data_end, branching to the sink.
 * </ul>
 *
 * Each numeric final fact ({@code r2.svalue=[0, 255]}) becomes two branches to its own trap, a call
 * of a helper that does not exist: Warden reports the trap exactly when it cannot prove the fact.
 */
public final class PrevailPrelude {
    /** The unknown-number source slots: the frame's bottom 64 bytes, which PREVAIL's cases do not use. */
    private static final int FIRST_SCRATCH_SLOT = -512;
    /** The maps of the object the cases run in: PREVAIL's harness map (fd 1, a 4-byte value), a program array, then one map per region size. */
    public static final int HARNESS_MAP = 0;
    public static final int PROGRAM_ARRAY = 1;
    public static final int FIRST_REGION_MAP = 2;
    /** The lookup key, and the stack slots where looked-up region pointers wait. */
    private static final int KEY_SLOT = -440;
    private static final int SHARED_SLOTS = -432;
    /** A helper id no platform has: calling it is a known_call violation at that pc. */
    public static final int TRAP_HELPER = 900_000;
    private static final Pattern REG_NAME = Pattern.compile("\\b[rw](\\d+)\\b");

    private PrevailPrelude() {}

    /** A prelude or why the state cannot be built from code. */
    public sealed interface Prelude {
        /** {@code context}: the state needs r1 to be PREVAIL's test context at entry. */
        record Code(List<String> lines, int scratch, boolean context, List<Integer> regionSizes) implements Prelude {
            public Code {
                lines = List.copyOf(lines);
                regionSizes = List.copyOf(regionSizes);
            }
        }

        record NotExpressible(String reason) implements Prelude {}
    }

    /** One final fact turned into a check; {@code label} is its trap. */
    public record Check(String label, String fact) {}

    public static Prelude prelude(PreState pre, Map<String, String> code) {
        // Relations the prelude can build: "rN.uvalue=rN.svalue" (the two readings of one register
        // agree: it is not negative) and "rN.packet_offset=packet_size" (rN is the packet's end).
        Pattern sameReading = Pattern.compile("r(\\d+)\\.uvalue=r\\1\\.svalue");
        Pattern packetEnd = Pattern.compile("r(\\d+)\\.packet_offset=packet_size");
        List<Integer> nonNegative = new ArrayList<>();
        Set<Integer> ends = new TreeSet<>();
        for (String rel : pre.relations()) {
            String r = rel.replace(" ", "");
            Matcher m = sameReading.matcher(r);
            Matcher e = packetEnd.matcher(r);
            if (m.matches()) {
                nonNegative.add(Integer.parseInt(m.group(1)));
            } else if (e.matches()) {
                ends.add(Integer.parseInt(e.group(1)));
            } else {
                return new Prelude.NotExpressible("initial state relates variables (needs the initial-state entry)");
            }
        }
        long packetAtLeast = 0;
        for (Map.Entry<String, PreState.Value> g : pre.globals().entrySet()) {
            PreState.Value v = g.getValue();
            if (g.getKey().equals("meta_offset")) {
                if (!v.equals(new PreState.Value.Exact(0))) {
                    return new Prelude.NotExpressible("packet metadata (meta_offset " + v + ")");
                }
            } else if (v instanceof PreState.Value.Exact(long n)) {
                packetAtLeast = n;
            } else if (v instanceof PreState.Value.Range(long lo, long hi)) {
                packetAtLeast = lo;
            }
        }
        List<Integer> free = free(pre, code);
        if (free.isEmpty()) {
            return new Prelude.NotExpressible("no register free for the prelude");
        }
        int t = free.getFirst();
        List<String> out = new ArrayList<>();
        // Map values ("shared" regions) come from lookups in maps of their size; the lookups
        // clobber r0-r5, so they run first, with the context saved in the scratch register (which
        // must then be callee-saved), and their results wait in stack slots until the end.
        List<Integer> regionSizes = new ArrayList<>();
        Map<Integer, Integer> sharedSlot = new java.util.TreeMap<>();
        List<String> late = new ArrayList<>();
        for (Map.Entry<Integer, PreState.Register> e : pre.registers().entrySet()) {
            int r = e.getKey();
            String type = e.getValue().type().orElse("number");
            Map<String, PreState.Value> f = e.getValue().fields();
            switch (type) {
                case "shared" -> {
                    if (!(f.get("shared_region_size") instanceof PreState.Value.Exact(long size))
                            || !(f.get("shared_offset") instanceof PreState.Value.Exact(long off))) {
                        return new Prelude.NotExpressible("shared region with size " + f.get("shared_region_size")
                                + " and offset " + f.get("shared_offset"));
                    }
                    if (!regionSizes.contains((int) size)) {
                        regionSizes.add((int) size);
                    }
                    int slotOffset = SHARED_SLOTS + 8 * sharedSlot.size();
                    sharedSlot.put(r, slotOffset);
                    out.add("*(u32 *)(r10 " + KEY_SLOT + ") = 0");
                    out.add("r1 = map[idx:" + (FIRST_REGION_MAP + regionSizes.indexOf((int) size)) + "] ll");
                    out.add("r2 = r10");
                    out.add("r2 += " + KEY_SLOT);
                    out.add("call 1");
                    // A region whose address range includes 0 may be null: no null check then.
                    boolean maybeNull = Stream.of(f.get("svalue"), f.get("uvalue")).anyMatch(v ->
                            v instanceof PreState.Value.Range(long lo, long hi) && lo <= 0 && hi >= 0
                                    || v instanceof PreState.Value.Exact(long x) && x == 0);
                    if (!maybeNull) {
                        out.add("if r0 == 0 goto " + PrevailAssembly.SINK);
                    }
                    if (off != 0) {
                        out.add("r0 += " + off);
                    }
                    out.add("*(u64 *)(r10 " + slotOffset + ") = r0");
                    late.add("r" + r + " = *(u64 *)(r10 " + slotOffset + ")");
                }
                case "map_fd" -> {
                    if (!(f.get("map_fd") instanceof PreState.Value.Exact(long fd)) || fd != 1) {
                        return new Prelude.NotExpressible("map fd " + f.get("map_fd") + " (the harness has map fd 1)");
                    }
                    late.add("r" + r + " = map[idx:" + HARNESS_MAP + "] ll");
                }
                case "map_fd_programs" -> late.add("r" + r + " = map[idx:" + PROGRAM_ARRAY + "] ll");
                default -> { }
            }
        }
        if (!sharedSlot.isEmpty()) {
            if (t < 6) {
                return new Prelude.NotExpressible("no callee-saved register free for the prelude");
            }
            out.add(0, "r" + t + " = r1");
        }
        // Pointers first, derived from the context in r1 (kept in the scratch register, since r1
        // itself may be given another value).
        boolean context = packetAtLeast > 0 || pre.registers().values().stream().anyMatch(r ->
                r.type().map(x -> x.equals("ctx") || x.equals("packet")).orElse(false));
        if (context) {
            if (sharedSlot.isEmpty()) {
                out.add("r" + t + " = r1");
            }
            for (Map.Entry<Integer, PreState.Register> e : pre.registers().entrySet()) {
                int r = e.getKey();
                String type = e.getValue().type().orElse("number");
                if (type.equals("ctx")) {
                    if (!(e.getValue().fields().get("ctx_offset") instanceof PreState.Value.Exact(long off))) {
                        return new Prelude.NotExpressible("context pointer with offset " + e.getValue().fields().get("ctx_offset"));
                    }
                    out.add("r" + r + " = r" + t);
                    if (off != 0) {
                        out.add("r" + r + " += " + off);
                    }
                } else if (type.equals("packet") && ends.contains(r)) {
                    out.add("r" + r + " = *(u32 *)(r" + t + " + 4)");
                } else if (type.equals("packet")) {
                    if (!(e.getValue().fields().get("packet_offset") instanceof PreState.Value.Exact(long off))) {
                        return new Prelude.NotExpressible("packet pointer with offset " + e.getValue().fields().get("packet_offset"));
                    }
                    out.add("r" + r + " = *(u32 *)(r" + t + " + 0)");
                    if (off != 0) {
                        out.add("r" + r + " += " + off);
                    }
                }
            }
            if (packetAtLeast > 0) {
                if (free.size() < 3) {
                    return new Prelude.NotExpressible("no registers free for the packet size");
                }
                int u = free.get(1);
                int w = free.get(2);
                out.add("r" + u + " = *(u32 *)(r" + t + " + 0)");
                out.add("r" + u + " += " + packetAtLeast);
                out.add("r" + w + " = *(u32 *)(r" + t + " + 4)");
                out.add("if r" + u + " > r" + w + " goto " + PrevailAssembly.SINK);
            }
        }
        int[] slot = {FIRST_SCRATCH_SLOT};
        for (PreState.StackFact f : pre.stack()) {
            Optional<String> why = stackFact(f, t, slot, out);
            if (why.isPresent()) {
                return new Prelude.NotExpressible(why.get());
            }
        }
        for (Map.Entry<Integer, PreState.Register> e : pre.registers().entrySet()) {
            int r = e.getKey();
            PreState.Register reg = e.getValue();
            String type = reg.type().orElse("number");
            switch (type) {
                case "number" -> {
                    Optional<String> why = number(r, reg.fields(), t, slot, out);
                    if (why.isPresent()) {
                        return new Prelude.NotExpressible(why.get());
                    }
                    if (nonNegative.contains(r)) {
                        out.add("if r" + r + " s< 0 goto " + PrevailAssembly.SINK);
                    }
                }
                case "stack" -> {
                    PreState.Value off = reg.fields().get("stack_offset");
                    if (r == 10 && (off == null || off.equals(new PreState.Value.Exact(512)))) {
                        continue;
                    }
                    if (!(off instanceof PreState.Value.Exact(long o)) || r == 10) {
                        return new Prelude.NotExpressible("stack pointer with offset " + off);
                    }
                    out.add("r" + r + " = r10");
                    out.add("r" + r + " += " + (o - 512));
                }
                case "ctx", "packet", "shared", "map_fd", "map_fd_programs" -> { } // built above or below
                default -> {
                    return new Prelude.NotExpressible("a " + type + " pointer (needs PREVAIL's test maps or the initial-state entry)");
                }
            }
        }
        out.addAll(late);
        return new Prelude.Code(out, t, context, regionSizes);
    }

    private static Optional<String> stackFact(PreState.StackFact f, int t, int[] slot, List<String> out) {
        int size = f.to() - f.from() + 1;
        if (size > 8 && size % 8 == 0 && f.from() % 8 == 0 && f.field().equals("type")) {
            // A wide range of numbers: one unknown number per 8-byte slot.
            for (int from = f.from(); from <= f.to(); from += 8) {
                Optional<String> why = stackFact(new PreState.StackFact(from, from + 7, f.field(), f.value()), t, slot, out);
                if (why.isPresent()) {
                    return why;
                }
            }
            return Optional.empty();
        }
        String width = switch (size) {
            case 1 -> "u8";
            case 2 -> "u16";
            case 4 -> "u32";
            case 8 -> "u64";
            default -> null;
        };
        if (width == null) {
            return Optional.of("stack fact over " + size + " bytes");
        }
        String at = "*(" + width + " *)(r10 - " + (512 - f.from()) + ")";
        switch (f.field()) {
            case "type" -> {
                if (!f.value().equals(new PreState.Value.Symbol("number"))) {
                    return Optional.of("stack holds a " + f.value());
                }
                out.add("r" + t + " = *(u64 *)(r10 " + slot[0] + ")");
                slot[0] += 8;
                out.add(at + " = r" + t);
            }
            case "svalue", "uvalue" -> {
                if (!(f.value() instanceof PreState.Value.Exact(long v))) {
                    return Optional.of("stack value range");
                }
                out.add("r" + t + " = " + v + " ll");
                out.add(at + " = r" + t);
            }
            default -> {
                return Optional.of("stack fact " + f.field());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> number(int r, Map<String, PreState.Value> fields, int t, int[] slot, List<String> out) {
        for (String k : fields.keySet()) {
            if (!k.equals("svalue") && !k.equals("uvalue")) {
                return Optional.of("number with " + k);
            }
        }
        PreState.Value s = fields.get("svalue");
        PreState.Value u = fields.get("uvalue");
        Optional<Long> exact = s instanceof PreState.Value.Exact(long v) ? Optional.of(v)
                : u instanceof PreState.Value.Exact(long v) ? Optional.of(v) : Optional.empty();
        if (exact.isPresent()) {
            out.add("r" + r + " = " + exact.get() + " ll");
            return Optional.empty();
        }
        if (slot[0] >= FIRST_SCRATCH_SLOT + 64) {
            return Optional.of("more unknown numbers than scratch slots");
        }
        out.add("r" + r + " = *(u64 *)(r10 " + slot[0] + ")");
        slot[0] += 8;
        if (s instanceof PreState.Value.Range(long lo, long hi)) {
            out.addAll(bound(r, "s<", lo, t, PrevailAssembly.SINK));
            out.addAll(bound(r, "s>", hi, t, PrevailAssembly.SINK));
        }
        if (u instanceof PreState.Value.Range(long lo, long hi)) {
            out.addAll(bound(r, "<", lo, t, PrevailAssembly.SINK));
            out.addAll(bound(r, ">", hi, t, PrevailAssembly.SINK));
        }
        return Optional.empty();
    }

    /** {@code if rR op bound goto target}, through the scratch register when the bound needs 64 bits. */
    static List<String> bound(int r, String op, long bound, int scratch, String target) {
        if (bound == (int) bound) {
            return List.of("if r" + r + " " + op + " " + bound + " goto " + target);
        }
        return List.of("r" + scratch + " = " + bound + " ll", "if r" + r + " " + op + " r" + scratch + " goto " + target);
    }

    /** The registers among r0..r9 that neither the state nor the code names, highest first. */
    static List<Integer> free(PreState pre, Map<String, String> code) {
        Set<Integer> used = new TreeSet<>(pre.registers().keySet());
        for (String block : code.values()) {
            Matcher m = REG_NAME.matcher(block);
            while (m.find()) {
                used.add(Integer.parseInt(m.group(1)));
            }
        }
        List<Integer> free = new ArrayList<>();
        for (int r = 9; r >= 0; r--) {
            if (!used.contains(r)) {
                free.add(r);
            }
        }
        return free;
    }

    /**
     * The checks of PREVAIL's final numeric facts ({@code rN.svalue}, {@code rN.uvalue}, exact or
     * ranges); other facts (types, offsets, relations) are not checked and are counted apart.
     */
    public static List<Check> checks(List<String> post, int scratch, List<String> out, List<String> traps) {
        List<Check> checks = new ArrayList<>();
        Set<Integer> numbers = new TreeSet<>();
        for (String raw : post) {
            Matcher t = Pattern.compile("r(\\d+)\\.type=number").matcher(raw.replace(" ", ""));
            if (t.matches()) {
                numbers.add(Integer.parseInt(t.group(1)));
            }
        }
        Pattern fact = Pattern.compile("r(\\d+)\\.(svalue|uvalue)=(.+)");
        for (String raw : post) {
            Matcher m = fact.matcher(raw.replace(" ", ""));
            if (!m.matches()) {
                continue;
            }
            Optional<PreState.Value> v = PreState.value(m.group(3));
            if (v.isEmpty()) {
                continue;
            }
            int r = Integer.parseInt(m.group(1));
            if (!numbers.contains(r)) {
                continue; // a pointer's numeric fields are PREVAIL's address model, not checked
            }
            long lo;
            long hi;
            if (v.get() instanceof PreState.Value.Exact(long x)) {
                lo = x;
                hi = x;
            } else if (v.get() instanceof PreState.Value.Range(long a, long b)) {
                lo = a;
                hi = b;
            } else {
                continue;
            }
            int k = checks.size();
            String label = "L__post_" + k;
            boolean signed = m.group(2).equals("svalue");
            out.addAll(bound(r, signed ? "s<" : "<", lo, scratch, label));
            out.addAll(bound(r, signed ? "s>" : ">", hi, scratch, label));
            traps.add(label + ":");
            traps.add("call " + (TRAP_HELPER + k));
            traps.add("r0 = 0");
            traps.add("exit");
            checks.add(new Check(label, raw));
        }
        return checks;
    }
}
