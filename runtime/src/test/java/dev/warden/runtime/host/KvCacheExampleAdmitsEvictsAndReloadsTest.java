package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/kv-cache/KvCache.java, compiled against this build and run in this JVM: a key-value
 * cache whose admission and eviction policy is kv_policy_v1.o, then kv_policy_v2.o (verified
 * against class cachePolicy of kv-cache.eim). The cache's decisions are the policy's, the host
 * evicts by the extension's statistics read through {@code HostMap}, the extension's counters add
 * up to the operations of four threads, a reload under load is atomic (every invocation is
 * answered by exactly one version, and never by the old one after {@code replace} returned), and
 * close ends the workers' invocations with the "detached" refusal and nothing else.
 */
class KvCacheExampleAdmitsEvictsAndReloadsTest {
    static final Path DIR = Path.of("..", "examples", "kv-cache");
    static final Path V1 = DIR.resolve("kv_policy_v1.o");
    static final Path V2 = DIR.resolve("kv_policy_v2.o");
    static final Path EIM = DIR.resolve("kv-cache.eim");

    @Test
    void theCacheAdmitsAndEvictsAsThePolicyDecides(@TempDir Path out) throws Exception {
        try (URLClassLoader loader = ExampleSources.compile(DIR.resolve("KvCache.java"), out)) {
            Class<?> kv = loader.loadClass("KvCache");
            AtomicLong clock = new AtomicLong();
            LongSupplier ticks = clock::incrementAndGet;
            try (AutoCloseable cache = open(kv, V1, 1000, 300, 4, ticks)) {
                Object big = call(cache, "put", "big", new byte[301]);
                assertEquals("REJECT", call(big, "verdict").toString(), "bigger than max_item_size");
                assertEquals(1, call(big, "version"));
                assertFalse((boolean) call(cache, "contains", "big"));
                for (String k : List.of("a", "b", "c")) {
                    Object d = call(cache, "put", k, new byte[300]);
                    assertEquals("ADMIT", call(d, "verdict").toString(), k + ": " + d);
                }
                assertEquals(900L, call(cache, "memoryUsed"));
                for (String k : List.of("a", "a", "a", "b")) {
                    Object l = call(cache, "get", k);
                    assertTrue(((Optional<?>) call(l, "value")).isPresent());
                    assertEquals("GET_HIT", call(call(l, "decision"), "op").toString());
                }
                Object a = stats(cache, "a");
                Object b = stats(cache, "b");
                assertEquals(3L, call(a, "hits"));
                assertEquals(1L, call(b, "hits"));
                assertEquals(0L, call(stats(cache, "c"), "hits"));
                assertEquals(300L, call(a, "size"));
                assertTrue((long) call(b, "lastAccessMillis") > (long) call(a, "lastAccessMillis"),
                        "the last access is host_now_millis at the last hit: " + a + " " + b);

                // 900 + 300 > 1000: the policy asks for an eviction; c has no hit, so it goes.
                Object d = call(cache, "put", "d", new byte[300]);
                assertEquals("ADMIT_AFTER_EVICTION", call(d, "verdict").toString());
                assertEquals(List.of("c"), call(d, "evicted"));
                assertFalse((boolean) call(cache, "contains", "c"));
                assertEquals(Optional.empty(), call(cache, "stats", "c"), "the host deleted the victim's statistics");
                assertEquals("GET_MISS", call(call(call(cache, "get", "c"), "decision"), "op").toString());
                // a (3 hits), b (1), d (0, newer than c was): d goes.
                assertEquals(List.of("d"), call(call(cache, "put", "e", new byte[300]), "evicted"));
                assertEquals(900L, call(cache, "memoryUsed"));

                assertEquals(5L, counter(cache, "GETS"));
                assertEquals(4L, counter(cache, "HITS"));
                assertEquals(1L, counter(cache, "MISSES"));
                assertEquals(6L, counter(cache, "PUTS"));
                assertEquals(5L, counter(cache, "ADMITTED"));
                assertEquals(1L, counter(cache, "REJECTED"));
                assertEquals(2L, counter(cache, "EVICTIONS_ASKED"));
                assertEquals(11L, counter(cache, "VERSION_1_CALLS"));

                // Version 2, a doorkeeper: the first put of a key nobody asked for is rejected and
                // remembered; the second is admitted; a key asked for (a miss) is admitted at once.
                call(cache, "reload", V2);
                Object first = call(cache, "put", "fresh", new byte[10]);
                assertEquals("REJECT", call(first, "verdict").toString());
                assertEquals(2, call(first, "version"));
                assertEquals("ADMIT", call(call(cache, "put", "fresh", new byte[10]), "verdict").toString());
                assertEquals("GET_MISS", call(call(call(cache, "get", "wanted"), "decision"), "op").toString());
                assertEquals("ADMIT", call(call(cache, "put", "wanted", new byte[10]), "verdict").toString());
                assertEquals("REJECT", call(call(cache, "put", "huge", new byte[301]), "verdict").toString());
                call(cache, "get", "a");
                assertEquals(4L, call(stats(cache, "a"), "hits"), "key_stats kept across the reload: 3 hits under version 1, 1 under 2");
                assertEquals(11L, counter(cache, "VERSION_1_CALLS"), "the counters survive the reload");
                assertEquals(6L, counter(cache, "VERSION_2_CALLS"));
            }
        }
    }

    @Test
    void aClockThatBreaksItsReturnConstraintFaultsTheCall(@TempDir Path out) throws Exception {
        try (URLClassLoader loader = ExampleSources.compile(DIR.resolve("KvCache.java"), out)) {
            Class<?> kv = loader.loadClass("KvCache");
            try (AutoCloseable cache = open(kv, V1, 1000, 300, 1, () -> 0)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> call(cache, "put", "k", new byte[1]));
                assertTrue(e.getMessage().contains("HELPER_FAILED") && e.getMessage().contains("rtn > 0 (kv-cache.eim:"),
                        e.getMessage());
            }
        }
    }

    @Test
    void fourThreadsCountEveryOperationAndSeeOneVersionEach(@TempDir Path out) throws Exception {
        try (URLClassLoader loader = ExampleSources.compile(DIR.resolve("KvCache.java"), out)) {
            Class<?> kv = loader.loadClass("KvCache");
            AtomicLong clock = new AtomicLong();
            int threads = 4;
            int opsPerThread = 4000;
            int maxItem = 2000;
            AutoCloseable cache = open(kv, V1, 60_000, maxItem, threads, clock::incrementAndGet);
            try {
                /** An operation as a worker saw it: whether it started after replace returned, and the decision. */
                record Seen(boolean afterReload, String op, int size, String verdict, int version) {}
                List<List<Seen>> seen = Collections.synchronizedList(new ArrayList<>());
                List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
                AtomicLong done = new AtomicLong();
                CountDownLatch halfway = new CountDownLatch(1);
                boolean[] reloaded = new boolean[1];
                Object reloadLock = new Object();
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long seed = t;
                    workers.add(Thread.ofPlatform().start(() -> {
                        List<Seen> mine = new ArrayList<>();
                        Random random = new Random(seed);
                        try {
                            for (int i = 0; i < opsPerThread; i++) {
                                boolean after;
                                synchronized (reloadLock) {
                                    after = reloaded[0];
                                }
                                String key = "k" + random.nextInt(300);
                                Object d;
                                if (random.nextBoolean()) {
                                    d = call(call(cache, "get", key), "decision");
                                } else {
                                    d = call(cache, "put", key, new byte[random.nextInt(maxItem + 500)]);
                                }
                                mine.add(new Seen(after, call(d, "op").toString(), (int) call(d, "size"),
                                        call(d, "verdict").toString(), (int) call(d, "version")));
                                if (done.incrementAndGet() == (long) threads * opsPerThread / 2) {
                                    halfway.countDown();
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        } finally {
                            seen.add(mine);
                        }
                    }));
                }
                halfway.await();
                call(cache, "reload", V2);
                synchronized (reloadLock) {
                    reloaded[0] = true;
                }
                for (Thread w : workers) {
                    w.join();
                }
                assertEquals(List.of(), failures);

                long total = (long) threads * opsPerThread;
                List<Seen> all = seen.stream().flatMap(List::stream).toList();
                assertEquals(total, all.size());
                for (List<Seen> mine : seen) {
                    int last = 1;
                    for (Seen s : mine) {
                        assertTrue(s.version() == 1 || s.version() == 2, "one version answers each call: " + s);
                        assertTrue(s.version() >= last, "a thread never goes back to version 1: " + s);
                        last = s.version();
                        if (s.afterReload()) {
                            assertEquals(2, s.version(), "started after replace returned: " + s);
                        }
                        if (s.op().equals("PUT") && s.size() > maxItem) {
                            assertEquals("REJECT", s.verdict(), "over max_item_size: " + s);
                        } else if (s.op().equals("PUT") && s.version() == 1) {
                            assertFalse(s.verdict().equals("REJECT"), "version 1 admits what fits max_item_size: " + s);
                        } else if (!s.op().equals("PUT")) {
                            assertEquals("ADMIT", s.verdict(), s.toString());
                        }
                    }
                }
                long v1 = all.stream().filter(s -> s.version() == 1).count();
                assertTrue(v1 > 0 && v1 < total, "the reload happened while the workers ran: " + v1 + " of " + total + " on version 1");
                assertEquals(v1, counter(cache, "VERSION_1_CALLS"));
                assertEquals(total - v1, counter(cache, "VERSION_2_CALLS"));
                long gets = all.stream().filter(s -> !s.op().equals("PUT")).count();
                assertEquals(gets, counter(cache, "GETS"));
                assertEquals(total - gets, counter(cache, "PUTS"));
                assertEquals(all.stream().filter(s -> s.op().equals("GET_HIT")).count(), counter(cache, "HITS"));
                assertEquals(all.stream().filter(s -> s.op().equals("GET_MISS")).count(), counter(cache, "MISSES"));
                assertEquals(all.stream().filter(s -> s.verdict().equals("REJECT")).count(), counter(cache, "REJECTED"));
                assertEquals(all.stream().filter(s -> s.verdict().equals("ADMIT_AFTER_EVICTION")).count(), counter(cache, "EVICTIONS_ASKED"));
                assertEquals(counter(cache, "PUTS"), counter(cache, "ADMITTED") + counter(cache, "REJECTED"));
                assertTrue(counter(cache, "EVICTIONS_ASKED") > 0, "the workload fills the cache");
            } finally {
                cache.close();
            }
            IllegalStateException after = assertThrows(IllegalStateException.class, () -> call(cache, "get", "k1"));
            assertTrue(after.getMessage().contains("detached"), after.getMessage());
        }
    }

    @Test
    void closeWhileFourThreadsInvokeEndsEachWithTheDetachedRefusal(@TempDir Path out) throws Exception {
        try (URLClassLoader loader = ExampleSources.compile(DIR.resolve("KvCache.java"), out)) {
            Class<?> kv = loader.loadClass("KvCache");
            AtomicLong clock = new AtomicLong();
            AutoCloseable cache = open(kv, V1, 10_000, 500, 4, clock::incrementAndGet);
            List<Throwable> ends = Collections.synchronizedList(new ArrayList<>());
            AtomicLong calls = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; ; i++) {
                            call(cache, "put", "k" + (i * 7 + id) % 100, new byte[i % 600]);
                            call(cache, "get", "k" + (i * 3 + id) % 100);
                            calls.addAndGet(2);
                        }
                    } catch (Throwable e) {
                        ends.add(e);
                    }
                }));
            }
            while (calls.get() < 2000) {
                Thread.onSpinWait();
            }
            cache.close();
            for (Thread w : workers) {
                w.join();
            }
            assertEquals(4, ends.size());
            for (Throwable e : ends) {
                assertInstanceOf(IllegalStateException.class, e, "each worker ends with the refusal, nothing else: " + e);
                assertTrue(e.getMessage().contains("detached"), e.getMessage());
            }
        }
    }

    static AutoCloseable open(Class<?> kv, Path object, long capacity, int maxItem, int cpus, LongSupplier clock) throws Exception {
        return (AutoCloseable) call(kv, "open", object, EIM, capacity, maxItem, cpus, clock);
    }

    static Object stats(Object cache, String key) throws Exception {
        return ((Optional<?>) call(cache, "stats", key)).orElseThrow(() -> new AssertionError("no statistics for " + key));
    }

    static long counter(Object cache, String name) throws Exception {
        Class<?> counters = cache.getClass().getClassLoader().loadClass("KvCache$Counter");
        Object c = java.util.Arrays.stream(counters.getEnumConstants()).filter(e -> e.toString().equals(name)).findFirst().orElseThrow();
        return (long) call(cache, "counter", c);
    }

    /**
     * Calls the public method {@code name} of {@code target} (of the class itself when
     * {@code target} is a {@code Class}) that takes {@code args.length} arguments, unwrapping
     * what it throws.
     */
    static Object call(Object target, String name, Object... args) throws Exception {
        Class<?> type = target instanceof Class<?> c ? c : target.getClass();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length
                    && Modifier.isStatic(m.getModifiers()) == (target instanceof Class<?>)) {
                m.setAccessible(true);
                try {
                    return m.invoke(target instanceof Class<?> ? null : target, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
        }
        throw new AssertionError(type + " has no public method " + name + " of " + args.length + " arguments");
    }
}
