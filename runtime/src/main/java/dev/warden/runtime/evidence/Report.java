package dev.warden.runtime.evidence;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The device evidence's lines and what each claim came to. Every claim is printed as it is
 * decided, so a run cut short still shows what it got to; {@link #exitCode} and
 * {@link #summary} weigh them all.
 */
final class Report {
    /** What one claim came to, from best to worst; the worst decides the exit status. */
    enum Outcome {
        /** Shown on this machine. */
        SHOWN(0, "ok"),
        /** Measured, but the cost is over its goal. */
        GOAL_MISSED(3, "goal missed"),
        /** Needs protection keys, which this machine lacks (the line says why). */
        NOT_SUPPORTED(2, "not supported"),
        /** Contradicted or could not be run: the evidence is against the claim, or broken. */
        FAILED(1, "FAILED");

        final int exitCode;
        final String word;

        Outcome(int exitCode, String word) {
            this.exitCode = exitCode;
            this.word = word;
        }
    }

    private record Claim(String name, Outcome outcome) {}

    private final PrintStream out;
    private final List<Claim> claims = new ArrayList<>();

    Report(PrintStream out) {
        this.out = out;
    }

    /** Prints an informational line (no claim). */
    void note(String line) {
        out.println(line);
        out.flush();
    }

    /** Records claim {@code name} and prints {@code name: detail: outcome}. */
    void claim(String name, Outcome outcome, String detail) {
        claims.add(new Claim(name, outcome));
        out.println(name + ": " + detail + ": " + outcome.word);
        out.flush();
    }

    /** The worst outcome's status: 0 all shown, 3 a cost goal missed, 2 protection keys missing, 1 a failure. */
    int exitCode() {
        return worst().exitCode;
    }

    private Outcome worst() {
        Outcome w = Outcome.SHOWN;
        for (Claim c : claims) {
            if (c.outcome().ordinal() > w.ordinal()) {
                w = c.outcome();
            }
        }
        return w;
    }

    /** One line: how many claims came to what, and which did not come to "shown". */
    String summary() {
        StringBuilder s = new StringBuilder("runtime evidence summary: ");
        for (Outcome o : Outcome.values()) {
            long n = claims.stream().filter(c -> c.outcome() == o).count();
            s.append(n).append(' ').append(o.word).append(o == Outcome.FAILED ? "" : ", ");
        }
        List<String> open = claims.stream().filter(c -> c.outcome() != Outcome.SHOWN)
                .map(c -> c.name() + " (" + c.outcome().word + ")").toList();
        s.append(open.isEmpty() ? "; every claim shown" : "; open: " + String.join(", ", open));
        return s.append("; exit ").append(exitCode()).toString();
    }
}
