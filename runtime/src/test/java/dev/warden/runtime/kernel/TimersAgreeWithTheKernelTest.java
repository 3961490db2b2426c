package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LoadedObject;
import dev.warden.runtime.linux.MapEntry;
import dev.warden.runtime.linux.TimerClock;
import dev.warden.runtime.linux.TimerPrograms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The timer programs of timers.c in Linux (BPF_PROG_TEST_RUN; the callbacks fire afterwards, in
 * softirq context, so the test polls the map that counts them, with a bounded wait) and in Warden
 * on both engines, on real time in both: r0, every return code the programs record and the maps'
 * final contents (what each callback wrote into the value holding its timer, which elements were
 * deleted) must agree. Skipped where bpf() or clang is unavailable.
 */
class TimersAgreeWithTheKernelTest {
    /** Callback runs each program leads to (the wait's target on both sides; the maps then say what ran). */
    private static final Map<String, Long> CALLBACKS = Map.of("errors", 0L, "fires", 6L, "absolute", 4L, "callbacks", 2L, "pinned", 1L);
    /** After the expected callbacks, how long to wait for any that should not come (the deleted timer's is 1 ms away). */
    private static final long GRACE_MS = 30;

    @TempDir
    static Path out;
    static BpfObject object;

    @BeforeAll
    static void build() throws Exception {
        object = KernelDiffSources.objectForTheKernel(out, "timers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"errors", "fires", "absolute", "callbacks", "pinned"})
    void timerProgramsAgree(String name) throws Exception {
        BpfProgram program = object.program(name).orElseThrow();
        long callbacks = CALLBACKS.get(name);
        Side linux;
        try (OracleLock lock = OracleLock.acquire()) {
            linux = kernel(program, callbacks);
        }
        for (ExtensionEngine engine : List.of(ExtensionEngine.JIT, ExtensionEngine.INTERPRETER)) {
            Side warden = warden(name, engine, callbacks);
            assertEquals(linux.r0(), warden.r0(), name + " on " + engine + ": r0");
            List<String> differences = new ArrayList<>();
            for (String map : linux.maps().keySet()) {
                if (!linux.maps().get(map).equals(warden.maps().get(map))) {
                    differences.add(map + ": Linux " + linux.maps().get(map) + ", Warden " + warden.maps().get(map));
                }
            }
            assertTrue(differences.isEmpty(), name + " on " + engine + " differs:\n" + String.join("\n", differences));
        }
    }

    /** r0 and each map's contents (hex key → hex value, keys in order). */
    private record Side(long r0, Map<String, Map<String, String>> maps) {}

    private static Side kernel(BpfProgram program, long callbacks) throws Exception {
        try (KernelMaps maps = KernelMaps.create(object)) {
            List<BpfMap> decls = maps.declarations();
            int rcs = indexOf(decls, "rcs");
            KernelProgram loaded;
            TestRunResult result;
            try (CpuPin pin = CpuPin.toCpuZero()) {
                assumeTrue(pin.pinned(), "cannot pin the kernel side to CPU 0");
                LoadResult l = KernelOracle.loadWithMaps(ProgType.XDP, maps, program.program());
                assertTrue(l instanceof LoadResult.Loaded, () -> "the kernel rejects " + program.name() + ": " + l);
                loaded = ((LoadResult.Loaded) l).program();
                result = loaded.testRun(TimerPrograms.PACKET);
            }
            try {
                TestRunResult.Ran ran = (TestRunResult.Ran) result;
                TimerPrograms.await(() -> fired(KernelMapAccess.read(maps.fds().get(rcs), decls.get(rcs))) >= callbacks,
                        "Linux runs the " + callbacks + " callbacks");
                Thread.sleep(GRACE_MS);
                Map<String, Map<String, String>> contents = new TreeMap<>();
                for (int i = 0; i < decls.size(); i++) {
                    MapSnapshot s = KernelMapAccess.read(maps.fds().get(i), decls.get(i));
                    Map<String, String> m = new TreeMap<>();
                    s.elements().forEach((k, v) -> m.put(k, MapSnapshot.hex(v.get(0))));
                    contents.put(decls.get(i).name(), m);
                }
                return new Side(ran.retval(), contents);
            } finally {
                loaded.close();
            }
        }
    }

    private static Side warden(String name, ExtensionEngine engine, long callbacks) throws Exception {
        try (LoadedObject loaded = TimerPrograms.load(object, engine, TimerClock.SYSTEM, 1, line -> { })) {
            long r0 = TimerPrograms.run(loaded, name);
            TimerPrograms.await(() -> TimerPrograms.rc(loaded, TimerPrograms.FIRED_SLOT) >= callbacks,
                    "Warden runs the " + callbacks + " callbacks");
            Thread.sleep(GRACE_MS);
            loaded.retire();
            Map<String, Map<String, String>> contents = new TreeMap<>();
            for (BpfMap decl : object.maps()) {
                HostMap map = loaded.map(decl.name()).orElseThrow();
                Map<String, String> m = new TreeMap<>();
                if (decl.type() == 2) { // an array has every index, as the kernel's listing shows
                    for (int k = 0; k < decl.maxEntries(); k++) {
                        byte[] key = TimerPrograms.u32(k);
                        m.put(MapSnapshot.hex(key), MapSnapshot.hex(map.lookup(key).orElseThrow()));
                    }
                } else {
                    for (MapEntry e : map.entries()) {
                        m.put(MapSnapshot.hex(e.key()), MapSnapshot.hex(e.value()));
                    }
                }
                contents.put(decl.name(), m);
            }
            return new Side(r0, contents);
        }
    }

    private static long fired(MapSnapshot rcs) {
        byte[] v = rcs.elements().get(MapSnapshot.hex(TimerPrograms.u32(TimerPrograms.FIRED_SLOT))).get(0);
        return TimerPrograms.s64(v, 0);
    }

    private static int indexOf(List<BpfMap> decls, String name) {
        for (int i = 0; i < decls.size(); i++) {
            if (decls.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no map " + name);
    }
}
