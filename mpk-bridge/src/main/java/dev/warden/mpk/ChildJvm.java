package dev.warden.mpk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs {@link Evidence}'s child actions in a fresh JVM, so that a deliberate memory fault kills
 * the child and never the caller.
 *
 * <p>HotSpot installs its own SIGSEGV handler (it uses the signal for null checks and safepoint
 * polls), so a stray fault does not end the child with the plain signal status 139: the JVM
 * writes an error report and exits. The report's {@code siginfo} line is the evidence: signal,
 * {@code si_code} (2 = SEGV_ACCERR for a page-protection fault, 4 = SEGV_PKUERR for a
 * protection-key fault) and the faulting address.
 */
final class ChildJvm {

    /** {@code si_code} of a write to a page without PROT_WRITE. */
    static final int SEGV_ACCERR = 2;
    /** {@code si_code} of an access denied by the thread's protection-key rights. */
    static final int SEGV_PKUERR = 4;

    private static final Pattern SIGINFO = Pattern.compile(
        // Bounded digit counts: the numbers always fit (si_code in an int, si_addr in 64 bits).
        "siginfo: si_signo: (\\d{1,9}) \\((\\w+)\\), si_code: (-?\\d{1,9}) \\(([^)]*)\\), si_addr: 0x([0-9a-fA-F]{1,16})\\b");

    private ChildJvm() {}

    /**
     * What the JVM's error report says about the fatal signal.
     *
     * @param signal e.g. SIGSEGV
     * @param code si_code
     * @param codeName e.g. SEGV_ACCERR
     * @param address the faulting address
     */
    record Fault(String signal, int code, String codeName, long address) {
        static Optional<Fault> parse(String errorReport) {
            Matcher m = SIGINFO.matcher(errorReport);
            if (!m.find()) {
                return Optional.empty();
            }
            return Optional.of(new Fault(m.group(2), Integer.parseInt(m.group(3)), m.group(4),
                Long.parseUnsignedLong(m.group(5), 16)));
        }
    }

    /**
     * A finished child.
     *
     * @param exitCode the exit status; -1 if it had to be killed after the timeout
     * @param stdout everything it printed
     * @param fault the fatal signal from its error report, if it crashed
     */
    record Result(int exitCode, String stdout, Optional<Fault> fault) {
        /** The region address the child printed before its write ("region 0x..."). */
        Optional<Long> regionAddress() {
            Matcher m = Pattern.compile("region 0x([0-9a-f]+)").matcher(stdout);
            return m.find() ? Optional.of(Long.parseUnsignedLong(m.group(1), 16)) : Optional.empty();
        }
    }

    /** Runs {@code Evidence child <args>} with this JVM's java and class path; waits at most a minute. */
    static Result run(String... args) {
        Path dir;
        try {
            dir = Files.createTempDirectory("warden-mpk-child");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<String> cmd = new ArrayList<>(List.of(javaLauncher(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:-CreateCoredumpOnCrash",          // no core files from deliberate crashes
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"),
                Evidence.class.getName(), "child"));
            cmd.addAll(List.of(args));
            Path out = dir.resolve("stdout.txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            int exit;
            if (p.waitFor(60, TimeUnit.SECONDS)) {
                exit = p.exitValue();
            } else {
                p.destroyForcibly().waitFor();
                exit = -1;
            }
            String stdout = Files.readString(out);
            Optional<Fault> fault;
            try (Stream<Path> files = Files.list(dir)) {
                Optional<Path> report = files.filter(f -> f.getFileName().toString().startsWith("hs_err")).findFirst();
                fault = report.isPresent() ? Fault.parse(Files.readString(report.get())) : Optional.empty();
            }
            return new Result(exit, stdout, fault);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child JVM", e);
        } finally {
            deleteTree(dir);
        }
    }

    private static String javaLauncher() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString()
            : ProcessHandle.current().info().command().orElse("java");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temp file is harmless; the result is what matters.
        }
    }
}
