package dev.warden.verifier;

import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Spill;
import dev.warden.verifier.state.Value;
import java.util.List;

/**
 * What the proof established about every execution that reaches one instruction, before it runs.
 *
 * @param pc the instruction
 * @param registers r0..r10 of the innermost frame (the function the pc belongs to), joined over
 *     every calling context that reaches the pc; a stack pointer names its frame by depth, so one
 *     that differs between contexts is an unknown value here
 * @param spills the values spilled in that frame's stack, by start byte (0 is r10-512), kept where
 *     every context has the same spill there
 * @param states with {@link InvariantDetail#FULL_STATES}, each distinct full abstract state (one per
 *     calling context); empty otherwise
 */
public record PcInvariant(int pc, List<Value> registers, List<Spill> spills, List<AbstractState> states) {
    public PcInvariant {
        registers = List.copyOf(registers);
        spills = List.copyOf(spills);
        states = List.copyOf(states);
    }

    /** Register {@code r} (0..10). */
    public Value register(int r) {
        return registers.get(r);
    }
}
