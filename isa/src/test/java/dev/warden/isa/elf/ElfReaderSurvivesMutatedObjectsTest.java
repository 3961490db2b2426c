package dev.warden.isa.elf;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random damage to every test object (see {@link ObjectMutator}): an object or located errors, nothing else. */
class ElfReaderSurvivesMutatedObjectsTest {
    @Test
    void damagedObjectsReadOrGiveLocatedErrors() {
        List<byte[]> objects = TestObjects.ALL.stream().map(TestObjects::object).toList();
        List<List<long[]>> regions = objects.stream().map(ObjectMutator::regions).toList();
        qt().withExamples(5000).forAll(integers().between(0, objects.size() - 1), longs().all()).checkAssert((which, seed) -> {
            Random r = new Random(seed);
            byte[] damaged = ObjectMutator.mutate(objects.get(which), regions.get(which), (lo, hi) -> lo + r.nextInt(hi - lo + 1));
            ObjectMutator.readsOrRejectsWithLocatedErrors(damaged);
        });
    }
}
