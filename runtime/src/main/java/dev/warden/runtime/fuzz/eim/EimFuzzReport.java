package dev.warden.runtime.fuzz.eim;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an EIM soundness run found.
 *
 * @param generated cases generated
 * @param accepted programs the verifier accepted (each then run in the guarded replay)
 * @param rejected programs it rejected
 * @param verifierErrors programs on which the verifier threw
 * @param harnessErrors cases the harness could not set up (a policy that does not parse, a program
 *     that does not assemble, a replay that cannot run it): generator or harness bugs, must be 0
 * @param grantMismatches cases whose class, as the verifier's platform, grants other bytes than
 *     the generator's own layout says: must be 0
 * @param firstError the first verifier error, harness error or grant mismatch, described
 * @param runs guarded runs of accepted programs
 * @param faulted accepted programs with a run that faulted
 * @param constraintBreaks accepted programs with a run that returned but stored or returned a value
 *     its constraints forbid
 * @param unsound the first few accepted programs that faulted or broke a constraint
 * @param plantedLive cases with a flaw some input reaches
 * @param plantedLiveAccepted of those, accepted (each either broke the class in a run, and is
 *     counted above, or its runs missed the flaw: to be read, in {@code plantedAccepted})
 * @param plantedDead cases whose only flaws are dead code
 * @param plantedDeadAccepted of those, accepted (a sound and precise verifier accepts them)
 * @param safeRejected cases without a live flaw that were rejected (precision, not soundness)
 * @param planted per flaw kind, the cases carrying a live flaw of that kind
 * @param rejectedByFlaw per flaw kind, of those, the rejected ones
 * @param plantedAccepted the first few accepted cases with a live flaw whose runs did not break the class
 * @param nanos wall time of the whole run
 */
public record EimFuzzReport(long generated, long accepted, long rejected, long verifierErrors, long harnessErrors,
                            long grantMismatches, Optional<String> firstError, long runs, long faulted,
                            long constraintBreaks, List<EimUnsoundAccept> unsound, long plantedLive,
                            long plantedLiveAccepted, long plantedDead, long plantedDeadAccepted, long safeRejected,
                            Map<EimFlaw, Long> planted, Map<EimFlaw, Long> rejectedByFlaw, List<EimCase> plantedAccepted,
                            long nanos) {
    public EimFuzzReport {
        unsound = List.copyOf(unsound);
        planted = new EnumMap<>(planted);
        rejectedByFlaw = new EnumMap<>(rejectedByFlaw);
        plantedAccepted = List.copyOf(plantedAccepted);
    }

    /** Accepted programs that broke their class: must be 0. */
    public long unsoundCount() {
        return faulted + constraintBreaks;
    }

    /** The summary the command prints: one line of totals, one of planted flaws per kind. */
    public String summary() {
        StringBuilder kinds = new StringBuilder();
        for (EimFlaw f : EimFlaw.values()) {
            kinds.append(kinds.isEmpty() ? "" : ", ").append(f.name().toLowerCase(java.util.Locale.ROOT)).append(' ')
                    .append(rejectedByFlaw.getOrDefault(f, 0L)).append('/').append(planted.getOrDefault(f, 0L));
        }
        return String.format("programs %d, accepted %d, rejected %d, runs %d, faults %d, constraint breaks %d, unsound %d,"
                        + " verifier errors %d, harness errors %d, grant mismatches %d, %.1f seconds%n"
                        + "planted live %d (accepted %d), dead only %d (accepted %d); safe rejected %d%n"
                        + "live flaws rejected/planted: %s",
                generated, accepted, rejected, runs, faulted, constraintBreaks, unsoundCount(), verifierErrors, harnessErrors,
                grantMismatches, nanos / 1e9, plantedLive, plantedLiveAccepted, plantedDead, plantedDeadAccepted,
                safeRejected, kinds);
    }
}
