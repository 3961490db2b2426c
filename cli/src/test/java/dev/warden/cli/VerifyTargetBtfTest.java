package dev.warden.cli;

import static dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.warden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.cli.ExecRunsProgramsAndReportsFaultsTest.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warden verify --btf FILE}: the target BTF for CO-RE relocations and kernel objects. */
class VerifyTargetBtfTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static final Path TRACING = Path.of("../verifier/src/test/c/kobj_tracing.o");

    @TempDir Path dir;

    @Test
    void aFileThatIsNotBtfIsBadInput() throws Exception {
        Path p = dir.resolve("not-btf");
        Files.writeString(p, "hello");
        Path prog = dir.resolve("ok.s");
        Files.writeString(prog, "r0 = 0\nexit\n");
        Outcome o = warden("verify", "--btf", p.toString(), prog.toString());
        assertEquals(2, o.status(), o.out() + o.err());
        assertTrue(o.err().contains("--btf " + p + ": not raw BTF"), o.err());
        Outcome missing = warden("verify", "--btf", dir.resolve("nothing").toString(), prog.toString());
        assertEquals(2, missing.status(), missing.out() + missing.err());
        assertTrue(missing.err().contains("cannot read"), missing.err());
    }

    @Test
    void kernelObjectsAreReadThroughTheGivenBtf() throws Exception {
        assumeTrue(Files.isReadable(VMLINUX), "no kernel BTF at " + VMLINUX);
        assumeTrue(Files.isRegularFile(TRACING), "missing " + TRACING.toAbsolutePath());
        Outcome ok = warden("verify", "--btf", VMLINUX.toString(), "--witness", "none", "--function", "current_task_fields",
                TRACING.toString());
        assertEquals(0, ok.status(), ok.out() + ok.err());
        assertTrue(ok.out().contains("current_task_fields (fentry): accept"), ok.out());
        Outcome bad = warden("verify", "--btf", VMLINUX.toString(), "--witness", "none", "--function", "current_task_write",
                TRACING.toString());
        assertEquals(1, bad.status(), bad.out() + bad.err());
        assertTrue(bad.out().contains("which programs may read but not write"), bad.out());
    }
}
