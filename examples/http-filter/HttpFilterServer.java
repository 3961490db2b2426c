import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.warden.runtime.host.EimClassPolicy;
import dev.warden.runtime.host.EntryArguments;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.LoadException;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.Access;
import dev.warden.vm.ExecResult;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server whose handler runs a verified request filter on every request: the URL
 * firewall of url_filter.c, verified against class urlFirewall of url-filter.eim, compiled by
 * Warden's JIT and invoked through the host API with the request as the entry's argument (a
 * {@code struct HttpRequest} the handler lays out). The extension answers allow (0) or deny (1);
 * a denied request gets 403.
 *
 * <pre>
 * java -cp 'cli/target/warden.jar:cli/target/lib/*' examples/http-filter/HttpFilterServer.java \
 *     examples/http-filter/url_filter.o examples/http-filter/url-filter.eim 8080 on
 * </pre>
 * With {@code off} as the last argument the same server answers without the filter (the
 * baseline of scripts/demo-http-filter.sh).
 */
public final class HttpFilterServer implements AutoCloseable {
    /**
     * What the handler runs on every request: the extension ({@code ON}), nothing ({@code OFF}),
     * or the same firewall written in Java ({@code JAVA}, see {@link JavaFilter}): a comparison
     * that tells what any filter's work costs the server apart from what Warden's invoke costs.
     */
    public enum Filter { ON, OFF, JAVA }

    /** struct HttpRequest of url-filter.eim. */
    static final int METHOD = 0;
    static final int PATH_LEN = 4;
    static final int PATH = 8;
    static final int MAX_PATH = 248;
    static final int REQUEST_SIZE = PATH + MAX_PATH;

    /** struct FilterConfig: max_path_len, allow_writes. */
    static final int CONFIG_SIZE = 8;
    static final int MAX_PATH_LEN = 200;

    private static final byte[] OK = "ok\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DENIED = "denied by the request filter\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOO_LONG = "path too long\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAULT = "the request filter faulted\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService workers;
    private final Arena arena;
    private final Optional<Extension> filter;
    private final Optional<Extension.Entry> entry;
    /** The Java filter, in mode {@link Filter#JAVA}. */
    private final Optional<JavaFilter> javaFilter;
    /** Each worker thread's request structure and the arguments naming it, reused for every request it handles. */
    private final ThreadLocal<RequestSlot> requests = ThreadLocal.withInitial(RequestSlot::new);

    /**
     * A worker thread's {@code struct HttpRequest} and the entry's arguments that name it, made
     * once: {@code invoke} copies the bytes in on every call, so the same arguments serve every
     * request of the thread without allocating.
     */
    private static final class RequestSlot {
        final byte[] bytes = new byte[REQUEST_SIZE];
        final MemorySegment segment = MemorySegment.ofArray(bytes);
        final EntryArguments arguments = EntryArguments.of(EntryArguments.Argument.bytes(bytes));
        /** Path bytes the previous request left: only those need zeroing behind a shorter path. */
        int pathInUse;

        /**
         * Writes {@code path}'s UTF-8 bytes into the structure's path, zeroes what the previous
         * request left behind them, and returns their count; more than {@link #MAX_PATH} writes
         * nothing. A raw path is ASCII but for unusual requests: its chars are stored directly,
         * without the array {@code getBytes} allocates per request.
         */
        int putPath(String path) {
            int n = path.length();
            if (n > MAX_PATH) {
                return n; // at least as many bytes as chars: too long either way
            }
            int i = 0;
            while (i < n && path.charAt(i) < 0x80) {
                bytes[PATH + i] = (byte) path.charAt(i);
                i++;
            }
            if (i < n) {
                byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
                if (utf8.length > MAX_PATH) {
                    pathInUse = Math.max(pathInUse, i); // the ASCII prefix written: zeroed behind the next path
                    return utf8.length;
                }
                System.arraycopy(utf8, 0, bytes, PATH, utf8.length);
                n = utf8.length;
            }
            if (pathInUse > n) {
                Arrays.fill(bytes, PATH + n, PATH + pathInUse, (byte) 0);
            }
            pathInUse = n;
            return n;
        }
    }

    private HttpFilterServer(HttpServer server, ExecutorService workers, Arena arena, Optional<Extension> filter,
                             Optional<JavaFilter> javaFilter) {
        this.server = server;
        this.workers = workers;
        this.arena = arena;
        this.filter = filter;
        this.entry = filter.map(f -> f.entry("filterRequest"));
        this.javaFilter = javaFilter;
    }

    /**
     * url_filter.c's decisions in plain Java, on the same {@code struct HttpRequest} bytes, then
     * {@code spinNanos} of busy waiting: with the extension's measured cost as {@code spinNanos}
     * (FilterCost.java), a request costs the handler about what the extension costs it, without
     * any of Warden's code. The demo compares the two under the same load.
     */
    record JavaFilter(long spinNanos) {
        /** 0 allow, 1 deny, as the extension answers. */
        int decide(byte[] request) {
            MemorySegment r = MemorySegment.ofArray(request);
            int method = r.get(ValueLayout.JAVA_INT_UNALIGNED, METHOD);
            int len = r.get(ValueLayout.JAVA_INT_UNALIGNED, PATH_LEN);
            int verdict = decide(request, method, len);
            long until = System.nanoTime() + spinNanos;
            while (spinNanos > 0 && System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
            return verdict;
        }

        private static int decide(byte[] request, int method, int len) {
            if (Integer.compareUnsigned(len, MAX_PATH) > 0 || Integer.compareUnsigned(len, MAX_PATH_LEN) > 0) {
                return 1;
            }
            if (method != 1 && method != 2) {
                return 1; // writes are off, as in the extension's configuration
            }
            String admin = "/admin";
            boolean underAdmin = len >= 6;
            for (int i = 0; i < 6 && underAdmin; i++) {
                underAdmin = request[PATH + i] == admin.charAt(i);
            }
            if (underAdmin && (len == 6 || request[PATH + 6] == '/')) {
                return 1;
            }
            for (int i = 1; i < len; i++) {
                if (request[PATH + i] == '.' && request[PATH + i - 1] == '.') {
                    return 1;
                }
            }
            return 0;
        }
    }

    /**
     * Starts the server on the loopback address and {@code port} (0: any free port) with
     * {@code threads} worker threads; with {@link Filter#ON}, loads {@code object} against class
     * urlFirewall of {@code policy} first.
     */
    public static HttpFilterServer start(Path object, Path policy, int port, int threads, Filter mode)
            throws IOException, LoadException {
        return start(object, policy, port, threads, mode, 0);
    }

    /**
     * The same; in mode {@link Filter#JAVA} the Java filter busy-waits {@code javaSpinNanos} per
     * request after deciding (see {@link JavaFilter}).
     */
    public static HttpFilterServer start(Path object, Path policy, int port, int threads, Filter mode, long javaSpinNanos)
            throws IOException, LoadException {
        Arena arena = Arena.ofShared();
        Optional<Extension> filter = Optional.empty();
        if (mode == Filter.ON) {
            MemorySegment config = arena.allocate(CONFIG_SIZE, 4);
            config.set(ValueLayout.JAVA_INT, 0, MAX_PATH_LEN);
            config.set(ValueLayout.JAVA_INT, 4, 0); // GET and HEAD only
            ExtensionSpec spec = ExtensionSpec.of()
                    .withEntry(new EntryPoint("filterRequest", "filter", LinuxProgramType.XDP))
                    .withState("filter_config", config, Access.READ_ONLY)
                    .withCpus(threads);
            filter = Optional.of(Extensions.load(object, spec, EimClassPolicy.forClass(policy, "urlFirewall")));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        Optional<JavaFilter> javaFilter = mode == Filter.JAVA ? Optional.of(new JavaFilter(javaSpinNanos)) : Optional.empty();
        HttpFilterServer s = new HttpFilterServer(server, workers, arena, filter, javaFilter);
        server.createContext("/", s::handle);
        server.setExecutor(workers);
        server.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Answers one exchange (package-private for HandlerCost.java, which calls it without a socket). */
    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            int status = 200;
            byte[] body = OK;
            if (filter.isPresent() || javaFilter.isPresent()) {
                RequestSlot request = requests.get();
                int length = request.putPath(exchange.getRequestURI().getRawPath());
                if (length > MAX_PATH) {
                    // The entry's guarantee (path_len <= 248) cannot be kept: the host refuses such a path itself.
                    status = 414;
                    body = TOO_LONG;
                } else {
                    request.segment.set(ValueLayout.JAVA_INT_UNALIGNED, METHOD, method(exchange.getRequestMethod()));
                    request.segment.set(ValueLayout.JAVA_INT_UNALIGNED, PATH_LEN, length);
                    ExecResult verdict = filter.isPresent() ? filter.get().invoke(entry.orElseThrow(), request.arguments)
                            : ExecResult.returned(javaFilter.orElseThrow().decide(request.bytes));
                    if (verdict instanceof ExecResult.Returned ret) {
                        if (ret.r0() != 0) {
                            status = 403;
                            body = DENIED;
                        }
                    } else {
                        status = 500;
                        body = FAULT;
                    }
                }
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    static int method(String m) {
        return switch (m) {
            case "GET" -> 1;
            case "HEAD" -> 2;
            case "POST" -> 3;
            case "PUT" -> 4;
            case "DELETE" -> 5;
            default -> 0;
        };
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        filter.ifPresent(Extension::close);
        arena.close();
    }

    /**
     * {@code OBJECT POLICY PORT on|off|java [THREADS [SPIN_NS]]}: serves until killed; {@code java}
     * runs the Java filter, which busy-waits SPIN_NS (default 0) per request.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: HttpFilterServer OBJECT POLICY PORT on|off|java [THREADS [SPIN_NS]]");
            System.exit(2);
        }
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
        long spin = args.length > 5 ? Long.parseLong(args[5]) : 0;
        Filter mode = switch (args[3]) {
            case "on" -> Filter.ON;
            case "java" -> Filter.JAVA;
            default -> Filter.OFF;
        };
        try {
            HttpFilterServer s = start(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]), threads, mode, spin);
            System.out.println("listening on 127.0.0.1:" + s.port() + ", request filter " + args[3] + ", " + threads + " threads");
        } catch (LoadException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
