package dev.warden.runtime.kernel;

import dev.warden.mpk.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The raw bpf(2) system call through {@code java.lang.foreign}: glibc's variadic
 * {@code long syscall(long number, ...)} with errno captured right after the call (reading
 * errno later would see whatever the JVM did in between). Layouts follow
 * {@code include/uapi/linux/bpf.h}; every attribute block is zero-filled first because the
 * kernel rejects non-zero bytes in fields it does not know.
 */
final class Bpf {
    private Bpf() {}

    /** {@code __NR_bpf}: 321 on x86-64, 280 on arm64 (the generic table); -1 elsewhere. */
    static final long SYS_BPF = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 321;
        case "aarch64" -> 280;
        default -> -1;
    };

    static final int BPF_MAP_CREATE = 0;
    static final int BPF_MAP_LOOKUP_ELEM = 1;
    static final int BPF_MAP_UPDATE_ELEM = 2;
    static final int BPF_MAP_GET_NEXT_KEY = 4;
    static final int BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21;
    static final int BPF_MAP_FREEZE = 22;
    static final int BPF_PROG_LOAD = 5;
    static final int BPF_PROG_TEST_RUN = 10;
    static final int BPF_BTF_LOAD = 18;

    /** Large enough for every field we set; the kernel accepts a longer, zero-padded attr. */
    static final long ATTR_SIZE = 160;

    // BPF_PROG_LOAD attribute offsets.
    static final long LOAD_PROG_TYPE = 0;
    static final long LOAD_INSN_CNT = 4;
    static final long LOAD_INSNS = 8;
    static final long LOAD_LICENSE = 16;
    static final long LOAD_LOG_LEVEL = 24;
    static final long LOAD_LOG_SIZE = 28;
    static final long LOAD_LOG_BUF = 32;
    static final long LOAD_PROG_NAME = 48;
    static final long LOAD_PROG_BTF_FD = 72;
    static final long LOAD_FUNC_INFO_REC_SIZE = 76;
    static final long LOAD_FUNC_INFO = 80;
    static final long LOAD_FUNC_INFO_CNT = 88;

    // BPF_BTF_LOAD attribute offsets.
    static final long BTF_DATA = 0;
    static final long BTF_LOG_BUF = 8;
    static final long BTF_SIZE = 16;
    static final long BTF_LOG_SIZE = 20;
    static final long BTF_LOG_LEVEL = 24;

    // BPF_MAP_CREATE attribute offsets.
    static final long MAP_TYPE = 0;
    static final long MAP_KEY_SIZE = 4;
    static final long MAP_VALUE_SIZE = 8;
    static final long MAP_MAX_ENTRIES = 12;
    static final long MAP_FLAGS = 16;
    static final long MAP_NAME = 28;
    static final long MAP_BTF_FD = 48;
    static final long MAP_BTF_KEY_TYPE_ID = 52;
    static final long MAP_BTF_VALUE_TYPE_ID = 56;

    // BPF_MAP_*_ELEM attribute offsets (map_fd, key, value or next_key, flags).
    static final long ELEM_MAP_FD = 0;
    static final long ELEM_KEY = 8;
    static final long ELEM_VALUE = 16;
    static final long ELEM_FLAGS = 24;

    // BPF_PROG_TEST_RUN attribute offsets.
    static final long TEST_PROG_FD = 0;
    static final long TEST_RETVAL = 4;
    static final long TEST_DATA_SIZE_IN = 8;
    static final long TEST_DATA_SIZE_OUT = 12;
    static final long TEST_DATA_IN = 16;
    static final long TEST_DATA_OUT = 24;
    static final long TEST_REPEAT = 32;
    static final long TEST_DURATION = 36;
    static final long TEST_CTX_SIZE_IN = 40;
    static final long TEST_CTX_IN = 48;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** Lazily bound so that merely loading this class on a non-Linux host cannot fail. */
    private static final class Handles {
        static final MethodHandle SYSCALL = LINKER.downcallHandle(
                LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1),
                Linker.Option.captureCallState("errno"));
        static final MethodHandle CLOSE = LINKER.downcallHandle(
                LINKER.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /** What one bpf() call returned: a non-negative value, or -1 and the errno. */
    record Ret(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    /** Calls {@code bpf(cmd, attr, size)}; {@code attr} must be native memory. */
    static Ret call(int cmd, MemorySegment attr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long r = (long) Handles.SYSCALL.invokeExact(state, SYS_BPF, (long) cmd, attr.address(), attr.byteSize());
            return new Ret(r, r < 0 ? (int) ERRNO.get(state, 0L) : 0);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    static void close(int fd) {
        try {
            int unused = (int) Handles.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw linkageFailure(t);
        }
    }

    /** {@code EPERM (Operation not permitted)}: the one errno formatting, shared with mpk-bridge. */
    static String describe(int errno) {
        return new Errno(errno).toString();
    }

    private static RuntimeException linkageFailure(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
