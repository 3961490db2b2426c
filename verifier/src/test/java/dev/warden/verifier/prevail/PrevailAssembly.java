package dev.warden.verifier.prevail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates PREVAIL's assembly (its YAML suite's dialect) into the kernel syntax Warden's
 * {@code Assembler} reads. Most lines are already kernel syntax; the differences are:
 *
 * <ul>
 *   <li>labels are {@code <name>}; comments start with {@code ;} (also after a statement);
 *   <li>{@code assume COND} (a PREVAIL pseudo-instruction that restricts the state) becomes a
 *       branch on the negated condition to a sink after the code, so the paths that fail the
 *       assumption do not reach the end;
 *   <li>{@code &==} / {@code &!=} (bits set / none set) are JSET and its negation;
 *   <li>{@code r2 s8= r1} is {@code r2 = (s8)r1}; {@code swapN} is {@code bswapN}; {@code 5ll} is {@code 5 ll};
 *   <li>{@code lock ... += r1 fetch}, {@code x=}, {@code cx=} are the fetch, xchg and cmpxchg forms;
 *   <li>in a 32-bit instruction PREVAIL names the source {@code rN}; the kernel syntax wants {@code wN}.
 * </ul>
 *
 * Map pseudo-loads ({@code map_fd}, {@code map_by_idx}, {@code map_val}, {@code mva}) name maps of
 * PREVAIL's test platform, which a bare Warden program does not have: not expressible.
 */
public final class PrevailAssembly {
    /** Label at the end of the translated code: the point whose state PREVAIL's {@code post} describes. */
    public static final String END = "L__end";
    /** Where the paths that fail an {@code assume} go. */
    public static final String SINK = "L__assume_failed";

    private static final Pattern LABEL_REF = Pattern.compile("<([^>]+)>");
    private static final Pattern CALL_LABEL = Pattern.compile("call\\s+<([^>]+)>");
    private static final Pattern COND = Pattern.compile("([rw]\\d+)\\s*(==|!=|&==|&!=|s<=|s>=|s<|s>|<=|>=|<|>)\\s*(\\S+)");
    private static final Pattern IF = Pattern.compile("if\\s+(.+?)\\s+goto\\s+(\\S+)");
    private static final Pattern ASSUME = Pattern.compile("assume\\s+(.+)");
    private static final Pattern MOVSX = Pattern.compile("([rw]\\d+)\\s*s(8|16|32)=\\s*([rw]\\d+)");
    private static final Pattern LOCK = Pattern.compile("lock\\s+\\*\\((u32|u64) \\*\\)\\((r\\d+)\\s*([+-])\\s*(\\d+)\\)\\s*(\\+=|&=|\\|=|\\^=|x=|cx=)\\s*(r\\d+)(\\s+fetch)?");
    private static final Pattern LL = Pattern.compile("(-?(?:0x[0-9a-fA-F]+|\\d+))ll\\b");

    /** The result: kernel-syntax assembly, or why the case cannot be written for Warden. */
    public sealed interface Translation {
        /**
         * @param origins for each slot of the assembled program, the index of the PREVAIL
         *     instruction it comes from (counted over the blocks in order, as PREVAIL numbers them
         *     in its messages), -1 for what the translation added
         */
        record Assembly(String text, List<Integer> origins, List<Integer> exits) implements Translation {
            public Assembly {
                origins = List.copyOf(origins);
                exits = List.copyOf(exits);
            }
        }

        /** The origin of the final exit, which stands for every exit of the main function. */
        int FINAL_EXIT = -2;

        record NotExpressible(String reason) implements Translation {}
    }

    private PrevailAssembly() {}

    public static Translation translate(Map<String, String> code) {
        return translate(code, List.of(), List.of(), List.of());
    }

    /**
     * Translates {@code code} with a {@code prelude} before it, {@code endChecks} at its end (before
     * the final exit) and {@code traps} after everything (blocks the checks jump to).
     */
    public static Translation translate(Map<String, String> code, List<String> prelude, List<String> endChecks,
                                        List<String> traps) {
        List<String> out = new ArrayList<>(prelude);
        boolean usesSink = prelude.stream().anyMatch(l -> l.endsWith(SINK));
        // PREVAIL's "post" is the state at the program's exits. The main function's exit
        // instructions jump to the end, where the checks are; the exits of subprograms (the blocks
        // from the first call target on: PREVAIL's cases put subprograms last) stay returns.
        java.util.Set<String> callTargets = new java.util.TreeSet<>();
        for (String body : code.values()) {
            Matcher t = CALL_LABEL.matcher(body);
            while (t.find()) {
                callTargets.add(t.group(1));
            }
        }
        boolean inSubprogram = false;
        boolean mainExits = false;
        List<Integer> exitIndices = new ArrayList<>();
        List<Integer> lineOrigins = new ArrayList<>();
        int index = -1;
        pad(lineOrigins, out.size(), -1);
        for (Map.Entry<String, String> block : code.entrySet()) {
            pad(lineOrigins, out.size(), index);
            Matcher own = LABEL_REF.matcher(block.getKey().strip());
            if (own.matches() && callTargets.contains(own.group(1))) {
                inSubprogram = true;
            }
            out.add(label(block.getKey()) + ":");
            pad(lineOrigins, out.size(), -1);
            for (String rawLine : block.getValue().split("\n")) {
                String line = stripComment(rawLine).strip();
                if (line.isEmpty()) {
                    continue;
                }
                pad(lineOrigins, out.size(), index);
                index++;
                if (line.matches(".*\\b(map_fd|map_by_idx|map_val|mva)\\b.*")) {
                    java.util.Optional<String> mapLoad = mapLoad(line);
                    if (mapLoad.isEmpty()) {
                        return new Translation.NotExpressible("map reference not understood: " + line);
                    }
                    pad(lineOrigins, out.size(), index);
                    index++;
                    out.add(mapLoad.get());
                    continue;
                }
                Matcher m;
                if ((m = ASSUME.matcher(line)).matches()) {
                    Matcher c = COND.matcher(m.group(1).strip());
                    if (!c.matches()) {
                        return new Translation.NotExpressible("assume not understood: " + line);
                    }
                    out.addAll(branch(c.group(1), negate(c.group(2)), c.group(3), SINK));
                    usesSink = true;
                    continue;
                }
                if ((m = IF.matcher(line)).matches()) {
                    Matcher c = COND.matcher(m.group(1).strip());
                    if (!c.matches()) {
                        return new Translation.NotExpressible("condition not understood: " + line);
                    }
                    out.addAll(branch(c.group(1), c.group(2), c.group(3), target(m.group(2))));
                    continue;
                }
                if (line.equals("exit") && !inSubprogram) {
                    out.add("goto " + END);
                    mainExits = true;
                    exitIndices.add(index);
                    continue;
                }
                out.add(instruction(line.replaceAll("^call\\s+<([^>]+)>$", "call local L_$1")));
            }
        }
        pad(lineOrigins, out.size(), index);
        out.add(END + ":");
        out.addAll(endChecks);
        // The state PREVAIL calls "post" is the one at this point. Code with exits keeps its r0, which
        // both verifiers check there; code that just ends gets an exit with r0 set, so that the
        // added exit raises nothing.
        if (!mainExits) {
            out.add("r0 = 0");
        }
        pad(lineOrigins, out.size(), -1);
        out.add("exit");
        pad(lineOrigins, out.size(), Translation.FINAL_EXIT);
        out.addAll(traps);
        if (usesSink) {
            out.add(SINK + ":");
            out.add("r0 = 0");
            out.add("exit");
        }
        pad(lineOrigins, out.size(), -1);
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            String l = out.get(i);
            if (l.endsWith(":")) {
                continue;
            }
            for (int k = l.endsWith(" ll") ? 2 : 1; k > 0; k--) {
                slots.add(lineOrigins.get(i));
            }
        }
        return new Translation.Assembly(String.join("\n", out) + "\n", slots, exitIndices);
    }

    private static final Pattern MAP_FD = Pattern.compile("([rw]\\d+)\\s*=\\s*map_fd\\s+(\\d+)");
    private static final Pattern MAP_IDX = Pattern.compile("([rw]\\d+)\\s*=\\s*map_by_idx\\((\\d+)\\)");
    private static final Pattern MAP_VAL = Pattern.compile("([rw]\\d+)\\s*=\\s*map_val\\((\\d+)\\)\\s*\\+\\s*(\\d+)");
    private static final Pattern MVA = Pattern.compile("([rw]\\d+)\\s*=\\s*mva\\(map_by_idx\\((\\d+)\\)\\)\\s*\\+\\s*(\\d+)");

    /**
     * PREVAIL's map pseudo-loads in kernel syntax: its harness has one map, fd 1 and index 0, so
     * {@code map_fd 1} and {@code map_by_idx(0)} name the object's map 0; other fds are unknown.
     */
    static java.util.Optional<String> mapLoad(String line) {
        Matcher m;
        if ((m = MAP_FD.matcher(line)).matches()) {
            return m.group(2).equals("1") ? java.util.Optional.of(m.group(1) + " = map[idx:0] ll") : java.util.Optional.empty();
        }
        if ((m = MAP_IDX.matcher(line)).matches()) {
            return java.util.Optional.of(m.group(1) + " = map[idx:" + m.group(2) + "] ll");
        }
        if ((m = MAP_VAL.matcher(line)).matches()) {
            return m.group(2).equals("1") ? java.util.Optional.of(m.group(1) + " = map[idx:0][0]+" + m.group(3) + " ll")
                    : java.util.Optional.empty();
        }
        if ((m = MVA.matcher(line)).matches()) {
            return java.util.Optional.of(m.group(1) + " = map[idx:" + m.group(2) + "][0]+" + m.group(3) + " ll");
        }
        return java.util.Optional.empty();
    }

    private static void pad(List<Integer> origins, int size, int value) {
        while (origins.size() < size) {
            origins.add(value);
        }
    }

    static String stripComment(String line) {
        int semi = line.indexOf(';');
        return semi < 0 ? line : line.substring(0, semi);
    }

    static String label(String name) {
        Matcher m = LABEL_REF.matcher(name.strip());
        String bare = m.matches() ? m.group(1) : name.strip();
        return "L_" + bare.replaceAll("\\W", "_");
    }

    private static String target(String t) {
        return t.startsWith("<") ? label(t) : t;
    }

    /** A conditional jump in kernel syntax; NSET (no bit in common) has no opcode: JSET over an unconditional jump. */
    private static List<String> branch(String left, String op, String right, String target) {
        String r = operand(left, right);
        return switch (op) {
            case "&==" -> List.of("if " + left + " & " + r + " goto " + target);
            case "&!=" -> List.of("if " + left + " & " + r + " goto +1", "goto " + target);
            default -> List.of("if " + left + " " + op + " " + r + " goto " + target);
        };
    }

    /** In a 32-bit instruction the kernel syntax names a register source {@code wN}. */
    private static String operand(String left, String right) {
        if (left.startsWith("w") && right.matches("r\\d+")) {
            return "w" + right.substring(1);
        }
        return right;
    }

    static String negate(String op) {
        return switch (op) {
            case "==" -> "!=";
            case "!=" -> "==";
            case "<" -> ">=";
            case ">=" -> "<";
            case ">" -> "<=";
            case "<=" -> ">";
            case "s<" -> "s>=";
            case "s>=" -> "s<";
            case "s>" -> "s<=";
            case "s<=" -> "s>";
            case "&==" -> "&!=";
            case "&!=" -> "&==";
            default -> throw new IllegalArgumentException("no negation for " + op);
        };
    }

    private static String instruction(String line) {
        Matcher m;
        String s = line.replaceAll("=\\s*-\\s+", "= -");
        s = LL.matcher(s).replaceAll("$1 ll");
        if ((m = MOVSX.matcher(s)).matches()) {
            String dst = m.group(1);
            String src = dst.startsWith("w") ? "w" + m.group(3).substring(1) : m.group(3);
            return dst + " = (s" + m.group(2) + ")" + src;
        }
        if ((m = LOCK.matcher(s)).matches()) {
            return atomic(m);
        }
        s = s.replaceAll("\\bswap(16|32|64)\\b", "bswap$1");
        s = unsignedImmediate(s);
        s = LABEL_REF.matcher(s).replaceAll(r -> "L_" + r.group(1).replaceAll("\\W", "_"));
        // 32-bit ALU: "w2 = r10", "w1 <<= r2" -> wN sources.
        if (s.matches("w\\d+\\s*\\S*=\\s*r\\d+")) {
            s = s.replaceAll("=\\s*r(\\d+)$", "= w$1");
        }
        return s;
    }

    private static final Pattern IMM32 = Pattern.compile("^([rw]\\d+\\s*\\S*=\\s*)(\\d{10})$");

    /**
     * PREVAIL writes a 32-bit immediate with its top bit set as the unsigned number (4096655360);
     * the instruction holds the same 32 bits, which the kernel syntax writes as the negative number.
     */
    static String unsignedImmediate(String s) {
        Matcher m = IMM32.matcher(s);
        if (m.matches()) {
            long v = Long.parseLong(m.group(2));
            if (v >= (1L << 31) && v < (1L << 32)) {
                return m.group(1) + (v - (1L << 32));
            }
        }
        return s;
    }

    private static String atomic(Matcher m) {
        boolean wide = m.group(1).equals("u64");
        String addr = m.group(2) + " " + m.group(3) + " " + m.group(4);
        String src = m.group(6);
        String v = wide ? src : "w" + src.substring(1);
        boolean fetch = m.group(7) != null;
        return switch (m.group(5)) {
            case "x=" -> v + " = " + (wide ? "xchg_64(" : "xchg32_32(") + addr + ", " + v + ")";
            case "cx=" -> (wide ? "r0 = cmpxchg_64(" : "w0 = cmpxchg32_32(") + addr + ", " + (wide ? "r0" : "w0") + ", " + v + ")";
            default -> {
                String op = switch (m.group(5)) {
                    case "+=" -> "add";
                    case "&=" -> "and";
                    case "|=" -> "or";
                    default -> "xor";
                };
                yield fetch ? v + " = atomic_fetch_" + op + "((" + m.group(1) + " *)(" + addr + "), " + v + ")"
                        : "lock *(" + m.group(1) + " *)(" + addr + ") " + m.group(5) + " " + v;
            }
        };
    }
}
