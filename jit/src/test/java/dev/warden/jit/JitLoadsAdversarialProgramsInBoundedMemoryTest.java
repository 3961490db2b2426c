package dev.warden.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Program;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import dev.warden.vm.ProgramRefusedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The adversarial review's programs (issue 12, section 1): compile in memory linear in their
 * size, or are refused with {@link ProgramRefusedException}; nothing else leaves
 * {@code JitEngine.load}. The memory bound is checked in a child JVM with a 256 MB heap (the
 * call chain of 6,000 functions used to exhaust 512 MB; 22,000 used 5.8 GB).
 */
class JitLoadsAdversarialProgramsInBoundedMemoryTest {

    /** Runs {@link AdversarialLoad} with {@code args} under -Xmx256m; returns its one line of output. */
    private static String loadInSmallHeap(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx256m",
                "-XX:MaxMetaspaceSize=256m", "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), AdversarialLoad.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM did not end");
        assertEquals(0, p.exitValue(), () -> "the child JVM failed (" + String.join(" ", args) + "):\n" + out);
        return out.strip();
    }

    @Test
    void aChainOfSixThousandTinyFunctionsCompilesInA256MegabyteHeap() throws Exception {
        String out = loadInSmallHeap("chain", "6000");
        // The chain calls deeper than 8 frames, so the run ends at the 8th call, like the interpreter's.
        assertTrue(out.startsWith("loaded 12001 instructions: Faulted"), out);
        assertTrue(out.contains("CALL_DEPTH"), out);
    }

    @Test
    void aChainOfTwentyTwoThousandFunctionsIsRefusedInA256MegabyteHeap() throws Exception {
        String out = loadInSmallHeap("chain", "22000");
        assertTrue(out.startsWith("refused the JIT would need"), out);
        assertTrue(out.contains("22001 functions"), out);
    }

    @Test
    void twoThousandFunctionsSharingABodyCompileAndRun() throws Exception {
        String out = loadInSmallHeap("shared", "2000", "0");
        assertTrue(out.startsWith("loaded 4002 instructions: Returned"), out);
        // In this JVM too: a callee starts with its caller's r0 and returns its own, so each of
        // the 2,000 calls through the shared body adds 3.
        Program p = AdversarialPrograms.sharedBody(2000, 3);
        ExecResult r = Jit.run(p, new byte[0], ExecOptions.defaults());
        assertEquals(6000, assertInstanceOf(ExecResult.Returned.class, r).r0());
    }

    @Test
    void functionsSharingTooMuchCodeAreRefusedNamingTheLimit() throws Exception {
        // 2,000 functions each reaching a 200-instruction body: 400,000 instructions to compile
        // for a 4,201-instruction program.
        String out = loadInSmallHeap("shared", "2000", "200");
        assertTrue(out.startsWith("refused the JIT refuses the program: the function at pc"), out);
        assertTrue(out.contains("share too much code"), out);
        ProgramRefusedException e = assertThrows(ProgramRefusedException.class,
                () -> new JitEngine().load(AdversarialPrograms.sharedBody(2000, 200), ExecOptions.defaults()));
        assertTrue(e.getMessage().contains("share too much code"), e.getMessage());
    }

    @Test
    void aChainBelowTheDepthLimitReturns() {
        Program p = AdversarialPrograms.callChain(6);
        assertEquals(0, Jit.r0(p, new byte[0]));
        Program deep = AdversarialPrograms.callChain(8);
        ExecResult r = Jit.run(deep, new byte[0], ExecOptions.defaults());
        assertEquals(FaultKind.CALL_DEPTH, assertInstanceOf(ExecResult.Faulted.class, r).fault().kind());
    }
}
