package dev.warden.runtime.fuzz.eim;

/**
 * A flaw the EIM case generator plants in a program: each one, where a run reaches it with a bad
 * input, breaks the class (a fault in the guarded replay, or a broken constraint), so a sound
 * verifier must reject the program unless the flaw is dead code.
 */
public enum EimFlaw {
    /** A load or store of a host byte no grant of the class covers. */
    UNGRANTED_BYTE,
    /** A load or store that reaches past the end of the host object. */
    PAST_THE_OBJECT,
    /** A store into bytes the class grants only for reading. */
    WRITE_TO_READ_ONLY,
    /** A store into a constrained host-variable field of a value outside its write constraint. */
    VALUE_OUTSIDE_WRITE_CONSTRAINT,
    /** A call of the host function with an argument outside its capability's constraint. */
    ARGUMENT_OUTSIDE_CALL_CONSTRAINT,
    /** A variable index whose bound check (or loop bound) admits one element too many. */
    OFF_BY_ONE_INDEX,
    /** A return value outside the entry's return constraint. */
    RETURN_OUTSIDE_CONSTRAINT;

    /** Whether a run can reach the planted flaw. */
    public enum Reach {
        /** Some input of the entry reaches it. */
        LIVE,
        /** Behind a branch the entry's argument constraints never take: a sound verifier may accept it. */
        DEAD
    }

    /**
     * One planted flaw.
     *
     * @param line the assembly of the piece that carries it, its lines joined with "; " (for reports)
     */
    public record Planted(EimFlaw kind, Reach reach, String line) {}
}
