package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.ElfReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The C programs under src/test/resources/kernel-diff, compiled by clang for the tests that run them. */
public final class KernelDiffSources {
    private KernelDiffSources() {}

    /**
     * Compiles {@code kernel-diff/<name>.c} into {@code dir} and returns the object's path; the
     * calling test is skipped (an assumption) where clang is not on the PATH, and fails on a
     * compile error.
     */
    public static Path compile(Path dir, String name) throws Exception {
        Path source = Path.of("src", "test", "resources", "kernel-diff", name + ".c");
        Path object = dir.resolve(name + ".o");
        Process p;
        try {
            p = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu",
                    "-c", source.toString(), "-o", object.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "clang is not on PATH: " + e.getMessage());
            throw e;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "clang did not finish");
        assertEquals(0, p.exitValue(), "clang failed:\n" + log);
        return object;
    }

    /**
     * The object of {@code kernel-diff/<name>.c}, compiled into {@code dir}, for a test that runs
     * it in the kernel: the calling test is skipped where the kernel oracle (bpf()) or clang is
     * unavailable.
     */
    public static BpfObject objectForTheKernel(Path dir, String name) throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        return ElfReader.read(Files.readAllBytes(compile(dir, name)));
    }
}
