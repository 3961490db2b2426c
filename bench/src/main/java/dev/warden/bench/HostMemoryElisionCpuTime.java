package dev.warden.bench;

import dev.warden.runtime.host.EimClassPolicy;
import dev.warden.runtime.host.EntryArguments;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.linux.ExtensionEngine;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What eliding the proved checks of host memory saves under the host API: the corpus's nginx
 * request filter ({@code corpus/eim/nginx_filter.o}, class {@code firewall}) invoked on a request
 * it reads whole and lets through ({@code /admiN}: six bytes of the URI, the body length), in the
 * interpreter, in the JIT with host memory checked ({@link ExtensionEngine#JIT_HOST_MEMORY_CHECKED},
 * as before) and in the JIT with the proved host accesses unchecked, in the same run: this
 * thread's CPU time, 2 s of warm-up each, then the median of 21 batches of 200,000 invocations.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -Dwarden.corpus=corpus \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.warden.bench.HostMemoryElisionCpuTime</pre>
 */
public final class HostMemoryElisionCpuTime {
    private HostMemoryElisionCpuTime() {}

    /** struct Request of nginx-firewall.eim. */
    private static final int URI_LEN = 4;
    private static final int URI = 8;
    private static final int REQUEST_SIZE = 280;

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(System.getProperty("warden.corpus", "corpus"));
        EimClassPolicy firewall = EimClassPolicy.forClass(corpus.resolve("policies/nginx-firewall.eim"), "firewall");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<ExtensionEngine, Double> ns = new LinkedHashMap<>();
        long sink = 0;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment request = arena.allocate(REQUEST_SIZE, 8);
            byte[] uri = "/admiN".getBytes(StandardCharsets.US_ASCII);
            request.set(ValueLayout.JAVA_INT, URI_LEN, uri.length);
            MemorySegment.copy(uri, 0, request, ValueLayout.JAVA_BYTE, URI, uri.length);
            EntryArguments arguments = EntryArguments.of(EntryArguments.Argument.memory(request));
            for (ExtensionEngine engine : new ExtensionEngine[] {ExtensionEngine.INTERPRETER, ExtensionEngine.JIT_HOST_MEMORY_CHECKED,
                    ExtensionEngine.JIT}) {
                ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("processBegin", "filter", LinuxProgramType.XDP))
                        .withCpus(1).withEngine(engine)
                        .withFunction("ngx_log_error_line", (mem, a, b, c, d, e) -> 0)
                        .withFunction("ngx_http_finalize_request", (mem, a, b, c, d, e) -> 0)
                        .withFunction("nginxTime", (mem, a, b, c, d, e) -> 1)
                        .withState("ngx_pid", arena.allocate(4, 4), dev.warden.vm.Access.READ_ONLY)
                        .withState("ngx_requests_total", arena.allocate(8, 8), dev.warden.vm.Access.READ_ONLY);
                try (Extension ext = Extensions.load(corpus.resolve("eim/nginx_filter.o"), spec, firewall)) {
                    Extension.Entry entry = ext.entry("processBegin");
                    if (!(ext.invoke(entry, arguments) instanceof ExecResult.Returned r) || r.r0() != 0) {
                        throw new AssertionError(engine + ": the filter did not let the request through");
                    }
                    long warmEnd = System.nanoTime() + 2_000_000_000L;
                    while (System.nanoTime() < warmEnd) {
                        sink += ext.invoke(entry, arguments).hashCode();
                    }
                    int batch = 200_000;
                    long[] per = new long[21];
                    for (int k = 0; k < per.length; k++) {
                        long c0 = threads.getCurrentThreadCpuTime();
                        for (int i = 0; i < batch; i++) {
                            sink += ext.invoke(entry, arguments).hashCode();
                        }
                        per[k] = threads.getCurrentThreadCpuTime() - c0;
                    }
                    Arrays.sort(per);
                    ns.put(engine, per[per.length / 2] / (double) batch);
                    var c = ext.checks(entry);
                    System.out.printf("%-24s %7.1f ns CPU/invocation  checks elided %d/%d%n", engine, ns.get(engine),
                            engine == ExtensionEngine.INTERPRETER ? 0 : c.elided(), c.total());
                }
            }
        }
        System.out.printf("JIT elided / JIT host memory checked: %.3f; JIT elided / interpreter: %.3f%n",
                ns.get(ExtensionEngine.JIT) / ns.get(ExtensionEngine.JIT_HOST_MEMORY_CHECKED),
                ns.get(ExtensionEngine.JIT) / ns.get(ExtensionEngine.INTERPRETER));
        System.out.println("(sink " + (sink & 1) + ")");
    }
}
