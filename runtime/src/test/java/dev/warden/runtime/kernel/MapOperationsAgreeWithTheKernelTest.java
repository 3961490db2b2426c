package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxProgramType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime's maps against Linux's: the same random sequence of updates (every flag
 * combination of {@code BPF_ANY/NOEXIST/EXIST} and an invalid one), deletes, lookups, pushes and
 * pops, through the {@code bpf()} syscall on a kernel map and through {@link HostMap} on
 * Warden's. Return codes (errno values) and values must agree at every step. Skipped where
 * {@code bpf()} is not permitted.
 */
class MapOperationsAgreeWithTheKernelTest {
    static final int LOOKUP_ELEM = 1;
    static final int UPDATE_ELEM = 2;
    static final int DELETE_ELEM = 3;
    static final int LOOKUP_AND_DELETE_ELEM = 21;
    static final int ENOENT = 2;

    static final BpfMap HASH = new BpfMap(0, "hash", MapKind.BTF, 1, 4, 8, 6, 0, new byte[0]);
    static final BpfMap ARRAY = new BpfMap(0, "array", MapKind.BTF, 2, 4, 8, 6, 0, new byte[0]);
    static final BpfMap LPM = new BpfMap(0, "lpm", MapKind.BTF, 11, 8, 8, 6, 1, new byte[0]);  // BPF_F_NO_PREALLOC
    static final BpfMap QUEUE = new BpfMap(0, "queue", MapKind.BTF, 22, 0, 8, 4, 0, new byte[0]);
    static final BpfMap STACK = new BpfMap(0, "stack", MapKind.BTF, 23, 0, 8, 4, 0, new byte[0]);

    /** The kernel map: one fd and the syscalls on it; results as 0, a value, or a negative errno. */
    static final class KernelMap implements AutoCloseable {
        final KernelMaps maps;
        final int fd;
        final Arena arena = Arena.ofConfined();
        final MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
        final MemorySegment key;
        final MemorySegment value;

        KernelMap(BpfMap m) {
            maps = KernelMaps.create(List.of(m));
            fd = maps.fds().getFirst();
            key = arena.allocate(Math.max(1, m.keySize()), 8);
            value = arena.allocate(Math.max(1, m.valueSize()), 8);
        }

        long call(int cmd, byte[] k, byte[] v, long flags) {
            attr.fill((byte) 0);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            if (k != null) {
                MemorySegment.copy(k, 0, key, ValueLayout.JAVA_BYTE, 0, k.length);
                attr.set(ValueLayout.JAVA_LONG, 8, key.address());
            }
            if (v != null) {
                MemorySegment.copy(v, 0, value, ValueLayout.JAVA_BYTE, 0, v.length);
            }
            if (cmd != DELETE_ELEM) { // the kernel requires the fields after the key to be zero for a delete
                attr.set(ValueLayout.JAVA_LONG, 16, value.address());
                attr.set(ValueLayout.JAVA_LONG, 24, flags);
            }
            Bpf.Ret r = Bpf.call(cmd, attr);
            return r.failed() ? -r.errno() : 0;
        }

        byte[] value() {
            return value.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
        }

        @Override
        public void close() {
            maps.close();
            arena.close();
        }
    }

    static LinuxEnvironment warden(BpfMap m) throws Exception {
        BpfProgram p = new BpfProgram("nop", "xdp", Assembler.assemble("r0 = 0\nexit\n"), List.of(), List.of(), List.of());
        return LinuxEnvironment.load(new BpfObject(List.of(), List.of(p), List.of(m), "GPL"), p, LinuxProgramType.XDP);
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
        return b;
    }

    /** A key: 4-byte index (0..9, some beyond max_entries), or an LPM key (prefix 0..34 of a few addresses). */
    static byte[] key(BpfMap m, SplittableRandom r) {
        if (m.type() == 11) {
            int[] addresses = {0x0a000000, 0x0a010000, 0x0a010203, 0xc0a80001};
            int a = addresses[r.nextInt(addresses.length)];
            int prefix = r.nextInt(35);
            return new byte[] {(byte) prefix, 0, 0, 0, (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        int i = r.nextInt(10);
        return new byte[] {(byte) i, 0, 0, 0};
    }

    @ParameterizedTest
    @ValueSource(strings = {"hash", "array", "lpm"})
    void keyedMapsGiveLinuxsResults(String name) throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        BpfMap m = switch (name) {
            case "hash" -> HASH;
            case "array" -> ARRAY;
            default -> LPM;
        };
        SplittableRandom r = new SplittableRandom(name.hashCode());
        try (KernelMap k = new KernelMap(m); LinuxEnvironment env = warden(m)) {
            HostMap w = env.map(m.name()).orElseThrow();
            for (int step = 0; step < 3000; step++) {
                byte[] key = key(m, r);
                String where = name + " step " + step;
                switch (r.nextInt(3)) {
                    case 0 -> {
                        long flags = r.nextInt(6); // ANY, NOEXIST, EXIST, 3 (invalid), BPF_F_LOCK (no lock here), 5
                        byte[] v = u64(r.nextLong());
                        assertEquals(k.call(UPDATE_ELEM, key, v, flags), w.update(key, v, flags), where + " update flags " + flags);
                    }
                    case 1 -> assertEquals(k.call(DELETE_ELEM, key, null, 0), w.delete(key), where + " delete");
                    default -> {
                        long rc = k.call(LOOKUP_ELEM, key, null, 0);
                        Optional<byte[]> v = w.lookup(key);
                        assertEquals(rc == 0, v.isPresent(), where + " lookup found (kernel " + rc + ")");
                        if (rc == 0) {
                            assertArrayEquals(k.value(), v.get(), where + " lookup value");
                        } else {
                            assertEquals(-ENOENT, rc, where);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"queue", "stack"})
    void queuesAndStacksGiveLinuxsResults(String name) throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        BpfMap m = name.equals("queue") ? QUEUE : STACK;
        SplittableRandom r = new SplittableRandom(name.hashCode());
        try (KernelMap k = new KernelMap(m); LinuxEnvironment env = warden(m)) {
            HostMap w = env.map(m.name()).orElseThrow();
            for (int step = 0; step < 3000; step++) {
                String where = name + " step " + step;
                switch (r.nextInt(3)) {
                    case 0 -> {
                        long flags = r.nextInt(4);
                        byte[] v = u64(r.nextLong());
                        assertEquals(k.call(UPDATE_ELEM, null, v, flags), w.push(v, flags), where + " push flags " + flags);
                    }
                    case 1 -> {
                        long rc = k.call(LOOKUP_AND_DELETE_ELEM, null, null, 0);
                        Optional<byte[]> v = w.pop();
                        assertEquals(rc == 0, v.isPresent(), where + " pop found (kernel " + rc + ")");
                        if (rc == 0) {
                            assertArrayEquals(k.value(), v.get(), where + " pop value");
                        }
                    }
                    default -> {
                        long rc = k.call(LOOKUP_ELEM, null, null, 0);
                        Optional<byte[]> v = w.peek();
                        assertEquals(rc == 0, v.isPresent(), where + " peek found (kernel " + rc + ")");
                        if (rc == 0) {
                            assertArrayEquals(k.value(), v.get(), where + " peek value");
                        }
                    }
                }
            }
        }
    }
}
