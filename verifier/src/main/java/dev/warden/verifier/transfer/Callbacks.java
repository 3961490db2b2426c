package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.isa.elf.BpfMap;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.JoinSite;
import dev.warden.verifier.state.Lattice;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Optional;

/**
 * Helpers that call a function of the program back ({@code bpf_for_each_map_elem},
 * {@code bpf_loop}): the callback is analysed as a local call with the arguments the kernel gives
 * it, any number of times (0..N): the caller's state after the helper is the least state that
 * contains the state before it and is closed under one more run of the callback (the callback can
 * change the caller's stack through its context pointer). The callback must return 0 or 1, as the
 * kernel requires. A timer's callback ({@code bpf_timer_set_callback}) is analysed the same way
 * (it must return 0). Other callback helpers ({@code bpf_find_vma}, user ring buffers) are not
 * followed and reported.
 */
final class Callbacks {
    private Callbacks() {}

    static final int FOR_EACH_MAP_ELEM = 164;
    static final int LOOP = 181;
    static final int TIMER_SET_CALLBACK = 170;
    /** The kernel's BPF_MAX_LOOPS: bpf_loop runs its callback at most this many times. */
    static final long MAX_LOOPS = 1L << 23;
    /**
     * Rounds joined plainly before widening, and the most rounds before giving up. Widening climbs
     * the intervals through the thresholds, but a tnum only joins, losing as little as one known
     * bit a round (a counter the callback increments on the caller's stack: 64 rounds), so the
     * limit leaves room for all 64 bits.
     */
    private static final int WIDEN_AFTER = 2;
    private static final int MAX_ROUNDS = 80;

    static boolean followed(int helper) {
        return helper == FOR_EACH_MAP_ELEM || helper == LOOP || helper == TIMER_SET_CALLBACK;
    }

    /**
     * The caller's state after helper {@code helper} at {@code pc} has run the callback at
     * {@code target} any number of times, starting from {@code s} (the arguments checked, registers
     * as before the call: the caller clobbers r0..r5 afterwards).
     */
    static AbstractState run(Env env, Callees callees, AbstractState s, int pc, int helper, int target, int mapIndex,
                             Sink sink) {
        Value[] args;
        if (helper == TIMER_SET_CALLBACK) {
            // A timer callback runs later, on its own (softirq) stack, with the map, a key and the
            // value holding the timer (the kernel's set_timer_callback_state). Analysing it here, on
            // top of the caller's state and joined back into it, over-approximates that: it cannot
            // reach the caller's stack (no argument points there), and the join only adds states.
            Optional<BpfMap> m = env.map(mapIndex);
            if (m.isEmpty()) {
                return s;   // the timer argument was already reported
            }
            args = new Value[] {
                    Value.Ptr.of(PtrKind.MAP, mapIndex, 0),
                    Value.Ptr.of(PtrKind.MEM, (int) Math.min(m.get().keySize(), Integer.MAX_VALUE), 0),
                    Value.Ptr.of(PtrKind.MAP_VALUE, mapIndex, 0),
                    Value.UNINIT,
                    Value.UNINIT};
        } else if (helper == FOR_EACH_MAP_ELEM) {
            Optional<BpfMap> m = env.map(mapIndex);
            if (m.isEmpty()) {
                return s;   // the map argument was already reported
            }
            args = new Value[] {
                    Value.Ptr.of(PtrKind.MAP, mapIndex, 0),
                    // The key is read-only memory of the key's size (ref 0: not writable).
                    Value.Ptr.of(PtrKind.MEM, (int) Math.min(m.get().keySize(), Integer.MAX_VALUE), 0),
                    Value.Ptr.of(PtrKind.MAP_VALUE, mapIndex, 0),
                    s.reg(3),
                    Value.UNINIT};
        } else {
            args = new Value[] {Value.Num.of(Scalar.unsignedRange(0, loopIndexMax(s.reg(1)))), s.reg(3), Value.UNINIT,
                    Value.UNINIT, Value.UNINIT};
        }
        AbstractState acc = s;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            AbstractState in = acc;
            for (int r = 1; r <= 5; r++) {
                in = in.withReg(r, args[r - 1]);
            }
            AbstractState after = callees.call(pc, target, in, sink);
            if (after.isBottom()) {
                return acc;
            }
            Value r0 = after.reg(0);
            long maxReturn = helper == TIMER_SET_CALLBACK ? 0 : 1;
            if (!(r0 instanceof Value.Num n) || Long.compareUnsigned(n.scalar().u64().hi(), maxReturn) > 0) {
                sink.violation(pc, new Obligation.ReturnRange(0, maxReturn), "the callback at pc " + target + " of "
                        + env.helperName(helper) + " must return " + (maxReturn == 0 ? "0" : "0 or 1") + ", but R0 may be " + r0, after);
            }
            // Only what the callback can reach changes: the caller's registers are those before the call.
            for (int r = 0; r <= 5; r++) {
                after = after.withReg(r, acc.reg(r));
            }
            AbstractState next = acc.join(after, round >= WIDEN_AFTER ? Lattice.Mode.WIDEN : Lattice.Mode.JOIN,
                    env.thresholds(), JoinSite.NONE);
            if (next.equals(acc)) {
                return acc;
            }
            acc = next;
        }
        sink.violation(pc, new Obligation.HelperArgument(env.helperName(helper), 2, "a callback whose effect on the caller stabilises"), "the effect of the callback at pc " + target + " of "
                + env.helperName(helper) + " on the caller did not stabilise", acc);
        return acc;
    }

    /** The largest index bpf_loop passes: nr_loops (a u32) minus one, at most BPF_MAX_LOOPS - 1. */
    private static long loopIndexMax(Value nrLoops) {
        long n = MAX_LOOPS;
        if (nrLoops instanceof Value.Num num && Long.compareUnsigned(num.scalar().u64().hi(), 0xffffffffL) <= 0) {
            n = Math.min(n, num.scalar().u64().hi());
        }
        return Math.max(0, n - 1);
    }
}
