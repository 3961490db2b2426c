package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.jit.JitEngine;
import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.PageProtection;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12 §4 for maps, per map type whose values a program addresses and per engine: under the
 * {@code MPROTECT} fallback a value's page is read-only between runs and after host operations
 * (read from {@code /proc/self/maps}, so a bug fails the test instead of killing the JVM), while
 * the program's helpers, its direct stores into the value, and the host's update and delete still
 * work. The program counts in the value of one key, inserting it with the update helper when
 * absent, and returns the value's address.
 */
class MapValuesAreWriteProtectedOutsideRunsTest {
    /** The key's first word: array index 0, hash key 0, an LPM prefix length of 32. */
    record Kind(String name, int type, int keySize, int firstWord) {
        BpfMap map() {
            return new BpfMap(0, name, MapKind.BTF, type, keySize, 8, 16, type == LinuxMap.LPM_TRIE ? 1 : 0, new byte[0]);
        }

        byte[] key() {
            byte[] k = new byte[keySize];
            MemorySegment.ofArray(k).set(ValueLayout.JAVA_INT_UNALIGNED, 0, firstWord);
            if (keySize == 8) {
                MemorySegment.ofArray(k).set(ValueLayout.JAVA_INT_UNALIGNED, 4, ADDRESS);
            }
            return k;
        }

        boolean keyed() {
            return type != LinuxMap.ARRAY && type != LinuxMap.PERCPU_ARRAY;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** 10.0.0.1 as the program stores it. */
    static final int ADDRESS = 0x0100000a;

    static final List<Kind> KINDS = List.of(
            new Kind("array", LinuxMap.ARRAY, 4, 0),
            new Kind("percpu_array", LinuxMap.PERCPU_ARRAY, 4, 0),
            new Kind("hash", LinuxMap.HASH, 4, 0),
            new Kind("percpu_hash", LinuxMap.PERCPU_HASH, 4, 0),
            new Kind("lru_hash", LinuxMap.LRU_HASH, 4, 0),
            new Kind("lru_percpu_hash", LinuxMap.LRU_PERCPU_HASH, 4, 0),
            new Kind("lpm_trie", LinuxMap.LPM_TRIE, 8, 32));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Kind k : KINDS) {
            out.add(Arguments.of(k, new Interpreter()));
            out.add(Arguments.of(k, new JitEngine()));
        }
        return out.stream();
    }

    static final String COUNT = """
            *(u32 *)(r10 - 8) = FIRST
            *(u32 *)(r10 - 4) = ADDRESS
            *(u64 *)(r10 - 16) = 1
            r2 = r10
            r2 += -8
            r1 = map[idx:0] ll
            call 1
            if r0 != 0 goto found
            r2 = r10
            r2 += -8
            r3 = r10
            r3 += -16
            r4 = 0
            r1 = map[idx:0] ll
            call 2
            r0 = 0
            exit
            found:
            r1 = *(u64 *)(r0 + 0)
            r1 += 1
            *(u64 *)(r0 + 0) = r1
            exit
            """;

    static LinuxEnvironment counter(Kind kind, Engine engine, IsolationMode mode) throws Exception {
        String asm = COUNT.replace("FIRST", Integer.toString(kind.firstWord())).replace("ADDRESS", Integer.toString(ADDRESS));
        BpfProgram p = new BpfProgram("count", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(kind.map()), "GPL");
        return LinuxEnvironment.load(o, p, LinuxProgramType.XDP, LinuxEnvironment.DEFAULT_BUDGET, engine, mode);
    }

    static long r0(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    static long u64(byte[] b) {
        return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
        return b;
    }

    static void assertReadOnly(long address, String when) throws Exception {
        String p = PageProtection.of(address);
        assertTrue(p.startsWith("r-"), "the value's page must be read-only " + when + ", it is " + p);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void underTheMprotectFallbackValuesAreReadOnlyBetweenRunsAndRunsAndTheHostStillWriteThem(Kind kind, Engine engine)
            throws Exception {
        try (LinuxEnvironment env = counter(kind, engine, IsolationMode.MPROTECT)) {
            assertEquals(IsolationMode.MPROTECT, env.isolation());
            HostMap map = env.map(kind.name()).orElseThrow();
            long first = r0(env.run(new byte[0]));
            // A hash or trie inserts the key with the update helper (inside the run); an array's value exists and counts.
            assertEquals(kind.keyed() ? 0 : 1, kind.keyed() ? first : u64(map.lookup(kind.key()).orElseThrow()));
            long address = r0(env.run(new byte[0]));
            assertNotEquals(0, address);
            assertReadOnly(address, "between runs");
            assertEquals(2, u64(map.lookup(kind.key()).orElseThrow()), "the run's store went through");

            assertEquals(0, map.update(kind.key(), u64(100), HostMap.ANY), "the host's update opens its own scope");
            assertReadOnly(address, "after a host update");
            assertEquals(100, u64(map.lookup(kind.key()).orElseThrow()));
            assertEquals(address, r0(env.run(new byte[0])), "the same value, updated in place");
            assertEquals(101, u64(map.lookup(kind.key()).orElseThrow()));
            assertEquals(1, env.maps().get(kind.name()).size(), "listing is a read");

            if (kind.keyed()) {
                assertEquals(0, map.delete(kind.key()));
                assertTrue(map.lookup(kind.key()).isEmpty());
                assertEquals(0, r0(env.run(new byte[0])), "inserted again by the helper");
                assertReadOnly(address, "after a delete and a reinsertion");
            }
            // Seeding from an input (warden exec --map) resets and writes outside the run.
            LinuxInput seeded = LinuxInput.ofPacket(new byte[0]).withMaps(java.util.Map.of(kind.name(),
                    List.of(new MapEntry(kind.key(), u64(41)))));
            assertEquals(address, r0(env.run(seeded, MapsBefore.FROM_INPUT)));
            assertEquals(42, u64(map.lookup(kind.key()).orElseThrow()));
            assertReadOnly(address, "after a seeded run");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void withoutIsolationTheValuesStayWritable(Kind kind, Engine engine) throws Exception {
        try (LinuxEnvironment env = counter(kind, engine, IsolationMode.NONE)) {
            env.run(new byte[0]);
            long address = r0(env.run(new byte[0]));
            assertTrue(PageProtection.of(address).startsWith("rw"), PageProtection.of(address));
        }
    }
}
