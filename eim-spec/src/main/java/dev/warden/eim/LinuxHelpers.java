package dev.warden.eim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Linux eBPF helpers by id, with their argument counts: a table of facts from the kernel's
 * uapi {@code bpf.h}, kept as data in {@code linux-helpers.tsv} next to this class.
 */
public final class LinuxHelpers {

    /** One helper: {@code bpf_<name>}, taking between {@code minArguments} and {@code maxArguments}. */
    public record Helper(long id, String name, int minArguments, int maxArguments) {
        public boolean takes(int arguments) {
            return arguments >= minArguments && arguments <= maxArguments;
        }

        /** {@code bpf_map_update_elem (4 arguments)}, {@code bpf_trace_printk (2 to 5 arguments)}. */
        public String describe() {
            String n = minArguments == maxArguments ? minArguments + " argument" + (minArguments == 1 ? "" : "s")
                    : minArguments + " to " + maxArguments + " arguments";
            return "bpf_" + name + " (" + n + ")";
        }
    }

    private static final Map<Long, Helper> BY_ID = load();

    private LinuxHelpers() {}

    /** The helper with this id, if Linux has one. */
    public static Optional<Helper> byId(long id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    /** Every known helper, by id. */
    public static Map<Long, Helper> all() {
        return BY_ID;
    }

    private static Map<Long, Helper> load() {
        Map<Long, Helper> out = new TreeMap<>();
        try (InputStream in = LinuxHelpers.class.getResourceAsStream("linux-helpers.tsv")) {
            if (in == null) throw new IllegalStateException("linux-helpers.tsv is missing from the eim-spec jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                // A broken row is a build-time mistake in our own data: fail loudly, never skip it.
                if (f.length != 3) throw new IllegalStateException("bad row in linux-helpers.tsv: " + line);
                long id = Long.parseLong(f[0]);
                String[] range = f[2].split("\\.\\.");
                int min = Integer.parseInt(range[0]);
                int max = range.length == 2 ? Integer.parseInt(range[1]) : min;
                if (out.put(id, new Helper(id, f[1], min, max)) != null) {
                    throw new IllegalStateException("helper id " + id + " twice in linux-helpers.tsv");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(out);
    }
}
