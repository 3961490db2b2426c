package dev.warden.verifier.platform;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Reads {@code linux-kfuncs.txt} (its header documents the records); a bad row is reported with its line. */
final class KfuncTable {
    private KfuncTable() {}

    static Map<String, Kfunc> parse(String file, List<String> lines) {
        Map<String, Kfunc> out = new TreeMap<>();
        DataRows.forEach(file, lines, t -> {
            if (!t[0].equals("kfunc") || t.length < 3) {
                throw new IllegalArgumentException("expected 'kfunc NAME FLAG...'");
            }
            EnumSet<Kfunc.Flag> flags = EnumSet.noneOf(Kfunc.Flag.class);
            for (int k = 2; k < t.length; k++) {
                if (!t[k].equals("none")) {
                    flags.add(Kfunc.Flag.valueOf(t[k].toUpperCase(Locale.ROOT)));
                }
            }
            if (out.put(t[1], new Kfunc(t[1], flags)) != null) {
                throw new IllegalArgumentException("kfunc " + t[1] + " listed twice");
            }
        });
        return out;
    }
}
