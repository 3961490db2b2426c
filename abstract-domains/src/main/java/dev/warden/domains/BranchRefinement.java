package dev.warden.domains;

import dev.warden.isa.Width;

/**
 * The outcome of {@code if dst COND src goto}: whether the branch is taken, and what each edge
 * knows about both operands (synchronised; bottom on an edge that cannot be reached).
 */
public record BranchRefinement(Verdict verdict, Scalar takenDst, Scalar takenSrc, Scalar fallDst, Scalar fallSrc) {

    private static final LongBitVectors BV = LongBitVectors.of(64);

    /** Refines {@code dst} and {@code src} (use {@link Scalar#constant} for an immediate). */
    public static BranchRefinement of(Cond cond, Width width, Scalar dst, Scalar src) {
        Scalar td;
        Scalar ts;
        Scalar fd;
        Scalar fs;
        if (Scalar.IMPLEMENTATION == Scalar.Implementation.FAST) {
            FastBranches.Edges e = FastBranches.refine(cond, width, FastScalars.of(dst), FastScalars.of(src));
            td = FastScalars.scalar(FastScalars.sync(e.takenDst()));
            ts = FastScalars.scalar(FastScalars.sync(e.takenSrc()));
            fd = FastScalars.scalar(FastScalars.sync(e.fallDst()));
            fs = FastScalars.scalar(FastScalars.sync(e.fallSrc()));
        } else {
            Branches.Edges<Long> e = Branches.refine(BV, cond, width, dst.generic(), src.generic());
            td = Scalar.of(e.takenDst()).sync();
            ts = Scalar.of(e.takenSrc()).sync();
            fd = Scalar.of(e.fallDst()).sync();
            fs = Scalar.of(e.fallSrc()).sync();
        }
        boolean takenImpossible = td.isBottom() || ts.isBottom();
        boolean fallImpossible = fd.isBottom() || fs.isBottom();
        Verdict v = takenImpossible ? Verdict.NEVER : fallImpossible ? Verdict.ALWAYS : Verdict.MAYBE;
        if (takenImpossible) {
            td = Scalar.bottom();
            ts = Scalar.bottom();
        }
        if (fallImpossible) {
            fd = Scalar.bottom();
            fs = Scalar.bottom();
        }
        return new BranchRefinement(v, td, ts, fd, fs);
    }
}
