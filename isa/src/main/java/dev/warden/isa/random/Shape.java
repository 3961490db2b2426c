package dev.warden.isa.random;

import java.util.EnumSet;
import java.util.Set;

/**
 * A program shape {@link PointerProgramGenerator} makes to reach one of the verifier's finer
 * rules (docs/verifier.md): a shape no random program takes leaves its rule unchecked by fuzzing,
 * so the generator records which ones each program contains and the fuzz report counts them.
 * Each comes safe, or with one of its planted flaws ({@link Hazard}).
 */
public enum Shape {
    /**
     * A stack pointer on one path and 0 on the other, meeting: "that stack pointer or NULL". Then a
     * null check and an access, or {@code bpf_csum_diff} given it with size 0 (a helper argument
     * that may be NULL).
     */
    STACK_OR_NULL("stack or null"),
    /**
     * A loop of 2 to 4 rounds whose body picks one of three argument pairs for
     * {@code bpf_csum_diff} (the stack buffer with 8 or 4 bytes, or NULL with 0) on branches that
     * meet before the call: the verifier must keep the arms apart in each unrolled round.
     */
    STACK_OR_NULL_ROUNDS("stack or null in rounds"),
    /**
     * An extension-header walk of 2 to 4 rounds: each round reads the previous header (checked a
     * round earlier), checks the current one against {@code data_end}, reads its length byte and
     * moves on by a variable step, keeping the current header as the previous.
     */
    HEADER_WALK("header walk"),
    /** A flag set after a packet bounds check and tested later, before the access the check covers. */
    PACKET_FLAG("packet flag"),
    /**
     * Two packet pointers at different offsets meeting at a join: each checked on its own side with
     * its own length, or checked together after the join.
     */
    PACKET_MERGE("packet merge");

    private final String label;

    Shape(String label) {
        this.label = label;
    }

    /** A short name for reports. */
    public String label() {
        return label;
    }

    /** The flaws a flawed instance of this shape carries, one of them each time. */
    public Set<Hazard> flaws() {
        return switch (this) {
            case STACK_OR_NULL -> EnumSet.of(Hazard.NULL_OR_STACK_SIZED, Hazard.NULL_OR_STACK_UNCHECKED,
                    Hazard.NULL_OR_STACK_CHECK_INVERTED);
            case STACK_OR_NULL_ROUNDS -> EnumSet.of(Hazard.NULL_OR_STACK_SIZED);
            case HEADER_WALK -> EnumSet.of(Hazard.HEADER_WALK_CHECK_OFF_BY_ONE, Hazard.HEADER_WALK_CHECK_SKIPPED,
                    Hazard.HEADER_WALK_PREVIOUS_PAST_CHECK);
            case PACKET_FLAG -> EnumSet.of(Hazard.PACKET_FLAG_INVERTED, Hazard.PACKET_FLAG_CHECK_SHORT);
            case PACKET_MERGE -> EnumSet.of(Hazard.PACKET_MERGE_RANGE_SHORT);
        };
    }
}
