package dev.warden.cli;

import java.time.Duration;

/** The {@code --smt-timeout-ms} of the policy commands: a positive number of milliseconds. */
final class SmtBudget {
    private SmtBudget() {}

    static Duration of(long ms) {
        if (ms <= 0) throw new UserError("--smt-timeout-ms " + ms + ": must be positive (milliseconds per Z3 query)");
        return Duration.ofMillis(ms);
    }
}
