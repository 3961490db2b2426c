package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Directed random inputs for one program: packets whose lengths favour the edges where bounds
 * checks go wrong (0, every length up to 64, the Ethernet/IPv4/TCP header ends, up to
 * {@link #MAX_LENGTH}), random or patterned bytes, maps empty or holding random entries under
 * small keys (the ones programs use) and under keys earlier runs looked up and missed, and random
 * scalars (clock, random seed, ids, interface index). Deterministic for a seed.
 */
public final class RandomInputs {
    /** The longest packet drawn. */
    public static final int MAX_LENGTH = 256;
    private static final int[] EDGES = {0, 1, 2, 4, 8, 13, 14, 15, 20, 33, 34, 35, 53, 54, 55, 60, 64};

    private final SplittableRandom rnd;
    private final List<BpfMap> maps;
    private final Map<String, List<byte[]>> learnedKeys = new LinkedHashMap<>();

    /** Inputs for programs of an object with these maps (only arrays and hashes get entries). */
    public RandomInputs(long seed, List<BpfMap> maps) {
        this.rnd = new SplittableRandom(seed);
        this.maps = List.copyOf(maps);
    }

    /** Remembers keys a run looked up and did not find, so that later inputs may hold them. */
    public void learn(Map<String, List<byte[]>> missed) {
        missed.forEach((name, keys) -> {
            List<byte[]> known = learnedKeys.computeIfAbsent(name, k -> new ArrayList<>());
            for (byte[] k : keys) {
                if (known.size() < 32 && known.stream().noneMatch(x -> java.util.Arrays.equals(x, k))) {
                    known.add(k.clone());
                }
            }
        });
    }

    /** Per map name, the keys earlier runs looked up and missed (at most 32 a map), in the order learned. */
    Map<String, List<byte[]>> learned() {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        learnedKeys.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return out;
    }

    /** Whether inputs put entries in {@code m}: arrays and hashes, not global data. */
    static boolean takesEntries(BpfMap m) {
        return isArrayOrHash(m) && m.kind() != dev.warden.isa.elf.MapKind.GLOBAL_DATA;
    }

    /** The next input. */
    public LinuxInput next() {
        byte[] packet = new byte[length()];
        switch (rnd.nextInt(4)) {
            case 0 -> { } // zeros
            case 1 -> java.util.Arrays.fill(packet, (byte) 0xff);
            default -> rnd.nextBytes(packet);
        }
        Map<String, List<MapEntry>> entries = new LinkedHashMap<>();
        for (BpfMap m : maps) {
            if (takesEntries(m) && rnd.nextBoolean()) {
                entries.put(m.name(), entries(m));
            }
        }
        long clock = rnd.nextInt(4) == 0 ? 0 : rnd.nextLong() >>> 1;
        int ifindex = switch (rnd.nextInt(4)) {
            case 0 -> 1;
            case 1 -> 0;
            case 2 -> -1;
            default -> rnd.nextInt();
        };
        return new LinuxInput(packet, entries, clock, rnd.nextLong(), rnd.nextLong(), ifindex);
    }

    /**
     * The next input for a program of {@code type}: for a packet type {@link #next()}; for a tracing
     * type the same maps and scalars with context bytes instead of a packet: none (all zero), the whole
     * context, or a random multiple of 8 bytes of it (fentry counts its arguments by them), each u64
     * zero, all ones, small (syscall numbers, indexes, lengths), a power of two or its neighbours, or
     * random, or a key an earlier run's lookup missed; the pid is one of a few.
     * For a packet type, {@link #next()} or, half the time, a well-formed Ethernet/IP/L4 header stack.
     */
    public LinuxInput nextFor(LinuxProgramType type) {
        LinuxInput input = next();
        if (type.hasPacket()) {
            // Half the packets are well-formed headers, so that parsers get past the EtherType and IP checks.
            return rnd.nextBoolean() ? input : new LinuxInput(headers(), input.maps(), input.clockStart(), input.randomSeed(),
                    input.pidTgid(), input.ifindex());
        }
        int size = type.contextSize();
        int length = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> size;
            default -> Math.min(size, 8 * rnd.nextInt(size / 8 + 1));
        };
        byte[] context = new byte[length];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(context).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 8 <= length; at += 8) {
            b.putLong(at, slot());
        }
        // A few processes only, so that keys derived from the pid (get_current_task) recur and earlier misses can hit.
        long pidTgid = PIDS[rnd.nextInt(PIDS.length)];
        return new LinuxInput(context, input.maps(), input.clockStart(), input.randomSeed(), pidTgid, input.ifindex());
    }

    private static final long[] PIDS = {0, 0x0000_2a00_0000_2a01L, 0x0000_0001_0000_0001L, 0x0000_7fff_0000_7fffL};

    /**
     * An Ethernet frame with an IPv4 or IPv6 header (version, length fields and next header right,
     * the rest random), then a TCP, UDP or ICMP header and a random payload; sometimes cut short.
     */
    private byte[] headers() {
        boolean v6 = rnd.nextBoolean();
        int[] protocols = {6, 17, v6 ? 58 : 1};
        int protocol = protocols[rnd.nextInt(protocols.length)];
        int l4 = protocol == 6 ? 20 : 8;
        int ip = v6 ? 40 : 20;
        int payload = rnd.nextInt(64);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 + ip + l4 + payload);
        byte[] random = new byte[b.capacity()];
        rnd.nextBytes(random);
        b.put(random).position(12);
        b.putShort((short) (v6 ? 0x86dd : 0x0800));
        if (v6) {
            b.put((byte) 0x60).position(18);
            b.putShort((short) (l4 + payload)).put((byte) protocol);
        } else {
            b.put((byte) 0x45).position(16);
            b.putShort((short) (ip + l4 + payload)).position(20);
            b.putShort((short) 0).position(23); // not a fragment
            b.put((byte) protocol);
        }
        if (protocol == 6) {
            b.position(14 + ip + 12);
            b.put((byte) 0x50); // data offset: 5 words
        }
        byte[] frame = b.array();
        return rnd.nextInt(8) == 0 ? java.util.Arrays.copyOf(frame, rnd.nextInt(frame.length)) : frame;
    }

    private long slot() {
        if (!learnedKeys.isEmpty() && rnd.nextInt(4) == 0) {
            // A key a lookup missed: tracing programs key maps by context values (an ip, a syscall number).
            List<List<byte[]>> all = new ArrayList<>(learnedKeys.values());
            List<byte[]> keys = all.get(rnd.nextInt(all.size()));
            if (!keys.isEmpty()) {
                byte[] k = keys.get(rnd.nextInt(keys.size()));
                long v = 0;
                for (int i = 0; i < Math.min(8, k.length); i++) {
                    v |= (k[i] & 0xffL) << (8 * i);
                }
                return v;
            }
        }
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> rnd.nextInt(1024);
            case 3 -> {
                long p = 1L << rnd.nextInt(64);
                yield p + rnd.nextInt(3) - 1;
            }
            default -> rnd.nextLong();
        };
    }

    private int length() {
        return switch (rnd.nextInt(3)) {
            case 0 -> EDGES[rnd.nextInt(EDGES.length)];
            case 1 -> rnd.nextInt(65);
            default -> rnd.nextInt(MAX_LENGTH + 1);
        };
    }

    private static boolean isArrayOrHash(BpfMap m) {
        return switch (m.type()) {
            case 1, 2, 5, 6, 9, 10 -> true;
            default -> false;
        };
    }

    private List<MapEntry> entries(BpfMap m) {
        List<MapEntry> out = new ArrayList<>();
        int n = 1 + rnd.nextInt(4);
        List<byte[]> learned = learnedKeys.getOrDefault(m.name(), List.of());
        for (int i = 0; i < n && out.size() < m.maxEntries(); i++) {
            byte[] key;
            if (!learned.isEmpty() && rnd.nextBoolean()) {
                key = learned.get(rnd.nextInt(learned.size()));
            } else {
                key = new byte[(int) m.keySize()];
                long k = rnd.nextInt(8);
                for (int b = 0; b < key.length && b < 8; b++) {
                    key[b] = (byte) (k >>> (8 * b));
                }
            }
            byte[] value = new byte[(int) Math.min(m.valueSize(), 1 << 16)];
            rnd.nextBytes(value);
            out.add(new MapEntry(key, value));
        }
        return out;
    }
}
