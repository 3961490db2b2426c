package dev.warden.bench;

import dev.warden.domains.BranchRefinement;
import dev.warden.domains.Cond;
import dev.warden.domains.Scalar;
import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one operation of the scalar domain (what the verifier performs millions of times):
 * an ALU operation with its synchronisation, a join, and a branch refinement, on a fixed pool of
 * synchronised values. Run it as is for the long specialisation and with
 * {@code -jvmArgsAppend -Dwarden.domains=generic} for the generic, boxed code.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScalarBench {

    private static final int POOL = 1024;
    private final Scalar[] values = new Scalar[POOL];
    private int i;

    @Setup
    public void values() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int k = 0; k < POOL; k++) {
            long lo = rng.nextInt(1 << 16);
            values[k] = switch (k % 4) {
                case 0 -> Scalar.constant(rng.nextLong(256));
                case 1 -> Scalar.unsignedRange(lo, lo + rng.nextInt(1 << 12));
                case 2 -> Scalar.signedRange(-lo, lo);
                default -> Scalar.top();
            };
        }
    }

    private Scalar next() {
        i = (i + 1) & (POOL - 1);
        return values[i];
    }

    @Benchmark
    public Scalar add64() {
        return next().alu(AluOp.ADD, Width.W64, next());
    }

    @Benchmark
    public Scalar and32() {
        return next().alu(AluOp.AND, Width.W32, next());
    }

    @Benchmark
    public Scalar join() {
        return next().join(next());
    }

    @Benchmark
    public BranchRefinement branchLt64() {
        return BranchRefinement.of(Cond.LT, Width.W64, next(), next());
    }
}
