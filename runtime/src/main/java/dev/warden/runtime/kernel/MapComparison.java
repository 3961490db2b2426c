package dev.warden.runtime.kernel;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** One map's contents, the kernel's against Warden's, as {@link ObjectDifferential} describes. */
final class MapComparison {
    private MapComparison() {}

    /** Adds the differences between the two snapshots to {@code diffs}, leaving out the keys in {@code ignored}. */
    static void compare(String program, String engine, MapSnapshot linux, MapSnapshot warden, MapSeed seed,
                        java.util.Set<String> ignored, List<RunComparison.Difference> diffs) {
        String map = "map " + linux.name();
        if (linux.shape() == MapSnapshot.Shape.SEQUENCE) {
            List<byte[]> k = linux.sequence();
            List<byte[]> w = warden.sequence();
            for (int i = 0; i < Math.max(k.size(), w.size()); i++) {
                String kv = i < k.size() ? ObjectDifferential.describe(k.get(i)) : "nothing";
                String wv = i < w.size() ? ObjectDifferential.describe(w.get(i)) : "nothing";
                if (!kv.equals(wv)) {
                    diffs.add(new RunComparison.Difference(program, engine, map + " element " + i + " (of " + k.size()
                            + " in Linux, " + w.size() + " in Warden)", kv, wv));
                    return; // later elements are shifted; the first difference locates it
                }
            }
            return;
        }
        boolean array = linux.shape() == MapSnapshot.Shape.ARRAY;
        TreeSet<String> keys = new TreeSet<>(linux.elements().keySet());
        keys.addAll(warden.elements().keySet());
        keys.removeAll(ignored);
        for (String key : keys) {
            List<byte[]> k = linux.elements().get(key);
            List<byte[]> w = warden.elements().get(key);
            if (!array && (k == null || w == null)) {
                diffs.add(new RunComparison.Difference(program, engine, map + " key " + key,
                        k == null ? "absent" : ObjectDifferential.describe(k.get(0)),
                        w == null ? "absent" : ObjectDifferential.describe(w.get(0))));
                continue;
            }
            byte[] zero = new byte[(k != null ? k : w).get(0).length];
            byte[] k0 = k == null ? zero : k.get(0);
            byte[] w0 = w == null ? zero : w.get(0);
            if (!Arrays.equals(k0, w0)) {
                diffs.add(new RunComparison.Difference(program, engine, map + " key " + key + (k != null && k.size() > 1 ? " cpu 0" : ""),
                        ObjectDifferential.describe(k0), ObjectDifferential.describe(w0)));
            }
            if (k != null && k.size() > 1) {
                // The run touched CPU 0 only: every other CPU keeps what the seed stored, or zero.
                Optional<byte[]> seeded = seed.seeded(linux.name(), key);
                byte[] rest = seeded.orElse(zero);
                for (int c = 1; c < k.size(); c++) {
                    if (!Arrays.equals(k.get(c), rest) && !Arrays.equals(k.get(c), zero)) {
                        diffs.add(new RunComparison.Difference(program, engine, map + " key " + key + " cpu " + c,
                                ObjectDifferential.describe(k.get(c)), "(Warden runs on CPU 0 only) " + ObjectDifferential.describe(rest)));
                        break;
                    }
                }
            }
        }
    }
}
