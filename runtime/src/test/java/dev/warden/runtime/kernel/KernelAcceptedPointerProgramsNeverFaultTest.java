package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.runtime.fuzz.FuzzReport;
import dev.warden.runtime.fuzz.Judge;
import dev.warden.runtime.fuzz.SoundnessFuzzer;
import dev.warden.runtime.fuzz.UnsoundAccept;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The soundness harness with the Linux verifier as the judge: random pointer programs loaded as
 * XDP with their maps; every program the kernel accepts runs in Warden's Linux environment and
 * must not fault. A fault would be a kernel verifier bug or, likelier, a difference between the
 * environment and the kernel's semantics; either must be explained. It also checks the generator:
 * the kernel should reject most planted flaws and accept most safe programs.
 */
class KernelAcceptedPointerProgramsNeverFaultTest {

    @BeforeAll
    static void requireKernel() {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
    }

    @Test
    void programsTheKernelAcceptsNeverFaultHere() {
        FuzzReport r;
        try (OracleLock lock = OracleLock.acquire()) {
            r = SoundnessFuzzer.of(Judge.linuxKernel()).run(0x5eed_1000L, 2_000);
        }
        System.out.println("kernel as judge: " + r.summary());
        assertEquals(0, r.verifierErrors(), () -> r.firstVerifierError().orElse(""));
        assertEquals(0, r.faulted(), () -> r.summary() + "\n" + r.unsound().stream().map(UnsoundAccept::describe)
                .collect(Collectors.joining("\n")));
        assertTrue(r.accepted() > r.generated() / 5, r.summary());
    }
}
