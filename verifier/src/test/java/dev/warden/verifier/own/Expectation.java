package dev.warden.verifier.own;

import dev.warden.verifier.ObligationKind;
import java.util.List;
import java.util.Optional;

/**
 * What a C test program's annotations promise: {@code // EXPECT: accept} or
 * {@code // EXPECT: reject <obligation>} on the program's signature line, and for a rejection one
 * {@code // BUG: <obligation>} per source line where a violation must be reported.
 *
 * @param program the program (entry function) name
 * @param line the line of the EXPECT annotation
 * @param obligation empty for accept, the obligation of the rejection otherwise
 * @param bugs the lines that must carry a violation (empty for accept)
 * @param gap a known gap of Warden's analysis ({@code // GAP <program>: reason}) that makes the
 *     program fail its expectation today: the test is then skipped with that reason, and fails as
 *     soon as the program meets its expectation, so that the note is removed
 */
public record Expectation(String source, String program, int line, Optional<ObligationKind> obligation,
                          List<ExpectedViolation> bugs, Optional<String> gap) {
    public Expectation {
        bugs = List.copyOf(bugs);
    }

    public boolean accepts() {
        return obligation.isEmpty();
    }

    /** One {@code // BUG:} annotation: a violation of {@code obligation} reported at {@code line} of {@code file}. */
    public record ExpectedViolation(ObligationKind obligation, String file, int line) {
        @Override
        public String toString() {
            return obligation.key() + " at " + file + ":" + line;
        }
    }
}
