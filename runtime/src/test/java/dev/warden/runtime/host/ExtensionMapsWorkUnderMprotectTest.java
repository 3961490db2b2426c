package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12 §4 through the host API, on each engine: with the maps under the {@code MPROTECT}
 * fallback ({@link ExtensionSpec#withIsolation}), the extension counts (its helper and its atomic
 * add write the value inside the run's scope), the host's update, delete and listing work outside
 * runs (each write opens its own scope), and a hot reload keeps the map and its count.
 */
class ExtensionMapsWorkUnderMprotectTest {
    static byte[] u64(long v) {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
        return b;
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void theXdpCounterAndTheHostShareItsMapUnderTheFallback(ExtensionEngine engine) throws Exception {
        ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("count", "xdp_counter", LinuxProgramType.XDP)).withCpus(2)
                .withEngine(engine).withIsolation(IsolationMode.MPROTECT);
        byte[] tcp = ExtensionLoadsVerifiesAndRunsTest.tcpPacket();
        byte[] key = {6, 0, 0, 0};
        try (Extension ext = Extensions.load(ExtensionLoadsVerifiesAndRunsTest.XDP_COUNTER, spec, VerificationPolicy.linux())) {
            HostMap counts = ext.map("proto_count").orElseThrow();
            for (int i = 0; i < 3; i++) {
                assertEquals(2, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("count", tcp)));
            }
            assertEquals(3, ExtensionLoadsVerifiesAndRunsTest.u64(counts.lookup(key).orElseThrow()));
            assertEquals(0, counts.update(key, u64(100), HostMap.ANY));
            assertEquals(2, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("count", tcp)));
            assertEquals(101, ExtensionLoadsVerifiesAndRunsTest.u64(counts.lookup(key).orElseThrow()));
            assertEquals(1, counts.entries().size());
            long deleted = counts.delete(key);
            assertTrue(deleted == 0 || deleted == -22, "0 for a hash, -EINVAL for an array: " + deleted);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ExtensionEngine.class, names = {"JIT", "INTERPRETER"})
    void aHotReloadKeepsTheProtectedMapAndItsCount(ExtensionEngine engine) throws Exception {
        ExtensionSpec spec = ExtensionSpec.of().withEntry(EntryPoint.of("filter", LinuxProgramType.XDP)).withCpus(2)
                .withEngine(engine).withIsolation(IsolationMode.MPROTECT);
        try (Extension ext = Extensions.load(ExtensionServesManyThreadsAndReloadsAtomicallyTest.version(1), "v1.o", spec,
                VerificationPolicy.linux())) {
            assertEquals(1, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("filter", new byte[0])));
            assertEquals(1, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("filter", new byte[0])));
            ext.map("hits").orElseThrow().update(new byte[4], u64(10), HostMap.ANY);
            ext.replace(ExtensionServesManyThreadsAndReloadsAtomicallyTest.version(2), "v2.o");
            assertEquals(2, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("filter", new byte[0])));
            assertEquals(11, ExtensionLoadsVerifiesAndRunsTest.u64(ext.map("hits").orElseThrow().lookup(new byte[4]).orElseThrow()), "kept across the reload");
        }
    }
}
