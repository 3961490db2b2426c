package dev.warden.verifier.platform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads program types and their contexts from the record format of {@code
 * linux-program-types.txt} (its header documents the records): {@code context} blocks of {@code
 * field} lines, then {@code type} lines naming a context. The first bad line is reported.
 */
final class ProgramTypeTable {
    private ProgramTypeTable() {}

    /** A context being read: its fields so far. */
    private record Pending(String structName, int size, List<ContextField> fields, int line) {}

    /** What the file defines: program types, and the layouts of kernel objects reached through typed pointers. */
    record Parsed(List<ProgramType> types, Map<ObjectKind, ContextLayout> objects) {
        Parsed {
            types = List.copyOf(types);
            objects = Map.copyOf(objects);
        }
    }

    static Parsed parse(String file, List<String> lines) {
        Map<String, ContextLayout> contexts = new LinkedHashMap<>();
        List<ProgramType> types = new ArrayList<>();
        Map<ObjectKind, ContextLayout> objects = new EnumMap<>(ObjectKind.class);
        String openKey = null;
        Pending open = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            String[] t = line.split("\\s+");
            try {
                switch (t[0]) {
                    case "context" -> {
                        close(file, contexts, openKey, open);
                        need(t, 4, "context KEY STRUCT SIZE");
                        if (contexts.containsKey(t[1])) {
                            throw new IllegalArgumentException("context " + t[1] + " defined twice");
                        }
                        openKey = t[1];
                        open = new Pending(t[2], integer(t[3], "context size"), new ArrayList<>(), lineNo);
                    }
                    case "field" -> {
                        if (open == null) {
                            throw new IllegalArgumentException("field outside a context");
                        }
                        need(t, 7, "field NAME OFFSET SIZE KIND ACCESS READS");
                        open.fields().add(field(t));
                    }
                    case "type" -> {
                        close(file, contexts, openKey, open);
                        openKey = null;
                        open = null;
                        types.add(type(t, contexts));
                    }
                    case "object" -> {
                        close(file, contexts, openKey, open);
                        openKey = null;
                        open = null;
                        need(t, 3, "object KIND CONTEXT_KEY");
                        ObjectKind kind = HelperTable.constant(ObjectKind.class, t[1], "object kind");
                        ContextLayout layout = contexts.get(t[2]);
                        if (layout == null) {
                            throw new IllegalArgumentException("context " + t[2] + " is not defined above");
                        }
                        if (objects.put(kind, layout) != null) {
                            throw new IllegalArgumentException("object " + kind + " defined twice");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown record '" + t[0] + "' (expected context, field, type or object)");
                }
            } catch (IllegalArgumentException e) {
                throw new PlatformDataException(file, lineNo, e.getMessage(), e);
            }
        }
        close(file, contexts, openKey, open);
        return new Parsed(types, objects);
    }

    private static void close(String file, Map<String, ContextLayout> contexts, String key, Pending p) {
        if (p == null) {
            return;
        }
        try {
            List<ContextField> sorted = new ArrayList<>(p.fields());
            sorted.sort((a, b) -> Integer.compare(a.offset(), b.offset()));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).offset() < sorted.get(i - 1).end()) {
                    throw new IllegalArgumentException(sorted.get(i - 1).name() + " and " + sorted.get(i).name() + " overlap");
                }
            }
            contexts.put(key, new ContextLayout(p.structName(), p.size(), sorted));
        } catch (IllegalArgumentException e) {
            throw new PlatformDataException(file, p.line(), "context " + key + ": " + e.getMessage(), e);
        }
    }

    private static ContextField field(String[] t) {
        FieldKind kind = HelperTable.constant(FieldKind.class, t[4], "field kind");
        boolean writable = switch (t[5]) {
            case "r" -> false;
            case "rw" -> true;
            default -> throw new IllegalArgumentException("access: expected r or rw, found '" + t[5] + "'");
        };
        boolean narrow = switch (t[6]) {
            case "narrow" -> true;
            case "exact" -> false;
            default -> throw new IllegalArgumentException("reads: expected narrow or exact, found '" + t[6] + "'");
        };
        return new ContextField(t[1], integer(t[2], "field offset"), integer(t[3], "field size"), kind, true, writable, narrow);
    }

    private static ProgramType type(String[] t, Map<String, ContextLayout> contexts) {
        if (t.length < 8) {
            throw new IllegalArgumentException("expected: type NAME LINUX_ID CONTEXT RETURN PACKET QUALITY SECTION...");
        }
        ContextLayout context = contexts.get(t[3]);
        if (context == null) {
            throw new IllegalArgumentException("context " + t[3] + " is not defined above");
        }
        Optional<HelperPrototype.Range> ret = t[4].equals("-") ? Optional.empty() : Optional.of(RangeText.parse(t[4]));
        boolean read;
        boolean write;
        switch (t[5]) {
            case "none" -> { read = false; write = false; }
            case "r" -> { read = true; write = false; }
            case "rw" -> { read = true; write = true; }
            default -> throw new IllegalArgumentException("packet: expected none, r or rw, found '" + t[5] + "'");
        }
        DataQuality quality = switch (t[6]) {
            case "exact" -> DataQuality.EXACT;
            case "best-effort" -> DataQuality.BEST_EFFORT;
            default -> throw new IllegalArgumentException("quality: expected exact or best-effort, found '" + t[6] + "'");
        };
        List<String> sections = Arrays.asList(t).subList(7, t.length);
        return new ProgramType(t[1], integer(t[2], "linux type"), sections, context, ret, read, write, quality);
    }

    private static void need(String[] t, int n, String form) {
        if (t.length != n) {
            throw new IllegalArgumentException("expected: " + form + " (" + n + " tokens), found " + t.length);
        }
    }

    private static int integer(String text, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a number");
        }
    }
}
