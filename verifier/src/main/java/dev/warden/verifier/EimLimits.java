package dev.warden.verifier;

import dev.warden.eim.Bound;
import dev.warden.eim.LimitKind;
import dev.warden.isa.Program;
import dev.warden.verifier.check.Collector;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.state.AbstractState;

/**
 * The limits of an EIM class, checked after the analysis. {@code stack <= S}: the stack bytes the
 * program can touch (the deepest access of each frame depth, added up). {@code instructions < N} is
 * checked by the engine's termination proof: each loop's iteration bound, then the bound on the
 * instructions of any run (loop bounds times their bodies, along the longest path, calls included);
 * with {@code --termination runtime} the runtime's budget enforces N instead. {@code memory < M} gives
 * the extension its own heap (KFlex), of the largest power of two below M bytes ({@link #heap}):
 * the verifier then models heap pointers and lets the runtime's guard confine what it cannot prove.
 */
final class EimLimits {
    private EimLimits() {}

    /**
     * The heap a class's {@code memory < M} gives: the largest power of two below M (the guard's
     * mask needs a power of two), when that is at least 16 bytes.
     */
    static java.util.OptionalLong heap(EimPlatform eim) {
        if (eim.limits().memory() instanceof Bound.Finite f && f.exclusive() > 16) {
            return java.util.OptionalLong.of(Long.highestOneBit(f.exclusive() - 1));
        }
        return java.util.OptionalLong.empty();
    }

    /** The per-loop iteration limit under the class's instruction limit. */
    static long loopLimit(EimPlatform eim, long max) {
        return eim.limits().instructions() instanceof Bound.Finite f ? Math.max(1, Math.min(max, f.exclusive() - 1)) : max;
    }

    static void check(EimPlatform eim, Program code, Collector sink, Termination termination) {
        if (eim.limits().stack() instanceof Bound.Finite f) {
            Collector.StackUse use = sink.stackUse();
            if (use.bytes() >= f.exclusive()) {
                sink.violation(Math.max(0, use.pc()), new Obligation.Limit("stack bytes", use.bytes(), f.exclusive() - 1), "the extension may use " + use.bytes()
                        + " bytes of stack; " + eim.limitWords(LimitKind.STACK).orElseThrow(), AbstractState.BOTTOM);
            }
        }
    }
}
