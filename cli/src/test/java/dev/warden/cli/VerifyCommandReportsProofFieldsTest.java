package dev.warden.cli;

import static dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.Outcome;
import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code warden verify} adds from the proof: checks elided, the instruction bound, the kernel's verdict, BTF prototypes. */
class VerifyCommandReportsProofFieldsTest {
    private static final Path NAT64 = Path.of(System.getProperty("warden.shared", "../shared"), "testdata", "real-objects",
            "bpf-examples", "clang-19_-O2_nat64_kern.o").normalize();

    @TempDir Path dir;

    // pc 0 a context load, a loop of 2 instructions run 4 times, pc 4 a stack store:
    // 2 + 4 x 2 + 3 = 13 instructions executed, both accesses proved and elided.
    private static final String LOOP = """
            r2 = *(u32 *)(r1 + 12)
            r3 = 0
            r3 += 1
            if r3 < 4 goto -2
            *(u64 *)(r10 - 8) = r2
            r0 = 2
            exit
            """;

    private Path loop() throws Exception {
        Path p = dir.resolve("loop.s");
        Files.writeString(p, LOOP);
        return p;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": (\"[a-z]+\"|\\d+)").matcher(json);
        assertTrue(m.find(), name + " missing in " + json);
        return m.group(1);
    }

    @Test
    void anAcceptedProgramReportsItsElidedChecksAndItsInstructionBound() throws Exception {
        Outcome o = warden("verify", loop().toString(), "--type", "xdp", "--json");
        assertEquals(0, o.status(), o.out() + o.err());
        assertEquals("2", field(o.out(), "checks_elided"));
        assertEquals("2", field(o.out(), "checks_total"));
        assertEquals("13", field(o.out(), "max_instructions_executed"));
        assertTrue(o.out().indexOf("\"violations\"") < o.out().indexOf("\"max_instructions_executed\""),
                "fields beyond the issue's schema come after it: " + o.out());
        Outcome text = warden("verify", loop().toString(), "--type", "xdp");
        assertTrue(text.out().contains("2/2 checks elided") && text.out().contains("at most 13 instructions executed"), text.out());
    }

    @Test
    void aLimitUnderTheBoundRejects() throws Exception {
        Outcome o = warden("verify", loop().toString(), "--type", "xdp", "--max-instructions", "12", "--json");
        assertEquals(1, o.status(), o.out() + o.err());
        assertTrue(o.out().contains("\"obligation\": \"bounded_loop\"") && o.out().contains("up to 13 instructions"), o.out());
    }

    @Test
    void theKernelVerdictIsPrintedBesideWardensOrSkipped() throws Exception {
        Outcome o = warden("verify", loop().toString(), "--type", "xdp", "--json", "--kernel");
        assertEquals(0, o.status(), o.out() + o.err());
        String kernel = field(o.out(), "kernel");
        if (KernelOracle.available() instanceof Availability.Available) {
            // An assembly file is a program without maps or BTF; the Linux verifier accepts this one.
            assertEquals("\"accept\"", kernel, o.out());
        } else {
            assertEquals("\"skipped\"", kernel, o.out());
            assertTrue(o.err().contains("not available"), o.err());
        }
        Outcome text = warden("verify", loop().toString(), "--type", "xdp", "--kernel");
        assertTrue(text.out().contains("; Linux verifier: "), text.out());
    }

    @Test
    void textFunctionsShowTheirBtfPrototype() throws Exception {
        assumeTrue(Files.isRegularFile(NAT64), "real objects not present");
        Outcome o = warden("verify", NAT64.toString(), "--function", "nat64_handler", "--witness", "none");
        assertTrue(o.out().contains("(int nat64_handler(struct __sk_buff *skb, _Bool egress))"), o.out());
    }
}
