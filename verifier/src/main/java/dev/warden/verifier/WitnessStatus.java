package dev.warden.verifier;

/** Whether a violation was shown real by running a concrete input in the checking interpreter. */
public enum WitnessStatus {
    /** A concrete input was found and the interpreter faulted at the violation's pc. */
    CONFIRMED,
    /** No input was found that faults: the violation may be a false alarm. */
    NOT_CONFIRMED,
    /** No search was made (no replayer was given, or the violation is not a runtime fault). */
    NOT_SEARCHED
}
