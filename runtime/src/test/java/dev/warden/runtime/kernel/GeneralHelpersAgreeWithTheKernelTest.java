package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The helpers of {@code GeneralHelpers} (src/test/resources/kernel-diff/general_helpers.c) in
 * Warden, on both engines, and in Linux on the same random operands ({@link ObjectDifferential}):
 * every helper result the programs record, the text snprintf formats, the maps for_each_map_elem
 * changes and the per-CPU value reached through map_lookup_percpu_elem must agree. The clocks and
 * the socket cookie are compared through what is deterministic about them (their order; being
 * non-zero). {@code -Dwarden.mapdiff.runs} runs per program (default 8). Skipped where bpf() or
 * clang is unavailable.
 */
class GeneralHelpersAgreeWithTheKernelTest {
    @TempDir
    static Path out;
    static BpfObject object;

    @BeforeAll
    static void build() throws Exception {
        object = KernelDiffSources.objectForTheKernel(out, "general_helpers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clocks", "socket_info", "neigh", "percpu_lookup", "for_each", "formats", "traces", "parse"})
    void generalHelpersAgree(String name) {
        BpfProgram program = object.program(name).orElseThrow();
        SplittableRandom r = new SplittableRandom(name.hashCode());
        List<String> differences = new ArrayList<>();
        int agreed = 0;
        int refused = 0;
        int runs = ProgramsWithMapsAgreeWithTheKernelTest.RUNS;
        for (int run = 0; run < runs; run++) {
            // Whole IP frames: the skb test run refuses truncated ones, and these programs do not read the packet.
            RandomPackets.Shape shape = RandomPackets.Shape.values()[1 + run % 3];
            byte[] packet = RandomPackets.of(shape, r);
            for (RunComparison c : ObjectDifferential.compare(object, program, LinuxProgramType.TC, packet, seed(r),
                    ProgramsWithMapsAgreeWithTheKernelTest.ENGINES)) {
                switch (c) {
                    case RunComparison.Agreed a -> agreed++;
                    case RunComparison.Differed d -> differences.add("run " + run + ": " + d.differences());
                    case RunComparison.Skipped s -> {
                        assertTrue(ObjectDifferential.skbRefuses(LinuxProgramType.TC, packet).isPresent(),
                                name + " was not compared: " + s.reason());
                        refused++;
                    }
                }
            }
        }
        int engines = ProgramsWithMapsAgreeWithTheKernelTest.ENGINES.size();
        assertTrue(differences.isEmpty(), name + ": " + differences.size() + " runs differ:\n" + String.join("\n", differences));
        assertEquals(runs * engines, agreed + refused * engines);
        assertTrue(agreed >= (runs - (runs + 3) / 4) * engines, name + ": only " + agreed + " runs compared");
    }

    /** Random operands ({@code ops}), texts that parse sometimes ({@code texts}) and map contents to iterate. */
    static MapSeed seed(SplittableRandom r) {
        List<MapEntry> ops = new ArrayList<>();
        List<MapEntry> texts = new ArrayList<>();
        long[] bases = {0, 8, 10, 16, 0x20, 2};
        for (int i = 0; i < 8; i++) {
            long flags = r.nextInt(8) == 0 ? r.nextInt() : bases[r.nextInt(bases.length)] | (r.nextInt(4) == 0 ? 0x100 : 0);
            ByteBuffer op = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(number(r)).putLong(number(r)).putLong(number(r)).putInt((int) flags).putInt(r.nextInt(64));
            ops.add(new MapEntry(u32(i), op.array()));
            texts.add(new MapEntry(u32(i), text(r)));
        }
        List<MapEntry> array = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            array.add(new MapEntry(u32(i), u64(r.nextLong(1000))));
        }
        List<MapEntry> hash = new ArrayList<>();
        for (int k : r.ints(r.nextInt(6), 0, 64).distinct().toArray()) {
            hash.add(new MapEntry(u32(k), u64(r.nextLong(1000))));
        }
        return MapSeed.NONE.withElements("ops", ops).withElements("texts", texts).withElements("array", array)
                .withElements("hash", hash).withElements("percpu_array", List.of(new MapEntry(u32(1), u64(r.nextLong(1000)))));
    }

    /** Small, huge, negative and boundary numbers. */
    static long number(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextInt(100);
            case 1 -> -r.nextInt(100);
            case 2 -> r.nextLong();
            case 3 -> r.nextBoolean() ? Long.MIN_VALUE : 0xffff_ffffL;
            default -> r.nextInt();
        };
    }

    /** 24 bytes: a number-like string (white space, signs, prefixes, digits, letters), NUL-terminated. */
    static byte[] text(SplittableRandom r) {
        String[] starts = {"", " ", "\t", "  -", "-", "+", "0x", "0X", "0", "-0x", "x"};
        String alphabet = "0123456789abcdefgxzABCDEF";
        StringBuilder s = new StringBuilder(starts[r.nextInt(starts.length)]);
        int n = r.nextInt(r.nextInt(5) == 0 ? 22 : 8);
        for (int i = 0; i < n && s.length() < 23; i++) {
            s.append(r.nextInt(4) == 0 ? "9" : String.valueOf(alphabet.charAt(r.nextInt(alphabet.length()))));
        }
        byte[] b = new byte[24];
        byte[] t = s.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, b, 0, Math.min(t.length, 23));
        return b;
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
