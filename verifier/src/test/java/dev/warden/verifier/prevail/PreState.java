package dev.warden.verifier.prevail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PREVAIL initial state as plain data, for whatever entry point sets Warden's initial abstract
 * state: per register a type name and numeric facts, per stack range its facts, the packet facts,
 * and the relational constraints kept as written (Warden's non-relational domains express only
 * some of them).
 *
 * @param registers by register number
 * @param stack facts about stack byte ranges ({@code s[504...511].type=number})
 * @param globals {@code packet_size}, {@code meta_offset}
 * @param relations constraints between two variables, as written ({@code r3.svalue=r1.uvalue+4},
 *     {@code packet_size-r3.packet_offset<=-1})
 */
public record PreState(Map<Integer, Register> registers, List<StackFact> stack, Map<String, Value> globals,
                       List<String> relations) {
    public PreState {
        registers = java.util.Collections.unmodifiableMap(new TreeMap<>(registers));
        stack = List.copyOf(stack);
        globals = java.util.Collections.unmodifiableMap(new TreeMap<>(globals));
        relations = List.copyOf(relations);
    }

    /** A register's facts: its type ({@code number}, or alternatives as {@code stack|shared}, {@code ctx}, {@code packet}, {@code stack}, {@code shared}, {@code map_fd}...) and numeric fields. */
    public record Register(Optional<String> type, Map<String, Value> fields) {
        public Register {
            fields = java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
        }
    }

    /** A fact about the stack bytes {@code [from, to]} (PREVAIL numbers them from the frame's bottom, 0..511). */
    public record StackFact(int from, int to, String field, Value value) {}

    /** A numeric value: one number, a closed range, or a symbol (a type name, or a variable). */
    public sealed interface Value {
        record Exact(long value) implements Value {}

        record Range(long low, long high) implements Value {}

        record Symbol(String name) implements Value {}
    }

    private static final Pattern TYPE_SET = Pattern.compile("r(\\d+)\\.typein\\{([\\w,]+)\\}");
    private static final Pattern REGISTER = Pattern.compile("r(\\d+)\\.(\\w+)=(.+)");
    private static final Pattern STACK = Pattern.compile("s\\[(\\d+)\\.\\.\\.(\\d+)\\]\\.(\\w+)=(.+)");
    private static final Pattern GLOBAL = Pattern.compile("(packet_size|meta_offset)=(.+)");
    private static final Pattern NUMBER = Pattern.compile("-?(0x[0-9a-fA-F]+|\\d+)");
    private static final Pattern RANGE = Pattern.compile("\\[\\s*(-?\\w+)\\s*,\\s*(-?\\w+)\\s*\\]");
    private static final Pattern SYMBOL = Pattern.compile("[a-z_]+");

    /** Parses constraints in PREVAIL's notation; throws with the constraint when one is not understood. */
    public static PreState parse(List<String> constraints) {
        Map<Integer, String> types = new TreeMap<>();
        Map<Integer, Map<String, Value>> fields = new TreeMap<>();
        List<StackFact> stack = new ArrayList<>();
        Map<String, Value> globals = new TreeMap<>();
        List<String> relations = new ArrayList<>();
        for (String raw : constraints) {
            String c = raw.replace(" ", "");
            Matcher m;
            if ((m = TYPE_SET.matcher(c)).matches()) {
                // "r1.type in {stack, shared}": one of several types, written with '|'.
                types.put(Integer.parseInt(m.group(1)), m.group(2).replace(',', '|'));
            } else if ((m = REGISTER.matcher(c)).matches()) {
                int reg = Integer.parseInt(m.group(1));
                Optional<Value> v = value(m.group(3));
                if (v.isEmpty()) {
                    relations.add(raw);
                } else if (m.group(2).equals("type")) {
                    types.put(reg, ((Value.Symbol) v.get()).name());
                } else {
                    fields.computeIfAbsent(reg, k -> new TreeMap<>()).put(m.group(2), v.get());
                }
            } else if ((m = STACK.matcher(c)).matches()) {
                Value v = value(m.group(4)).orElseThrow(() -> new IllegalArgumentException("stack constraint not understood: " + raw));
                stack.add(new StackFact(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3), v));
            } else if ((m = GLOBAL.matcher(c)).matches()) {
                Optional<Value> v = value(m.group(2));
                if (v.isPresent() && !(v.get() instanceof Value.Symbol)) {
                    globals.put(m.group(1), v.get());
                } else {
                    relations.add(raw);
                }
            } else if (c.contains("<=") || c.contains(">=") || c.contains("=")) {
                relations.add(raw);
            } else {
                throw new IllegalArgumentException("constraint not understood: " + raw);
            }
        }
        Map<Integer, Register> registers = new TreeMap<>();
        for (int r : union(types.keySet(), fields.keySet())) {
            registers.put(r, new Register(Optional.ofNullable(types.get(r)), fields.getOrDefault(r, Map.of())));
        }
        return new PreState(registers, stack, globals, relations);
    }

    private static List<Integer> union(java.util.Set<Integer> a, java.util.Set<Integer> b) {
        java.util.TreeSet<Integer> s = new java.util.TreeSet<>(a);
        s.addAll(b);
        return List.copyOf(s);
    }

    /** A number, a range or a bare symbol; empty for an expression over other variables. */
    static Optional<Value> value(String text) {
        Matcher m;
        if (NUMBER.matcher(text).matches()) {
            return Optional.of(new Value.Exact(number(text)));
        }
        if ((m = RANGE.matcher(text)).matches() && NUMBER.matcher(m.group(1)).matches() && NUMBER.matcher(m.group(2)).matches()) {
            return Optional.of(new Value.Range(number(m.group(1)), number(m.group(2))));
        }
        if (SYMBOL.matcher(text).matches() && !text.equals("packet_size") && !text.equals("meta_offset")) {
            return Optional.of(new Value.Symbol(text));
        }
        return Optional.empty();
    }

    /** PREVAIL writes unsigned 64-bit values above Long.MAX_VALUE in decimal; they wrap as in eBPF. */
    static long number(String text) {
        boolean negative = text.startsWith("-");
        String digits = negative ? text.substring(1) : text;
        long v = digits.startsWith("0x") ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
        return negative ? -v : v;
    }

    /** Nothing is said about any register other than the frame pointer being the stack's top. */
    public boolean isDefaultEntry() {
        for (Map.Entry<Integer, Register> e : registers.entrySet()) {
            if (e.getKey() != 10) {
                return false;
            }
            Register r10 = e.getValue();
            if (!r10.type().map("stack"::equals).orElse(true)) {
                return false;
            }
        }
        return stack.isEmpty() && globals.isEmpty() && relations.isEmpty();
    }
}
