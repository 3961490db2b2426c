package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/host-api/XdpCounterHost.java, compiled against this build and run: the documented
 * example works end to end (load, verify, compile, four threads, map read, hot reload).
 */
class HostApiExampleRunsEndToEndTest {
    @Test
    void theExampleHostCountsFromFourThreadsAndKeepsItsCountsAcrossAReload(@TempDir Path out) throws Exception {
        Path source = Path.of("..", "examples", "host-api", "XdpCounterHost.java");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = ExampleSources.compile(source, out)) {
            Method main = loader.loadClass("XdpCounterHost").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {Path.of("..", "examples", "xdp_counter.o").toString()});
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("tcp 20000 udp 20000", "after reload tcp 20001"), lines);
    }
}
