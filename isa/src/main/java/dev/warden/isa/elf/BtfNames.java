package dev.warden.isa.elf;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.UnaryOperator;

/**
 * The named types of a {@link Btf} sorted by a key of their names ({@code (key, id)} order), found
 * by binary search. It holds one {@code int} per type and reads names from the string table as
 * it searches, where a map would hold a string and an entry per type (vmlinux has over 100,000).
 */
final class BtfNames {
    private final Btf btf;
    private final UnaryOperator<String> key;
    private final int[] ids;

    private BtfNames(Btf btf, UnaryOperator<String> key, int[] ids) {
        this.btf = btf;
        this.key = key;
        this.ids = ids;
    }

    /** Indexes every type with a name by {@code key(name)}. */
    static BtfNames of(Btf btf, UnaryOperator<String> key) {
        // The keys are computed once for the sort and dropped after it.
        String[] keys = new String[btf.count()];
        Integer[] named = new Integer[btf.count()];
        int n = 0;
        for (int id = 0; id < btf.count(); id++) {
            String name = btf.rawName(id);
            if (!name.isEmpty()) {
                keys[id] = key.apply(name);
                named[n++] = id;
            }
        }
        Integer[] order = Arrays.copyOf(named, n);
        Arrays.sort(order, Comparator.<Integer, String>comparing(id -> keys[id]).thenComparing(id -> id));
        return new BtfNames(btf, key, Arrays.stream(order).mapToInt(Integer::intValue).toArray());
    }

    /** The ids of the types whose name has this key, in id order. */
    int[] lookup(String wanted) {
        int low = 0;
        int high = ids.length;
        while (low < high) { // the first position whose key is not below the wanted one
            int mid = (low + high) >>> 1;
            if (keyAt(mid).compareTo(wanted) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        int end = low;
        while (end < ids.length && keyAt(end).equals(wanted)) {
            end++;
        }
        return Arrays.copyOfRange(ids, low, end);
    }

    private String keyAt(int position) {
        return key.apply(btf.rawName(ids[position]));
    }
}
