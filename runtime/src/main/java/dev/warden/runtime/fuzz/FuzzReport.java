package dev.warden.runtime.fuzz;

import java.util.List;
import java.util.Optional;

/**
 * What a soundness run found.
 *
 * @param generated programs generated
 * @param accepted programs the verifier accepted (each then run)
 * @param rejected programs it rejected
 * @param verifierErrors programs on which the verifier threw
 * @param firstVerifierError the first such exception, described
 * @param runs interpreter runs of accepted programs
 * @param faulted accepted programs that faulted on some input: must be 0
 * @param unsound the first few of those, with their programs and inputs
 * @param plantedUnsafe programs the generator planted an unsafe flaw in
 * @param plantedUnsafeAccepted of those, accepted (each either never faulted in its runs — the flaw
 *     was unreachable or not hit — or is counted in {@code faulted})
 * @param plantedSafeRejected programs without an unsafe flaw that were rejected (precision, not soundness)
 * @param plantedAccepted the first few accepted programs with a planted unsafe flaw of each kind, to be
 *     read: a sound verifier accepts one only when the flaw cannot be reached with a bad input
 * @param coverage per shape and per planted flaw kind, how many programs held it and what became of them
 * @param nanos wall time of the whole run
 */
public record FuzzReport(long generated, long accepted, long rejected, long verifierErrors,
                         Optional<String> firstVerifierError, long runs, long faulted, List<UnsoundAccept> unsound,
                         long plantedUnsafe, long plantedUnsafeAccepted, long plantedSafeRejected,
                         List<PlantedAccept> plantedAccepted, CoverageCounts coverage, long nanos) {
    public FuzzReport {
        unsound = List.copyOf(unsound);
        plantedAccepted = List.copyOf(plantedAccepted);
    }

    /**
     * An accepted program with a planted unsafe flaw that did not fault in its runs.
     *
     * @param seed the generator seed that makes the program again
     * @param listing the program as assembly, one instruction a line with its pc
     * @param maps the object's maps, one a line
     * @param flaws the planted flaws, each with the pc that faults when it is reached with a bad input
     */
    public record PlantedAccept(long seed, String listing, String maps, String flaws) {
        /** Everything needed to read it. */
        public String describe() {
            return "program seed " + seed + " carries a planted flaw and was accepted; it did not fault.\n"
                    + "flaws: " + flaws + "\n"
                    + "maps:\n" + maps
                    + "program:\n" + listing;
        }
    }

    /** The one-line summary the command prints. */
    public String summary() {
        return String.format("generated %d, accepted %d, rejected %d, verifier errors %d, run %d times, faulted %d"
                        + " (planted unsafe %d: accepted %d; planted safe rejected %d) in %.1f s",
                generated, accepted, rejected, verifierErrors, runs, faulted, plantedUnsafe, plantedUnsafeAccepted,
                plantedSafeRejected, nanos / 1e9);
    }
}
