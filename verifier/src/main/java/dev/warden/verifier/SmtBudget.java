package dev.warden.verifier;

/**
 * How much Z3 may work on the obligations the abstract domains cannot decide.
 *
 * @param queryMillis wall-clock timeout of one solver query (a safety net)
 * @param queryRlimit Z3's deterministic resource limit for one query ({@code rlimit}): the limit
 *     that normally ends a hard query, so that verdicts do not depend on the machine's speed
 * @param programQueries the most queries for one program (deterministic); obligations met after
 *     they are spent stay violations, worded as undecided
 * @param programMillis wall-clock budget of all queries of one program (a safety net, like
 *     {@code queryMillis}); obligations met after it is spent stay violations, worded as undecided
 * @param maxPathLength the most instructions a backward path suffix may have
 * @param maxPaths the most path suffixes one obligation may need; more and Z3 is not asked
 */
public record SmtBudget(int queryMillis, long queryRlimit, int programQueries, long programMillis, int maxPathLength,
                        int maxPaths) {
    /**
     * 2,000,000 resource units (and at most 1 s) per query, 64 queries (and at most 4 s) per
     * program, suffixes of at most 48 instructions, at most 32 of them per obligation.
     */
    public static final SmtBudget DEFAULT = new SmtBudget(1_000, 2_000_000, 64, 4_000, 48, 32);

    /** Z3 is never asked: the domains decide alone. */
    public static final SmtBudget OFF = new SmtBudget(0, 0, 0, 0, 0, 0);

    public SmtBudget {
        if (queryMillis < 0 || queryRlimit < 0 || programQueries < 0 || programMillis < 0 || maxPathLength < 0 || maxPaths < 0) {
            throw new IllegalArgumentException("SMT budgets are not negative");
        }
    }

    /** Whether Z3 may be asked at all. */
    public boolean enabled() {
        return queryMillis > 0 && queryRlimit > 0 && programQueries > 0 && programMillis > 0 && maxPaths > 0 && maxPathLength > 0;
    }
}
