package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.runtime.host.EntryArguments.Argument;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The host API passes the objects behind an argument's pointer fields ({@code r->headers_in})
 * as the verifier assumed them: copied into regions of their own, the field in the argument's
 * copy pointing there, granted writes copied back, the host's own pointers never shown and never
 * overwritten; a missing promised pointee or a short one refuses the run. The corpus's nginx
 * header filter ({@code corpus/eim/nginx_headers.c}, class hostGate).
 */
class PointeesBehindFieldsTest {
    static final Path CORPUS = Path.of("..", "corpus");
    // struct Request of nginx-headers.eim: method 0, status 4, headers_in 8, headers_out 16 (24 bytes).
    static final long STATUS = 4;
    static final long HEADERS_IN = 8;
    static final long HEADERS_OUT = 16;
    // struct HeadersIn: content_length_n 0, host_len 8, host 12 (80 bytes). HeadersOut: status 0, cache_flags 4 (8 bytes).
    static final long HOST_LEN = 8;
    static final long HOST = 12;
    static final long CACHE_FLAGS = 4;
    /** What the host's own pointer fields hold: the extension must never see these, nor change them. */
    static final long HOST_POINTER = 0x7fff_1234_5678L;

    static Extension load() throws Exception {
        EimClassPolicy gate = EimClassPolicy.forClass(CORPUS.resolve("policies/nginx-headers.eim"), "hostGate");
        return Extensions.load(CORPUS.resolve("eim/nginx_headers.o"),
                ExtensionSpec.of().withEntry(new EntryPoint("headerFilter", "host_gate", LinuxProgramType.XDP)).withCpus(1), gate);
    }

    static byte[] request(int method) {
        MemorySegment r = MemorySegment.ofArray(new byte[24]);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, 0, method);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, HEADERS_IN, HOST_POINTER);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, HEADERS_OUT, HOST_POINTER + 64);
        return r.toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] headersIn(String host) {
        MemorySegment h = MemorySegment.ofArray(new byte[80]);
        byte[] b = host.getBytes(StandardCharsets.US_ASCII);
        h.set(ValueLayout.JAVA_INT_UNALIGNED, HOST_LEN, b.length);
        MemorySegment.copy(b, 0, h, ValueLayout.JAVA_BYTE, HOST, b.length);
        return h.toArray(ValueLayout.JAVA_BYTE);
    }

    static long returned(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, r::toString).r0();
    }

    @Test
    void theExtensionReadsThePointeeAndWritesBackOnlyWhatTheClassGrants() throws Exception {
        try (Extension ext = load()) {
            byte[] r = request(1);
            byte[] out = new byte[8];
            assertEquals(1, returned(ext.invoke("headerFilter", EntryArguments.of(Argument.bytes(r))
                    .withPointee("r->headers_in", Argument.bytes(headersIn("internal.example")))
                    .withPointee("r->headers_out", Argument.bytes(out)))));
            MemorySegment back = MemorySegment.ofArray(r);
            assertEquals(403, back.get(ValueLayout.JAVA_INT_UNALIGNED, STATUS));
            assertEquals(HOST_POINTER, back.get(ValueLayout.JAVA_LONG_UNALIGNED, HEADERS_IN), "the host's pointer is never overwritten");
            assertEquals(HOST_POINTER + 64, back.get(ValueLayout.JAVA_LONG_UNALIGNED, HEADERS_OUT));

            byte[] r2 = request(1);
            assertEquals(0, returned(ext.invoke("headerFilter", EntryArguments.of(Argument.bytes(r2))
                    .withPointee("r->headers_in", Argument.bytes(headersIn("example.org")))
                    .withPointee("r->headers_out", Argument.bytes(out)))));
            assertEquals(1, MemorySegment.ofArray(out).get(ValueLayout.JAVA_INT_UNALIGNED, CACHE_FLAGS), "the granted write reached the host's pointee");
            assertEquals(HOST_POINTER, MemorySegment.ofArray(r2).get(ValueLayout.JAVA_LONG_UNALIGNED, HEADERS_IN));
        }
    }

    @Test
    void aPointeeNotGivenIsNullWhichTheExtensionChecks() throws Exception {
        try (Extension ext = load()) {
            assertEquals(0, returned(ext.invoke("headerFilter", EntryArguments.of(Argument.bytes(request(1)))
                    .withPointee("r->headers_in", Argument.bytes(headersIn("example.org"))))));
        }
    }

    @Test
    void aMissingPromisedOrShortPointeeOrAnUnknownPathRefusesTheRun() throws Exception {
        try (Extension ext = load()) {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ext.invoke("headerFilter",
                    EntryArguments.of(Argument.bytes(request(1)))));
            assertTrue(missing.getMessage().contains("the entry promises non_null(r->headers_in) (nginx-headers.eim:26)"), missing.getMessage());
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> ext.invoke("headerFilter",
                    EntryArguments.of(Argument.bytes(request(1))).withPointee("r->headers_in", Argument.bytes(new byte[40]))));
            assertTrue(small.getMessage().contains("the pointee of r->headers_in is HeadersIn of 80 bytes, but 40 were given"), small.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ext.invoke("headerFilter",
                    EntryArguments.of(Argument.bytes(request(1))).withPointee("r->headers_in", Argument.bytes(headersIn("a")))
                            .withPointee("r->body", Argument.bytes(new byte[8]))));
            assertTrue(unknown.getMessage().contains("reaches through no pointer field r->body (it reaches through [r->headers_in, r->headers_out])"),
                    unknown.getMessage());
        }
    }

    @Test
    void aPlainBufferRunRefusesAClassThatReachesThroughAField() {
        dev.warden.eim.ParseResult parsed = dev.warden.eim.Eim.parse("b.eim", """
                struct Inner { u32 x; };
                struct Buf { Inner *in; u8 bytes[8]; };
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Buf *data, u64 len) -> u64)
                Extension_Class(name = "c", extension_entry = "e", allowed = { read(*data->in) })
                """, Path.of("."));
        dev.warden.verifier.eim.EimPlatform eim = assertInstanceOf(dev.warden.verifier.eim.EimPlatform.Built.Ok.class,
                dev.warden.verifier.eim.EimPlatform.forClass(parsed, "c")).platform();
        String why = dev.warden.runtime.eim.BufferEntry.shapeProblem(eim).orElseThrow();
        assertTrue(why.contains("reaches through the pointer field data->in, whose pointee only the host API passes"), why);
    }

    @Test
    void aGuaranteeOnAFieldBehindAPointerIsCheckedOnTheCopy() throws Exception {
        dev.warden.eim.ParseResult parsed = dev.warden.eim.Eim.parse("g.eim", """
                struct Hdr { u32 len; };
                struct Req { u32 id; Hdr *hdr; };
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Req *r) -> int,
                    constraints = { non_null(r->hdr), r->hdr->len <= 16 })
                Extension_Class(name = "c", extension_entry = "e", allowed = { read(*r->hdr) })
                """, Path.of("."));
        dev.warden.verifier.eim.EimPlatform eim = assertInstanceOf(dev.warden.verifier.eim.EimPlatform.Built.Ok.class,
                dev.warden.verifier.eim.EimPlatform.forClass(parsed, "c"), parsed.diagnostics()::toString).platform();
        EntryShape shape = EntryShape.of(eim);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment[] regions = shape.regions().stream().map(r -> arena.allocate(r.size(), 8)).toArray(MemorySegment[]::new);
            byte[] hdr = new byte[4];
            MemorySegment.ofArray(hdr).set(ValueLayout.JAVA_INT_UNALIGNED, 0, 16);
            EntryArguments ok = EntryArguments.of(Argument.bytes(new byte[16])).withPointee("r->hdr", Argument.bytes(hdr));
            shape.enter(ok, dev.warden.runtime.linux.CpuArguments.of(regions));
            assertEquals(regions[1].address(), regions[0].get(ValueLayout.JAVA_LONG_UNALIGNED, 8), "the field points at the pointee's copy");
            MemorySegment.ofArray(hdr).set(ValueLayout.JAVA_INT_UNALIGNED, 0, 17);
            IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> shape.enter(ok, dev.warden.runtime.linux.CpuArguments.of(regions)));
            assertTrue(broken.getMessage().contains("the arguments break r->hdr->len <= 16"), broken.getMessage());
        }
    }
}
