package dev.warden.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code assembled.json} beside the conformance tests: per file ("tests/add.data"), the reference
 * encoding ({@code program_hex}), memory ({@code mem_hex}), result, and expected errors. The file
 * is an object of objects of strings, so a small reader does (no JSON library in the build).
 */
final class ReferenceEncodings {
    private final String s;
    private int i;

    private ReferenceEncodings(String s) {
        this.s = s;
    }

    static Map<String, Map<String, String>> read(Path file) throws IOException {
        ReferenceEncodings r = new ReferenceEncodings(Files.readString(file));
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        r.expect('{');
        while (!r.peek('}')) {
            String key = r.string();
            r.expect(':');
            r.expect('{');
            Map<String, String> fields = new LinkedHashMap<>();
            while (!r.peek('}')) {
                String k = r.string();
                r.expect(':');
                fields.put(k, r.string());
                r.comma();
            }
            r.expect('}');
            out.put(key, fields);
            r.comma();
        }
        return out;
    }

    static byte[] hex(String spaced) {
        String[] t = spaced.trim().split("\\s+");
        if (spaced.isBlank()) {
            return new byte[0];
        }
        byte[] b = new byte[t.length];
        for (int k = 0; k < t.length; k++) {
            b[k] = (byte) Integer.parseInt(t[k], 16);
        }
        return b;
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private boolean peek(char c) {
        ws();
        return s.charAt(i) == c;
    }

    private void expect(char c) {
        ws();
        if (s.charAt(i) != c) {
            throw new IllegalStateException("assembled.json: expected '" + c + "' at offset " + i);
        }
        i++;
    }

    private void comma() {
        ws();
        if (s.charAt(i) == ',') {
            i++;
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (s.charAt(i) != '"') {
            char c = s.charAt(i++);
            if (c == '\\') {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        i++;
        return sb.toString();
    }
}
