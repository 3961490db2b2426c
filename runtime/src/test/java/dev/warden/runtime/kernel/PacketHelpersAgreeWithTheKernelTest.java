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
 * Linux's packet helpers (src/test/resources/kernel-diff/packet_helpers.c: checksums, size changes,
 * VLAN tags, protocol changes, XDP head, tail and metadata, loads and stores, MTU checks, argument
 * errors) with random operations and arguments, normal and wrong, on random packets of several
 * shapes (IPv4 TCP and UDP, IPv6 UDP, 802.1Q-tagged IPv4, too short): r0, the output packet and the
 * maps (each call's return code and what the context said after it) agree between both engines and
 * the kernel ({@link ObjectDifferential}). {@code -Dwarden.pkthelpers.runs} runs per program
 * (default 40). Skipped where bpf() or clang is unavailable.
 */
class PacketHelpersAgreeWithTheKernelTest {
    static final int RUNS = Integer.getInteger("warden.pkthelpers.runs", 40);

    @TempDir
    static Path out;
    static BpfObject object;

    @BeforeAll
    static void build() throws Exception {
        object = KernelDiffSources.objectForTheKernel(out, "packet_helpers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tc_ops", "tc_fib_errors", "xdp_ops"})
    void packetHelpersAgree(String name) {
        BpfProgram program = object.program(name).orElseThrow();
        LinuxProgramType type = LinuxProgramType.forSection(program.section()).orElseThrow();
        SplittableRandom r = new SplittableRandom(name.hashCode());
        List<String> differences = new ArrayList<>();
        int agreed = 0;
        int refused = 0;
        for (int run = 0; run < RUNS; run++) {
            byte[] packet = packet(run, r);
            MapSeed seed = MapSeed.NONE.withElements("ops", ops(r));
            for (RunComparison c : ObjectDifferential.compare(object, program, type, packet, seed,
                    ProgramsWithMapsAgreeWithTheKernelTest.ENGINES)) {
                switch (c) {
                    case RunComparison.Agreed a -> agreed++;
                    case RunComparison.Differed d -> differences.add("run " + run + " (packet "
                            + java.util.HexFormat.of().formatHex(packet) + "): " + d.differences());
                    case RunComparison.Skipped s -> {
                        assertTrue(ObjectDifferential.skbRefuses(type, packet).isPresent(), name + " was not compared: " + s.reason());
                        refused++;
                    }
                }
            }
        }
        assertTrue(differences.isEmpty(), name + ": " + differences.size() + " runs differ:\n" + String.join("\n", differences));
        int engines = ProgramsWithMapsAgreeWithTheKernelTest.ENGINES.size();
        assertEquals(RUNS * engines, agreed + refused * engines);
        assertTrue(agreed >= RUNS * engines / 2, name + ": only " + agreed + " runs compared");
    }

    /** The shapes in turn: RandomPackets' four, then an IPv4 UDP packet with an 802.1Q tag. */
    private static byte[] packet(int run, SplittableRandom r) {
        RandomPackets.Shape[] shapes = RandomPackets.Shape.values();
        int k = run % (shapes.length + 1);
        if (k < shapes.length) {
            return RandomPackets.of(shapes[k], r);
        }
        byte[] plain = RandomPackets.of(RandomPackets.Shape.IPV4_UDP, r);
        ByteBuffer tagged = ByteBuffer.allocate(plain.length + 4).order(ByteOrder.BIG_ENDIAN);
        tagged.put(plain, 0, 12).putShort((short) 0x8100).putShort((short) r.nextInt(4096)).put(plain, 12, plain.length - 12);
        return tagged.array();
    }

    /** Six operations: what to call, a flags word and two arguments, all random. */
    private static List<MapEntry> ops(SplittableRandom r) {
        List<MapEntry> ops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] op = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(r.nextInt(1 << 16)).putInt(r.nextInt(1 << 16)).putInt(r.nextInt()).putInt(r.nextInt()).array();
            ops.add(new MapEntry(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array(), op));
        }
        return ops;
    }
}
