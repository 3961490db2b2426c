package dev.warden.verifier;

import dev.warden.eim.Bound;
import dev.warden.eim.LimitKind;
import dev.warden.isa.Program;
import dev.warden.verifier.check.Collector;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.InstructionBound;
import dev.warden.verifier.state.AbstractState;
import java.util.OptionalLong;

/**
 * The limits of an EIM class, checked after the analysis. {@code stack <= S}: the stack bytes the
 * program can touch (the deepest access of each frame depth, added up). {@code instructions < N}:
 * for a loop-free program, the longest path (local calls included); for a program with loops, each
 * loop's iteration bound must stay under N (the termination proof's per-loop check; a total over
 * all loops and paths is not proved yet). With {@code --termination runtime} the runtime's budget
 * enforces N instead. {@code memory < M} bounds the extension's own heap, which the runtime
 * allocates; the verifier has nothing to check of it.
 */
final class EimLimits {
    private EimLimits() {}

    /** The per-loop iteration limit under the class's instruction limit. */
    static long loopLimit(EimPlatform eim, long max) {
        return eim.limits().instructions() instanceof Bound.Finite f ? Math.max(1, Math.min(max, f.exclusive() - 1)) : max;
    }

    static void check(EimPlatform eim, Program code, Collector sink, Termination termination) {
        if (eim.limits().stack() instanceof Bound.Finite f) {
            Collector.StackUse use = sink.stackUse();
            if (use.bytes() >= f.exclusive()) {
                sink.violation(Math.max(0, use.pc()), ObligationKind.LIMIT, "the extension may use " + use.bytes()
                        + " bytes of stack; " + eim.limitWords(LimitKind.STACK).orElseThrow(), AbstractState.BOTTOM);
            }
        }
        if (eim.limits().instructions() instanceof Bound.Finite f && termination == Termination.PROOF) {
            OptionalLong longest = InstructionBound.longestPath(code);
            if (longest.isPresent() && longest.getAsLong() >= f.exclusive()) {
                sink.violation(0, ObligationKind.LIMIT, "an execution may run " + longest.getAsLong()
                        + " instructions (the longest path); " + eim.limitWords(LimitKind.INSTRUCTIONS).orElseThrow(),
                        AbstractState.BOTTOM);
            }
        }
    }
}
