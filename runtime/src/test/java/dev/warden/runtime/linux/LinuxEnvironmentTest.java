package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.isa.elf.MapKind;
import dev.warden.isa.elf.MapType;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Linux program types run with a real context, packet, maps and helpers; unsafe accesses fault. */
class LinuxEnvironmentTest {

    static final BpfMap ARRAY = new BpfMap(0, "arr", MapKind.BTF, MapType.ARRAY, 4, 16, 4, 0, new byte[0]);
    static final BpfMap HASH = new BpfMap(1, "hash", MapKind.BTF, MapType.HASH, 4, 8, 8, 0, new byte[0]);
    static final BpfMap RODATA = new BpfMap(2, ".rodata", MapKind.GLOBAL_DATA, MapType.ARRAY, 4, 8, 1, 0x80,
            new byte[] {7, 0, 0, 0, 0, 0, 0, 0});
    static final BpfMap DATA = new BpfMap(3, ".data", MapKind.GLOBAL_DATA, MapType.ARRAY, 4, 8, 1, 0,
            new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    static final BpfMap RING = new BpfMap(4, "ring", MapKind.BTF, 27, 0, 0, 4096, 0, new byte[0]);

    /** How the environments of these tests isolate their maps; {@link LinuxEnvironmentUnderMprotectTest} runs them all under the fallback. */
    static dev.warden.mpk.IsolationMode isolation = ExtensionKey.defaultMode();

    static ExecResult run(String type, String asm, byte[] packet) throws Exception {
        return run(type, asm, LinuxInput.ofPacket(packet));
    }

    static ExecResult run(String type, String asm, LinuxInput input) throws Exception {
        BpfProgram p = new BpfProgram("prog", type, Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(ARRAY, HASH, RODATA, DATA, RING), "GPL");
        try (LinuxEnvironment env = LinuxEnvironment.load(o, p, LinuxProgramType.named(type).orElseThrow(),
                LinuxEnvironment.DEFAULT_BUDGET, new dev.warden.runtime.Interpreter(), isolation)) {
            return env.run(input, MapsBefore.FROM_INPUT);
        }
    }

    static long r0(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, () -> "expected a return, got " + r).r0();
    }

    static FaultKind fault(ExecResult r, int pc) {
        ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, r, () -> "expected a fault, got " + r);
        assertEquals(pc, f.fault().pc(), f.fault().toString());
        return f.fault().kind();
    }

    static final String PACKET_LENGTH = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r0 = r3
            r0 -= r2
            exit
            """;

    @Test
    void xdpDataAndDataEndAreTheRealPacketBoundsLoadedWith32BitLoads() throws Exception {
        assertEquals(0, r0(run("xdp", PACKET_LENGTH, new byte[0])));
        assertEquals(1, r0(run("xdp", PACKET_LENGTH, new byte[1])));
        assertEquals(60, r0(run("xdp", PACKET_LENGTH, new byte[60])));
    }

    @Test
    void aCheckedPacketReadReturnsTheByteAndOnePastDataEndFaults() throws Exception {
        String checked = """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 4
                if r4 > r3 goto out
                r0 = *(u8 *)(r2 + 3)
                exit
                out:
                r0 = 99
                exit
                """;
        assertEquals(0x44, r0(run("xdp", checked, new byte[] {0x11, 0x22, 0x33, 0x44})));
        assertEquals(99, r0(run("xdp", checked, new byte[] {0x11, 0x22, 0x33})));
        String offByOne = checked.replace("r4 += 4", "r4 += 3");
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", offByOne, new byte[] {0x11, 0x22, 0x33}), 5));
        String unchecked = "r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 0)\nexit\n";
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", unchecked, new byte[0]), 1));
    }

    @Test
    void theXdpContextIsReadOnlyAndEndsAfterItsFields() throws Exception {
        assertEquals(FaultKind.READ_ONLY, fault(run("xdp", "*(u32 *)(r1 + 12) = 5\nr0 = 0\nexit\n", new byte[0]), 0));
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", "r0 = *(u32 *)(r1 + 24)\nexit\n", new byte[0]), 0));
        assertEquals(1, r0(run("xdp", "r0 = *(u32 *)(r1 + 12)\nexit\n", new byte[0]))); // ingress_ifindex
    }

    @Test
    void tcSeesSkBuffLengthAndMayWriteItsMark() throws Exception {
        assertEquals(42, r0(run("tc", "*(u32 *)(r1 + 8) = 42\nr0 = *(u32 *)(r1 + 8)\nexit\n", new byte[3])));
        assertEquals(17, r0(run("tc", "r0 = *(u32 *)(r1 + 0)\nexit\n", new byte[17])));
        assertEquals(17, r0(run("tc", PACKET_LENGTH.replace("+ 0)", "+ 76)").replace("+ 4)", "+ 80)"), new byte[17])));
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("tc", "r0 = *(u32 *)(r1 + 192)\nexit\n", new byte[0]), 0));
    }

    @Test
    void socketFiltersReadThePacketWithLegacyLoads() throws Exception {
        assertEquals(0x0800, r0(run("socket", "r6 = r1\nr0 = *(u16 *)skb[12]\nexit\n",
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0})));
    }

    static final String LOOKUP = """
            *(u32 *)(r10 - 4) = KEY
            r2 = r10
            r2 += -4
            r1 = map[idx:MAP] ll
            call 1
            if r0 == 0 goto none
            r0 = *(u64 *)(r0 + OFF)
            exit
            none:
            r0 = 77
            exit
            """;

    static String lookup(int map, int key, int off) {
        return LOOKUP.replace("KEY", Integer.toString(key)).replace("MAP", Integer.toString(map))
                .replace("OFF", Integer.toString(off));
    }

    @Test
    void arrayLookupsFindZeroedValuesInRangeAndNothingOutside() throws Exception {
        assertEquals(0, r0(run("xdp", lookup(0, 3, 8), new byte[0])));
        assertEquals(77, r0(run("xdp", lookup(0, 4, 8), new byte[0])));
        // The value is exactly 16 bytes: a u64 at offset 9 runs one byte past it.
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", lookup(0, 0, 9), new byte[0]), 7));
    }

    @Test
    void hashLookupsSeeTheInputsEntriesAndAMissingNullCheckFaults() throws Exception {
        assertEquals(77, r0(run("xdp", lookup(1, 5, 0), new byte[0])));
        LinuxInput withEntry = LinuxInput.ofPacket(new byte[0]).withMaps(Map.of("hash",
                List.of(new MapEntry(new byte[] {5, 0, 0, 0}, new byte[] {9, 0, 0, 0, 0, 0, 0, 1}))));
        assertEquals(0x0100_0000_0000_0009L, r0(run("xdp", lookup(1, 5, 0), withEntry)));
        String noNullCheck = lookup(1, 5, 0).replace("if r0 == 0 goto none\n", "");
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", noNullCheck, new byte[0]), 6));
    }

    @Test
    void updateThenLookupThenDeleteFollowLinuxFlags() throws Exception {
        String prog = """
                *(u32 *)(r10 - 4) = 5
                *(u64 *)(r10 - 16) = 1234
                r1 = map[idx:1] ll
                r2 = r10
                r2 += -4
                r3 = r10
                r3 += -16
                r4 = 1
                call 2
                r6 = r0
                r1 = map[idx:1] ll
                r2 = r10
                r2 += -4
                r3 = r10
                r3 += -16
                r4 = 1
                call 2
                r7 = r0
                r1 = map[idx:1] ll
                r2 = r10
                r2 += -4
                call 3
                r8 = r0
                r1 = map[idx:1] ll
                r2 = r10
                r2 += -4
                call 3
                r0 &= 0xff
                r0 <<= 24
                r6 &= 0xff
                r0 |= r6
                r7 &= 0xff
                r7 <<= 8
                r0 |= r7
                r8 &= 0xff
                r8 <<= 16
                r0 |= r8
                exit
                """;
        long r = r0(run("xdp", prog, new byte[0]));
        // Insert with BPF_NOEXIST (0), again (-EEXIST), delete (0), delete again (-ENOENT), a byte each.
        assertEquals(0, r & 0xff);
        assertEquals((-17) & 0xff, (r >>> 8) & 0xff);
        assertEquals(0, (r >>> 16) & 0xff);
        assertEquals((-2) & 0xff, (r >>> 24) & 0xff);
    }

    @Test
    void globalDataResolvesToItsValueAndRodataIsReadOnly() throws Exception {
        assertEquals(7, r0(run("xdp", "r1 = map[idx:2][0]+0 ll\nr0 = *(u64 *)(r1 + 0)\nexit\n", new byte[0])));
        assertEquals(0x0807_0605L, r0(run("xdp", "r1 = map[idx:3][0]+4 ll\nr0 = *(u32 *)(r1 + 0)\nexit\n", new byte[0])));
        assertEquals(FaultKind.READ_ONLY, fault(run("xdp", "r1 = map[idx:2][0]+0 ll\n*(u8 *)(r1 + 0) = 1\nr0 = 0\nexit\n",
                new byte[0]), 2));
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", "r1 = map[idx:3][0]+4 ll\nr0 = *(u64 *)(r1 + 0)\nexit\n",
                new byte[0]), 2));
    }

    @Test
    void helpersWithBadPointersOrMapsFaultAtTheCall() throws Exception {
        // The key pointer is r10 itself: the 4-byte key lies above the stack.
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", "r2 = r10\nr1 = map[idx:0] ll\ncall 1\nexit\n", new byte[0]), 3));
        assertEquals(FaultKind.HELPER_FAILED, fault(run("xdp", "r2 = r10\nr2 += -8\nr1 = 5\ncall 1\nexit\n", new byte[0]), 3));
        String ringbufTooLong = "r1 = map[idx:4] ll\nr2 = r10\nr2 += -8\nr3 = 16\nr4 = 0\ncall 130\nexit\n";
        assertEquals(FaultKind.OUT_OF_BOUNDS, fault(run("xdp", ringbufTooLong, new byte[0]), 6));
        assertEquals(0, r0(run("xdp", ringbufTooLong.replace("r3 = 16", "r3 = 8"), new byte[0])));
        // A ring buffer helper on a map that is no ring buffer (the verifier's job in Linux) faults at the call.
        assertEquals(FaultKind.HELPER_FAILED, fault(run("xdp", ringbufTooLong.replace("idx:4", "idx:0").replace("r3 = 16", "r3 = 8"),
                new byte[0]), 6));
    }

    @Test
    void scalarHelpersAreLinuxsIdsNotTheConformanceOnes() throws Exception {
        assertEquals(1_000_001_000L, r0(run("xdp", "call 5\nexit\n", new byte[0])));
        assertEquals(0, r0(run("xdp", "call 8\nexit\n", new byte[0])));
        assertEquals(0x0000_2a00_0000_2a01L, r0(run("xdp", "call 14\nexit\n", new byte[0])));
        long a = r0(run("xdp", "call 7\nexit\n", new byte[0]));
        assertTrue(a >= 0 && a <= 0xffff_ffffL);
        assertEquals(FaultKind.UNKNOWN_HELPER, fault(run("xdp", "call 9999\nexit\n", new byte[0]), 0));
    }

    @Test
    void xdpAdjustHeadMovesDataIntoTheHeadroom() throws Exception {
        String grow = "r6 = r1\nr2 = -20\ncall 44\nr2 = *(u32 *)(r6 + 0)\nr3 = *(u32 *)(r6 + 4)\nr0 = r3\nr0 -= r2\nexit\n";
        assertEquals(80, r0(run("xdp", grow, new byte[60])));
        assertEquals(60, r0(run("xdp", grow.replace("-20", "-1000"), new byte[60])));
    }

    @Test
    void theExampleXdpCounterCountsIpv4PacketsByProtocol() throws Exception {
        BpfObject o = ElfReader.read(Path.of("..", "examples", "xdp_counter.o"));
        BpfProgram p = o.programs().getFirst();
        byte[] tcp = new byte[54];
        tcp[12] = 0x08; // EtherType IPv4
        tcp[23] = 6;    // IP protocol TCP
        try (LinuxEnvironment env = LinuxEnvironment.load(o, p, LinuxProgramType.XDP, LinuxEnvironment.DEFAULT_BUDGET,
                new dev.warden.runtime.Interpreter(), isolation)) {
            assertEquals(2, r0(env.run(tcp)));
            assertEquals(2, r0(env.run(tcp)));
            assertEquals(2, r0(env.run(new byte[14]))); // too short: not counted
            List<MapEntry> counts = env.maps().get("proto_count");
            assertEquals(1, counts.size(), counts.toString());
            assertEquals(6, counts.getFirst().key()[0]);
            assertEquals(2, counts.getFirst().value()[0]);
            // blocked_proto in .rodata: the loader (the input) sets it to 6, and TCP is dropped.
            String rodata = o.maps().stream().filter(m -> m.name().contains("rodata")).findFirst().orElseThrow().name();
            LinuxInput block = LinuxInput.ofPacket(tcp).withMaps(Map.of(rodata, List.of(new MapEntry(new byte[4], new byte[] {6}))));
            assertEquals(1, r0(env.run(block, MapsBefore.FROM_INPUT)));
        }
    }
}
