package dev.warden.eim.smt;

import java.util.List;

/** Whether a conjunction of constraints can hold. */
public sealed interface SatResult {
    /** It can; a witness. */
    record Sat(Witness witness) implements SatResult {}

    /** It cannot; a minimal set of constraint indices (into the alternative's list) that already conflict. */
    record Unsat(List<Integer> core) implements SatResult {
        public Unsat {
            core = List.copyOf(core);
        }
    }

    /** The solver gave up (timeout, incompleteness): neither answer may be assumed. */
    record Unknown(String reason) implements SatResult {}
}
