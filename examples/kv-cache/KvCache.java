import dev.warden.eim.Layout;
import dev.warden.runtime.host.EimClassPolicy;
import dev.warden.runtime.host.EntryArguments;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.HostFunction;
import dev.warden.runtime.host.LoadException;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapEntry;
import dev.warden.vm.Access;
import dev.warden.vm.ExecResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An in-process key-value cache whose admission and eviction policy is a verified extension
 * (docs/host-api.md, "A second host: examples/kv-cache/"). On every {@link #get} and {@link #put}
 * the cache invokes entry {@code onAccess} of kv-cache.eim with a {@code struct Access} (the key's
 * hash, the value's size, the operation); the extension (kv_policy_v1.c or kv_policy_v2.c, class
 * {@code cachePolicy}) keeps per-key statistics in its hash map {@code key_stats} and counters in
 * its array {@code counters}, calls the host's {@code host_now_millis} and {@code host_memory_used},
 * reads the host variable {@code cache_config} (exposed read-only) and answers admit, reject, or
 * admit after an eviction. To evict, the cache reads {@code key_stats} from Java and drops the
 * stored keys with the fewest hits, least recently used first. {@link #reload} replaces the policy
 * while other threads keep calling get and put.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'cli/target/warden.jar:cli/target/lib/*' examples/kv-cache/KvCache.java \
 *     examples/kv-cache/kv_policy_v1.o examples/kv-cache/kv_policy_v2.o examples/kv-cache/kv-cache.eim
 * </pre>
 */
public final class KvCache implements AutoCloseable {
    /** What the cache tells the extension ({@code Access.op}). */
    public enum Op { GET_HIT, GET_MISS, PUT }

    /** What the extension answers (its return value, {@code rtn in [0, 2]}). */
    public enum Verdict { ADMIT, REJECT, ADMIT_AFTER_EVICTION }

    /** The extension's counters, by their index in its array map {@code counters}. */
    public enum Counter { GETS, HITS, MISSES, PUTS, ADMITTED, REJECTED, EVICTIONS_ASKED, VERSION_1_CALLS, VERSION_2_CALLS }

    /**
     * One invocation of the policy: what the cache asked, what the extension answered, which
     * version of the policy answered ({@code Access.version}, written by the extension), and the
     * keys the cache evicted for it.
     */
    public record Decision(Op op, String key, int size, Verdict verdict, int version, List<String> evicted) {}

    /** A get's value (empty on a miss) and the policy's decision. */
    public record Lookup(Optional<byte[]> value, Decision decision) {}

    /** A key's statistics as the extension keeps them ({@code struct KeyStats}). */
    public record KeyStats(long hits, long lastAccessMillis, long size) {}

    /**
     * Where struct Access's fields are, from the policy's layout (EimClassPolicy.layout): the
     * offsets the verifier assumed, not numbers copied from kv-cache.eim by hand.
     */
    private record AccessLayout(int size, long keyHash, long valueSize, long op, long version) {
        static AccessLayout of(Layout.StructLayout l) {
            return new AccessLayout(Math.toIntExact(l.size()), field(l, "key_hash"), field(l, "size"), field(l, "op"), field(l, "version"));
        }
    }

    private static long field(Layout.StructLayout l, String name) {
        Long offset = l.offsets().get(name);
        if (offset == null) {
            throw new IllegalArgumentException("the policy's struct has no field " + name + " (fields: " + l.offsets().keySet() + ")");
        }
        return offset;
    }

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Item(String key, byte[] value) {}

    /** A thread's struct Access and the entry's arguments naming it, made once: invoke copies the bytes in and back. */
    private static final class Slot {
        final byte[] bytes;
        final MemorySegment access;
        final EntryArguments arguments;

        Slot(int size) {
            bytes = new byte[size];
            access = MemorySegment.ofArray(bytes);
            arguments = EntryArguments.of(EntryArguments.Argument.bytes(bytes));
        }
    }

    private final Arena arena;
    private final long capacityBytes;
    private final Extension policy;
    private final Extension.Entry onAccess;
    private final ConcurrentHashMap<Long, Item> store = new ConcurrentHashMap<>();
    /** The bytes of the values stored: what {@code host_memory_used} answers. */
    private final AtomicLong memoryUsed;
    /** Store changes (a put, its evictions) happen under this lock; gets and the policy's invocations do not take it. */
    private final Object storeLock = new Object();
    private final AccessLayout layout;
    private final ThreadLocal<Slot> slots;

    private KvCache(Arena arena, long capacityBytes, AtomicLong memoryUsed, Extension policy, AccessLayout layout) {
        this.arena = arena;
        this.layout = layout;
        this.slots = ThreadLocal.withInitial(() -> new Slot(layout.size()));
        this.memoryUsed = memoryUsed;
        this.capacityBytes = capacityBytes;
        this.policy = policy;
        this.onAccess = policy.entry("onAccess");
    }

    /**
     * Loads {@code object} against class {@code cachePolicy} of {@code eim}, with the cache's
     * configuration as the host variable {@code cache_config} and {@code clock} as
     * {@code host_now_millis} (it must never return 0: the policy says {@code rtn > 0}).
     */
    public static KvCache open(Path object, Path eim, long capacityBytes, int maxItemSize, int cpus, LongSupplier clock)
            throws LoadException {
        EimClassPolicy cachePolicy = EimClassPolicy.forClass(eim, "cachePolicy");
        AccessLayout access = AccessLayout.of(cachePolicy.layout("Access").orElseThrow());
        Layout.StructLayout configLayout = cachePolicy.layout("CacheConfig").orElseThrow();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment config = arena.allocate(configLayout.size(), configLayout.alignment());
            config.set(U64, field(configLayout, "capacity_bytes"), capacityBytes);
            config.set(U32, field(configLayout, "max_item_size"), maxItemSize);
            AtomicLong used = new AtomicLong();
            ExtensionSpec spec = ExtensionSpec.of()
                    .withEntry(new EntryPoint("onAccess", "on_access", LinuxProgramType.XDP))
                    .withFunction("host_now_millis", (mem, r1, r2, r3, r4, r5) -> clock.getAsLong())
                    .withFunction("host_memory_used", (mem, r1, r2, r3, r4, r5) -> used.get())
                    .withState("cache_config", config, Access.READ_ONLY)
                    .withCpus(cpus);
            Extension ext = Extensions.load(object, spec, cachePolicy);
            return new KvCache(arena, capacityBytes, used, ext, access);
        } catch (LoadException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The FNV-1a hash of the key's UTF-8 bytes: what the extension knows of a key. */
    public static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The value of {@code key}, after telling the policy whether it hit. */
    public Lookup get(String key) {
        Item item = store.get(hash(key));
        boolean hit = item != null && item.key().equals(key);
        Op op = hit ? Op.GET_HIT : Op.GET_MISS;
        Answer a = ask(op, key, 0);
        return new Lookup(hit ? Optional.of(item.value()) : Optional.empty(),
                new Decision(op, key, 0, a.verdict(), a.version(), List.of()));
    }

    /** Offers {@code value} under {@code key}: stored when the policy admits it, after the evictions it asks for. */
    public Decision put(String key, byte[] value) {
        Answer a = ask(Op.PUT, key, value.length);
        List<String> evicted = List.of();
        if (a.verdict() != Verdict.REJECT) {
            synchronized (storeLock) {
                if (a.verdict() == Verdict.ADMIT_AFTER_EVICTION) {
                    evicted = evictFor(hash(key), value.length);
                }
                Item old = store.put(hash(key), new Item(key, value));
                memoryUsed.addAndGet(value.length - (old == null ? 0 : old.value().length));
            }
        }
        return new Decision(Op.PUT, key, value.length, a.verdict(), a.version(), evicted);
    }

    private record Answer(Verdict verdict, int version) {}

    private Answer ask(Op op, String key, int size) {
        Slot s = slots.get();
        s.access.set(U64, layout.keyHash(), hash(key));
        s.access.set(U32, layout.valueSize(), size);
        s.access.set(U32, layout.op(), op.ordinal());
        s.access.set(U32, layout.version(), 0);
        ExecResult r = policy.invoke(onAccess, s.arguments);
        if (!(r instanceof ExecResult.Returned ret)) {
            throw new IllegalStateException("the cache policy faulted on " + op + " " + key + ": " + r);
        }
        // rtn in [0, 2] is proved by the verifier: the cast cannot go out of the enum.
        return new Answer(Verdict.values()[(int) ret.r0()], s.access.get(U32, layout.version()));
    }

    /**
     * Drops stored keys other than {@code incoming} until {@code size} more bytes fit below 90% of
     * the capacity: the fewest hits first, then the least recently accessed, as the extension's
     * {@code key_stats} says (a stored key without statistics goes first). Picking victims costs a
     * {@code HostMap} lookup per stored key, so one eviction makes room for several puts. Called
     * under {@link #storeLock}.
     */
    private List<String> evictFor(long incoming, int size) {
        HostMap stats = statsMap();
        List<long[]> candidates = new ArrayList<>(); // hash, hits, last access
        for (Long h : store.keySet()) {
            if (h != incoming) {
                Optional<KeyStats> s = stats(stats, h);
                candidates.add(new long[] {h, s.map(KeyStats::hits).orElse(0L), s.map(KeyStats::lastAccessMillis).orElse(0L)});
            }
        }
        candidates.sort(Comparator.<long[]>comparingLong(c -> c[1]).thenComparingLong(c -> c[2]).thenComparingLong(c -> c[0]));
        List<String> evicted = new ArrayList<>();
        for (long[] c : candidates) {
            if (memoryUsed.get() + size <= capacityBytes - capacityBytes / 10) {
                break;
            }
            Item gone = store.remove(c[0]);
            memoryUsed.addAndGet(-gone.value().length);
            stats.delete(key(c[0]));
            evicted.add(gone.key());
        }
        return evicted;
    }

    /** Replaces the policy (verified and compiled while the old one serves); {@code key_stats} and {@code counters} are kept. */
    public void reload(Path object) throws LoadException {
        policy.replace(object);
    }

    /** The extension's count of {@code c}. */
    public long counter(Counter c) {
        byte[] index = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(c.ordinal()).array();
        return policy.map("counters").orElseThrow().lookup(index)
                .map(v -> ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong()).orElse(0L);
    }

    /** The extension's statistics of {@code key}, if it keeps any. */
    public Optional<KeyStats> stats(String key) {
        return stats(statsMap(), hash(key));
    }

    /** Every key's statistics, by hash, in the map's order. */
    public List<MapEntry> allStats() {
        return statsMap().entries();
    }

    private HostMap statsMap() {
        // Asked for on every use: docs/host-api.md says to ask again after a replace.
        return policy.map("key_stats").orElseThrow();
    }

    private static Optional<KeyStats> stats(HostMap map, long hash) {
        return map.lookup(key(hash)).map(v -> {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            return new KeyStats(b.getLong(0), b.getLong(8), b.getLong(16));
        });
    }

    private static byte[] key(long hash) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hash).array();
    }

    /** The bytes of the values stored now. */
    public long memoryUsed() {
        return memoryUsed.get();
    }

    /** Whether {@code key} is stored, without telling the policy. */
    public boolean contains(String key) {
        Item item = store.get(hash(key));
        return item != null && item.key().equals(key);
    }

    /** Detaches the policy (waiting for running invocations), then frees the configuration. */
    @Override
    public void close() {
        policy.close();
        arena.close();
    }

    /** A short run: four threads on version 1, a reload to version 2 while they run, the counters. */
    public static void main(String[] args) throws Exception {
        Path v1 = Path.of(args.length > 0 ? args[0] : "examples/kv-cache/kv_policy_v1.o");
        Path v2 = Path.of(args.length > 1 ? args[1] : "examples/kv-cache/kv_policy_v2.o");
        Path eim = Path.of(args.length > 2 ? args[2] : "examples/kv-cache/kv-cache.eim");
        try (KvCache cache = open(v1, eim, 64 * 1024, 4096, 4, System::currentTimeMillis)) {
            List<Thread> workers = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < 4; t++) {
                int id = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        String key = "k" + ((i * 31 + id) % 500);
                        if (cache.get(key).value().isEmpty()) {
                            cache.put(key, new byte[(i % 64) * 100]);
                        }
                    }
                }));
            }
            Thread.sleep(50);
            cache.reload(v2);
            for (Thread w : workers) {
                w.join();
            }
            long nanos = System.nanoTime() - start;
            long calls = cache.counter(Counter.GETS) + cache.counter(Counter.PUTS);
            System.out.printf("%d policy calls from 4 threads in %d ms (%d ns per get or put, reload included)%n",
                    calls, nanos / 1_000_000, nanos / calls);
            for (Counter c : Counter.values()) {
                System.out.println(c + " " + cache.counter(c));
            }
            System.out.println("bytes stored " + cache.memoryUsed());
        } catch (LoadException e) {
            System.err.println(e.getMessage()); // one located line per problem
            System.exit(1);
        }
    }
}
