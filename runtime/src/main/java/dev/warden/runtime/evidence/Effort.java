package dev.warden.runtime.evidence;

/**
 * How long the measurements run: {@code FULL} on the device (about a minute in all), {@code QUICK}
 * where only the evidence's path matters (tests, a check of the script): the same steps, too short
 * to quote.
 */
enum Effort {
    FULL(2_000, 15, 10_000_000, 500, 3),
    QUICK(200, 3, 1_000_000, 100, 1);

    /** Warm-up per invocation case, milliseconds. */
    final long warmupMillis;
    /** Rounds of the alternated invocation cases (each round runs every case once). */
    final int rounds;
    /** Target length of one timed batch, nanoseconds. */
    final long batchNanos;
    /** Length of one map-throughput round, milliseconds. */
    final long mapRoundMillis;
    /** Map-throughput rounds per thread count (the median is reported). */
    final int mapRounds;

    Effort(long warmupMillis, int rounds, long batchNanos, long mapRoundMillis, int mapRounds) {
        this.warmupMillis = warmupMillis;
        this.rounds = rounds;
        this.batchNanos = batchNanos;
        this.mapRoundMillis = mapRoundMillis;
        this.mapRounds = mapRounds;
    }
}
