package dev.warden.eim.smt;

/** Whether some memory lies within other memory: decided (yes or no) or not decided by the solver. */
sealed interface Covered {
    record Yes() implements Covered {}

    record No() implements Covered {}

    record Unknown(String reason) implements Covered {}
}
