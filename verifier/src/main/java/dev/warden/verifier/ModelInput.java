package dev.warden.verifier;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a Z3 model of a path to a violation says about the program's inputs: the packet's length,
 * the packet bytes the path reads, the bytes it reads from map values (by map index) and from host
 * memory (by the EIM platform's host object index). A hint, not a proof: the path starts at
 * {@code startPc} with only the invariant there as its precondition, loads the path does not see
 * are not constrained, and a value the model picks for a load may not be the one a run produces.
 * A {@link WitnessReplayer} turns it into a concrete input and runs it; only a fault at the
 * violation's pc makes it a witness.
 *
 * @param startPc the first pc of the path the model satisfies (0 when it starts at the program's entry)
 * @param packetLength {@code data_end - data} at the violation, when the path has a packet
 * @param packetBytes packet offset → byte, for the bytes the path loads
 * @param mapValueBytes map index → (offset in the value → byte), for the map value bytes the path loads
 * @param hostBytes host object index → (offset → byte), for the host memory the path loads
 */
public record ModelInput(int startPc, OptionalLong packetLength, SortedMap<Long, Byte> packetBytes,
                         SortedMap<Integer, SortedMap<Long, Byte>> mapValueBytes,
                         SortedMap<Integer, SortedMap<Long, Byte>> hostBytes) {
    public ModelInput {
        Objects.requireNonNull(packetLength);
        packetBytes = Collections.unmodifiableSortedMap(new TreeMap<>(packetBytes));
        mapValueBytes = frozen(mapValueBytes);
        hostBytes = frozen(hostBytes);
    }

    private static SortedMap<Integer, SortedMap<Long, Byte>> frozen(SortedMap<Integer, SortedMap<Long, Byte>> m) {
        TreeMap<Integer, SortedMap<Long, Byte>> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Whether the model says nothing a replayer could use. */
    public boolean isEmpty() {
        return packetLength.isEmpty() && packetBytes.isEmpty() && mapValueBytes.isEmpty() && hostBytes.isEmpty();
    }

    /** Collects a model's values; the first value given for a byte wins (later loads of it may disagree). */
    public static final class Builder {
        private final int startPc;
        private OptionalLong packetLength = OptionalLong.empty();
        private final TreeMap<Long, Byte> packet = new TreeMap<>();
        private final TreeMap<Integer, SortedMap<Long, Byte>> maps = new TreeMap<>();
        private final TreeMap<Integer, SortedMap<Long, Byte>> host = new TreeMap<>();

        public Builder(int startPc) {
            this.startPc = startPc;
        }

        public Builder packetLength(long length) {
            packetLength = OptionalLong.of(length);
            return this;
        }

        /** The {@code size} bytes of {@code value}, little-endian as eBPF loads them, at packet offset {@code offset}. */
        public Builder packet(long offset, int size, long value) {
            put(packet, offset, size, value);
            return this;
        }

        public Builder mapValue(int map, long offset, int size, long value) {
            put(maps.computeIfAbsent(map, k -> new TreeMap<>()), offset, size, value);
            return this;
        }

        public Builder host(int object, long offset, int size, long value) {
            put(host.computeIfAbsent(object, k -> new TreeMap<>()), offset, size, value);
            return this;
        }

        private static void put(Map<Long, Byte> bytes, long offset, int size, long value) {
            for (int i = 0; i < size; i++) {
                bytes.putIfAbsent(offset + i, (byte) (value >>> (8 * i)));
            }
        }

        public ModelInput build() {
            return new ModelInput(startPc, packetLength, packet, maps, host);
        }
    }
}
