package dev.warden.mpk;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into the C library (glibc): protection keys, mmap, munmap, mprotect.
 *
 * <p>Every call that can fail captures {@code errno} into a per-thread buffer
 * ({@link Linker.Option#captureCallState}); read it with {@link #lastErrno()} on the same thread,
 * before the next call. Nothing here checks arguments: the public classes do.
 *
 * <p>Binding a handle never runs the function. That matters: on a CPU without protection keys
 * glibc's {@code pkey_get}/{@code pkey_set} execute RDPKRU/WRPKRU and the process dies with
 * SIGILL, so they may only be called once {@code pkey_alloc} has succeeded.
 */
final class Libc {
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    /** pkey rights bits (per thread, in the PKRU register). 0 means read and write allowed. */
    static final int PKEY_DISABLE_ACCESS = 0x1;
    static final int PKEY_DISABLE_WRITE = 0x2;
    private static final int SC_PAGESIZE = 30;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup C = LINKER.defaultLookup();
    private static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** Auto arena: the buffer dies with its thread; no allocation per call. */
    private static final ThreadLocal<MemorySegment> STATE =
        ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE_LAYOUT));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle MMAP = bind("mmap",
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE_ERRNO)
        .orElseThrow();
    private static final MethodHandle MUNMAP = bind("munmap",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO).orElseThrow();
    private static final MethodHandle MPROTECT = bind("mprotect",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO).orElseThrow();
    private static final MethodHandle SYSCONF = bind("sysconf",
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT)).orElseThrow();
    private static final MethodHandle CLOCK_GETTIME = bind("clock_gettime",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS)).orElseThrow();
    private static final int CLOCK_THREAD_CPUTIME_ID = 3;
    private static final MethodHandle STRERROR = bind("strerror",
        FunctionDescriptor.of(ADDRESS, JAVA_INT)).orElseThrow();

    // glibc has these since 2.27; absent symbols mean "not supported", never a failed class init.
    private static final Optional<MethodHandle> PKEY_ALLOC = bind("pkey_alloc",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final Optional<MethodHandle> PKEY_FREE = bind("pkey_free",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final Optional<MethodHandle> PKEY_MPROTECT = bind("pkey_mprotect",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    // The switch itself: no errno (they fail only with EINVAL for a bad key or rights, which the
    // callers rule out) and critical, i.e. no Java-to-native thread-state transition: they are
    // two instructions long, never block and touch no Java heap.
    private static final Optional<MethodHandle> PKEY_GET = bind("pkey_get",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT), Linker.Option.critical(false));
    private static final Optional<MethodHandle> PKEY_SET = bind("pkey_set",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.critical(false));

    static final long PAGE_SIZE = pageSize();

    private Libc() {}

    private static Optional<MethodHandle> bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        return C.find(name).map(addr -> LINKER.downcallHandle(addr, fd, options));
    }

    private static long pageSize() {
        try {
            long size = (long) SYSCONF.invokeExact(SC_PAGESIZE);
            return size > 0 ? size : 4096;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The errno captured by this thread's last errno-capturing call here. */
    static Errno lastErrno() {
        return new Errno((int) ERRNO.get(STATE.get(), 0L));
    }

    /** Whether the C library offers the whole pkey family. */
    static boolean hasPkeyFunctions() {
        return PKEY_ALLOC.isPresent() && PKEY_FREE.isPresent() && PKEY_MPROTECT.isPresent()
            && PKEY_GET.isPresent() && PKEY_SET.isPresent();
    }

    static int pkeyAlloc(int flags, int rights) {
        try {
            return (int) PKEY_ALLOC.orElseThrow().invokeExact(STATE.get(), flags, rights);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pkeyFree(int key) {
        try {
            return (int) PKEY_FREE.orElseThrow().invokeExact(STATE.get(), key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int pkeyMprotect(long address, long length, int prot, int key) {
        try {
            return (int) PKEY_MPROTECT.orElseThrow().invokeExact(
                STATE.get(), MemorySegment.ofAddress(address), length, prot, key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Only after a successful pkey_alloc: SIGILL on CPUs without protection keys. */
    static int pkeyGet(int key) {
        try {
            return (int) PKEY_GET.orElseThrow().invokeExact(key);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Only after a successful pkey_alloc: SIGILL on CPUs without protection keys. */
    static int pkeySet(int key, int rights) {
        try {
            return (int) PKEY_SET.orElseThrow().invokeExact(key, rights);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Returns the mapped address, or -1 (MAP_FAILED) with errno set. */
    static long mmapAnonymous(long length, int prot) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(
                STATE.get(), MemorySegment.NULL, length, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
            return p.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int munmap(long address, long length) {
        try {
            return (int) MUNMAP.invokeExact(STATE.get(), MemorySegment.ofAddress(address), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int mprotect(long address, long length, int prot) {
        try {
            return (int) MPROTECT.invokeExact(STATE.get(), MemorySegment.ofAddress(address), length, prot);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * CPU time this thread has used, in nanoseconds: unlike wall time it excludes waiting for a
     * core, so timings stay meaningful on a loaded machine (java.management is not in a java.base
     * runtime, hence clock_gettime).
     */
    static long threadCpuNanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);  // struct timespec { time_t tv_sec; long tv_nsec; }
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_THREAD_CPUTIME_ID, ts);
            if (rc != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
            }
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            // strerror returns a NUL-terminated static string; 256 bytes bound the read.
            return s.equals(MemorySegment.NULL) ? "errno " + errno : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        return switch (t) {
            case RuntimeException r -> r;
            case Error e -> throw e;
            default -> new IllegalStateException("native call failed", t);
        };
    }
}
