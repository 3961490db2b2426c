package dev.warden.runtime.linux;

import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * AFL-style mutations of one run's input: on the packet (or a tracing program's context bytes)
 * bit flips, random bytes, small additions, interesting values and the program's own comparison
 * constants written at an offset in either byte order, copied chunks, a splice with another input,
 * and, for packets only, inserted, deleted and cut bytes; on the maps an entry put under a key a
 * lookup missed, a value's bytes mutated the same way, an entry or a whole map dropped; on the
 * scalars a new pid, interface index, clock or random seed. And input-to-state replacement
 * ({@link #replaceCompared}): where the left operand of a comparison the run made appears in the
 * packet or a map value, the right operand written in its place. Deterministic for a random source.
 */
final class InputMutations {
    private static final long[] INTERESTING = {0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, Long.MAX_VALUE, Long.MIN_VALUE, 14, 20, 40, 1500, 65535};

    private final SplittableRandom rnd;
    private final List<BpfMap> maps;
    private final LinuxProgramType type;
    /** The immediates the program compares against, and the interesting values: what to write into inputs. */
    private final long[] dictionary;

    InputMutations(SplittableRandom rnd, List<BpfMap> maps, LinuxProgramType type, Program program) {
        this.rnd = rnd;
        this.maps = maps.stream().filter(m -> RandomInputs.takesEntries(m)).toList();
        this.type = type;
        this.dictionary = dictionary(program);
    }

    /**
     * The constants of the program's conditional jumps against an immediate, beside the interesting
     * values: a parser's checks (an EtherType, a protocol number, a port, a flag) are its jumps' immediates.
     */
    static long[] dictionary(Program program) {
        SortedSet<Long> values = new TreeSet<>();
        for (long v : INTERESTING) {
            values.add(v);
        }
        for (int i = 0; i < program.size(); i++) {
            if (program.get(i) instanceof Instruction.Jump j && j.src() instanceof Imm imm) {
                values.add(imm.signExtended());
                values.add(imm.signExtended() + 1);
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code input} changed by one to four stacked mutations; {@code other} feeds splices; {@code learned} gives missed keys. */
    LinuxInput mutate(LinuxInput input, LinuxInput other, Map<String, List<byte[]>> learned) {
        byte[] packet = input.packet();
        Map<String, List<MapEntry>> entries = new LinkedHashMap<>(input.maps());
        long clock = input.clockStart();
        long seed = input.randomSeed();
        long pid = input.pidTgid();
        int ifindex = input.ifindex();
        int n = 1 << rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(16)) {
                case 0, 1, 2, 3, 4, 5, 6, 7 -> packet = bytes(packet, other.packet(), type.hasPacket() ? Resize.ALLOWED : Resize.FIXED);
                case 8, 9, 10 -> putMissedKey(entries, learned);
                case 11, 12 -> mutateValue(entries);
                case 13 -> dropEntry(entries);
                case 14 -> {
                    pid = rnd.nextBoolean() ? other.pidTgid() : rnd.nextLong();
                    ifindex = rnd.nextBoolean() ? other.ifindex() : (int) pick();
                }
                default -> {
                    clock = rnd.nextBoolean() ? 0 : rnd.nextLong() >>> 1;
                    seed = rnd.nextLong();
                }
            }
        }
        return new LinuxInput(packet, entries, clock, seed, pid, ifindex);
    }

    /**
     * Input-to-state: one comparison {@code input}'s run made, its left operand's bytes looked for
     * (1 to the comparison's width, little and big endian, as parsers load and byte-swap fields) in
     * the packet and the map values, and one place where they appear overwritten with the right
     * operand (or a neighbour of it, for the orderings); where they appear nowhere, the right
     * operand written at a random offset. The way past a magic number, an EtherType, a length.
     */
    LinuxInput replaceCompared(LinuxInput input, List<dev.warden.runtime.BranchEdges.Comparison> compared) {
        if (compared.isEmpty()) {
            return input;
        }
        dev.warden.runtime.BranchEdges.Comparison c = compared.get(rnd.nextInt(compared.size()));
        // The operand itself for an equality, a neighbour for an ordering (the jump's kind is not kept).
        long right = c.right() + rnd.nextInt(-1, 2);
        byte[] packet = input.packet();
        Map<String, List<MapEntry>> entries = new LinkedHashMap<>(input.maps());
        // Every place (which array, offset, width, order) the left operand appears.
        List<byte[]> targets = new ArrayList<>();
        targets.add(packet);
        Map<byte[], String[]> owner = new java.util.IdentityHashMap<>();
        entries.forEach((name, list) -> {
            for (int i = 0; i < list.size(); i++) {
                byte[] value = list.get(i).value();
                targets.add(value);
                owner.put(value, new String[] {name, Integer.toString(i)});
            }
        });
        List<int[]> places = new ArrayList<>();
        for (int t = 0; t < targets.size(); t++) {
            byte[] b = targets.get(t);
            for (int width = 1; width <= c.bytes(); width <<= 1) {
                if (width < 8 && c.left() >>> (8 * width) != 0) {
                    continue;
                }
                for (int big = 0; big < 2 && (big == 0 || width > 1); big++) {
                    for (int at = 0; at + width <= b.length; at++) {
                        if (read(b, at, width, big == 1) == c.left()) {
                            places.add(new int[] {t, at, width, big});
                        }
                    }
                }
            }
        }
        if (places.isEmpty()) {
            if (packet.length > 0) {
                writeValue(packet, right);
            }
        } else {
            int[] place = places.get(rnd.nextInt(places.size()));
            byte[] b = targets.get(place[0]);
            write(b, place[1], place[2], place[3] == 1, right);
            if (place[0] > 0) {
                String[] where = owner.get(b);
                List<MapEntry> list = new ArrayList<>(entries.get(where[0]));
                int i = Integer.parseInt(where[1]);
                list.set(i, new MapEntry(list.get(i).key(), b));
                entries.put(where[0], list);
            }
        }
        return new LinuxInput(packet, entries, input.clockStart(), input.randomSeed(), input.pidTgid(), input.ifindex());
    }

    private static long read(byte[] b, int at, int width, boolean big) {
        long v = 0;
        for (int i = 0; i < width; i++) {
            int shift = 8 * (big ? width - 1 - i : i);
            v |= (b[at + i] & 0xffL) << shift;
        }
        return v;
    }

    private static void write(byte[] b, int at, int width, boolean big, long v) {
        for (int i = 0; i < width; i++) {
            int shift = 8 * (big ? width - 1 - i : i);
            b[at + i] = (byte) (v >>> shift);
        }
    }

    /** Whether a mutation may change the length (packets) or not (a context, whose size is the type's). */
    enum Resize { ALLOWED, FIXED }

    /** One mutation of {@code b}; {@code other} is spliced from. */
    byte[] bytes(byte[] b, byte[] other, Resize resize) {
        int choice = rnd.nextInt(resize == Resize.ALLOWED ? 10 : 7);
        if (b.length == 0) {
            // Nothing to flip, copy or delete: an empty packet can only grow.
            return resize == Resize.ALLOWED ? insert(b) : b;
        }
        byte[] out = b.clone();
        switch (choice) {
            case 0 -> out[rnd.nextInt(out.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
            case 2 -> {
                int at = rnd.nextInt(out.length);
                out[at] = (byte) (out[at] + rnd.nextInt(-16, 17));
            }
            case 3, 4 -> writeValue(out, pick());
            case 5 -> {
                // A chunk copied within, as headers repeat (an inner packet, an extension header).
                int len = 1 + rnd.nextInt(Math.min(16, out.length));
                System.arraycopy(b, rnd.nextInt(b.length - len + 1), out, rnd.nextInt(out.length - len + 1), len);
            }
            case 6 -> {
                // Splice: this input's start, the other's rest from the same offset.
                int at = rnd.nextInt(out.length + 1);
                for (int i = at; i < out.length && i < other.length; i++) {
                    out[i] = other[i];
                }
            }
            case 7 -> out = insert(b);
            case 8 -> {
                int at = rnd.nextInt(b.length);
                int len = 1 + rnd.nextInt(Math.min(8, b.length - at));
                out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
            }
            default -> out = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
        }
        return out;
    }

    private byte[] insert(byte[] b) {
        int at = rnd.nextInt(b.length + 1);
        int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 40);
        if (b.length + len > RandomInputs.MAX_LENGTH * 2) {
            return b;
        }
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at);
        byte[] fill = new byte[len];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(fill);
        }
        System.arraycopy(fill, 0, out, at, len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        return out;
    }

    /** A dictionary value, or a neighbour of one. */
    private long pick() {
        long v = dictionary[rnd.nextInt(dictionary.length)];
        return rnd.nextInt(4) == 0 ? v + rnd.nextInt(-2, 3) : v;
    }

    /** {@code v} written at a random offset, 1, 2, 4 or 8 bytes wide, little or big endian. */
    private void writeValue(byte[] out, long v) {
        int width = 1 << rnd.nextInt(4);
        if (width > out.length) {
            width = Integer.highestOneBit(out.length);
        }
        // Aligned half the time: fields of contexts and headers mostly are.
        int at = rnd.nextInt(out.length - width + 1);
        if (rnd.nextBoolean()) {
            at -= at % width;
        }
        write(out, at, width, rnd.nextBoolean(), v);
    }

    private void putMissedKey(Map<String, List<MapEntry>> entries, Map<String, List<byte[]>> learned) {
        List<BpfMap> withKeys = maps.stream().filter(m -> !learned.getOrDefault(m.name(), List.of()).isEmpty()).toList();
        if (withKeys.isEmpty()) {
            mutateValue(entries);
            return;
        }
        BpfMap m = withKeys.get(rnd.nextInt(withKeys.size()));
        List<byte[]> keys = learned.get(m.name());
        byte[] key = keys.get(rnd.nextInt(keys.size()));
        byte[] value = new byte[(int) Math.min(m.valueSize(), 1 << 16)];
        switch (rnd.nextInt(3)) {
            case 0 -> { } // zero
            case 1 -> rnd.nextBytes(value);
            default -> {
                if (value.length > 0) {
                    writeValue(value, pick());
                }
            }
        }
        List<MapEntry> list = new ArrayList<>(entries.getOrDefault(m.name(), List.of()));
        list.removeIf(e -> Arrays.equals(e.key(), key));
        if (list.size() < m.maxEntries()) {
            list.add(new MapEntry(key, value));
        }
        entries.put(m.name(), list);
    }

    private void mutateValue(Map<String, List<MapEntry>> entries) {
        List<String> names = entries.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        if (names.isEmpty()) {
            return;
        }
        String name = names.get(rnd.nextInt(names.size()));
        List<MapEntry> list = new ArrayList<>(entries.get(name));
        int i = rnd.nextInt(list.size());
        byte[] value = list.get(i).value();
        if (value.length > 0) {
            list.set(i, new MapEntry(list.get(i).key(), bytes(value, value, Resize.FIXED)));
            entries.put(name, list);
        }
    }

    private void dropEntry(Map<String, List<MapEntry>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(entries.keySet());
        String name = names.get(rnd.nextInt(names.size()));
        List<MapEntry> list = new ArrayList<>(entries.get(name));
        if (list.isEmpty() || rnd.nextInt(4) == 0) {
            entries.remove(name);
        } else {
            list.remove(rnd.nextInt(list.size()));
            entries.put(name, list);
        }
    }
}
