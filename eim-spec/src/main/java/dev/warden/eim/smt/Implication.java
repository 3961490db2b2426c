package dev.warden.eim.smt;

/** Whether every assignment one allowance permits is permitted by another. */
public sealed interface Implication {
    record Holds() implements Implication {}

    /** A counterexample: permitted by the first, not by the second. */
    record Refuted(Witness witness) implements Implication {}

    /** The solver gave up: neither answer may be assumed. */
    record Unknown(String reason) implements Implication {}
}
