package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The helper table as a whole, and the reader's behaviour on bad rows. */
class HelperTableTest {
    @Test
    void everyRowOfTheLinuxTableParses() {
        List<String> lines = LinuxPlatform.lines(LinuxPlatform.HELPERS);
        List<HelperPrototype> helpers = HelperTable.parse(LinuxPlatform.HELPERS, lines);
        long rows = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        assertEquals(rows, helpers.size());
    }

    @Test
    void idsRunFromOneTo211WithoutGapsAndNamesAreUnique() {
        List<HelperPrototype> helpers = Platform.linux().helpers();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < helpers.size(); i++) {
            assertEquals(i + 1, helpers.get(i).id());
            assertTrue(names.add(helpers.get(i).name()), "duplicate " + helpers.get(i).name());
        }
        assertEquals(211, helpers.size());
        assertEquals("cgrp_storage_delete", helpers.get(210).name());
    }

    @Test
    void memoryArgumentsAreFollowedByASizeUnlessTheirSizeIsFixed() {
        Set<ArgKind> sized = Set.of(ArgKind.PTR_TO_MEM, ArgKind.PTR_TO_MEM_OR_NULL, ArgKind.PTR_TO_UNINIT_MEM,
                ArgKind.PTR_TO_WRITABLE_MEM, ArgKind.PTR_TO_WRITABLE_MEM_OR_NULL);
        Set<ArgKind> sizes = Set.of(ArgKind.CONST_SIZE, ArgKind.CONST_SIZE_OR_ZERO);
        for (HelperPrototype h : Platform.linux().helpers()) {
            for (int i = 0; i < h.args().size(); i++) {
                ArgKind a = h.args().get(i);
                if (sized.contains(a) && h.fixedSize(i).isEmpty()) {
                    assertTrue(i + 1 < h.args().size() && sizes.contains(h.args().get(i + 1)),
                            h.name() + " argument " + i + " (" + a + ") has no size after it");
                }
                if (sizes.contains(a)) {
                    assertTrue(i > 0 && sized.contains(h.args().get(i - 1)) && h.fixedSize(i - 1).isEmpty(),
                            h.name() + " argument " + i + " is a size without memory before it");
                }
            }
        }
    }

    @Test
    void aBadRowIsReportedWithItsFileAndLine() {
        List<String> lines = List.of("# header", "1\tmap_lookup_elem\tMAP_VALUE_OR_NULL\t-\tCONST_MAP_PTR,PTR_TO_KEY\t-\t-\t");
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> HelperTable.parse("h.tsv", lines));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith("h.tsv:2: argument kind: 'PTR_TO_KEY'"), e.getMessage());
    }

    @Test
    void aRowWithMissingColumnsIsReported() {
        PlatformDataException e = assertThrows(PlatformDataException.class,
                () -> HelperTable.parse("h.tsv", List.of("5\tktime_get_ns\tINTEGER")));
        assertEquals("h.tsv:1: expected 8 tab-separated columns, found 3", e.getMessage());
    }

    @Test
    void aRangeOnAPointerResultIsRejected() {
        PlatformDataException e = assertThrows(PlatformDataException.class,
                () -> HelperTable.parse("h.tsv", List.of("1\tx\tMAP_VALUE_OR_NULL\t0..1\t-\t-\t-\t")));
        assertTrue(e.getMessage().contains("only an INTEGER result has a range"), e.getMessage());
    }
}
