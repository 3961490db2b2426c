package dev.warden.eim;

import java.util.Collection;
import java.util.Optional;

/**
 * "Did you mean": the declared name closest to a misspelt one. An undeclared name that is close to a
 * declared one is a typo (an error), not an opaque declaration the paper leaves implicit. Public for
 * the host API, whose link errors name the spec's binding a policy name is close to.
 */
public final class Similar {
    private Similar() {}

    /**
     * The first name (in iteration order) at the smallest edit distance from {@code name}, if that
     * distance is small for the name's length: at most 2, and less than a third of the length (so
     * {@code x} and {@code y} are not "similar"). Names differing only in case always are.
     */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.equals(name)) continue;
            int d = c.equalsIgnoreCase(name) ? 0 : distance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        if (best == null) return Optional.empty();
        boolean close = bestDistance == 0 || (bestDistance <= 2 && bestDistance * 3 < Math.min(name.length(), best.length()));
        return close ? Optional.of(best) : Optional.empty();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
