package dev.warden.verifier.platform;

import static dev.warden.verifier.platform.ArgKind.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Spot checks of the Linux helper table against the kernel's {@code bpf_func_proto} definitions:
 * one test per fact a verifier relies on.
 */
class HelperPrototypesTest {
    private static final Platform LINUX = Platform.linux();

    private static HelperPrototype helper(int id, String name) {
        HelperPrototype h = LINUX.helper(id).orElseThrow(() -> new AssertionError("no helper " + id));
        assertEquals(name, h.name(), "helper " + id);
        return h;
    }

    @Test
    void mapLookupReturnsMapValueOrNull() {
        HelperPrototype h = helper(1, "map_lookup_elem");
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY), h.args());
        assertEquals(RetKind.MAP_VALUE_OR_NULL, h.ret());
        assertFalse(h.acquiresReference());
    }

    @Test
    void exactlyTheKernelsPacketChangingHelpersVoidPacketPointers() {
        // bpf_helper_changes_pkt_data in net/core/filter.c (Linux 6.18), by uapi id.
        java.util.Set<Integer> expected = java.util.Set.of(9, 10, 11, 13, 18, 19, 31, 38, 39, 43, 44, 50, 54, 63, 65,
                73, 74, 75, 76, 90, 91);
        java.util.Set<Integer> marked = new java.util.TreeSet<>();
        for (int id = 1; id <= 211; id++) {
            LINUX.helper(id).filter(h -> h.packetData() == HelperPrototype.PacketData.CHANGED).ifPresent(h -> marked.add(h.id()));
        }
        assertEquals(new java.util.TreeSet<>(expected), marked);
        assertEquals(HelperPrototype.PacketData.KEPT, helper(1, "map_lookup_elem").packetData());
    }

    @Test
    void mapUpdateReadsKeyAndValueAndTakesFlags() {
        HelperPrototype h = helper(2, "map_update_elem");
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, SCALAR), h.args());
        assertEquals(RetKind.INTEGER, h.ret());
    }

    @Test
    void mapDeleteReadsOnlyTheKey() {
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY), helper(3, "map_delete_elem").args());
    }

    @Test
    void probeReadFillsUninitialisedMemoryOfPossiblyZeroSize() {
        for (var h : List.of(helper(4, "probe_read"), helper(112, "probe_read_user"), helper(113, "probe_read_kernel"),
                helper(114, "probe_read_user_str"), helper(115, "probe_read_kernel_str"))) {
            assertEquals(List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), h.args(), h.name());
        }
    }

    @Test
    void ktimeGetNsTakesNothing() {
        HelperPrototype h = helper(5, "ktime_get_ns");
        assertEquals(List.of(), h.args());
        assertEquals(RetKind.INTEGER, h.ret());
        assertEquals(Optional.empty(), h.returnRange());
    }

    @Test
    void tracePrintkReadsANonEmptyFormat() {
        assertEquals(List.of(PTR_TO_MEM, CONST_SIZE), helper(6, "trace_printk").args());
    }

    @Test
    void prandomReturnsAnUnsigned32BitNumber() {
        assertEquals(Optional.of(new HelperPrototype.Range(0, 0xffff_ffffL)), helper(7, "get_prandom_u32").returnRange());
    }

    @Test
    void skbLoadBytesFillsAStackBuffer() {
        assertEquals(List.of(PTR_TO_CTX, SCALAR, PTR_TO_UNINIT_MEM, CONST_SIZE), helper(26, "skb_load_bytes").args());
    }

    @Test
    void skbStoreBytesReadsItsSource() {
        assertEquals(List.of(PTR_TO_CTX, SCALAR, PTR_TO_MEM, CONST_SIZE, SCALAR), helper(9, "skb_store_bytes").args());
    }

    @Test
    void tailCallReturnsNothingReadable() {
        HelperPrototype h = helper(12, "tail_call");
        assertEquals(List.of(PTR_TO_CTX, CONST_MAP_PTR, SCALAR), h.args());
        assertEquals(RetKind.VOID, h.ret());
    }

    @Test
    void getCurrentCommFillsABuffer() {
        assertEquals(List.of(PTR_TO_UNINIT_MEM, CONST_SIZE), helper(16, "get_current_comm").args());
    }

    @Test
    void perfEventOutputTakesContextMapFlagsAndData() {
        assertEquals(List.of(PTR_TO_CTX, CONST_MAP_PTR, SCALAR, PTR_TO_MEM, CONST_SIZE_OR_ZERO),
                helper(25, "perf_event_output").args());
    }

    @Test
    void csumDiffAcceptsNullBuffersOfSizeZero() {
        assertEquals(List.of(PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, SCALAR),
                helper(28, "csum_diff").args());
    }

    @Test
    void socketLookupAcquiresAndReleaseReleasesTheFirstArgument() {
        HelperPrototype lookup = helper(84, "sk_lookup_tcp");
        assertEquals(RetKind.SOCKET_OR_NULL, lookup.ret());
        assertTrue(lookup.acquiresReference());
        assertTrue(helper(85, "sk_lookup_udp").acquiresReference());
        HelperPrototype release = helper(86, "sk_release");
        assertEquals(0, release.releasesArg());
        assertEquals(List.of(PTR_TO_SOCK_COMMON), release.args());
    }

    @Test
    void fullsockReturnsASocketWithoutANewReference() {
        HelperPrototype h = helper(95, "sk_fullsock");
        assertEquals(RetKind.SOCKET_OR_NULL, h.ret());
        assertFalse(h.acquiresReference(), "sk_fullsock is not an acquire function");
    }

    @Test
    void ringbufReserveAcquiresMemoryThatSubmitAndDiscardRelease() {
        HelperPrototype reserve = helper(131, "ringbuf_reserve");
        assertEquals(List.of(CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, SCALAR), reserve.args());
        assertEquals(RetKind.ALLOC_MEM_OR_NULL, reserve.ret());
        assertTrue(reserve.acquiresReference());
        for (var h : List.of(helper(132, "ringbuf_submit"), helper(133, "ringbuf_discard"))) {
            assertEquals(List.of(PTR_TO_ALLOC_MEM, SCALAR), h.args());
            assertEquals(RetKind.VOID, h.ret());
            assertEquals(0, h.releasesArg());
        }
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_MEM, CONST_SIZE_OR_ZERO, SCALAR), helper(130, "ringbuf_output").args());
    }

    @Test
    void spinLockTakesALockInsideAMapValue() {
        assertEquals(List.of(PTR_TO_SPIN_LOCK), helper(93, "spin_lock").args());
        assertEquals(RetKind.VOID, helper(94, "spin_unlock").ret());
    }

    @Test
    void loopTakesACallbackAndAStackContextOrNull() {
        assertEquals(List.of(SCALAR, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, SCALAR), helper(181, "loop").args());
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, SCALAR), helper(164, "for_each_map_elem").args());
    }

    @Test
    void currentTaskIsANumberButTheBtfVariantIsATypedPointer() {
        assertEquals(RetKind.INTEGER, helper(35, "get_current_task").ret());
        assertEquals(RetKind.BTF_ID, helper(158, "get_current_task_btf").ret());
    }

    @Test
    void getLocalStorageNeverReturnsNull() {
        assertEquals(RetKind.MAP_VALUE, helper(81, "get_local_storage").ret());
    }

    @Test
    void fibLookupParamsAreReadAndWritten() {
        assertEquals(List.of(PTR_TO_CTX, PTR_TO_WRITABLE_MEM, CONST_SIZE, SCALAR), helper(69, "fib_lookup").args());
    }

    @Test
    void rawSyncookieHeadersHaveFixedSizesAndNoSizeArgument() {
        HelperPrototype h = helper(206, "tcp_raw_check_syncookie_ipv4");
        assertEquals(List.of(PTR_TO_MEM, PTR_TO_MEM), h.args());
        assertEquals(OptionalInt.of(20), h.fixedSize(0));
        assertEquals(OptionalInt.of(20), h.fixedSize(1));
        assertEquals(OptionalInt.of(40), helper(207, "tcp_raw_check_syncookie_ipv6").fixedSize(0));
        assertEquals(OptionalInt.empty(), helper(26, "skb_load_bytes").fixedSize(2));
    }

    @Test
    void kptrXchgReleasesItsSecondArgumentAndAcquiresTheOldObject() {
        HelperPrototype h = helper(194, "kptr_xchg");
        assertEquals(1, h.releasesArg());
        assertTrue(h.acquiresReference());
    }

    @Test
    void timersAndLocalStorageHelpersHaveTheirKernelKinds() {
        assertEquals(List.of(PTR_TO_TIMER, CONST_MAP_PTR, SCALAR), helper(169, "timer_init").args());
        assertEquals(List.of(PTR_TO_TIMER, PTR_TO_FUNC), helper(170, "timer_set_callback").args());
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_SOCK_COMMON, PTR_TO_MAP_VALUE_OR_NULL, SCALAR), helper(107, "sk_storage_get").args());
        assertEquals(RetKind.MAP_VALUE_OR_NULL, helper(210, "cgrp_storage_get").ret());
    }
}
