package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.runtime.linux.MapEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The comparison rules of {@link ObjectDifferential}, without a kernel: keyed maps by key, arrays
 * with absent indexes as zero, per-CPU values on CPU 0 and the seed elsewhere, sequences in order,
 * and the parts two kernel runs disagree on left out and named ({@link StableParts}).
 */
class MapComparisonLocatesDifferencesTest {
    static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] TWO = {2, 0, 0, 0, 0, 0, 0, 0};
    static final byte[] ZERO = new byte[8];

    static List<RunComparison.Difference> compare(MapSnapshot linux, MapSnapshot warden, MapSeed seed, Set<String> ignored) {
        List<RunComparison.Difference> diffs = new ArrayList<>();
        MapComparison.compare("p", "interp", linux, warden, seed, ignored, diffs);
        return diffs;
    }

    static MapSnapshot keyed(MapSnapshot.Shape shape, Map<String, List<byte[]>> elements) {
        return new MapSnapshot("m", shape, elements, List.of());
    }

    @Test
    void aKeyOnOneSideOnlyIsLocated() {
        var d = compare(keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(ONE))),
                keyed(MapSnapshot.Shape.KEYED, Map.of()), MapSeed.NONE, Set.of());
        assertEquals(1, d.size());
        assertEquals("map m key 01000000", d.get(0).where());
        assertEquals("absent", d.get(0).warden());
    }

    @Test
    void anArrayIndexNotListedIsZero() {
        assertTrue(compare(keyed(MapSnapshot.Shape.ARRAY, Map.of("00000000", List.of(ZERO))),
                keyed(MapSnapshot.Shape.ARRAY, Map.of()), MapSeed.NONE, Set.of()).isEmpty());
        assertEquals(1, compare(keyed(MapSnapshot.Shape.ARRAY, Map.of("00000000", List.of(ONE))),
                keyed(MapSnapshot.Shape.ARRAY, Map.of()), MapSeed.NONE, Set.of()).size());
    }

    @Test
    void perCpuValuesCompareOnCpuZeroAndTheOtherCpusHoldTheSeed() {
        MapSeed seed = MapSeed.NONE.withElements("m", List.of(new MapEntry(new byte[] {1, 0, 0, 0}, ONE)));
        var agree = compare(keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(TWO, ONE, ONE))),
                keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(TWO))), seed, Set.of());
        assertTrue(agree.isEmpty(), agree.toString());
        var cpu2 = compare(keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(TWO, ONE, TWO))),
                keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(TWO))), seed, Set.of());
        assertEquals("map m key 01000000 cpu 2", cpu2.get(0).where());
    }

    @Test
    void sequencesCompareInOrderAndStopAtTheFirstDifference() {
        var d = compare(new MapSnapshot("q", MapSnapshot.Shape.SEQUENCE, Map.of(), List.of(ONE, TWO)),
                new MapSnapshot("q", MapSnapshot.Shape.SEQUENCE, Map.of(), List.of(TWO, ONE)), MapSeed.NONE, Set.of());
        assertEquals(1, d.size());
        assertEquals("map q element 0 (of 2 in Linux, 2 in Warden)", d.get(0).where());
    }

    @Test
    void whatTwoKernelRunsDisagreeOnIsLeftOutAndNamed() {
        MapSnapshot a = keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(ONE), "02000000", List.of(ONE)));
        MapSnapshot b = keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(TWO), "02000000", List.of(ONE)));
        StableParts s = StableParts.between(7, 7, new byte[] {1}, new byte[] {2}, List.of(a), List.of(b), "bpf_ktime_get_ns (5)");
        assertTrue(s.r0());
        assertTrue(!s.packet());
        assertEquals(Set.of("01000000"), s.unstableKeys().get("m"));
        assertEquals(2, s.notes().size());
        assertTrue(s.notes().get(1).startsWith("map m keys 01000000 (differs between two kernel runs"), s.notes().toString());
        MapSnapshot warden = keyed(MapSnapshot.Shape.KEYED, Map.of("01000000", List.of(ZERO), "02000000", List.of(ONE)));
        assertTrue(compare(a, warden, MapSeed.NONE, s.unstableKeys().get("m")).isEmpty());
        assertEquals(1, compare(a, warden, MapSeed.NONE, Set.of()).size());
    }
}
