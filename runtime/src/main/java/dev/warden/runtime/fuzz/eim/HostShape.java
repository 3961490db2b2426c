package dev.warden.runtime.fuzz.eim;

import java.util.ArrayList;
import java.util.List;

/**
 * A host object of a generated case as the generator laid it out (offsets computed here with C's
 * natural alignment, apart from eim-spec's layout) and what the generated grants allow of each
 * byte. Mutable while the policy is drawn, read-only after.
 */
final class HostShape {
    static final int READ = 1;
    static final int WRITE = 2;
    /** A byte of a field whose write grant carries a value constraint: written only whole, by the constrained-store piece. */
    static final int CONSTRAINED = 4;

    /** A scalar field: where it lies and its C kind. */
    record Scalar(String path, long offset, int size, boolean signed) {}

    /** A field whose write capability constrains the value: {@code value in [lo, hi]}. */
    record Constrained(Scalar field, long lo, long hi) {}

    /** How the platform names the object: {@code *r} or the host variable's name. */
    final String name;
    /** The register that holds the object's address in the generated program. */
    final String register;
    final long size;
    final int[] rights;
    final List<Constrained> constrained = new ArrayList<>();

    HostShape(String name, String register, long size) {
        this.name = name;
        this.register = register;
        this.size = size;
        this.rights = new int[(int) size];
    }

    void grant(long from, long to, int right) {
        for (long b = from; b < to; b++) {
            rights[(int) b] |= right;
        }
    }

    /** Whether every byte of {@code [from, from + n)} is inside the object and has all of {@code bits}, and none of {@code without}. */
    boolean all(long from, int n, int bits, int without) {
        if (from < 0 || from + n > size) {
            return false;
        }
        for (long b = from; b < from + n; b++) {
            if ((rights[(int) b] & bits) != bits || (rights[(int) b] & without) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of {@code [from, to)} that have {@code bit}, as maximal runs {@code [a, b)} in offset order. */
    List<long[]> runs(int bit) {
        List<long[]> out = new ArrayList<>();
        long start = -1;
        for (int b = 0; b <= rights.length; b++) {
            boolean has = b < rights.length && (rights[b] & bit) != 0;
            if (has && start < 0) {
                start = b;
            } else if (!has && start >= 0) {
                out.add(new long[] {start, b});
                start = -1;
            }
        }
        return out;
    }
}
