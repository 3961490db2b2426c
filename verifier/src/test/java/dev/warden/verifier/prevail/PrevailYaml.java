package dev.warden.verifier.prevail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads PREVAIL's test files: a stream of YAML documents, one case each. A document that is not a
 * case, or a case missing a field, is an error naming the file and the case.
 */
public final class PrevailYaml {
    private PrevailYaml() {}

    public static List<PrevailCase> read(Path file) throws IOException {
        String name = file.getFileName().toString();
        List<PrevailCase> out = new ArrayList<>();
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try (Reader r = Files.newBufferedReader(file)) {
            int index = 0;
            for (Object doc : yaml.loadAll(r)) {
                if (doc == null) {
                    continue;
                }
                index++;
                out.add(toCase(name, index, doc));
            }
        } catch (YAMLException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static PrevailCase toCase(String file, int index, Object doc) {
        String where = file + " case " + index;
        if (!(doc instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": a case is a mapping");
        }
        Object title = map.get("test-case");
        if (title == null) {
            throw new IllegalArgumentException(where + ": no test-case name");
        }
        Object code = map.get("code");
        if (!(code instanceof Map<?, ?> blocks)) {
            throw new IllegalArgumentException(where + " (" + title + "): code must map labels to blocks");
        }
        Map<String, String> codeBlocks = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : blocks.entrySet()) {
            codeBlocks.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
        }
        return new PrevailCase(file, index, String.valueOf(title), strings(map.get("pre"), where + " pre"), codeBlocks,
                strings(map.get("post"), where + " post"), strings(map.get("messages"), where + " messages"),
                strings(map.get("options"), where + " options"),
                Optional.ofNullable(map.get("expected-exception")).map(String::valueOf), map.containsKey("observe"));
    }

    private static List<String> strings(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException(where + ": expected a sequence, got " + value);
        }
        return list.stream().map(String::valueOf).toList();
    }
}
