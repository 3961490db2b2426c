package dev.warden.verifier.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads {@code linux-btf-objects.txt} (its header documents the records); a bad row is reported with its line. */
final class BtfObjectTable {
    private BtfObjectTable() {}

    static BtfObjects parse(String file, List<String> lines, List<HelperPrototype> helpers) {
        Map<String, HelperPrototype> byName = new HashMap<>();
        helpers.forEach(h -> byName.put(h.name(), h));
        Map<Integer, String> returns = new TreeMap<>();
        Map<Integer, Map<Integer, String>> args = new TreeMap<>();
        Set<String> sockCommon = new TreeSet<>();
        Map<String, BtfObjects.Trust> trusted = new TreeMap<>();
        DataRows.forEach(file, lines, t -> {
            switch (t[0]) {
                case "ret" -> {
                    expect(t, 3);
                    HelperPrototype h = helper(byName, t[1]);
                    if (h.ret() != RetKind.BTF_ID && h.ret() != RetKind.BTF_ID_OR_NULL) {
                        throw new IllegalArgumentException(t[1] + " does not return a BTF pointer (" + h.ret() + ")");
                    }
                    if (returns.put(h.id(), t[2]) != null) {
                        throw new IllegalArgumentException("second ret record for " + t[1]);
                    }
                }
                case "arg" -> {
                    expect(t, 4);
                    HelperPrototype h = helper(byName, t[1]);
                    int n = Integer.parseInt(t[2]);
                    if (n < 1 || n > h.args().size()) {
                        throw new IllegalArgumentException(t[1] + " has no argument " + n);
                    }
                    ArgKind k = h.args().get(n - 1);
                    if (k != ArgKind.PTR_TO_BTF_ID && k != ArgKind.PTR_TO_BTF_ID_OR_NULL) {
                        throw new IllegalArgumentException(t[1] + " argument " + n + " is " + k + ", not a BTF pointer");
                    }
                    args.computeIfAbsent(h.id(), x -> new TreeMap<>()).put(n - 1, t[3]);
                }
                case "trusted", "trusted_or_null" -> {
                    expect(t, 3);
                    trusted.put(t[1] + "." + t[2], t[0].equals("trusted") ? BtfObjects.Trust.TRUSTED
                            : BtfObjects.Trust.TRUSTED_OR_NULL);
                }
                case "sockcommon" -> {
                    expect(t, 2);
                    sockCommon.add(t[1]);
                }
                default -> throw new IllegalArgumentException("unknown record '" + t[0] + "' (expected ret, arg, trusted, trusted_or_null or sockcommon)");
            }
        });
        return new BtfObjects(returns, args, sockCommon, trusted);
    }

    private static void expect(String[] t, int n) {
        if (t.length != n) {
            throw new IllegalArgumentException("'" + t[0] + "' takes " + (n - 1) + " fields, found " + (t.length - 1));
        }
    }

    private static HelperPrototype helper(Map<String, HelperPrototype> byName, String name) {
        HelperPrototype h = byName.get(name);
        if (h == null) {
            throw new IllegalArgumentException("unknown helper " + name);
        }
        return h;
    }
}
