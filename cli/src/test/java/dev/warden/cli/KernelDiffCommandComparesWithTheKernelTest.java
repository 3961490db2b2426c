package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KernelDiffCommandComparesWithTheKernelTest {

    @Test
    void fiftyProgramsAgreeWithTheInterpreter() {
        assumeTrue(KernelOracle.available() instanceof Availability.Available, "kernel oracle unavailable");
        Run r = run("kernel-diff", "--programs", "50");
        assertEquals(0, r.status, r.out + r.err);
        assertTrue(r.out.contains("50 programs") && r.out.contains("50 agree"), r.out);
    }

    @Test
    void anUnknownEngineIsAUserError() {
        assumeTrue(KernelOracle.available() instanceof Availability.Available, "kernel oracle unavailable");
        Run r = run("kernel-diff", "--engine", "nonesuch", "--programs", "1");
        assertEquals(1, r.status);
        assertTrue(r.err.contains("no engine 'nonesuch'"), r.err);
    }

    @Test
    void aNegativeCountIsAUserError() {
        Run r = run("kernel-diff", "--programs", "-3");
        assertEquals(1, r.status);
        assertTrue(r.err.contains("--programs must not be negative"), r.err);
    }

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int status = Warden.run(args);
            return new Run(status, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
