package dev.warden.verifier.prevail;

/** How Warden's answer on one PREVAIL case compares with PREVAIL's expectation. */
public enum Classification {
    /** Same verdict (and, where compared, the same facts). */
    AGREE,
    /** Warden proves what PREVAIL could not (to be confirmed safe case by case: the report lists them). */
    WARDEN_MORE_PRECISE,
    /** PREVAIL proves what Warden could not. */
    WARDEN_LESS_PRECISE,
    /** The two define the case differently (division by zero, uninitialised entry registers, byte order...). */
    DIFFERENT_SEMANTICS,
    /** The case cannot be put to Warden (its test-platform maps, an initial state Warden's entry cannot set, a test of PREVAIL's YAML reader). */
    NOT_EXPRESSIBLE,
    /** The case could be put to Warden, but its analysis is not available in this build. */
    NOT_RUN
}
