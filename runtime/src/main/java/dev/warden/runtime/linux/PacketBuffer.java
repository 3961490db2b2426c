package dev.warden.runtime.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.warden.vm.Memory;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Native memory below 4 GiB that holds the packet of a run, so that its address fits the u32
 * {@code data}/{@code data_end} fields of {@code xdp_md} and {@code __sk_buff} (see
 * {@link LinuxProgramType}). Mapped with {@code mmap(MAP_32BIT)} on x86-64; elsewhere with hint
 * addresses below 4 GiB, checked.
 *
 * <p>Layout: {@link Memory#GUARD} bytes, {@link #HEADROOM} bytes of headroom (the kernel's
 * {@code XDP_PACKET_HEADROOM}), room for {@link #MAX_PACKET} bytes, {@link Memory#GUARD} bytes. Only
 * the packet itself becomes a region, so a read one byte past {@code data_end} faults, and no
 * base-plus-16-bit-offset access from the packet can reach another region.
 */
final class PacketBuffer implements AutoCloseable {
    /** The largest packet a run may have (an IPv4 datagram's limit). */
    static final int MAX_PACKET = 65_535;
    /** Bytes before the packet that {@code bpf_xdp_adjust_head} may grow into. */
    static final int HEADROOM = 256;
    private static final long SIZE = 2 * Memory.GUARD + HEADROOM + MAX_PACKET + 1;
    private static final long FOUR_GIB = 1L << 32;

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_32BIT = 0x40;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("mmap").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("munmap").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private final MemorySegment mapping;
    private boolean closed;
    /** Whether a run moved the packet start into the headroom (so it may hold that run's bytes). */
    private boolean headroomUsed = true;

    /**
     * The empty packet at the packet's place, made once: a run with an entry's arguments gets it
     * every time, and a slice made per run is an object per invocation unless the JIT happens to
     * optimise it away.
     */
    private final MemorySegment empty;

    private PacketBuffer(MemorySegment mapping) {
        this.mapping = mapping;
        this.empty = mapping.asSlice(Memory.GUARD + HEADROOM, 0);
    }

    /** Maps a fresh buffer, or throws {@link IllegalStateException} if no memory below 4 GiB is free. */
    static PacketBuffer map() {
        boolean x86 = System.getProperty("os.arch").matches("amd64|x86_64");
        if (x86) {
            long a = mmap(0, MAP_32BIT);
            if (fits(a)) {
                return new PacketBuffer(MemorySegment.ofAddress(a).reinterpret(SIZE));
            }
            unmapIfMapped(a);
        }
        // Without MAP_32BIT: ask for addresses below 4 GiB and keep the first answer that is.
        for (long hint = 1L << 28; hint + SIZE <= FOUR_GIB; hint += 1L << 28) {
            long a = mmap(hint, 0);
            if (fits(a)) {
                return new PacketBuffer(MemorySegment.ofAddress(a).reinterpret(SIZE));
            }
            unmapIfMapped(a);
        }
        throw new IllegalStateException("cannot map packet memory below 4 GiB (needed for the u32 data fields)");
    }

    private static boolean fits(long a) {
        return a != -1 && a != 0 && a + SIZE <= FOUR_GIB;
    }

    private static void unmapIfMapped(long a) {
        if (a != -1 && a != 0) {
            munmap(a);
        }
    }

    private static long mmap(long hint, int extraFlags) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(MemorySegment.ofAddress(hint), SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | extraFlags, -1, 0L);
            return p.address();
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
    }

    private static void munmap(long a) {
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(a), SIZE);
            if (rc != 0) {
                throw new IllegalStateException("munmap failed");
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }

    /**
     * Copies {@code bytes} to the packet's place (after the headroom) and returns that slice;
     * the headroom is zeroed.
     */
    MemorySegment place(byte[] bytes) {
        if (bytes.length > MAX_PACKET) {
            throw new IllegalArgumentException("a packet has at most " + MAX_PACKET + " bytes, not " + bytes.length);
        }
        if (headroomUsed) { // only bpf_xdp_adjust_head reaches it; zeroing it every run would cost more than the run
            mapping.asSlice(Memory.GUARD, HEADROOM).fill((byte) 0);
            headroomUsed = false;
        }
        if (bytes.length == 0) {
            return empty;
        }
        MemorySegment packet = mapping.asSlice(Memory.GUARD + HEADROOM, bytes.length);
        MemorySegment.copy(bytes, 0, packet, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return packet;
    }

    /** The slice {@code [start, end)} of the buffer, by address, if it lies in headroom plus packet room. */
    MemorySegment slice(long start, long end) {
        long first = mapping.address() + Memory.GUARD;
        long limit = first + HEADROOM + MAX_PACKET;
        if (start < first || end > limit || start > end) {
            throw new IllegalArgumentException("packet bounds outside the buffer");
        }
        if (start < first + HEADROOM) {
            headroomUsed = true;
        }
        return mapping.asSlice(start - mapping.address(), end - start);
    }

    /** The end of the room the packet may grow into (after the headroom and {@link #MAX_PACKET} bytes). */
    long roomEnd() {
        return headroomStart() + HEADROOM + MAX_PACKET;
    }

    /** The first byte of the headroom. */
    long headroomStart() {
        return mapping.address() + Memory.GUARD;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            munmap(mapping.address());
        }
    }
}
