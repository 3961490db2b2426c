package dev.warden.verifier.platform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads helper prototypes from the tab-separated format of {@code linux-helpers.tsv} (its header
 * documents the columns). Every row must parse; the first bad one is reported with its line.
 */
final class HelperTable {
    private static final int COLUMNS = 8;
    /** A note that starts so marks a helper that changes packet data (see the file's header). */
    static final String CHANGES_PACKET_NOTE = "invalidates packet pointers";

    private HelperTable() {}

    static List<HelperPrototype> parse(String file, List<String> lines) {
        List<HelperPrototype> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            try {
                out.add(row(line));
            } catch (IllegalArgumentException e) {
                throw new PlatformDataException(file, lineNo, e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static HelperPrototype row(String line) {
        // split with a negative limit keeps an empty trailing note column.
        String[] c = line.split("\t", -1);
        if (c.length != COLUMNS) {
            throw new IllegalArgumentException("expected " + COLUMNS + " tab-separated columns, found " + c.length);
        }
        int id = integer(c[0], "id");
        String name = c[1];
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("helper name '" + name + "' is not a C identifier in lower case");
        }
        RetKind ret = constant(RetKind.class, c[2], "return kind");
        Optional<HelperPrototype.Range> range = c[3].equals("-") ? Optional.empty() : Optional.of(RangeText.parse(c[3]));
        List<ArgKind> args = new ArrayList<>();
        Map<Integer, Integer> fixed = new TreeMap<>();
        if (!c[4].equals("-")) {
            for (String token : c[4].split(",")) {
                String kind = token;
                int colon = token.indexOf(':');
                if (colon >= 0) {
                    kind = token.substring(0, colon);
                    fixed.put(args.size(), integer(token.substring(colon + 1), "fixed size of " + kind));
                }
                args.add(constant(ArgKind.class, kind, "argument kind"));
            }
        }
        ReturnReference reference = switch (c[5]) {
            case "-" -> ReturnReference.NONE;
            case "ref" -> ReturnReference.ACQUIRED;
            default -> throw new IllegalArgumentException("acquires column: expected '-' or 'ref', found '" + c[5] + "'");
        };
        int released = c[6].equals("-") ? -1 : integer(c[6], "released argument");
        HelperPrototype.PacketData packet = c[7].startsWith(CHANGES_PACKET_NOTE)
                ? HelperPrototype.PacketData.CHANGED : HelperPrototype.PacketData.KEPT;
        return new HelperPrototype(id, name, args, ret, range, released, reference, fixed, packet);
    }

    private static int integer(String text, String what) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a number");
        }
    }

    static <E extends Enum<E>> E constant(Class<E> type, String text, String what) {
        try {
            return Enum.valueOf(type, text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not one of " + Arrays.toString(type.getEnumConstants()));
        }
    }
}
