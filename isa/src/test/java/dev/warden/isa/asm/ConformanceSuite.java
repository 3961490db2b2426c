package dev.warden.isa.asm;

import dev.warden.isa.SharedTestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The bpf_conformance suite's files: their {@code -- asm} sections and the reference encodings. */
final class ConformanceSuite {
    private ConformanceSuite() {}

    /** One entry of {@code assembled.json}. */
    record Reference(String name, String programHex, String assemblerError) {
        byte[] program() {
            return HexFormat.of().parseHex(programHex.replace(" ", ""));
        }
    }

    static Path root() {
        return SharedTestData.conformance();
    }

    /** The {@code .data} files of {@code tests/} or {@code negative/}, sorted by name. */
    static List<Path> files(String dir) {
        try (Stream<Path> s = Files.list(root().resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text between {@code -- asm} and the next {@code --} section, or "" if there is none. */
    static String asm(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            StringBuilder sb = new StringBuilder();
            boolean in = false;
            for (String l : lines) {
                if (l.startsWith("--")) {
                    in = l.strip().equals("-- asm");
                    continue;
                }
                if (in) {
                    sb.append(l).append('\n');
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code assembled.json} by file name ({@code tests/x.data}); a flat object of flat objects. */
    static Map<String, Reference> references() {
        String json;
        try {
            json = Files.readString(root().resolve("assembled.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Reference> out = new TreeMap<>();
        Matcher m = Pattern.compile("\"([^\"]+\\.data)\": \\{([^}]*)}").matcher(json);
        while (m.find()) {
            out.put(m.group(1), new Reference(m.group(1), field(m.group(2), "program_hex"),
                    field(m.group(2), "assembler_error")));
        }
        return out;
    }

    private static String field(String object, String name) {
        Matcher f = Pattern.compile("\"" + name + "\": \"([^\"]*)\"").matcher(object);
        return f.find() ? f.group(1) : "";
    }

    static String name(Path file) {
        return file.getParent().getFileName() + "/" + file.getFileName();
    }

    static List<String> names(List<Path> files) {
        List<String> out = new ArrayList<>();
        files.forEach(f -> out.add(name(f)));
        return out;
    }
}
