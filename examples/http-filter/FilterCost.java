import dev.warden.runtime.host.EimClassPolicy;
import dev.warden.runtime.host.EntryArguments;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.Access;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What the request filter costs one request: the CPU time of {@code Extension.invoke} with the
 * request {@code GET /index.html} as HttpFilterServer lays it out (copy in, guarantee check, the
 * verified filter's run, release), measured with the thread's CPU clock, which other load on the
 * machine disturbs much less than wall time. Prints the median of ROUNDS rounds of 100,000 calls
 * after as many rounds of warm-up.
 *
 * <pre>java -cp 'cli/target/warden.jar:cli/target/lib/*' examples/http-filter/FilterCost.java OBJECT POLICY [ROUNDS]</pre>
 */
public final class FilterCost {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment config = arena.allocate(8, 4);
            config.set(ValueLayout.JAVA_INT, 0, 200);
            ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("filterRequest", "filter", LinuxProgramType.XDP))
                    .withState("filter_config", config, Access.READ_ONLY).withCpus(1);
            try (Extension ext = Extensions.load(Path.of(args[0]), spec, EimClassPolicy.forClass(Path.of(args[1]), "urlFirewall"))) {
                Extension.Entry entry = ext.entry("filterRequest");
                byte[] request = new byte[256];
                byte[] path = "/index.html".getBytes(StandardCharsets.US_ASCII);
                MemorySegment r = MemorySegment.ofArray(request);
                r.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 1);
                r.set(ValueLayout.JAVA_INT_UNALIGNED, 4, path.length);
                System.arraycopy(path, 0, request, 8, path.length);
                ThreadMXBean clock = ManagementFactory.getThreadMXBean();
                long[] perCall = new long[rounds];
                for (int round = -rounds; round < rounds; round++) {
                    long start = clock.getCurrentThreadCpuTime();
                    for (int i = 0; i < 100_000; i++) {
                        ext.invoke(entry, EntryArguments.of(EntryArguments.Argument.bytes(request)));
                    }
                    if (round >= 0) {
                        perCall[round] = (clock.getCurrentThreadCpuTime() - start) / 100_000;
                    }
                }
                java.util.Arrays.sort(perCall);
                System.out.println("request filter invocation: " + perCall[rounds / 2] + " ns CPU (median of " + rounds + " x 100,000 calls)");
            }
        }
    }
}
