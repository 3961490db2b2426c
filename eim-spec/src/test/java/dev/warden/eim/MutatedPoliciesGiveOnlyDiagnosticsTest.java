package dev.warden.eim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Deterministic mutation fuzzing that runs in every build: each corpus and test policy is cut,
 * spliced, has tokens duplicated, deleted or swapped, and every mutant must give diagnostics
 * only (see {@link OnlyDiagnostics}). The coverage-guided counterpart is {@link EimParserFuzzTest}.
 */
class MutatedPoliciesGiveOnlyDiagnosticsTest {

    private static final String[] TOKENS = {"(", ")", "{", "}", "[", "]", ",", ";", "=", "->", ".", "*", "<", "<=",
        "==>", "&&", "!", "-", "in", "inf", "null", "sizeof", "0", "99999999999999999999999", "\"", "/*", "//", "\n",
        "struct", "host", "include", "read", "write", "rtn", "value", "void", "u64", "char", "Extension_Class",
        "State_Capability", "name", "allowed", "helper", "entries"};

    @Test
    void mutantsOfEveryPolicyGiveOnlyDiagnostics() throws IOException {
        List<Path> seeds = new ArrayList<>(FormatterIsIdempotentAndKeepsMeaningTest.cleanPolicies());
        try (var s = Files.list(Path.of("src/test/resources/broken"))) {
            seeds.addAll(s.filter(p -> p.toString().endsWith(".eim")).sorted().toList());
        }
        Random rnd = new Random(0x5eed);
        for (Path seed : seeds) {
            String text = Files.readString(seed);
            Path dir = seed.toAbsolutePath().getParent();
            for (int i = 0; i < 60; i++) OnlyDiagnostics.check(mutate(text, rnd), dir);
        }
        // Pathological shapes: deep nesting and very long operator chains.
        OnlyDiagnostics.check("Function_Capability(name = \"f\", prototype = (u32 a) -> int, constraints = { "
                + "(".repeat(5000) + "a > 0" + ")".repeat(5000) + " })", Path.of("."));
        OnlyDiagnostics.check("Function_Capability(name = \"f\", prototype = (u32 a) -> int, constraints = { "
                + "a + ".repeat(20000) + "a > 0 })", Path.of("."));
        OnlyDiagnostics.check("Function_Capability(name = \"f\", prototype = (u32 a) -> int, constraints = { "
                + "!".repeat(5000) + "(a > 0) })", Path.of("."));
        OnlyDiagnostics.check("include \"/dev/zero\";\ninclude \"/\";\ninclude \"\";", Path.of("."));
    }

    private static String mutate(String text, Random rnd) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && !sb.isEmpty(); e++) {
            int at = rnd.nextInt(sb.length());
            int len = Math.min(sb.length() - at, 1 + rnd.nextInt(12));
            switch (rnd.nextInt(5)) {
                case 0 -> sb.delete(at, at + len);
                case 1 -> sb.insert(at, TOKENS[rnd.nextInt(TOKENS.length)]);
                case 2 -> sb.insert(at, sb.substring(at, at + len));
                case 3 -> sb.setCharAt(at, (char) (32 + rnd.nextInt(95)));
                default -> {
                    int other = rnd.nextInt(sb.length());
                    int olen = Math.min(sb.length() - other, len);
                    String piece = sb.substring(other, other + olen);
                    sb.replace(at, at + len, piece);
                }
            }
        }
        return sb.toString();
    }
}
