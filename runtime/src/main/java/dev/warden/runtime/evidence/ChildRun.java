package dev.warden.runtime.evidence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A finished child JVM that ran a {@code main} of this class path, with the fatal signal its error
 * report names if it crashed.
 *
 * <p>HotSpot handles SIGSEGV itself (null checks, safepoint polls), so a stray write does not end
 * the child with status 139: the JVM writes an error report ({@code -XX:ErrorFile}) and exits. The
 * report's {@code siginfo} line is the evidence: the signal, {@code si_code} (2 = {@code SEGV_ACCERR},
 * page protection; 4 = {@code SEGV_PKUERR}, a protection key) and the faulting address.
 *
 * @param exit the exit status, -1 when it had to be killed after two minutes
 * @param output what it printed (stdout and stderr)
 * @param fault the fatal signal from its error report, if there is one
 */
record ChildRun(int exit, String output, Optional<Fault> fault) {

    /** {@code si_code} of a write to a page without {@code PROT_WRITE}. */
    static final int SEGV_ACCERR = 2;
    /** {@code si_code} of an access the thread's protection-key rights deny. */
    static final int SEGV_PKUERR = 4;

    /** The fatal signal: {@code signal} (e.g. SIGSEGV), {@code si_code} and its name, the address. */
    record Fault(String signal, int code, String codeName, long address) {
        // Bounded digit counts: the numbers always fit (si_code in an int, si_addr in 64 bits).
        private static final Pattern SIGINFO = Pattern.compile(
                "siginfo: si_signo: \\d{1,9} \\((\\w+)\\), si_code: (-?\\d{1,9}) \\(([^)]*)\\), si_addr: 0x([0-9a-fA-F]{1,16})\\b");

        static Optional<Fault> parse(String report) {
            Matcher m = SIGINFO.matcher(report);
            return m.find()
                    ? Optional.of(new Fault(m.group(1), Integer.parseInt(m.group(2)), m.group(3), Long.parseUnsignedLong(m.group(4), 16)))
                    : Optional.empty();
        }

        String describe() {
            return signal + " si_code " + code + " (" + codeName + ") at 0x" + Long.toHexString(address);
        }
    }

    /**
     * Runs {@code main} with {@code args} in a child of this JVM's {@code java} and class path; its
     * output and error report are kept in {@code dir} under {@code name}.
     */
    static ChildRun of(Path dir, String name, Class<?> main, String... args) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path report = dir.resolve(name + ".hs_err.log");
        Path out = dir.resolve(name + ".out.txt");
        Files.deleteIfExists(report);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:-CreateCoredumpOnCrash",   // no core files from deliberate crashes
                "-XX:ErrorFile=" + report, "-XX:+UseSerialGC", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        int exit;
        if (p.waitFor(120, TimeUnit.SECONDS)) {
            exit = p.exitValue();
        } else {
            p.destroyForcibly().waitFor();
            exit = -1;
        }
        Optional<Fault> fault = Files.exists(report) ? Fault.parse(Files.readString(report)) : Optional.empty();
        return new ChildRun(exit, Files.readString(out), fault);
    }

    /** The last line the child printed, for a report line. */
    String lastLine() {
        String[] lines = output.strip().split("\n");
        return lines.length == 0 || lines[lines.length - 1].isEmpty() ? "(printed nothing)" : lines[lines.length - 1];
    }
}
