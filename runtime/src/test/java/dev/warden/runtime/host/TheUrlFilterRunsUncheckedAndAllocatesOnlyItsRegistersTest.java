package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.vm.Access;
import dev.warden.vm.ExecResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The HTTP demo's filter (examples/http-filter/url_filter.o, class urlFirewall) as the server
 * calls it: every one of its 13 memory accesses runs without a check (the request's fields and
 * the host variable {@code filter_config}, pcs 5 and 9), and an invocation with the arguments
 * made once allocates only its five registers (56 bytes; not a per-CPU array, whose cache lines
 * two CPUs shared: see EntryShape.enter), and the result of a run that returns a small value is a
 * shared {@link ExecResult.Returned}.
 */
class TheUrlFilterRunsUncheckedAndAllocatesOnlyItsRegistersTest {
    static final Path DIR = HttpFilterExampleServesAndFiltersTest.DIR;

    @Test
    void everyAccessIsProvedAndAnInvocationAllocatesOnlyItsRegisters() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment config = arena.allocate(8, 4);
            config.set(ValueLayout.JAVA_INT, 0, 200);
            ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("filterRequest", "filter", LinuxProgramType.XDP))
                    .withState("filter_config", config, Access.READ_ONLY).withCpus(1);
            try (Extension ext = Extensions.load(DIR.resolve("url_filter.o"), spec,
                    EimClassPolicy.forClass(DIR.resolve("url-filter.eim"), "urlFirewall"))) {
                Extension.Entry entry = ext.entry("filterRequest");
                ProvedChecks checks = ext.checks(entry);
                assertEquals(13, checks.total());
                assertEquals(13, checks.elided(), "unchecked: " + checks.elidedPcs());
                assertTrue(checks.elidedPcs().get(5) && checks.elidedPcs().get(9), "filter_config's two loads run unchecked");

                byte[] index = request(1, "/index.html");
                byte[] admin = request(1, "/admin/users");
                EntryArguments allowed = EntryArguments.of(EntryArguments.Argument.bytes(index));
                EntryArguments denied = EntryArguments.of(EntryArguments.Argument.bytes(admin));
                assertEquals(new ExecResult.Returned(0), ext.invoke(entry, allowed));
                assertEquals(new ExecResult.Returned(1), ext.invoke(entry, denied));
                assertSame(ext.invoke(entry, allowed), ext.invoke(entry, allowed), "a small r0's result is shared");
                // A two-argument call to a one-parameter entry is still refused, the CPU's registers notwithstanding.
                EntryArguments two = EntryArguments.of(EntryArguments.Argument.bytes(index), EntryArguments.Argument.scalar(1));
                assertTrue(assertThrowsIllegal(() -> ext.invoke(entry, two)).contains("takes 1 arguments, not 2"));

                com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long sum = 0;
                for (int i = 0; i < 200_000; i++) {
                    sum += ((ExecResult.Returned) ext.invoke(entry, (i & 1) == 0 ? allowed : denied)).r0();
                }
                int calls = 100_000;
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) {
                    sum += ((ExecResult.Returned) ext.invoke(entry, (i & 1) == 0 ? allowed : denied)).r0();
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(150_000, sum, "every other request denied");
                // 48 bytes a call before the result was shared (the registers' array and the result);
                // now the 56-byte array of five registers; the rest of 64 leaves room for the measuring.
                assertTrue(allocated < calls * 64L, allocated + " bytes allocated by " + calls + " invocations");
            }
        }
    }

    private static String assertThrowsIllegal(org.junit.jupiter.api.function.Executable call) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    /** struct HttpRequest of url-filter.eim: method, path_len, path[248]. */
    private static byte[] request(int method, String path) {
        byte[] r = new byte[256];
        byte[] p = path.getBytes(StandardCharsets.US_ASCII);
        MemorySegment s = MemorySegment.ofArray(r);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 0, method);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 4, p.length);
        System.arraycopy(p, 0, r, 8, p.length);
        return r;
    }
}
