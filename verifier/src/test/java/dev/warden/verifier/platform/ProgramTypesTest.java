package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Program types and their contexts, checked against the kernel's {@code *_is_valid_access} functions. */
class ProgramTypesTest {
    private static final Platform LINUX = Platform.linux();

    private static ProgramType type(String name) {
        return LINUX.type(name).orElseThrow(() -> new AssertionError("no program type " + name));
    }

    private static ContextField field(ProgramType t, String name) {
        return t.context().fields().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(t.name() + " has no field " + name));
    }

    private static void assertField(ProgramType t, String name, int offset, int size, FieldKind kind, boolean writable,
                                    boolean narrow) {
        ContextField f = field(t, name);
        assertEquals(offset, f.offset(), name + " offset");
        assertEquals(size, f.size(), name + " size");
        assertEquals(kind, f.kind(), name + " kind");
        assertEquals(writable, f.writable(), name + " writable");
        assertEquals(narrow, f.narrowReads(), name + " narrow reads");
    }

    @Test
    void everyRecordOfTheLinuxFileParses() {
        List<ProgramType> types = ProgramTypeTable.parse(LinuxPlatform.PROGRAM_TYPES, LinuxPlatform.lines(LinuxPlatform.PROGRAM_TYPES)).types();
        long records = LinuxPlatform.lines(LinuxPlatform.PROGRAM_TYPES).stream().filter(l -> l.startsWith("type ")).count();
        assertEquals(records, types.size());
        assertTrue(types.size() >= 50, "types: " + types.size());
    }

    @Test
    void xdpContextIsSixReadOnlyWordsWithPacketPointers() {
        ProgramType xdp = type("xdp");
        assertEquals(6, xdp.linuxType());
        assertEquals("xdp_md", xdp.context().structName());
        assertEquals(24, xdp.context().size());
        assertField(xdp, "data", 0, 4, FieldKind.PACKET, false, false);
        assertField(xdp, "data_end", 4, 4, FieldKind.PACKET_END, false, false);
        assertField(xdp, "data_meta", 8, 4, FieldKind.PACKET_META, false, false);
        assertField(xdp, "ingress_ifindex", 12, 4, FieldKind.SCALAR, false, false);
        assertField(xdp, "rx_queue_index", 16, 4, FieldKind.SCALAR, false, false);
        assertTrue(xdp.context().fieldContaining(20, 4).isEmpty(), "egress_ifindex is for devmap programs only");
        assertField(type("xdp_devmap"), "egress_ifindex", 20, 4, FieldKind.SCALAR, false, false);
        assertTrue(xdp.packetAccess() && xdp.packetWrite());
        assertEquals(Optional.empty(), xdp.returnRange());
    }

    @Test
    void tcSeesTheWholeSkBuffExceptSocketAddressesAndWritesItsKernelList() {
        ProgramType tc = type("tc");
        assertEquals(3, tc.linuxType());
        assertEquals("__sk_buff", tc.context().structName());
        assertEquals(192, tc.context().size());
        assertField(tc, "len", 0, 4, FieldKind.SCALAR, false, true);
        assertField(tc, "mark", 8, 4, FieldKind.SCALAR, true, true);
        assertField(tc, "queue_mapping", 12, 4, FieldKind.SCALAR, true, true);
        assertField(tc, "priority", 32, 4, FieldKind.SCALAR, true, true);
        assertField(tc, "tc_index", 44, 4, FieldKind.SCALAR, true, true);
        assertField(tc, "cb", 48, 20, FieldKind.SCALAR, true, true);
        assertField(tc, "hash", 68, 4, FieldKind.SCALAR, false, true);
        assertField(tc, "tc_classid", 72, 4, FieldKind.SCALAR, true, true);
        assertField(tc, "data", 76, 4, FieldKind.PACKET, false, false);
        assertField(tc, "data_end", 80, 4, FieldKind.PACKET_END, false, false);
        assertField(tc, "data_meta", 140, 4, FieldKind.PACKET_META, false, false);
        assertField(tc, "tstamp", 152, 8, FieldKind.SCALAR, true, false);
        assertField(tc, "wire_len", 160, 4, FieldKind.SCALAR, false, true);
        assertField(tc, "sk", 168, 8, FieldKind.SOCK_COMMON_OR_NULL, false, false);
        assertField(tc, "gso_size", 176, 4, FieldKind.SCALAR, false, true);
        assertField(tc, "tstamp_type", 180, 1, FieldKind.SCALAR, false, false);
        assertField(tc, "hwtstamp", 184, 8, FieldKind.SCALAR, false, false);
        assertTrue(tc.context().fieldContaining(88, 4).isEmpty(), "family..local_port are hidden from tc");
        assertTrue(tc.context().fieldContaining(144, 8).isEmpty(), "flow_keys is for the flow dissector only");
        assertTrue(tc.context().fieldContaining(181, 1).isEmpty(), "padding after tstamp_type");
        assertTrue(tc.packetAccess() && tc.packetWrite());
    }

    @Test
    void socketFiltersSeeNoPacketPointersAndWriteOnlyCb() {
        ProgramType socket = type("socket");
        assertEquals(1, socket.linuxType());
        assertTrue(socket.context().fieldContaining(76, 4).isEmpty(), "no data");
        assertTrue(socket.context().fieldContaining(80, 4).isEmpty(), "no data_end");
        assertTrue(socket.context().fieldContaining(72, 4).isEmpty(), "no tc_classid");
        for (ContextField f : socket.context().fields()) {
            assertEquals(f.name().equals("cb"), f.writable(), f.name());
        }
        assertFalse(socket.packetAccess());
    }

    @Test
    void cgroupSkbReadsThePacketAndReturnsAVerdict() {
        ProgramType ingress = type("cgroup_skb_ingress");
        ProgramType egress = type("cgroup_skb_egress");
        assertEquals(8, ingress.linuxType());
        assertEquals(Optional.of(new HelperPrototype.Range(0, 1)), ingress.returnRange());
        assertEquals(Optional.of(new HelperPrototype.Range(0, 3)), egress.returnRange());
        assertTrue(ingress.packetAccess());
        assertFalse(ingress.packetWrite());
        assertField(ingress, "remote_ip4", 92, 4, FieldKind.SCALAR, false, false);
        assertField(ingress, "mark", 8, 4, FieldKind.SCALAR, true, true);
        assertTrue(ingress.context().fieldContaining(140, 4).isEmpty(), "no data_meta");
    }

    @Test
    void skSkbCannotTouchMarkAndWritesTcIndexAndPriority() {
        ProgramType t = type("sk_skb");
        assertTrue(t.context().fieldContaining(8, 4).isEmpty());
        assertField(t, "tc_index", 44, 4, FieldKind.SCALAR, true, true);
        assertField(t, "priority", 32, 4, FieldKind.SCALAR, true, true);
        assertField(t, "cb", 48, 20, FieldKind.SCALAR, false, true);
        assertField(t, "local_port", 136, 4, FieldKind.SCALAR, false, true);
        assertTrue(t.packetWrite());
    }

    @Test
    void kprobeContextIsX86PtRegsAllReadable() {
        ProgramType k = type("kprobe");
        assertEquals(2, k.linuxType());
        assertEquals(168, k.context().size());
        assertEquals(21, k.context().fields().size());
        assertField(k, "di", 112, 8, FieldKind.SCALAR, false, true);
        assertField(k, "ax", 80, 8, FieldKind.SCALAR, false, true);
        assertField(k, "ip", 128, 8, FieldKind.SCALAR, false, true);
        assertFalse(k.packetAccess());
    }

    @Test
    void tracepointRecordsAreReadableAfterTheCommonHeader() {
        ProgramType tp = type("tracepoint");
        assertTrue(tp.context().fieldContaining(0, 8).isEmpty());
        assertTrue(tp.context().fieldContaining(16, 8).isPresent());
        assertFalse(tp.context().fieldContaining(16, 8).get().writable());
    }

    @Test
    void rawTracepointHasTwelveU64Arguments() {
        ProgramType t = type("raw_tracepoint");
        assertEquals(17, t.linuxType());
        assertEquals(96, t.context().size());
        assertField(t, "args[11]", 88, 8, FieldKind.SCALAR, false, true);
    }

    @Test
    void sockopsWritesOnlyReplyAndTxhashAndSeesASocketOrNull() {
        ProgramType t = type("sockops");
        assertEquals(13, t.linuxType());
        assertEquals(Optional.of(new HelperPrototype.Range(0, 1)), t.returnRange());
        List<String> writable = t.context().fields().stream().filter(ContextField::writable).map(ContextField::name).toList();
        assertEquals(List.of("reply", "sk_txhash"), writable);
        assertField(t, "sk", 184, 8, FieldKind.SOCKET_OR_NULL, false, false);
        assertField(t, "skb_data", 192, 8, FieldKind.PACKET, false, false);
        assertField(t, "bytes_acked", 176, 8, FieldKind.SCALAR, false, false);
    }

    @Test
    void skMsgIsReadOnlyWithEightBytePacketPointers() {
        ProgramType t = type("sk_msg");
        assertField(t, "data", 0, 8, FieldKind.PACKET, false, false);
        assertField(t, "data_end", 8, 8, FieldKind.PACKET_END, false, false);
        assertField(t, "size", 68, 4, FieldKind.SCALAR, false, false);
        assertField(t, "sk", 72, 8, FieldKind.SOCKET, false, false);
        assertTrue(t.packetWrite());
    }

    @Test
    void mapElementIteratorSeesMetaMapKeyAndValue() {
        ProgramType t = type("iter_bpf_map_elem");
        assertEquals(26, t.linuxType());
        assertField(t, "meta", 0, 8, FieldKind.BTF_ID, false, false);
        assertField(t, "map", 8, 8, FieldKind.BTF_ID, false, false);
        assertField(t, "key", 16, 8, FieldKind.MEM_OR_NULL, false, false);
        assertField(t, "value", 24, 8, FieldKind.MEM_OR_NULL, false, false);
        assertEquals(Optional.of(new HelperPrototype.Range(0, 1)), t.returnRange());
    }

    @Test
    void fentryMustReturnZero() {
        ProgramType t = type("fentry");
        assertEquals(26, t.linuxType());
        assertEquals(Optional.of(new HelperPrototype.Range(0, 0)), t.returnRange());
        assertEquals(12, t.context().fields().size());
    }

    @Test
    void sectionNamesSelectTypesAsLibbpfDoes() {
        assertEquals("xdp", typeOf("xdp"));
        assertEquals("xdp", typeOf("xdp.frags"));
        assertEquals("xdp_devmap", typeOf("xdp/devmap"));
        assertEquals("tc", typeOf("tc"));
        assertEquals("tc", typeOf("classifier"));
        assertEquals("tc", typeOf("tcx/ingress"));
        assertEquals("socket", typeOf("socket"));
        assertEquals("kprobe", typeOf("kprobe/do_sys_open"));
        assertEquals("kprobe", typeOf("kretprobe/do_sys_open"));
        assertEquals("iter_bpf_map_elem", typeOf("iter/bpf_map_elem"));
        assertEquals("iter", typeOf("iter/task"));
        assertEquals("raw_tracepoint", typeOf("raw_tracepoint/sys_enter"));
        assertEquals("raw_tracepoint", typeOf("raw_tp/sys_enter"));
        assertEquals("raw_tracepoint_writable", typeOf("raw_tp.w/bpf_testmod_test_writable_bare"));
        assertEquals("fentry", typeOf("fentry/x"));
        assertEquals("tracepoint", typeOf("tp/syscalls/sys_enter_openat"));
        assertEquals("cgroup_skb_egress", typeOf("cgroup_skb/egress"));
        assertEquals("cgroup_sock", typeOf("cgroup/sock"));
        assertEquals("cgroup_sock_addr4", typeOf("cgroup/connect4"));
        assertEquals("sk_skb", typeOf("sk_skb/stream_parser"));
        assertEquals("lsm", typeOf("lsm/file_open"));
        assertEquals("action", typeOf("action"));
        assertEquals("netfilter", typeOf("netfilter"));
    }

    @Test
    void numericAndUnknownSectionsSelectNothing() {
        assertTrue(LINUX.typeForSection("2/1").isEmpty());
        assertTrue(LINUX.typeForSection(".text").isEmpty());
        assertTrue(LINUX.typeForSection("xdpfoo").isEmpty());
    }

    @Test
    void everySectionPrefixSelectsItsOwnType() {
        for (ProgramType t : LINUX.types()) {
            for (String prefix : t.sectionPrefixes()) {
                assertEquals(t.name(), typeOf(prefix), "section " + prefix);
            }
        }
    }

    @Test
    void noContextFieldOverlapsAnother() {
        for (ProgramType t : LINUX.types()) {
            List<ContextField> fields = t.context().fields();
            for (int i = 1; i < fields.size(); i++) {
                assertTrue(fields.get(i - 1).end() <= fields.get(i).offset(), t.name() + ": " + fields.get(i).name());
            }
        }
    }

    @Test
    void aFieldOutsideAContextIsReportedWithItsLine() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> ProgramTypeTable.parse("t.txt",
                List.of("# c", "field data 0 4 PACKET r exact")));
        assertEquals("t.txt:2: field outside a context", e.getMessage());
    }

    @Test
    void aTypeNamingAnUnknownContextIsReported() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> ProgramTypeTable.parse("t.txt",
                List.of("type xdp 6 nowhere - rw exact xdp")));
        assertEquals("t.txt:1: context nowhere is not defined above", e.getMessage());
    }

    @Test
    void overlappingFieldsAreReportedAtTheirContext() {
        PlatformDataException e = assertThrows(PlatformDataException.class, () -> ProgramTypeTable.parse("t.txt",
                List.of("context c s 8", "field a 0 4 SCALAR r exact", "field b 2 4 SCALAR r exact")));
        assertEquals("t.txt:1: context c: a and b overlap", e.getMessage());
    }

    private static String typeOf(String section) {
        return LINUX.typeForSection(section).map(ProgramType::name).orElse("(none)");
    }
}
