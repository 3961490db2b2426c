package dev.warden.jit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The conformance suite's {@code assembled.json}: per test file ("tests/add.data") its reference
 * encoding, memory and result. The file is an object of flat objects of strings, so two regular
 * expressions read it (the build has no JSON library).
 */
final class ReferenceSuite {
    private static final Pattern ENTRY = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\\{([^{}]*)\\}");
    private static final Pattern FIELD = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private ReferenceSuite() {}

    static Path conformance() {
        Path p = Path.of(System.getProperty("warden.shared", "../shared"), "testdata", "bpf-conformance").normalize();
        Assumptions.assumeTrue(Files.isDirectory(p), "external test data not found at " + p.toAbsolutePath());
        return p;
    }

    static Map<String, Map<String, String>> read() throws IOException {
        String json = Files.readString(conformance().resolve("assembled.json"));
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(json);
        while (m.find()) {
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher f = FIELD.matcher(m.group(2));
            while (f.find()) {
                fields.put(f.group(1), f.group(2));
            }
            out.put(m.group(1), fields);
        }
        return out;
    }

    static byte[] hex(String spaced) {
        if (spaced == null || spaced.isBlank()) {
            return new byte[0];
        }
        String[] t = spaced.trim().split("\\s+");
        byte[] b = new byte[t.length];
        for (int k = 0; k < t.length; k++) {
            b[k] = (byte) Integer.parseInt(t[k], 16);
        }
        return b;
    }

    static long result(String hex) {
        return Long.parseUnsignedLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
    }
}
