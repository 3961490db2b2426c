package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.runtime.host.EntryArguments.Argument;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An extension that reads run-time slices (corpus/eim/request_scan.c: the URI below
 * {@code r->uri_len}, the body below {@code body_len}) run by the host API: the body argument is
 * a buffer of this run's length, not of {@code sizeof(u8)}, and a buffer shorter than the length
 * the run grants is refused before anything runs.
 */
class RuntimeSlicesRunTest {
    static final Path CORPUS = Path.of("..", "corpus");
    /** struct Request of request-scan.eim: method, uri_len, uri[256], content_length, client_addr, status. */
    static final int REQUEST_SIZE = 280;

    static byte[] request(String uri) {
        ByteBuffer b = ByteBuffer.allocate(REQUEST_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 1);
        b.putInt(4, uri.length());
        b.put(8, uri.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.array();
    }

    static long verdict(ExecResult r) {
        return assertInstanceOf(ExecResult.Returned.class, r, r::toString).r0();
    }

    @Test
    void aBufferSliceKeepsItsCheckAndAnArraySliceLosesIt() throws Exception {
        dev.warden.verifier.eim.EimPlatform eim = switch (dev.warden.verifier.eim.EimPlatform.forClass(
                dev.warden.eim.Eim.parse(CORPUS.resolve("policies/request-scan.eim")), "uriScanner")) {
            case dev.warden.verifier.eim.EimPlatform.Built.Ok ok -> ok.platform();
            case dev.warden.verifier.eim.EimPlatform.Built.Failed f -> throw new AssertionError(f.message());
        };
        dev.warden.isa.elf.BpfObject object = dev.warden.isa.elf.ElfReader.read(CORPUS.resolve("eim/request_scan.o"));
        dev.warden.verifier.VerificationResult r = dev.warden.verifier.Verifier.verify(object, object.program("scan").orElseThrow(),
                dev.warden.verifier.VerifierOptions.linux(), eim);
        var proof = assertInstanceOf(dev.warden.verifier.VerificationResult.Verified.class, r, r::toString).program();
        var checks = dev.warden.runtime.linux.ProvedChecks.forEim(proof, dev.warden.runtime.linux.ProvedChecks.typedArguments(eim));
        // r->uri_len and r->uri[i] lie inside *r, which the region holds whole; body[i] is bounded
        // by the run's body_len only, which a region of sizeof(u8) does not follow.
        assertEquals(2, checks.elided());
    }

    @Test
    void theScannerReadsTheBodyUpToTheRunsLength() throws Exception {
        EimClassPolicy scanner = EimClassPolicy.forClass(CORPUS.resolve("policies/request-scan.eim"), "uriScanner");
        ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("scanBody", "scan", LinuxProgramType.XDP)).withCpus(2);
        try (Extension ext = Extensions.load(CORPUS.resolve("eim/request_scan.o"), spec, scanner)) {
            byte[] body = {0, 0, 0, 9, 9};
            // Two dots, and a body whose first three bytes are zero: the sum stops at body_len.
            assertEquals(0, verdict(ext.invoke("scanBody", EntryArguments.of(Argument.bytes(request("/a.b.c")),
                    Argument.bytes(body), Argument.scalar(3)))));
            assertEquals(1, verdict(ext.invoke("scanBody", EntryArguments.of(Argument.bytes(request("/a.b.c")),
                    Argument.bytes(body), Argument.scalar(4)))));
            // A URI with one dot: no verdict, whatever the body.
            assertEquals(0, verdict(ext.invoke("scanBody", EntryArguments.of(Argument.bytes(request("/a.b")),
                    Argument.bytes(body), Argument.scalar(5)))));
            // An empty body is an empty buffer.
            assertEquals(0, verdict(ext.invoke("scanBody", EntryArguments.of(Argument.bytes(request("/a.b.c")),
                    Argument.bytes(new byte[0]), Argument.scalar(0)))));
            IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class, () -> ext.invoke("scanBody",
                    EntryArguments.of(Argument.bytes(request("/a.b.c")), Argument.bytes(body), Argument.scalar(6))));
            assertTrue(shorter.getMessage().contains("argument body points to a buffer of which this run's lengths grant 6 bytes, but 5 were given"),
                    shorter.getMessage());
            // The entry's guarantee body_len <= 65536 is the host's to keep.
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> ext.invoke("scanBody",
                    EntryArguments.of(Argument.bytes(request("/a.b.c")), Argument.bytes(new byte[70_000]), Argument.scalar(70_000))));
            assertTrue(tooLong.getMessage().contains("body_len <= 65536"), tooLong.getMessage());
        }
    }
}
