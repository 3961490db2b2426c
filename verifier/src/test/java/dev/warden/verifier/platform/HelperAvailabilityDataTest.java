package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** linux-helper-availability.txt and the sockmap rows of linux-map-types.txt, read through {@link Platform}. */
class HelperAvailabilityDataTest {
    private static final Platform LINUX = Platform.linux();

    private static ProgramType type(String name) {
        return LINUX.type(name).orElseThrow();
    }

    private static HelperPrototype helper(String name) {
        return LINUX.helpers().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyHelperHasARow() {
        for (HelperPrototype h : LINUX.helpers()) {
            assertTrue(LINUX.availability(h.id()).isPresent(), h.name());
        }
    }

    @Test
    void everyHelperTakingTheContextNamesTheContextsItAccepts() {
        int checked = 0;
        for (HelperPrototype h : LINUX.helpers()) {
            HelperAvailability a = LINUX.availability(h.id()).orElseThrow();
            if (!h.args().contains(ArgKind.PTR_TO_CTX) || a.types().isEmpty()) {
                continue;
            }
            Set<String> structs = new TreeSet<>();
            for (String t : a.types()) {
                structs.add(type(t).context().structName());
            }
            assertEquals(structs, a.contexts(), h.name());
            checked++;
        }
        assertTrue(checked > 80, "helpers taking the context: " + checked);
    }

    @Test
    void skbHelpersTakeSkBuffContextsAndXdpHelpersXdpMd() {
        assertTrue(LINUX.helperAvailable(type("tc"), helper("skb_load_bytes")));
        assertFalse(LINUX.helperAvailable(type("xdp"), helper("skb_load_bytes")));
        assertTrue(helper("skb_load_bytes").args().contains(ArgKind.PTR_TO_CTX));
        assertEquals(Set.of("__sk_buff", "sk_reuseport_md"), LINUX.availability(26).orElseThrow().contexts());
        assertEquals(Set.of("xdp_md"), LINUX.availability(helper("xdp_adjust_head").id()).orElseThrow().contexts());
        assertFalse(LINUX.helperAvailable(type("tc"), helper("xdp_adjust_head")));
        assertFalse(LINUX.helperAvailable(type("kprobe"), helper("skb_store_bytes")));
    }

    @Test
    void mapLookupIsAvailableEverywhereAndProbeReadOnlyToTracing() {
        for (ProgramType t : LINUX.types()) {
            assertTrue(LINUX.helperAvailable(t, helper("map_lookup_elem")), t.name());
        }
        assertTrue(LINUX.helperAvailable(type("kprobe"), helper("probe_read_kernel")));
        assertFalse(LINUX.helperAvailable(type("socket"), helper("probe_read")));
    }

    @Test
    void sleepableOnlyHelpersAreLeftToSyscallPrograms() {
        assertTrue(LINUX.helperAvailable(type("syscall"), helper("copy_from_user")));
        assertFalse(LINUX.helperAvailable(type("kprobe"), helper("copy_from_user")));
        assertEquals(DataQuality.BEST_EFFORT, LINUX.availability(helper("copy_from_user").id()).orElseThrow().quality());
    }

    @Test
    void trampolineHelpersAreForFentryFexitAndLsm() {
        for (String t : List.of("fentry", "fexit", "fmod_ret", "lsm")) {
            assertTrue(LINUX.helperAvailable(type(t), helper("get_func_arg")), t);
        }
        assertFalse(LINUX.helperAvailable(type("tp_btf"), helper("get_func_arg")));
        assertFalse(LINUX.helperAvailable(type("lsm_cgroup"), helper("get_func_arg")));
    }

    @Test
    void typesOutsideThePlatformAreNotRestricted() {
        ProgramType own = new ProgramType("own", 0, List.of(), new ContextLayout("own_ctx", 8, List.of()), java.util.Optional.empty(),
                false, false);
        assertTrue(LINUX.helperAvailable(own, helper("skb_load_bytes")));
    }

    @Test
    void sockmapUpdatesAndDeletesDependOnTheProgramType() {
        int sockmap = 15, sockhash = 18, update = 2, delete = 3;
        for (int map : List.of(sockmap, sockhash)) {
            assertTrue(LINUX.mapAllowsHelper(type("tc"), map, update));
            assertTrue(LINUX.mapAllowsHelper(type("iter"), map, delete));
            assertTrue(LINUX.mapAllowsHelper(type("sockops"), map, delete));
            assertFalse(LINUX.mapAllowsHelper(type("sockops"), map, update), "sockops updates only through sock_map_update");
            assertFalse(LINUX.mapAllowsHelper(type("kprobe"), map, delete));
            assertFalse(LINUX.mapAllowsHelper(type("fentry"), map, update));
            assertFalse(LINUX.mapAllowsHelper(map, update), "not from every type");
            assertTrue(LINUX.mapAllowsHelper(type("kprobe"), map, 1), "lookups are not restricted by type");
        }
        assertTrue(LINUX.mapAllowsHelper(type("kprobe"), 1, update), "hash maps are not restricted by type");
    }

    @Test
    void contextsThatAreNotThoseOfTheListedTypesAreALocatedError() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> HelperAvailabilityTable.parse("a.txt",
                List.of("# c", "helper skb_load_bytes exact xdp_md tc"), LINUX.helpers(), LINUX.types()));
        assertEquals("a.txt:2: contexts [xdp_md] are not those of the listed types [__sk_buff]", e.getMessage());
    }

    @Test
    void aContextHelperWithoutContextsIsALocatedError() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> HelperAvailabilityTable.parse("a.txt",
                List.of("helper skb_load_bytes exact - tc"), LINUX.helpers(), LINUX.types()));
        assertEquals("a.txt:1: skb_load_bytes takes the context: name the context structs it accepts", e.getMessage());
    }

    @Test
    void anUnknownTypeAndAMissingRowAreLocatedErrors() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> HelperAvailabilityTable.parse("a.txt",
                List.of("helper ktime_get_ns exact - * !xdpp"), LINUX.helpers(), LINUX.types()));
        assertEquals("a.txt:1: program type xdpp is not in the program type table", e.getMessage());
        PlatformDataException missing = assertThrows(PlatformDataException.class, () -> HelperAvailabilityTable.parse("a.txt",
                List.of("helper ktime_get_ns exact - *"), LINUX.helpers(), LINUX.types()));
        assertTrue(missing.getMessage().contains("has no row: every helper needs one"), missing.getMessage());
    }
}
