package dev.warden.verifier.transfer;

import dev.warden.eim.AccessOp;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.LengthSymbol;
import dev.warden.verifier.eim.SliceGrant;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.LengthFact;
import dev.warden.verifier.state.Value;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * Accesses to a run-time slice ({@link SliceGrant}): an access of {@code size} bytes at a host
 * pointer's offset {@code x + off} is inside the slice's bytes {@code [start, offset + es *
 * min(L, capacity))} in every run when {@code x >= start - off} and, for every value of {@code L}
 * the state allows, {@code x + off + size <= offset + es * L} (and {@code <= offset + es *
 * capacity} for an array). With a fact {@code x <= k * L + c} the second is linear in {@code L},
 * so it holds for all of {@code [least, most]} when it holds at both ends; a pointer at a bounded
 * offset without a fact is inside when it is inside the slice's shortest length.
 */
final class SliceAccess {
    private SliceAccess() {}

    /** The slice of {@code op} that holds the access in every run, if one does. */
    static Optional<SliceGrant> holding(EimPlatform eim, AbstractState s, Value.Ptr p, int off, int size, AccessOp op) {
        for (SliceGrant g : eim.slices(p.region())) {
            if (g.op() == op && inside(eim, s, p, off, size, g)) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    private static boolean inside(EimPlatform eim, AbstractState s, Value.Ptr p, int off, int size, SliceGrant g) {
        Optional<LengthSymbol> sym = eim.lengthSymbol(g.symbol());
        if (sym.isEmpty()) {
            return false;
        }
        long least = Math.max(sym.get().least(), s.leastLength(g.symbol()));
        BigInteger most = sym.get().most();
        LengthFact f = p.fact();
        BigInteger extra = BigInteger.valueOf(off).add(BigInteger.valueOf(size));
        if (f.present() && f.sym() == g.symbol()) {
            least = Math.max(least, f.least());
            if (BigInteger.valueOf(f.lo()).add(BigInteger.valueOf(off)).compareTo(BigInteger.valueOf(g.start())) < 0) {
                return false;
            }
            BigInteger es = BigInteger.valueOf(g.elementSize());
            BigInteger k = BigInteger.valueOf(f.k());
            BigInteger fixed = BigInteger.valueOf(f.c()).add(extra).subtract(BigInteger.valueOf(g.offset()));
            // (k - es) * L + fixed <= 0 at both ends of [least, most].
            for (BigInteger l : List.of(BigInteger.valueOf(least), most)) {
                if (k.subtract(es).multiply(l).add(fixed).signum() > 0) {
                    return false;
                }
            }
            if (g.capacity().isEmpty() || most.compareTo(BigInteger.valueOf(g.capacity().getAsLong())) <= 0) {
                return true;
            }
            // A slice of an array ends at the array's end, whatever L is.
            BigInteger arrayEnd = BigInteger.valueOf(g.offset()).add(es.multiply(BigInteger.valueOf(g.capacity().getAsLong())));
            if (k.multiply(most).add(BigInteger.valueOf(f.c())).add(extra).compareTo(arrayEnd) <= 0) {
                return true;
            }
            return Sizes.bounded(p.off()) && BigInteger.valueOf(p.off().s64().hi()).add(extra).compareTo(arrayEnd) <= 0;
        }
        if (!Sizes.bounded(p.off())) {
            return false;
        }
        long lo = p.off().s64().lo() + off;
        long hi = p.off().s64().hi() + off + size;
        return lo >= g.start() && hi <= g.end(least);
    }

    /** How a fact reads in the policy's words: {@code len - 1}, {@code 4*r->n + 8}. */
    static String words(LengthFact f, String name, long plus) {
        long c = f.c() + plus;
        return (f.k() == 1 ? "" : f.k() + "*") + name + (c == 0 ? "" : c > 0 ? " + " + c : " - " + -c);
    }
}
