package dev.warden.runtime.kernel;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One map's contents after a run, in a form both sides give alike: for keyed maps the elements by
 * key (hex, sorted), each with one value per CPU; for queues, stacks and ring buffers the values
 * in the order a consumer takes them.
 *
 * @param name the map's name in the object
 * @param shape how its contents compare
 * @param elements keyed maps: key (hex) to per-CPU values; sequences: empty
 * @param sequence queues, stacks, ring buffers: values in consumption order; keyed maps: empty
 */
public record MapSnapshot(String name, Shape shape, Map<String, List<byte[]>> elements, List<byte[]> sequence) {
    public MapSnapshot {
        elements = java.util.Collections.unmodifiableMap(new TreeMap<>(elements));
        sequence = List.copyOf(sequence);
    }

    /** How a map's contents are compared. */
    public enum Shape {
        /** Hash, LRU hash, LPM trie (and per-CPU hashes): the set of keys and each key's values. */
        KEYED,
        /** Array, per-CPU array, global data: every index, an index one side lists and the other not reads as zero. */
        ARRAY,
        /** Queue, stack, ring buffer: the values in the order a consumer takes them. */
        SEQUENCE,
        /** Program arrays and maps neither side can list: not compared (said so in the report). */
        NOT_COMPARED
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Which shape a {@code BPF_MAP_TYPE_*} has. */
    static Shape shapeOf(int mapType) {
        return switch (mapType) {
            case 1, 5, 9, 10, 11 -> Shape.KEYED;
            case 2, 6 -> Shape.ARRAY;
            case 22, 23, 27 -> Shape.SEQUENCE;
            default -> Shape.NOT_COMPARED;
        };
    }

    /** Whether a {@code BPF_MAP_TYPE_*} keeps one value per CPU. */
    static boolean perCpu(int mapType) {
        return mapType == 5 || mapType == 6 || mapType == 10;
    }
}
