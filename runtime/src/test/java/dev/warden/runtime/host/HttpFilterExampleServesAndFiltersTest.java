package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/http-filter/HttpFilterServer.java, compiled against this build and started in this
 * JVM: every request goes through url_filter.o (verified against class urlFirewall), and the
 * answers are what the filter decides; without the filter the same requests all pass. The Java
 * version of the firewall (the demo's comparison) answers as the extension does.
 */
class HttpFilterExampleServesAndFiltersTest {
    static final Path DIR = Path.of("..", "examples", "http-filter");

    @Test
    void theServerAnswersWhatTheVerifiedFilterDecides(@TempDir Path out) throws Exception {
        try (URLClassLoader loader = ExampleSources.compile(DIR.resolve("HttpFilterServer.java"), out)) {
            Class<?> server = loader.loadClass("HttpFilterServer");
            Class<?> filter = loader.loadClass("HttpFilterServer$Filter");
            Method start = server.getMethod("start", Path.class, Path.class, int.class, int.class, filter);
            Method port = server.getMethod("port");
            Object on = filter.getEnumConstants()[0];
            Object off = filter.getEnumConstants()[1];
            HttpClient client = HttpClient.newHttpClient();
            try (AutoCloseable s = (AutoCloseable) start.invoke(null, DIR.resolve("url_filter.o"), DIR.resolve("url-filter.eim"), 0, 2, on)) {
                int p = (int) port.invoke(s);
                assertEquals(200, status(client, "GET", p, "/index.html"));
                assertEquals("ok\n", body(client, p, "/docs/a.b/c"));
                assertEquals(200, status(client, "HEAD", p, "/index.html"));
                assertEquals(403, status(client, "GET", p, "/admin"));
                assertEquals(403, status(client, "GET", p, "/admin/users"));
                assertEquals(200, status(client, "GET", p, "/administrators-guide"), "only the /admin tree is denied");
                assertEquals(403, status(client, "GET", p, "/static/../etc/passwd"));
                assertEquals(403, status(client, "POST", p, "/upload"), "writes are off in the filter's configuration");
                assertEquals(403, status(client, "GET", p, "/" + "x".repeat(210)), "longer than max_path_len (200)");
                assertEquals(414, status(client, "GET", p, "/" + "x".repeat(300)), "longer than the entry's guarantee: the host refuses");
                // A request line with bytes beyond ASCII (which HttpClient would percent-encode): the
                // host lays out the path's UTF-8 bytes, not its chars, and the filter still sees "..".
                assertEquals(200, rawStatus(p, "/caf\u00e9"));
                assertEquals(403, rawStatus(p, "/caf\u00e9/../etc"));
                assertEquals(414, rawStatus(p, "/" + "\u00e9".repeat(100)), "fewer chars than 248, more bytes");
                assertEquals(200, status(client, "GET", p, "/a"), "a short path after a long one: judged on its own bytes");
            }
            try (AutoCloseable s = (AutoCloseable) start.invoke(null, DIR.resolve("url_filter.o"), DIR.resolve("url-filter.eim"), 0, 2, off)) {
                int p = (int) port.invoke(s);
                assertEquals(200, status(client, "GET", p, "/admin"));
                assertEquals(200, status(client, "POST", p, "/upload"));
            }
            Object java = filter.getEnumConstants()[2];
            assertEquals("JAVA", java.toString());
            try (AutoCloseable s = (AutoCloseable) start.invoke(null, DIR.resolve("url_filter.o"), DIR.resolve("url-filter.eim"), 0, 2, java)) {
                int p = (int) port.invoke(s);
                assertEquals(200, status(client, "GET", p, "/index.html"));
                assertEquals(200, status(client, "HEAD", p, "/index.html"));
                assertEquals(200, status(client, "GET", p, "/docs/a.b/c"));
                assertEquals(403, status(client, "GET", p, "/admin"));
                assertEquals(403, status(client, "GET", p, "/admin/users"));
                assertEquals(200, status(client, "GET", p, "/administrators-guide"));
                assertEquals(403, status(client, "GET", p, "/static/../etc/passwd"));
                assertEquals(403, status(client, "POST", p, "/upload"));
                assertEquals(403, status(client, "GET", p, "/" + "x".repeat(210)));
                assertEquals(414, status(client, "GET", p, "/" + "x".repeat(300)));
            }
        }
    }

    static int status(HttpClient client, String method, int port, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** GET {@code path} written as UTF-8 bytes on a plain socket (HTTP/1.0: the server closes after answering). */
    static int rawStatus(int port, String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    static String body(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
