package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapEntry;
import dev.warden.vm.Engine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Programs that call helpers and touch every map type (src/test/resources/kernel-diff, compiled
 * here with the clang on PATH) run in Warden, on the interpreter and the JIT, and in the kernel on
 * the same random packets and map seeds ({@link ObjectDifferential}): r0, the output packet and
 * every map must agree. Each program gets {@code -Dwarden.mapdiff.runs} runs (default 8) with
 * random operations in its {@code ops} map. Skipped where bpf() or clang is unavailable.
 */
class ProgramsWithMapsAgreeWithTheKernelTest {
    static final int RUNS = Integer.getInteger("warden.mapdiff.runs", 8);
    static final List<Engine> ENGINES = List.of(new Interpreter(), new JitEngine());

    @TempDir
    static Path out;
    static BpfObject object;

    @BeforeAll
    static void build() throws Exception {
        object = KernelDiffSources.objectForTheKernel(out, "maps_and_helpers");
    }

    /** Compiles src/test/resources/kernel-diff/NAME.c with clang -O2 -g -target bpf into {@code dir}; skips without clang. */
    static Path compile(Path dir, String name) throws Exception {
        return KernelDiffSources.compile(dir, name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"keyed_hash", "keyed_hash_noprealloc", "keyed_array", "keyed_percpu_array", "keyed_percpu_hash",
            "keyed_lru_hash", "lpm_ops", "queue_ops", "stack_ops", "ring_ops", "loop_ops", "tail_entry", "packet_rewrite",
            "xdp_context", "tc_context", "socket_context", "perf_output_xdp", "perf_output_tc", "spin_locked"})
    void ownProgramsAgree(String name) {
        BpfProgram program = object.program(name).orElseThrow();
        LinuxProgramType type = LinuxProgramType.forSection(program.section()).orElseThrow();
        SplittableRandom r = new SplittableRandom(name.hashCode());
        List<String> differences = new ArrayList<>();
        int agreed = 0;
        int refused = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] packet = RandomPackets.of(RandomPackets.Shape.values()[run % RandomPackets.Shape.values().length], r);
            MapSeed seed = seed(name, r);
            for (RunComparison c : ObjectDifferential.compare(object, program, type, packet, seed, ENGINES)) {
                switch (c) {
                    case RunComparison.Agreed a -> agreed++;
                    case RunComparison.Differed d -> differences.add("run " + run + ": " + d.differences());
                    case RunComparison.Skipped s -> {
                        // Only the one documented refusal: the kernel's skb test run of a truncated IP frame.
                        assertTrue(ObjectDifferential.skbRefuses(type, packet).isPresent(), name + " was not compared: " + s.reason());
                        refused++;
                    }
                }
            }
        }
        assertTrue(differences.isEmpty(), name + ": " + differences.size() + " runs differ:\n" + String.join("\n", differences));
        assertEquals(RUNS * ENGINES.size(), agreed + refused * ENGINES.size());
        assertTrue(agreed >= (RUNS - (RUNS + 3) / 4) * ENGINES.size(), name + ": only " + agreed + " runs compared");
    }

    /** Random operations for {@code ops}, and random contents for the map the program works on. */
    static MapSeed seed(String program, SplittableRandom r) {
        List<MapEntry> ops = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] op = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(r.nextInt(16)).putInt(r.nextInt(8)).putInt(program.equals("lpm_ops") ? address(r) : r.nextInt(keySpace(program)))
                    .putInt(r.nextInt(1 << 20) * (r.nextInt(4) == 0 ? 2048 : 1)).array();
            ops.add(new MapEntry(u32(i), op));
        }
        MapSeed seed = MapSeed.NONE.withElements("ops", ops);
        String map = switch (program) {
            case "keyed_hash" -> "hash";
            case "keyed_hash_noprealloc" -> "hash_noprealloc";
            case "keyed_array" -> "array";
            case "keyed_percpu_array" -> "percpu_array";
            case "keyed_percpu_hash" -> "percpu_hash";
            case "keyed_lru_hash" -> "lru_hash";
            default -> "";
        };
        if (!map.isEmpty()) {
            List<MapEntry> entries = new ArrayList<>();
            TreeSet<Integer> keys = new TreeSet<>();
            int space = map.contains("array") ? 4 : keySpace(program);
            int n = r.nextInt(Math.min(5, space + 1));
            while (keys.size() < n) {
                keys.add(r.nextInt(space));
            }
            keys.forEach(k -> entries.add(new MapEntry(u32(k), u64(r.nextLong(1000)))));
            seed = seed.withElements(map, entries);
        }
        switch (program) {
            case "lpm_ops" -> {
                List<MapEntry> entries = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    byte[] key = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(r.nextInt(33)).putInt(address(r)).array();
                    entries.add(new MapEntry(key, u64(r.nextLong(1000))));
                }
                seed = seed.withElements("lpm", entries);
            }
            case "queue_ops", "stack_ops" -> {
                List<byte[]> values = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    values.add(u64(r.nextLong(1000)));
                }
                seed = seed.withPushes(program.equals("queue_ops") ? "queue" : "stack", values);
            }
            case "tail_entry" -> {
                if (r.nextBoolean()) {
                    seed = seed.withProgram("jumps", 0, "tail_target_a");
                }
                if (r.nextBoolean()) {
                    seed = seed.withProgram("jumps", 1, "tail_target_b");
                }
                seed = seed.withProgram("jumps", 2, "tail_target_a");
            }
            default -> { }
        }
        return seed;
    }

    /**
     * Keys 0..7 overflow the 4-entry maps (E2BIG, out-of-range indexes); the LRU hash gets 3 keys so
     * that it never fills: Linux's LRU evicts at its own moments (per-CPU free lists), a documented
     * difference (docs/runtime.md), so only its behaviour below capacity is compared.
     */
    static int keySpace(String program) {
        return program.equals("keyed_lru_hash") ? 3 : 8;
    }

    /** An IPv4 address (in memory order) from a few networks, so that prefixes overlap. */
    static int address(SplittableRandom r) {
        int[] networks = {0x0000000a, 0x0000010a, 0x0302010a, 0x0100a8c0};
        return networks[r.nextInt(networks.length)] ^ (r.nextInt(4) == 0 ? r.nextInt(256) << 24 : 0);
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
