package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code examples/checksum.o}, read from ELF and run, computes the RFC 1071 checksum its comment promises. */
class BundledChecksumExampleRunsTest {

    private static Path example(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("examples").resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("examples/" + name + " not found above " + Path.of("").toAbsolutePath());
    }

    private static String exec(String mem) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertEquals(0, Warden.run("exec", example("checksum.o").toString(), "--mem", mem));
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ipv4HeaderChecksum() {
        // The classic example header with its checksum field zeroed; its checksum is 0xb861.
        String out = exec("45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7");
        assertTrue(out.contains("r0 = 0xb861"), out);
    }

    @Test
    void oddLengthPadsTheLastByte() {
        // 0x0102 + 0x0300 = 0x0402, complemented: 0xfbfd.
        assertTrue(exec("01 02 03").contains("r0 = 0xfbfd"), "odd length");
    }
}
