package dev.warden.runtime.fuzz;

import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.PointerProgramGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Issue 9's second opinion: the same random programs through two verifiers (Warden and the Linux
 * kernel), the four-way table of their verdicts, and every program either accepts run by the
 * {@link SoundnessFuzzer}'s execution check. A program only the first accepts must run fault-free
 * (else the first is unsound); a program only the second accepts is a precision gap of the first.
 */
public record VerdictComparison(Judge first, Judge second, PointerProgramGenerator generator, int runsPerProgram) {
    private static final int KEEP = 20;

    public FourWayTable run(long seed, long programs) {
        long both = 0;
        long onlyFirst = 0;
        long onlySecond = 0;
        long neither = 0;
        long errors = 0;
        List<String> faulted = new ArrayList<>();
        List<Long> secondSeeds = new ArrayList<>();
        List<Long> firstSeeds = new ArrayList<>();
        SoundnessFuzzer executor = new SoundnessFuzzer((o, p) -> Judge.Verdict.ACCEPTED, generator, runsPerProgram, 1);
        for (long i = 0; i < programs; i++) {
            GeneratedObject g = generator.generate(seed + i);
            Judge.Verdict a;
            Judge.Verdict b;
            try {
                a = first.judge(g.object(), g.program());
                b = second.judge(g.object(), g.program());
            } catch (RuntimeException e) {
                errors++;
                continue;
            }
            boolean fa = a == Judge.Verdict.ACCEPTED;
            boolean fb = b == Judge.Verdict.ACCEPTED;
            if (fa && fb) {
                both++;
            } else if (fa) {
                onlyFirst++;
                if (firstSeeds.size() < KEEP) {
                    firstSeeds.add(g.seed());
                }
            } else if (fb) {
                onlySecond++;
                if (secondSeeds.size() < KEEP) {
                    secondSeeds.add(g.seed());
                }
            } else {
                neither++;
            }
            if (fa || fb) {
                Optional<UnsoundAccept> u = executor.check(g);
                String who = fa && fb ? "both" : fa ? "only the first" : "only the second";
                u.ifPresent(x -> faulted.add("accepted by " + who + ": " + x.describe()));
            }
        }
        return new FourWayTable(both, onlyFirst, onlySecond, neither, errors, faulted, secondSeeds, firstSeeds);
    }
}
