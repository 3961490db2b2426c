package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The helper table against facts of the kernel's uapi bpf.h, stated here independently of the table. */
class LinuxHelperTableHoldsTheKernelIdsTest {

    @Test
    void commonHelpersHaveTheirKernelIdsAndArgumentCounts() {
        // id -> "name arguments", from include/uapi/linux/bpf.h.
        Map<Long, String> facts = Map.ofEntries(
                Map.entry(1L, "map_lookup_elem 2"), Map.entry(2L, "map_update_elem 4"), Map.entry(3L, "map_delete_elem 2"),
                Map.entry(4L, "probe_read 3"), Map.entry(5L, "ktime_get_ns 0"), Map.entry(7L, "get_prandom_u32 0"),
                Map.entry(8L, "get_smp_processor_id 0"), Map.entry(12L, "tail_call 3"), Map.entry(14L, "get_current_pid_tgid 0"),
                Map.entry(16L, "get_current_comm 2"), Map.entry(25L, "perf_event_output 5"), Map.entry(112L, "probe_read_user 3"),
                Map.entry(113L, "probe_read_kernel 3"), Map.entry(130L, "ringbuf_output 4"), Map.entry(131L, "ringbuf_reserve 3"),
                Map.entry(132L, "ringbuf_submit 2"), Map.entry(181L, "loop 4"), Map.entry(211L, "cgrp_storage_delete 2"));
        for (var e : facts.entrySet()) {
            LinuxHelpers.Helper h = LinuxHelpers.byId(e.getKey()).orElseThrow(() -> new AssertionError("no helper " + e.getKey()));
            String[] f = e.getValue().split(" ");
            assertEquals(f[0], h.name(), "helper " + e.getKey());
            assertTrue(h.takes(Integer.parseInt(f[1])) && h.minArguments() == h.maxArguments(), h.toString());
        }
        LinuxHelpers.Helper printk = LinuxHelpers.byId(6).orElseThrow();
        assertEquals("trace_printk", printk.name());
        assertFalse(printk.takes(1));
        assertTrue(printk.takes(2) && printk.takes(5));
        assertFalse(printk.takes(6), "a helper call passes at most 5 arguments (r1-r5)");
    }

    @Test
    void idsRunWithoutGapsAndNamesAreUnique() {
        // The kernel numbers helpers densely from 1; a gap in the table would be a lost row.
        Map<Long, LinuxHelpers.Helper> all = LinuxHelpers.all();
        assertTrue(all.size() >= 211, "table has " + all.size() + " helpers");
        Set<String> names = new HashSet<>();
        for (long id = 1; id <= all.size(); id++) {
            LinuxHelpers.Helper h = all.get(id);
            assertTrue(h != null, "no helper " + id);
            assertTrue(names.add(h.name()), "name twice: " + h.name());
            assertTrue(h.minArguments() >= 0 && h.maxArguments() <= 5 && h.minArguments() <= h.maxArguments(), h.toString());
        }
        assertTrue(LinuxHelpers.byId(0).isEmpty(), "0 is BPF_FUNC_unspec, not a helper");
    }
}
