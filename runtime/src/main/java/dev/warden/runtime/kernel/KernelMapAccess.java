package dev.warden.runtime.kernel;

import dev.warden.isa.elf.BpfMap;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel map read and written through bpf(2), the way a host does: {@code BPF_MAP_UPDATE_ELEM}
 * to seed it, {@code BPF_MAP_GET_NEXT_KEY} and {@code BPF_MAP_LOOKUP_ELEM} to list it, pops for
 * queues and stacks, the mmap'ed ring for ring buffers ({@link KernelRingBuffer}).
 */
final class KernelMapAccess {
    private KernelMapAccess() {}

    /** Stores {@code value} under {@code key} ({@code key} empty for a queue or stack push); 0 or a negative errno. */
    static long update(int fd, BpfMap m, byte[] key, byte[] value, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, Bpf.ELEM_MAP_FD, fd);
            if (key.length > 0) {
                attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_KEY, arena.allocateFrom(ValueLayout.JAVA_BYTE, key).address());
            }
            attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_VALUE, arena.allocateFrom(ValueLayout.JAVA_BYTE, value).address());
            attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_FLAGS, flags);
            Bpf.Ret r = Bpf.call(Bpf.BPF_MAP_UPDATE_ELEM, attr);
            return r.failed() ? -r.errno() : 0;
        }
    }

    /** A per-CPU map's update takes one value per possible CPU, each padded to 8 bytes: here all the same. */
    static byte[] perCpuValue(BpfMap m, byte[] value) {
        int stride = stride(m);
        byte[] all = new byte[stride * possibleCpus()];
        for (int c = 0; c < possibleCpus(); c++) {
            System.arraycopy(value, 0, all, c * stride, value.length);
        }
        return all;
    }

    /** What the map holds now; reading a queue or stack empties it (a pop is the only way to see past the head). */
    static MapSnapshot read(int fd, BpfMap m) {
        MapSnapshot.Shape shape = MapSnapshot.shapeOf(m.type());
        return switch (shape) {
            case KEYED, ARRAY -> new MapSnapshot(m.name(), shape, keyed(fd, m), List.of());
            case SEQUENCE -> new MapSnapshot(m.name(), shape, Map.of(),
                    m.type() == RINGBUF ? KernelRingBuffer.records(fd, m.maxEntries()) : popAll(fd, m));
            case NOT_COMPARED -> new MapSnapshot(m.name(), shape, Map.of(), List.of());
        };
    }

    private static final int RINGBUF = 27;

    private static Map<String, List<byte[]>> keyed(int fd, BpfMap m) {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        boolean perCpu = MapSnapshot.perCpu(m.type());
        int cpus = perCpu ? possibleCpus() : 1;
        int stride = perCpu ? stride(m) : (int) m.valueSize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(Math.max(1, m.keySize()), 8);
            MemorySegment next = arena.allocate(Math.max(1, m.keySize()), 8);
            MemorySegment value = arena.allocate((long) stride * cpus, 8);
            MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
            boolean first = true;
            // Bounded by max_entries + 1 so that a map changing under us cannot loop forever.
            for (long n = 0; n <= m.maxEntries(); n++) {
                attr.fill((byte) 0);
                attr.set(ValueLayout.JAVA_INT, Bpf.ELEM_MAP_FD, fd);
                if (!first) {
                    attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_KEY, key.address());
                }
                attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_VALUE, next.address());
                if (Bpf.call(Bpf.BPF_MAP_GET_NEXT_KEY, attr).failed()) {
                    break; // ENOENT: the last key
                }
                first = false;
                MemorySegment.copy(next, 0, key, 0, m.keySize());
                attr.fill((byte) 0);
                attr.set(ValueLayout.JAVA_INT, Bpf.ELEM_MAP_FD, fd);
                attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_KEY, key.address());
                attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_VALUE, value.address());
                if (Bpf.call(Bpf.BPF_MAP_LOOKUP_ELEM, attr).failed()) {
                    continue; // deleted between the two calls
                }
                List<byte[]> values = new ArrayList<>();
                for (int c = 0; c < cpus; c++) {
                    values.add(value.asSlice((long) c * stride, m.valueSize()).toArray(ValueLayout.JAVA_BYTE));
                }
                out.put(MapSnapshot.hex(key.asSlice(0, m.keySize()).toArray(ValueLayout.JAVA_BYTE)), values);
            }
        }
        return out;
    }

    private static List<byte[]> popAll(int fd, BpfMap m) {
        List<byte[]> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(Math.max(1, m.valueSize()), 8);
            MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
            for (long n = 0; n < m.maxEntries(); n++) {
                attr.fill((byte) 0);
                attr.set(ValueLayout.JAVA_INT, Bpf.ELEM_MAP_FD, fd);
                attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_VALUE, value.address());
                if (Bpf.call(Bpf.BPF_MAP_LOOKUP_AND_DELETE_ELEM, attr).failed()) {
                    break;
                }
                out.add(value.asSlice(0, m.valueSize()).toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return out;
    }

    private static int stride(BpfMap m) {
        return (int) ((m.valueSize() + 7) & ~7L);
    }

    private static final class Possible {
        static final int CPUS = readPossible();
    }

    /**
     * The kernel's {@code num_possible_cpus()}: the count in {@code /sys/devices/system/cpu/possible}
     * ("0-15", or a list of ranges), which sizes every per-CPU value the syscall copies.
     */
    static int possibleCpus() {
        return Possible.CPUS;
    }

    private static int readPossible() {
        try {
            String text = Files.readString(Path.of("/sys/devices/system/cpu/possible")).strip();
            int max = 0;
            for (String part : text.split(",")) {
                String last = part.contains("-") ? part.substring(part.indexOf('-') + 1) : part;
                max = Math.max(max, Integer.parseInt(last.strip()));
            }
            return max + 1;
        } catch (IOException | NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
