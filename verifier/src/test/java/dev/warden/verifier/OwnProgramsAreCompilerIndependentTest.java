package dev.warden.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.own.Outcome;
import dev.warden.verifier.own.OwnPrograms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recompiles every C test program with the clang on PATH (whatever its version) and checks that
 * each program gets the same verdict, with violations of the same obligations on the same source
 * lines, as from the committed object. Skipped where there is no clang.
 */
class OwnProgramsAreCompilerIndependentTest {

    @Test
    void recompiledObjectsGetTheSameVerdicts(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(onPath("clang"), "clang is not on PATH");
        Path build = OwnPrograms.dir().resolve("build.sh").toAbsolutePath();
        Process p = new ProcessBuilder("sh", build.toString(), out.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "build.sh did not finish");
        assertEquals(0, p.exitValue(), "build.sh failed:\n" + log);
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Path source : OwnPrograms.sources()) {
            BpfObject committed = OwnPrograms.read(OwnPrograms.object(OwnPrograms.dir(), source));
            BpfObject fresh = OwnPrograms.read(OwnPrograms.object(out, source));
            for (BpfProgram program : committed.programs()) {
                BpfProgram again = fresh.program(program.name()).orElseThrow(() ->
                        new AssertionError(source + ": " + program.name() + " missing from the recompiled object"));
                Outcome a = Outcome.of(OwnPrograms.verify(committed, program), program);
                Outcome b = Outcome.of(OwnPrograms.verify(fresh, again), again);
                if (!summary(a).equals(summary(b))) {
                    differences.add(program.name() + ": committed " + summary(a) + ", recompiled " + summary(b));
                }
                compared++;
            }
        }
        assertTrue(compared > 0);
        assertTrue(differences.isEmpty(), "verdicts depend on the compiler build:\n  " + String.join("\n  ", differences));
    }

    private static String summary(Outcome o) {
        return o.accepted() ? "accept" : "reject " + o.violations().stream().map(v -> v.obligation().key() + "@"
                + v.file() + ":" + v.line()).distinct().sorted().toList();
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
