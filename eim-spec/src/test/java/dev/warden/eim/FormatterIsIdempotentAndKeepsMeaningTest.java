package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** fmt(fmt(p)) == fmt(p) and parse(fmt(p)) == parse(p) as models, for every clean policy we have. */
class FormatterIsIdempotentAndKeepsMeaningTest {

    static List<Path> cleanPolicies() throws IOException {
        List<Path> out = new ArrayList<>(TestFiles.corpusPolicyFiles().toList());
        for (String dir : List.of("src/test/resources/lint", "src/test/resources/diff", "src/test/resources/fmt",
                "src/test/resources/ranges")) {
            try (Stream<Path> s = Files.list(Path.of(dir))) {
                out.addAll(s.filter(p -> p.toString().endsWith(".eim")).sorted().toList());
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> formattingIsIdempotentAndPreservesTheModel() throws IOException {
        return cleanPolicies().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ParseResult original = Eim.parse(f);
            assertTrue(original.policy().isPresent(), original.diagnostics().toString());
            String once = text(Eim.format(f));
            Path dir = f.toAbsolutePath().getParent();
            ParseResult reparsed = Eim.parse(f.getFileName().toString(), once, dir);
            assertEquals(original.policy(), reparsed.policy(), "formatting changed the meaning of " + f + ":\n" + once);
            assertEquals(once, text(Eim.format(f.getFileName().toString(), once, dir)), "fmt is not idempotent on " + f);
        }));
    }

    @Test
    void commentsSurviveFormatting() throws IOException {
        Path f = TestFiles.corpusPolicies().resolve("nginx-firewall.eim");
        String formatted = text(Eim.format(f));
        for (String line : Files.readAllLines(f)) {
            int i = line.indexOf("//");
            if (i >= 0) assertTrue(formatted.contains(line.substring(i).strip()), "lost comment: " + line);
        }
    }

    @Test
    void limitsKeepTheOperatorTheAuthorWrote() throws IOException {
        String formatted = text(Eim.format(Path.of("src/test/resources/fmt/as-written.eim")));
        assertTrue(formatted.contains("{ stack <= 512, instructions <= inf, read(r) }"), formatted);
        assertTrue(formatted.contains("memory <= 4096,"), formatted);
        assertTrue(formatted.contains("stack < 256,"), formatted);
        assertTrue(formatted.contains("instructions < 1000,"), formatted);
        assertFalse(formatted.contains("513") || formatted.contains("4097"), formatted);
    }

    @Test
    void endOfLineCommentsStayAtTheEndOfTheirLine() throws IOException {
        Path f = Path.of("src/test/resources/fmt/as-written.eim");
        List<String> formatted = text(Eim.format(f)).lines().toList();
        // One-line declarations and struct fields keep the comment on their own line.
        for (String expected : List.of(
                "host int level;  // the log level",
                "host u64 hits;  /* requests seen */",
                "    u32 method;  // GET = 0, POST = 1",
                "    char uri[64];  // not null-terminated",
                "};  // 72 bytes",
                "include \"../../../../../corpus/policies/bpf-helpers.eim\";  // helper library",
                "State_Capability(name = \"setLevel\", operation = write(level), constraints = { value in [0, 3] })  // clamp")) {
            assertTrue(formatted.contains(expected), "missing line: " + expected + "\n" + String.join("\n", formatted));
        }
        // A comment before a field stays before it, inside the struct.
        assertEquals("    u32 method;  // GET = 0, POST = 1",
                formatted.get(formatted.indexOf("    // the first four bytes") + 1));
        // A declaration laid out on several lines keeps its end-of-line comment on its last line.
        assertTrue(formatted.contains(")  // may write"), String.join("\n", formatted));
        assertTrue(formatted.contains(")  // the observer"), String.join("\n", formatted));
        // In a declaration printed one property (or set element) per line, end-of-line comments stay with theirs.
        for (String expected : List.of(
                "    name = \"commented\",  // a class",
                "        instructions < 100000,  // enough for a request",
                "        stack <= 512,  // the heap and the stack",
                "    }  // everything it may do")) {
            assertTrue(formatted.contains(expected), "missing line: " + expected + "\n" + String.join("\n", formatted));
        }
        // A declaration printed on one line keeps its inner comments before it.
        assertEquals("// fits on one line", formatted.get(formatted.indexOf(
                "Extension_Class(name = \"short\", extension_entry = \"begin\", allowed = { read(r) })") - 1));
        // Every comment of the source is still there exactly once.
        String all = String.join("\n", formatted);
        for (String line : Files.readAllLines(f)) {
            int i = line.indexOf("//");
            if (i < 0) i = line.indexOf("/*");
            if (i < 0) continue;
            String comment = line.substring(i).strip();
            assertEquals(1, all.split(java.util.regex.Pattern.quote(comment), -1).length - 1, "comment: " + comment);
        }
    }

    /**
     * An end-of-line comment after every line of every clean policy (inside declarations too):
     * formatting still keeps the meaning, is idempotent, and keeps each comment exactly once.
     */
    @TestFactory
    Stream<DynamicTest> aCommentAtTheEndOfEveryLineSurvivesFormatting() throws IOException {
        return cleanPolicies().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            StringBuilder src = new StringBuilder();
            int n = 0;
            boolean inBlock = false;
            for (String line : Files.readAllLines(f)) {
                src.append(line);
                if (line.contains("/*")) inBlock = true;
                if (line.contains("*/")) inBlock = false;
                if (!line.isBlank() && !line.contains("//") && !inBlock) src.append(" // eol").append(n++).append(" */");
                src.append('\n');
            }
            Path dir = f.toAbsolutePath().getParent();
            String name = f.getFileName().toString();
            ParseResult original = Eim.parse(f);
            ParseResult commented = Eim.parse(name, src.toString(), dir);
            assertEquals(original.policy(), commented.policy(), src.toString());
            String once = text(Eim.format(name, src.toString(), dir));
            assertEquals(original.policy(), Eim.parse(name, once, dir).policy(), once);
            assertEquals(once, text(Eim.format(name, once, dir)), "not idempotent:\n" + once);
            for (int i = 0; i < n; i++) {
                String c = "// eol" + i + " */";
                assertEquals(1, once.split(java.util.regex.Pattern.quote(c + "\n"), -1).length - 1, c + " in\n" + once);
            }
        }));
    }

    /**
     * Printing any well-typed constraint and parsing it back gives the same expression: the
     * printer's parentheses agree with the grammar's precedence and associativity.
     */
    @Test
    void printedConstraintsParseBackToTheSameTree() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            List<Expr> constraints = List.of(bool(rnd, 4), bool(rnd, 3));
            String src = "Function_Capability(name = \"f\", prototype = (u32 a, s32 b, char *p) -> int, constraints = { "
                    + String.join(", ", constraints.stream().map(Expr::show).toList()) + " })\n"
                    + "Extension_Entry(name = \"e\", extension_entry = \"h\", prototype = (void) -> int)\n"
                    + "Extension_Class(name = \"c\", extension_entry = \"e\", allowed = { f })\n";
            ParseResult r = Eim.parse("gen.eim", src, Path.of("."));
            assertTrue(r.policy().isPresent(), src + r.diagnostics());
            assertEquals(constraints, r.policy().get().functionCapabilities().get("f").constraints(), src);
        });
    }

    private static Expr bool(Random rnd, int depth) {
        int pick = depth <= 0 ? rnd.nextInt(3) : rnd.nextInt(9);
        return switch (pick) {
            case 0 -> new Expr.Call("non_null", List.of(new Expr.Ref(Path0.of("p"))));
            case 1 -> new Expr.Binary(cmp(rnd), integer(rnd, depth - 1), integer(rnd, depth - 1));
            case 2 -> new Expr.BoolLit(rnd.nextBoolean());
            case 3 -> new Expr.Unary(Expr.UnaryOp.NOT, bool(rnd, depth - 1));
            case 4 -> new Expr.InRange(integer(rnd, depth - 1), integer(rnd, depth - 1), integer(rnd, depth - 1));
            case 5 -> new Expr.Call("readable", List.of(new Expr.Ref(Path0.of("p")), integer(rnd, depth - 1)));
            default -> new Expr.Binary(List.of(Expr.BinaryOp.AND, Expr.BinaryOp.OR, Expr.BinaryOp.IMPLIES,
                    Expr.BinaryOp.EQ, Expr.BinaryOp.NE).get(rnd.nextInt(5)), bool(rnd, depth - 1), bool(rnd, depth - 1));
        };
    }

    private static Expr.BinaryOp cmp(Random rnd) {
        return List.of(Expr.BinaryOp.LT, Expr.BinaryOp.LE, Expr.BinaryOp.GT, Expr.BinaryOp.GE,
                Expr.BinaryOp.EQ, Expr.BinaryOp.NE).get(rnd.nextInt(6));
    }

    private static Expr integer(Random rnd, int depth) {
        int pick = depth <= 0 ? rnd.nextInt(4) : rnd.nextInt(8);
        return switch (pick) {
            case 0 -> new Expr.IntLit(java.math.BigInteger.valueOf(rnd.nextInt(1000)));
            case 1 -> new Expr.Ref(Path0.of(rnd.nextBoolean() ? "a" : "b"));
            case 2 -> new Expr.Ref(Path0.of("rtn"));
            case 3 -> new Expr.SizeOfType(new CType.Scalar(ScalarKind.U32));
            case 4 -> new Expr.Unary(Expr.UnaryOp.NEG, integer(rnd, depth - 1));
            // Divisors are never the literal 0 (a checker error): a variable or 7.
            case 5 -> new Expr.Binary(rnd.nextBoolean() ? Expr.BinaryOp.DIV : Expr.BinaryOp.MOD, integer(rnd, depth - 1),
                    rnd.nextBoolean() ? new Expr.Ref(Path0.of("a")) : new Expr.IntLit(java.math.BigInteger.valueOf(7)));
            default -> new Expr.Binary(List.of(Expr.BinaryOp.ADD, Expr.BinaryOp.SUB, Expr.BinaryOp.MUL).get(rnd.nextInt(3)),
                    integer(rnd, depth - 1), integer(rnd, depth - 1));
        };
    }

    /** {@link Path} of the model (not java.nio's). */
    private static final class Path0 {
        static dev.warden.eim.Path of(String root) {
            return dev.warden.eim.Path.of(root);
        }
    }

    private static String text(Eim.Formatted f) {
        return switch (f) {
            case Eim.Formatted.Text t -> t.text();
            case Eim.Formatted.Failed x -> throw new AssertionError("not formatted: " + x.diagnostics());
        };
    }
}
