package dev.warden.runtime.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A consumer of a kernel ring buffer ({@code BPF_MAP_TYPE_RINGBUF}), as libbpf's: the map is
 * mmap'ed read-only (consumer page, producer page, then the data area mapped twice), and the
 * records between the consumer and producer positions are read in order. Each record has an
 * 8-byte header: its length with the BUSY (bit 31) and DISCARD (bit 30) flags, then the page
 * offset; records are 8-byte aligned. Reading does not advance the consumer position.
 */
final class KernelRingBuffer {
    private KernelRingBuffer() {}

    private static final int PROT_READ = 0x1;
    private static final int MAP_SHARED = 0x01;
    private static final long PAGE = 4096;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;

    private static final class Handles {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /** The submitted records of ring buffer {@code fd} (data area of {@code size} bytes), up to the first still busy. */
    static List<byte[]> records(int fd, long size) {
        long length = 2 * PAGE + 2 * size;
        MemorySegment base;
        try {
            base = ((MemorySegment) Handles.MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ, MAP_SHARED, fd, 0L))
                    .reinterpret(length);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap of a ring buffer failed", t);
        }
        if (base.address() == -1L) {
            throw new IllegalStateException("mmap of ring buffer fd " + fd + " failed");
        }
        try {
            long consumer = base.get(ValueLayout.JAVA_LONG, 0);
            long producer = base.get(ValueLayout.JAVA_LONG, PAGE);
            MemorySegment data = base.asSlice(2 * PAGE);
            List<byte[]> out = new ArrayList<>();
            for (long pos = consumer; pos < producer; ) {
                int header = data.get(ValueLayout.JAVA_INT, pos & (size - 1));
                if ((header & BUSY) != 0) {
                    break;
                }
                int len = header & ~(BUSY | DISCARD);
                if ((header & DISCARD) == 0) {
                    // The data area is mapped twice in a row, so a record that wraps reads in one piece.
                    out.add(data.asSlice((pos & (size - 1)) + HEADER, len).toArray(ValueLayout.JAVA_BYTE));
                }
                pos += (len + HEADER + 7) & ~7L;
            }
            return out;
        } finally {
            try {
                int unused = (int) Handles.MUNMAP.invokeExact(base, length);
            } catch (Throwable t) {
                throw new IllegalStateException("munmap failed", t);
            }
        }
    }
}
