package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.random.Feature;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.isa.random.RandomProgramGenerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator's promise, checked against the real verifier: its programs load. A rejection
 * here is a generator bug (or a verifier limit it must learn), so none is tolerated.
 */
class KernelAcceptsGeneratedProgramsTest {

    @BeforeAll
    static void requireKernel() {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
    }

    @Test
    void everyGeneratedProgramLoadsAndRuns() {
        GeneratorOptions all = GeneratorOptions.defaults().with(Feature.LOCAL_CALLS);
        GeneratorOptions o = KernelOracle.supportsCpuV4() ? all : all.withoutCpuV4();
        // Bigger, deeper programs than the differential test's, to push the verifier harder.
        o = new GeneratorOptions(o.features(), 200, 16, 8, 4);
        RandomProgramGenerator gen = new RandomProgramGenerator(o);
        List<String> problems = new ArrayList<>();
        try (OracleLock lock = OracleLock.acquire()) {
            loadAll(gen, problems);
        }
        assertEquals(List.of(), problems);
    }

    private static void loadAll(RandomProgramGenerator gen, List<String> problems) {
        for (long seed = 0; seed < 300; seed++) {
            switch (KernelExecutor.run(gen.generate(seed))) {
                case KernelExecutor.Outcome.Ran r -> { }
                case KernelExecutor.Outcome.Rejected r -> problems.add("seed " + seed + " rejected: " + r.rejection().reason());
                case KernelExecutor.Outcome.Failed f -> problems.add("seed " + seed + " failed: " + f.error());
            }
        }
    }
}
