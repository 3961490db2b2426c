package dev.warden.runtime.fuzz.eim;

import java.util.List;
import java.util.Map;

/**
 * One generated EIM case: a policy whose class {@code c} the program is verified against, the
 * program as assembly (the entry {@code e}, {@code (S *r, u32 n) -> int}), the flaws planted in it,
 * and the generator's own account of what the class grants, to compare with the platform's.
 *
 * @param seed the generator seed that makes the case again
 * @param policy the policy, EIM text
 * @param program the extension, assembly
 * @param planted the flaws planted, in program order
 * @param grants per host object name ({@code *r}, {@code cfg}): the granted byte runs, as
 *     {@link #describeGrants} writes them
 */
public record EimCase(long seed, String policy, String program, List<EimFlaw.Planted> planted, Map<String, String> grants) {
    /** The class every generated policy declares. */
    public static final String CLASS = "c";

    public EimCase {
        planted = List.copyOf(planted);
        grants = Map.copyOf(grants);
    }

    /** Whether a flaw is planted where some input reaches it. */
    public boolean plantedLive() {
        return planted.stream().anyMatch(p -> p.reach() == EimFlaw.Reach.LIVE);
    }

    /** Granted runs of one object: {@code read [0, 4) [8, 12); write [4, 8)}. */
    public static String describeGrants(List<long[]> read, List<long[]> write) {
        return "read" + runs(read) + "; write" + runs(write);
    }

    private static String runs(List<long[]> runs) {
        StringBuilder sb = new StringBuilder();
        for (long[] r : runs) {
            sb.append(" [").append(r[0]).append(", ").append(r[1]).append(')');
        }
        return sb.toString();
    }

    /** Everything needed to read the case: seed, policy, program, planted flaws. */
    public String describe() {
        return "seed " + seed + "\npolicy:\n" + policy + "program:\n" + program
                + (planted.isEmpty() ? "" : "planted: " + planted + "\n");
    }
}
