package dev.warden.runtime.fuzz.eim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random EIM cases: a policy ({@link RandomEimPolicy}) and a program over it
 * ({@link RandomEimProgram}), from one seed. About one program in six carries a planted flaw
 * (0.08 per piece, 1 to {@code pieces} pieces).
 *
 * @param pieces the most top-level pieces per program (each a few instructions)
 * @param flawRate the chance that a piece carries a planted flaw
 */
public record EimCaseGenerator(int pieces, double flawRate) {
    public EimCaseGenerator {
        if (pieces < 1) {
            throw new IllegalArgumentException("pieces must be at least 1");
        }
    }

    /** Up to 6 pieces, each flawed with chance 0.08. */
    public static EimCaseGenerator defaults() {
        return new EimCaseGenerator(6, 0.08);
    }

    /** The case of {@code seed}. */
    public EimCase generate(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        RandomEimPolicy policy = RandomEimPolicy.draw(rnd);
        RandomEimProgram.Written program = RandomEimProgram.write(policy, rnd, 1 + rnd.nextInt(pieces), flawRate);
        Map<String, String> grants = new LinkedHashMap<>();
        grants.put(policy.argument().name, grants(policy.argument()));
        policy.variable().ifPresent(v -> grants.put(v.name, grants(v)));
        return new EimCase(seed, policy.text(), program.asm(), program.planted(), grants);
    }

    private static String grants(HostShape s) {
        return EimCase.describeGrants(s.runs(HostShape.READ), s.runs(HostShape.WRITE));
    }
}
