import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the request filter adds to HttpFilterServer's handler, in-process and without the network:
 * the handler of a server without the filter and of one with it, each called with the same
 * {@code GET /index.html} exchange (a stub: no socket, no parsing); a third server's handler runs
 * the same firewall in Java without busy waiting, which isolates the host's marshalling from
 * Warden's invoke. Prints four lines:
 * <ul>
 *   <li>the handler's CPU time per request with its caches warm (thread CPU clock, median of 10
 *       rounds of 50,000 calls, the servers alternating round by round),</li>
 *   <li>its time per request right after a pass over {@code EVICT_KIB} of other memory (by
 *       default 1024), as when the server's own work between two requests has pushed the
 *       filter's code and data out of the near caches: median of 20,000 single calls timed with
 *       {@code System.nanoTime}, alternating; a median is robust to the calls another process
 *       preempts;</li>
 *   <li>the bytes each handler allocates per call (the thread's allocation counter); and</li>
 *   <li>the Java filter's handler: both times and its allocation.</li>
 * </ul>
 * All compare the servers in the same run, so they are steadier than the demo's requests/s
 * on a busy machine; they leave out what the filter cannot change (the network, HTTP parsing).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp 'cli/target/warden.jar:cli/target/lib/*' \
 *     examples/http-filter/HandlerCost.java OBJECT POLICY [EVICT_KIB]</pre>
 */
public final class HandlerCost {
    /** An exchange that is only what the handler reads and writes. */
    static final class StubExchange extends HttpExchange {
        private final URI uri = URI.create("http://127.0.0.1/index.html");
        private final Headers request = new Headers();
        private final Headers response = new Headers();
        int status;

        @Override public Headers getRequestHeaders() { return request; }
        @Override public Headers getResponseHeaders() { return response; }
        @Override public URI getRequestURI() { return uri; }
        @Override public String getRequestMethod() { return "GET"; }
        @Override public HttpContext getHttpContext() { throw new UnsupportedOperationException(); }
        @Override public void close() { }
        @Override public InputStream getRequestBody() { return InputStream.nullInputStream(); }
        @Override public OutputStream getResponseBody() { return OutputStream.nullOutputStream(); }
        @Override public void sendResponseHeaders(int code, long length) { status = code; }
        @Override public InetSocketAddress getRemoteAddress() { return new InetSocketAddress(0); }
        @Override public int getResponseCode() { return status; }
        @Override public InetSocketAddress getLocalAddress() { return new InetSocketAddress(0); }
        @Override public String getProtocol() { return "HTTP/1.1"; }
        @Override public Object getAttribute(String name) { return null; }
        @Override public void setAttribute(String name, Object value) { }
        @Override public void setStreams(InputStream i, OutputStream o) { }
        @Override public HttpPrincipal getPrincipal() { return null; }
    }

    public static void main(String[] args) throws Exception {
        Path object = Path.of(args[0]);
        Path policy = Path.of(args[1]);
        int evictKib = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        try (HttpFilterServer off = HttpFilterServer.start(object, policy, 0, 1, HttpFilterServer.Filter.OFF);
             HttpFilterServer on = HttpFilterServer.start(object, policy, 0, 1, HttpFilterServer.Filter.ON);
             HttpFilterServer java = HttpFilterServer.start(object, policy, 0, 1, HttpFilterServer.Filter.JAVA, 0)) {
            // The Java filter without busy waiting: the host's marshalling (thread's slot, path,
            // method) and a firewall of some 20 ns, none of Warden's code; on - java is what
            // Warden's invoke adds, java - off what the host's side of any filter adds.
            HttpFilterServer[] servers = {off, on, java};
            StubExchange exchange = new StubExchange();
            for (HttpFilterServer s : servers) {
                s.handle(exchange);
                if (exchange.status != 200) {
                    throw new IllegalStateException("GET /index.html answered " + exchange.status);
                }
            }
            ThreadMXBean clock = ManagementFactory.getThreadMXBean();
            int rounds = 10;
            int batch = 50_000;
            long[][] warm = new long[servers.length][rounds];
            for (int round = -rounds; round < rounds; round++) {
                for (int k = 0; k < servers.length; k++) {
                    long start = clock.getCurrentThreadCpuTime();
                    for (int i = 0; i < batch; i++) {
                        servers[k].handle(exchange);
                    }
                    if (round >= 0) {
                        warm[k][round] = (clock.getCurrentThreadCpuTime() - start) / batch;
                    }
                }
            }
            // Bytes allocated per call, each server's handler alone: a filter path that allocates
            // makes the server collect more often, a cost the CPU time above leaves out.
            com.sun.management.ThreadMXBean bytes = (com.sun.management.ThreadMXBean) clock;
            long[] allocated = new long[servers.length];
            for (int k = 0; k < servers.length; k++) {
                long before = bytes.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < batch; i++) {
                    servers[k].handle(exchange);
                }
                allocated[k] = (bytes.getCurrentThreadAllocatedBytes() - before) / batch;
            }
            byte[] other = new byte[evictKib * 1024];
            int calls = 20_000;
            long[][] cold = new long[servers.length][calls];
            for (int i = 0; i < calls; i++) {
                for (int k = 0; k < servers.length; k++) {
                    for (int j = 0; j < other.length; j += 64) {
                        other[j]++;
                    }
                    long start = System.nanoTime();
                    servers[k].handle(exchange);
                    cold[k][i] = System.nanoTime() - start;
                }
            }
            System.out.printf("request handler, caches warm: without the filter %d ns CPU, with it %d ns (+%d ns; medians of %d x %,d calls)%n",
                    median(warm[0]), median(warm[1]), median(warm[1]) - median(warm[0]), rounds, batch);
            System.out.printf("request handler after %d KiB of other work: without the filter %d ns, with it %d ns (+%d ns; medians of %,d calls)%n",
                    evictKib, median(cold[0]), median(cold[1]), median(cold[1]) - median(cold[0]), calls);
            System.out.printf("request handler allocates: without the filter %d bytes, with it %d bytes per call (%,d calls each)%n",
                    allocated[0], allocated[1], batch);
            System.out.printf("request handler with the Java filter (no busy wait): caches warm %d ns (+%d ns), after %d KiB %d ns (+%d ns), %d bytes per call%n",
                    median(warm[2]), median(warm[2]) - median(warm[0]), evictKib, median(cold[2]), median(cold[2]) - median(cold[0]), allocated[2]);
        }
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
