package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.host.EntryArguments.Argument;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.Access;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EIM entries with arguments, host functions called as kfuncs and host variables, run by the
 * host API under exactly the assumptions the verifier made: the corpus's Redis tuner and nginx
 * filter, and the benchmark's buffer entry.
 */
class EimEntriesRunAsVerifiedTest {
    static final Path CORPUS = Path.of("..", "corpus");
    static final Path BENCH = Path.of("..", "bench", "workloads");

    /** struct RedisServer of redis-durability.eim: dirty, lastsave, aof_enabled, aof_fsync, stat_numcommands. */
    static final long DIRTY = 0;
    static final long LASTSAVE = 8;
    static final long AOF_FSYNC = 20;
    static final long REDIS_SERVER_SIZE = 32;

    static ExtensionSpec entry(String entry, String program) {
        return ExtensionSpec.of().withEntry(new EntryPoint(entry, program, LinuxProgramType.XDP)).withCpus(2);
    }

    @Test
    void theRedisTunerReadsAndWritesTheServerAndCallsItsHostFunctions() throws Exception {
        EimClassPolicy tuner = EimClassPolicy.forClass(CORPUS.resolve("policies/redis-durability.eim"), "durabilityTuner");
        List<String> log = new ArrayList<>();
        AtomicLong now = new AtomicLong(1_000_000);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment server = arena.allocate(REDIS_SERVER_SIZE, 8);
            ExtensionSpec spec = entry("beforeSleep", "tune")
                    .withFunction("mstime", (mem, r1, r2, r3, r4, r5) -> now.get())
                    .withFunction("serverLogRaw", (mem, level, msg, len, r4, r5) -> {
                        synchronized (log) {
                            log.add(level + ":" + new String(mem.read(msg, (int) len), StandardCharsets.US_ASCII));
                        }
                        return 0;
                    })
                    .withState("server", server, Access.READ_WRITE);
            try (Extension ext = Extensions.load(CORPUS.resolve("eim/redis_tuner.o"), spec, tuner)) {
                // Heavy load: fsync always (2), and the tuner says so.
                server.set(ValueLayout.JAVA_LONG, DIRTY, 20_000);
                server.set(ValueLayout.JAVA_LONG, LASTSAVE, now.get() - 1_000);
                assertInstanceOf(ExecResult.Returned.class, ext.invoke("beforeSleep", EntryArguments.none()));
                assertEquals(2, server.get(ValueLayout.JAVA_INT, AOF_FSYNC));
                assertEquals(List.of("2:aof fsync policy changed by the tuner\0"), log);

                // Light load, recent save: no fsync (0). Unchanged policy: no log line.
                server.set(ValueLayout.JAVA_LONG, DIRTY, 50);
                assertInstanceOf(ExecResult.Returned.class, ext.invoke("beforeSleep", new byte[0]));
                assertEquals(0, server.get(ValueLayout.JAVA_INT, AOF_FSYNC));
                assertInstanceOf(ExecResult.Returned.class, ext.invoke("beforeSleep", EntryArguments.none()));
                assertEquals(2, log.size(), log.toString());

                // A clock that breaks "rtn > 0", which the verifier assumed after the call: a fault at the call.
                now.set(0);
                ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, ext.invoke("beforeSleep", EntryArguments.none()));
                assertEquals(FaultKind.HELPER_FAILED, f.fault().kind());
                assertTrue(f.fault().message().contains("host function mstime returned 0, which breaks rtn > 0 (redis-durability.eim:21)"),
                        f.fault().message());
                assertEquals(2, log.size(), "the run stopped at the call");
            }
        }
    }

    @Test
    void hostStateMustMatchThePolicysTypeAndTheClasssRights() throws Exception {
        Path object = CORPUS.resolve("eim/redis_tuner.o");
        Path policy = CORPUS.resolve("policies/redis-durability.eim");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment server = arena.allocate(REDIS_SERVER_SIZE, 8);
            ExtensionSpec functions = entry("beforeSleep", "tune")
                    .withFunction("mstime", (mem, r1, r2, r3, r4, r5) -> 1)
                    .withFunction("serverLogRaw", (mem, r1, r2, r3, r4, r5) -> 0);
            EimClassPolicy tuner = EimClassPolicy.forClass(policy, "durabilityTuner");
            LoadException readOnly = assertThrows(LoadException.class, () -> Extensions.load(object,
                    functions.withState("server", server, Access.READ_ONLY), tuner));
            assertTrue(readOnly.getMessage().contains("the class 'durabilityTuner' may write host variable server (setFsyncPolicy)"),
                    readOnly.getMessage());
            LoadException small = assertThrows(LoadException.class, () -> Extensions.load(object,
                    functions.withState("server", server.asSlice(0, 16), Access.READ_WRITE), tuner));
            assertTrue(small.getMessage().contains("host variable server is a RedisServer of 32 bytes in the policy, but the host state"
                    + " exposed for it has 16"), small.getMessage());

            // The observer only reads: read-only host state is enough, and it runs.
            EimClassPolicy observer = EimClassPolicy.forClass(policy, "durabilityObserver");
            try (Extension ext = Extensions.load(object, entry("beforeSleep", "observe")
                    .withState("server", server, Access.READ_ONLY), observer)) {
                assertInstanceOf(ExecResult.Returned.class, ext.invoke("beforeSleep", EntryArguments.none()));
            }
        }
    }

    /** struct Request of nginx-firewall.eim. */
    static final int URI_LEN = 4;
    static final int URI = 8;
    static final int CONTENT_LENGTH = 264;
    static final int STATUS = 276;
    static final int REQUEST_SIZE = 280;

    static byte[] request(String uri, long contentLength) {
        MemorySegment r = MemorySegment.ofArray(new byte[REQUEST_SIZE]);
        byte[] u = uri.getBytes(StandardCharsets.US_ASCII);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 1);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, URI_LEN, u.length);
        MemorySegment.copy(u, 0, r, ValueLayout.JAVA_BYTE, URI, u.length);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, CONTENT_LENGTH, contentLength);
        return r.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void theNginxFilterGetsTheRequestAndWritesOnlyItsStatus() throws Exception {
        EimClassPolicy firewall = EimClassPolicy.forClass(CORPUS.resolve("policies/nginx-firewall.eim"), "firewall");
        List<String> finalized = new ArrayList<>();
        ExtensionSpec spec = entry("processBegin", "filter")
                .withFunction("ngx_log_error_line", (mem, msg, len, r3, r4, r5) -> 0)
                .withFunction("ngx_http_finalize_request", (mem, r, status, r3, r4, r5) -> {
                    byte[] req = mem.read(r, REQUEST_SIZE); // the extension's copy of the request, through its pointer
                    synchronized (finalized) {
                        finalized.add(status + " " + MemorySegment.ofArray(req).get(ValueLayout.JAVA_INT_UNALIGNED, STATUS));
                    }
                    return 0;
                });
        try (Extension ext = Extensions.load(CORPUS.resolve("eim/nginx_filter.o"), spec, firewall)) {
            byte[] ok = request("/index.html", 100);
            assertEquals(0, assertInstanceOf(ExecResult.Returned.class, ext.invoke("processBegin",
                    EntryArguments.of(Argument.bytes(ok)))).r0());
            assertArrayEquals(request("/index.html", 100), ok, "an allowed request is left as it was");

            byte[] admin = request("/admin/users", 0);
            assertInstanceOf(ExecResult.Returned.class, ext.invoke("processBegin", EntryArguments.of(Argument.bytes(admin))));
            assertEquals(403, MemorySegment.ofArray(admin).get(ValueLayout.JAVA_INT_UNALIGNED, STATUS), "status copied back");

            try (Arena arena = Arena.ofConfined()) {
                MemorySegment big = arena.allocate(REQUEST_SIZE);
                MemorySegment.copy(request("/upload", 2L << 20), 0, big, ValueLayout.JAVA_BYTE, 0, REQUEST_SIZE);
                assertInstanceOf(ExecResult.Returned.class, ext.invoke("processBegin", EntryArguments.of(Argument.memory(big))));
                assertEquals(413, big.get(ValueLayout.JAVA_INT_UNALIGNED, STATUS));
            }
            assertEquals(List.of("403 403", "413 413"), finalized);

            IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> ext.invoke("processBegin",
                    EntryArguments.of(Argument.bytes(new byte[10]))));
            assertTrue(size.getMessage().contains("argument r points to Request of 280 bytes, but 10 were given"), size.getMessage());
            IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class, () -> ext.invoke("processBegin",
                    EntryArguments.of(Argument.scalar(7))));
            assertTrue(scalar.getMessage().contains("argument r is a pointer"), scalar.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ext.invoke("processBegin", new byte[0]));
        }
    }

    /** FNV-1a over {@code bytes}, as wl_fnv1a computes it. */
    static long fnv1a(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Test
    void aBufferEntryRunsWithItsArgumentsAndItsGuaranteeIsCheckedFirst() throws Exception {
        EimClassPolicy bufferOnly = EimClassPolicy.forClass(BENCH.resolve("bench.eim"), "bufferOnly");
        try (Extension ext = Extensions.load(BENCH.resolve("workloads.bpf.o"), entry("workload", "wl_fnv1a"), bufferOnly)) {
            byte[] buffer = pattern(31, 7);
            runsLike(ext, buffer, EimEntriesRunAsVerifiedTest::fnv1a, 0, 1, 100, 4096);
            // len <= sizeof(Buffer) is what the host guarantees and the proof assumed: 4097 is refused, not run.
            IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> ext.invoke("workload",
                    EntryArguments.of(Argument.bytes(buffer), Argument.scalar(4097))));
            assertTrue(broken.getMessage().contains("the arguments break len <= sizeof(Buffer) (bench.eim:"), broken.getMessage());
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> ext.invoke("workload",
                    EntryArguments.of(Argument.bytes(buffer))));
            assertTrue(count.getMessage().contains("takes 2 arguments, not 1"), count.getMessage());
        }
    }

    /** Fletcher-32 over {@code bytes} read as little-endian 16-bit words, as wl_fletcher computes it. */
    static long fletcher(byte[] bytes) {
        long a = 0xffff;
        long b = 0xffff;
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            a = (a + ((bytes[i] & 0xff) | (long) (bytes[i + 1] & 0xff) << 8)) % 65535;
            b = (b + a) % 65535;
        }
        return b << 16 | a;
    }

    @Test
    void fletcherWhosePointerAdvancesBesideItsCounterIsProvedAndComputesTheChecksum() throws Exception {
        // clang walks mem[2 * i] with a pointer moved by 2 next to the counter i < len / 2: the
        // loop-head narrowing for registers advanced by a constant (fixpoint/InductionNarrowing)
        // bounds the pointer, so the class accepts it; the run must still compute the checksum.
        EimClassPolicy bufferOnly = EimClassPolicy.forClass(BENCH.resolve("bench.eim"), "bufferOnly");
        try (Extension ext = Extensions.load(BENCH.resolve("workloads.bpf.o"), entry("workload", "wl_fletcher"), bufferOnly)) {
            runsLike(ext, pattern(37, 11), EimEntriesRunAsVerifiedTest::fletcher, 0, 1, 2, 3, 101, 4095, 4096);
        }
    }

    /** A 4096-byte buffer (sizeof(Buffer) in bench.eim) holding {@code i * mul + add} at byte {@code i}. */
    static byte[] pattern(int mul, int add) {
        byte[] buffer = new byte[4096];
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = (byte) (i * mul + add);
        }
        return buffer;
    }

    /** Runs the entry {@code workload} on {@code buffer} with each length: r0 must be what {@code expected} computes of the first {@code len} bytes. */
    static void runsLike(Extension ext, byte[] buffer, java.util.function.ToLongFunction<byte[]> expected, int... lens) throws Exception {
        for (int len : lens) {
            long r0 = assertInstanceOf(ExecResult.Returned.class, ext.invoke("workload",
                    EntryArguments.of(Argument.bytes(buffer), Argument.scalar(len)))).r0();
            assertEquals(expected.applyAsLong(java.util.Arrays.copyOf(buffer, len)), r0, "len " + len);
        }
    }

    /** An entry of five scalars of different C types, with guarantees on two of them. */
    static final String MIXER = """
            Extension_Entry(name = "mix", extension_entry = "mix", prototype = (u64 a, int b, u32 c, u8 d, s64 e) -> u64,
                constraints = { a < 1000, b >= -5 })
            Extension_Class(name = "mixer", extension_entry = "mix", allowed = { })
            """;

    @Test
    void fiveScalarArgumentsArriveInR1ToR5AndEachIsCheckedAgainstItsTypeAndTheGuarantees(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("mixer.eim");
        Files.writeString(policy, MIXER);
        BpfObject o = new BpfObject(List.of(), List.of(new BpfProgram("mix", "eim/mix", Assembler.assemble("""
                r0 = r1
                r0 += r2
                r0 += r3
                r0 += r4
                r0 += r5
                exit
                """), List.of(), List.of(), List.of())), List.of(), "GPL");
        try (Extension ext = Extensions.load(o, "mix.o", entry("mix", "mix"), EimClassPolicy.forClass(policy, "mixer"))) {
            assertEquals(999 - 5 + 0xffff_ffffL + 255 - 7, assertInstanceOf(ExecResult.Returned.class, ext.invoke("mix",
                    EntryArguments.of(Argument.scalar(999), Argument.scalar(-5), Argument.scalar(0xffff_ffffL), Argument.scalar(255),
                            Argument.scalar(-7)))).r0());
            record Refused(String why, long a, long b, long c, long d) {}
            for (Refused r : List.of(
                    new Refused("the arguments break a < 1000", 1000, 0, 0, 0),
                    new Refused("the arguments break a < 1000", -1, 0, 0, 0), // a u64: 2^64 - 1
                    new Refused("the arguments break b >= -5", 0, -6, 0, 0),
                    new Refused("argument b = 2147483648 is outside int (-2147483648..2147483647)", 0, 1L << 31, 0, 0),
                    new Refused("argument c = -1 is outside u32 (0..4294967295)", 0, 0, -1, 0),
                    new Refused("argument d = 256 is outside u8 (0..255)", 0, 0, 0, 256))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ext.invoke("mix", EntryArguments.of(
                        Argument.scalar(r.a()), Argument.scalar(r.b()), Argument.scalar(r.c()), Argument.scalar(r.d()), Argument.scalar(0))));
                assertTrue(e.getMessage().contains(r.why()), r.why() + ": " + e.getMessage());
            }
        }
    }

    @Test
    void theInterpreterAndTheJitPassFiveArguments() throws Exception {
        dev.warden.isa.Program p = Assembler.assemble("""
                r0 = r1
                r0 -= r2
                r0 *= r3
                r0 += r4
                r0 ^= r5
                exit
                """);
        long expected = ((100 - 7) * 3 + 11) ^ 5;
        for (String engine : List.of("interp", "jit")) {
            try (dev.warden.vm.LoadedProgram l = dev.warden.vm.Engines.find(engine).orElseThrow().load(p, dev.warden.vm.ExecOptions.defaults());
                 Arena arena = Arena.ofConfined()) {
                ExecResult r = l.runWithArguments(new long[] {100, 7, 3, 11, 5}, arena.allocate(0), Access.READ_ONLY);
                assertEquals(expected, assertInstanceOf(ExecResult.Returned.class, r).r0(), engine);
            }
        }
    }
}
