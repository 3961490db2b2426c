package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Map semantics against the kernel's check_map_func_compatibility and mark_ptr_or_null_reg. */
class MapTypesTest {
    private static final Platform LINUX = Platform.linux();
    private static final int HASH = 1, ARRAY = 2, PROG_ARRAY = 3, PERF_EVENT_ARRAY = 4, ARRAY_OF_MAPS = 12, DEVMAP = 14,
            SOCKMAP = 15, XSKMAP = 17, QUEUE = 22, RINGBUF = 27, BLOOM_FILTER = 30;
    private static final int MAP_LOOKUP = 1, MAP_UPDATE = 2, TAIL_CALL = 12, PERF_EVENT_OUTPUT = 25, REDIRECT_MAP = 51,
            MAP_POP = 88, MAP_PEEK = 89, RINGBUF_OUTPUT = 130, RINGBUF_RESERVE = 131;

    @Test
    void everyMapTypeUpToArenaIsKnown() {
        for (int id = 1; id <= 33; id++) {
            assertTrue(LINUX.mapType(id).isPresent(), "map type " + id);
        }
        assertEquals("ringbuf", LINUX.mapType(RINGBUF).orElseThrow().name());
        assertFalse(LINUX.mapType(0).isPresent());
    }

    @Test
    void hashAndArrayMapsTakeTheGenericHelpersAndLookUpValues() {
        for (int map : List.of(HASH, ARRAY)) {
            // Every index of an array exists: a constant in-range key finds a value (HelperCall, ConstantKey).
            assertEquals(map == ARRAY ? MapLookup.INDEXED_VALUE : MapLookup.VALUE, LINUX.mapType(map).orElseThrow().lookup());
            assertTrue(LINUX.mapAllowsHelper(map, MAP_LOOKUP));
            assertTrue(LINUX.mapAllowsHelper(map, MAP_UPDATE));
        }
    }

    @Test
    void tailCallsTakeOnlyProgramArraysWhichTakeNothingElse() {
        assertTrue(LINUX.mapAllowsHelper(PROG_ARRAY, TAIL_CALL));
        assertFalse(LINUX.mapAllowsHelper(HASH, TAIL_CALL), "the helper restricts the map type");
        assertFalse(LINUX.mapAllowsHelper(PROG_ARRAY, MAP_LOOKUP), "the map type restricts the helper");
        assertEquals(MapLookup.NONE, LINUX.mapType(PROG_ARRAY).orElseThrow().lookup());
    }

    @Test
    void ringBuffersAndPerfBuffersAreWrittenOnlyThroughTheirHelpers() {
        assertTrue(LINUX.mapAllowsHelper(RINGBUF, RINGBUF_OUTPUT));
        assertTrue(LINUX.mapAllowsHelper(RINGBUF, RINGBUF_RESERVE));
        assertFalse(LINUX.mapAllowsHelper(RINGBUF, MAP_LOOKUP));
        assertFalse(LINUX.mapAllowsHelper(HASH, RINGBUF_RESERVE));
        assertTrue(LINUX.mapAllowsHelper(PERF_EVENT_ARRAY, PERF_EVENT_OUTPUT));
        assertFalse(LINUX.mapAllowsHelper(RINGBUF, PERF_EVENT_OUTPUT));
    }

    @Test
    void specialLookupsGiveInnerMapsSocketsAndReadOnlyDevices() {
        assertEquals(MapLookup.INNER_MAP, LINUX.mapType(ARRAY_OF_MAPS).orElseThrow().lookup());
        assertFalse(LINUX.mapAllowsHelper(ARRAY_OF_MAPS, MAP_UPDATE));
        assertEquals(MapLookup.SOCKET, LINUX.mapType(SOCKMAP).orElseThrow().lookup());
        assertEquals(MapLookup.XDP_SOCK, LINUX.mapType(XSKMAP).orElseThrow().lookup());
        assertEquals(MapLookup.READONLY_VALUE, LINUX.mapType(DEVMAP).orElseThrow().lookup());
        assertTrue(LINUX.mapAllowsHelper(DEVMAP, REDIRECT_MAP));
        assertFalse(LINUX.mapAllowsHelper(ARRAY, REDIRECT_MAP));
    }

    @Test
    void queuesPopAndBloomFiltersOnlyPeekAndPush() {
        assertTrue(LINUX.mapAllowsHelper(QUEUE, MAP_POP));
        assertTrue(LINUX.mapAllowsHelper(BLOOM_FILTER, MAP_PEEK));
        assertFalse(LINUX.mapAllowsHelper(BLOOM_FILTER, MAP_POP));
        assertFalse(LINUX.mapAllowsHelper(HASH, MAP_PEEK));
    }

    @Test
    void anUnknownMapTypeAcceptsNoHelper() {
        assertFalse(LINUX.mapAllowsHelper(999, MAP_LOOKUP));
    }

    @Test
    void aMisspeltHelperIsReportedWithItsLine() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> MapTypeTable.parse("m.txt",
                List.of("# c", "map 3 prog_array NONE tail_cal"), LINUX.helpers(), LINUX.types()));
        assertEquals("m.txt:2: helper tail_cal is not in the helper table", e.getMessage());
    }

    @Test
    void aRestrictionNamingAnUndefinedMapTypeIsReported() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> MapTypeTable.parse("m.txt",
                List.of("needs tail_call prog_array"), LINUX.helpers(), LINUX.types()));
        assertEquals("m.txt:1: map type prog_array is not defined above", e.getMessage());
    }
}
