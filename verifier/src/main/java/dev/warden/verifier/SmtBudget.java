package dev.warden.verifier;

/**
 * How much Z3 may work on the obligations the abstract domains cannot decide.
 *
 * @param queryMillis wall-clock timeout of one solver query (a safety net)
 * @param queryRlimit Z3's deterministic resource limit for one query ({@code rlimit}): the limit
 *     that normally ends a hard query, so that verdicts do not depend on the machine's speed
 * @param programMillis wall-clock budget of all queries of one program; obligations met after it
 *     is spent are not sent to Z3 (they stay violations)
 * @param maxPathLength the most instructions a backward path suffix may have
 * @param maxPaths the most path suffixes one obligation may need; more and Z3 is not asked
 */
public record SmtBudget(int queryMillis, long queryRlimit, long programMillis, int maxPathLength, int maxPaths) {
    /** 200 ms (and 2,000,000 resource units) per query, 2 s per program, suffixes of at most 48 instructions, 32 of them. */
    public static final SmtBudget DEFAULT = new SmtBudget(200, 2_000_000, 2_000, 48, 32);

    /** Z3 is never asked: the domains decide alone. */
    public static final SmtBudget OFF = new SmtBudget(0, 0, 0, 0, 0);

    public SmtBudget {
        if (queryMillis < 0 || queryRlimit < 0 || programMillis < 0 || maxPathLength < 0 || maxPaths < 0) {
            throw new IllegalArgumentException("SMT budgets are not negative");
        }
    }

    /** Whether Z3 may be asked at all. */
    public boolean enabled() {
        return queryMillis > 0 && queryRlimit > 0 && programMillis > 0 && maxPaths > 0 && maxPathLength > 0;
    }
}
