package dev.warden.isa.elf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Coverage-guided fuzzing of the reader: raw bytes, and real objects damaged by
 * {@link ObjectMutator}. Only an object or an {@link ElfFormatException} with located errors may
 * come out. {@code mvn verify} replays the saved inputs; {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl isa test
 * -Dtest=ElfReaderFuzzTest} fuzzes.
 */
class ElfReaderFuzzTest {
    private static final List<byte[]> OBJECTS = TestObjects.ALL.stream().map(TestObjects::object).toList();
    private static final List<List<long[]>> REGIONS = OBJECTS.stream().map(ObjectMutator::regions).toList();

    @FuzzTest
    void readsOrRejects(FuzzedDataProvider data) {
        byte[] input;
        if (data.consumeBoolean()) {
            int which = data.consumeInt(0, OBJECTS.size() - 1);
            input = ObjectMutator.mutate(OBJECTS.get(which), REGIONS.get(which), data::consumeInt);
        } else {
            input = data.consumeRemainingAsBytes();
        }
        ObjectMutator.readsOrRejectsWithLocatedErrors(input);
    }
}
