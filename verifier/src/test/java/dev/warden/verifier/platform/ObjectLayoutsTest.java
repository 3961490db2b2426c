package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Layouts of sockets and flow keys, which programs load from through typed pointers. */
class ObjectLayoutsTest {
    private static ContextLayout layout(ObjectKind kind) {
        return Platform.linux().objectLayout(kind).orElseThrow(() -> new AssertionError("no layout for " + kind));
    }

    @Test
    void everyObjectKindHasALayout() {
        for (ObjectKind k : ObjectKind.values()) {
            assertFalse(layout(k).fields().isEmpty(), k.name());
        }
    }

    @Test
    void aFullSocketShowsItsProtocolButASockCommonDoesNot() {
        assertTrue(layout(ObjectKind.SOCKET).fieldContaining(12, 4).isPresent(), "bpf_sock.protocol");
        assertTrue(layout(ObjectKind.SOCK_COMMON).fieldContaining(12, 4).isEmpty(), "hidden for sock_common");
        assertTrue(layout(ObjectKind.SOCK_COMMON).fieldContaining(4, 4).isPresent(), "family is common");
        assertEquals(80, layout(ObjectKind.SOCKET).size());
    }

    @Test
    void socketsAreReadOnlyAndDstPortIsTwoBytes() {
        for (ContextField f : layout(ObjectKind.SOCKET).fields()) {
            assertFalse(f.writable(), f.name());
        }
        ContextField port = layout(ObjectKind.SOCKET).fieldContaining(48, 2).orElseThrow();
        assertEquals("dst_port", port.name());
        assertEquals(2, port.size());
        assertTrue(layout(ObjectKind.SOCKET).fieldContaining(50, 2).isEmpty(), "padding after dst_port");
    }

    @Test
    void tcpSockCountersAreWholeFieldReads() {
        ContextField bytesAcked = layout(ObjectKind.TCP_SOCK).fieldContaining(88, 8).orElseThrow();
        assertEquals("bytes_acked", bytesAcked.name());
        assertFalse(bytesAcked.narrowReads());
        assertEquals(112, layout(ObjectKind.TCP_SOCK).size());
    }

    @Test
    void flowKeysAreWritable() {
        ContextField keys = layout(ObjectKind.FLOW_KEYS).fieldContaining(0, 4).orElseThrow();
        assertTrue(keys.writable());
        assertEquals(56, layout(ObjectKind.FLOW_KEYS).size());
    }
}
