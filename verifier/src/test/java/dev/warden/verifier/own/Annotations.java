package dev.warden.verifier.own;

import dev.warden.verifier.ObligationKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the expectations written next to the code of a C test program (kernel-selftest style).
 * A BUG line belongs to the program named by {@code in <program>} after its obligation, or else to
 * the closest EXPECT line above it. Malformed annotations are reported with their file and line.
 */
public final class Annotations {
    private static final Pattern EXPECT = Pattern.compile("//\\s*EXPECT:\\s*(accept|reject\\s+(\\w+))\\s*$");
    private static final Pattern GAP = Pattern.compile("//\\s*GAP\\s+(\\w+):\\s*(.+)$");
    private static final Pattern BUG = Pattern.compile("//\\s*BUG:\\s*(\\w+)(?:\\s+in\\s+(\\w+))?");
    /** The function name on a definition line: the identifier right before the first '('. */
    private static final Pattern FUNCTION = Pattern.compile("(\\w+)\\s*\\(");

    private Annotations() {}

    /** The annotations of one source file, in source order; throws with file:line on a malformed one. */
    public static List<Expectation> read(Path source) throws IOException {
        String file = source.getFileName().toString();
        List<String> lines = Files.readAllLines(source);
        Map<String, Draft> drafts = new LinkedHashMap<>();
        List<PendingBug> bugs = new ArrayList<>();
        String current = null;
        Map<String, String> gaps = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            int lineNumber = i + 1;
            Matcher g = GAP.matcher(text);
            if (g.find()) {
                if (gaps.put(g.group(1), g.group(2).strip()) != null) {
                    throw malformed(file, lineNumber, "second GAP for " + g.group(1));
                }
                continue;
            }
            Matcher e = EXPECT.matcher(text);
            if (e.find()) {
                Matcher f = FUNCTION.matcher(text.substring(0, e.start()));
                if (!f.find()) {
                    throw malformed(file, lineNumber, "EXPECT must sit on the program's signature line");
                }
                current = f.group(1);
                Optional<ObligationKind> kind = e.group(2) == null ? Optional.empty()
                        : Optional.of(kind(e.group(2), file, lineNumber));
                if (drafts.put(current, new Draft(current, lineNumber, kind)) != null) {
                    throw malformed(file, lineNumber, "second EXPECT for " + current);
                }
                continue;
            }
            Matcher b = BUG.matcher(text);
            if (b.find()) {
                String owner = b.group(2) != null ? b.group(2) : current;
                if (owner == null) {
                    throw malformed(file, lineNumber, "BUG before any EXPECT: name its program with 'in <program>'");
                }
                bugs.add(new PendingBug(owner, kind(b.group(1), file, lineNumber), lineNumber));
            } else if (text.contains("EXPECT:") || text.contains("BUG:") || text.contains("// GAP")) {
                throw malformed(file, lineNumber, "annotation not understood: " + text.strip());
            }
        }
        for (PendingBug bug : bugs) {
            Draft d = drafts.get(bug.program);
            if (d == null) {
                throw malformed(file, bug.line, "BUG names " + bug.program + ", which has no EXPECT");
            }
            d.bugs.add(new Expectation.ExpectedViolation(bug.kind, file, bug.line));
        }
        List<Expectation> out = new ArrayList<>();
        for (Draft d : drafts.values()) {
            if (d.kind.isEmpty() && !d.bugs.isEmpty()) {
                throw malformed(file, d.bugs.getFirst().line(), d.program + " expects accept but has a BUG line");
            }
            if (d.kind.isPresent() && d.bugs.isEmpty()) {
                throw malformed(file, d.line, d.program + " expects a rejection but no line says where (// BUG:)");
            }
            for (Expectation.ExpectedViolation bug : d.bugs) {
                if (d.kind.isPresent() && bug.obligation() != d.kind.get()) {
                    throw malformed(file, bug.line(), "BUG says " + bug.obligation().key() + " but " + d.program
                            + " expects " + d.kind.get().key());
                }
            }
            out.add(new Expectation(file, d.program, d.line, d.kind, d.bugs, Optional.ofNullable(gaps.remove(d.program))));
        }
        if (!gaps.isEmpty()) {
            throw malformed(file, 1, "GAP names programs without an EXPECT: " + gaps.keySet());
        }
        return out;
    }

    private static ObligationKind kind(String key, String file, int line) {
        return Arrays.stream(ObligationKind.values()).filter(k -> k.key().equals(key)).findFirst()
                .orElseThrow(() -> malformed(file, line, "unknown obligation '" + key + "'"));
    }

    private static IllegalArgumentException malformed(String file, int line, String message) {
        return new IllegalArgumentException(file + ":" + line + ": " + message);
    }

    private record PendingBug(String program, ObligationKind kind, int line) {}

    private static final class Draft {
        final String program;
        final int line;
        final Optional<ObligationKind> kind;
        final List<Expectation.ExpectedViolation> bugs = new ArrayList<>();

        Draft(String program, int line, Optional<ObligationKind> kind) {
            this.program = program;
            this.line = line;
            this.kind = kind;
        }
    }
}
