package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Running out of Java heap is resource exhaustion: {@code warden} says so, with the limit and how to
 * raise it, and exits with status 2, never with a stack trace.
 */
class VerifyReportsAnExhaustedHeapTest {

    @Test
    void anOutOfMemoryErrorBecomesAMessageAndStatusTwo() {
        StringWriter err = new StringWriter();
        int status = OutOfMemory.guard(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, new PrintWriter(err, true));
        assertEquals(2, status);
        assertTrue(err.toString().startsWith("warden: out of memory: the Java heap (at most "), err.toString());
        assertTrue(err.toString().contains("WARDEN_JAVA_OPTS=-Xmx"), err.toString());
    }

    @Test
    void aRealObjectUnderATinyHeapEndsWithTheMessageNotATrace() throws IOException, InterruptedException {
        Path object = Path.of(System.getProperty("warden.shared", "../shared"), "testdata", "real-objects", "bpf-examples",
                "clang-13_-O1_pping_kern.o").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(object), "real objects not found at " + object.toAbsolutePath());
        String java = ProcessHandle.current().info().command().orElse("java");
        // A heap of 4 MB holds the JVM's own start but not the verification of this object (1,600
        // instructions per program), so the run must end in an OutOfMemoryError wherever it strikes.
        Process p = new ProcessBuilder(java, "-Xmx4m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Warden.class.getName(), "verify", object.toString(), "--json", "--witness", "none")
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("out of memory: the Java heap (at most "), text);
        for (String trace : List.of("Exception in thread", "\tat ", "java.lang.OutOfMemoryError")) {
            assertFalse(text.contains(trace), "a stack trace or a bare error: " + text);
        }
    }
}
