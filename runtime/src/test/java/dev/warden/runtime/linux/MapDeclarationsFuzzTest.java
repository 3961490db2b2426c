package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import dev.warden.mpk.IsolationMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Any map declarations an ELF object can carry (legacy definitions hold any u32 per field) either
 * become maps that every operation works on, or are refused with a message that names the map;
 * no other exception, no out-of-memory. {@code mvn verify} replays the saved inputs; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl runtime test -Dtest=MapDeclarationsFuzzTest}.
 */
class MapDeclarationsFuzzTest {
    /** Sizes at the edges of Linux's and this runtime's limits. */
    private static final long[] EDGES = {0, 1, 3, 4, 5, 8, 16, 260, 261, 4095, 4096, 32768, 32776, 1 << 20, (1 << 22) - 1,
        1 << 22, (1 << 22) + 1, Integer.MAX_VALUE, 1L << 31, 0xffff_ffffL};
    /** The types the runtime models, and a few it does not. */
    private static final int[] TYPES = {1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 22, 23, 27, 999, -1};

    private static long size(FuzzedDataProvider data) {
        return data.consumeBoolean() ? EDGES[data.consumeInt(0, EDGES.length - 1)] : data.consumeLong(0, 0xffff_ffffL);
    }

    @FuzzTest(maxDuration = "60s")
    void declarationsBecomeMapsOrNamedRefusals(FuzzedDataProvider data) {
        int count = data.consumeInt(1, 4);
        List<BpfMap> declarations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MapKind kind = MapKind.values()[data.consumeInt(0, MapKind.values().length - 1)];
            int type = data.consumeBoolean() ? TYPES[data.consumeInt(0, TYPES.length - 1)] : data.consumeInt();
            long key = size(data);
            long value = size(data);
            long max = size(data);
            long flags = data.consumeLong(0, 0xffff_ffffL);
            byte[] init = kind == MapKind.GLOBAL_DATA ? data.consumeBytes(64) : new byte[0];
            declarations.add(new BpfMap(i, "m" + i, kind, type, key, value, max, flags, init));
        }
        int cpus = data.consumeInt(1, 4);
        LinuxMaps maps;
        try {
            maps = new LinuxMaps(declarations, cpus, IsolationMode.NONE);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("map m"), e.getMessage());
            return;
        }
        try (maps) {
            for (LinuxMap m : maps.all()) {
                byte[] key = data.consumeBytes(Math.min(m.keySize(), 300));
                key = java.util.Arrays.copyOf(key, Math.min(m.keySize(), 300)); // the program passes key_size bytes
                byte[] value = new byte[Math.min(m.valueSize(), 256)];
                long flags = data.consumeLong(0, 8);
                int cpu = data.consumeInt(0, cpus - 1);
                if (m.hasValues()) {
                    m.update(key, value, flags, cpu);
                    m.lookup(key, cpu);
                    m.delete(key);
                    m.entries();
                    m.valuesPerCpu(key);
                } else if (m instanceof QueueStackMap q) {
                    q.push(value, flags);
                    q.peek();
                    q.pop();
                }
            }
            maps.reset();
        }
    }
}
