package dev.warden.runtime.evidence;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.ProtectionKeys;
import dev.warden.runtime.evidence.Report.Outcome;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The runtime's protection-key evidence and costs in one run, for a machine lent briefly
 * (scripts/device-evidence.sh runs it from a bundle that needs no installed Java):
 *
 * <ul>
 *   <li>{@code b}: maps under the key through the host API ({@link MapProtectionEvidence}), under
 *       {@code PROTECTION_KEYS} and {@code MPROTECT}, with the {@code NONE} control;
 *   <li>{@code c}: the cost of invoking an empty extension per mode ({@link InvokeCosts}) and host
 *       map throughput from 1 to 16 threads ({@link MapScaling}).
 * </ul>
 *
 * <p>Each claim prints one line ending in {@code ok}, {@code not supported}, {@code goal missed}
 * or {@code FAILED}; the last line sums them up. Exit status: 0 every claim shown, 2 the
 * protection-key claims are not supported here (all others shown), 3 a cost goal was missed, 1 a
 * claim failed (the worst wins: 1, then 2, then 3).
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... dev.warden.runtime.evidence.DeviceEvidence [--quick] [--reports DIR]</pre>
 */
public final class DeviceEvidence {
    private DeviceEvidence() {}

    /** Wrong usage. */
    static final int USAGE = 64;

    public static void main(String[] args) throws Exception {
        Effort effort = Effort.FULL;
        Path reports = Path.of(System.getProperty("java.io.tmpdir"), "warden-device-evidence");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> effort = Effort.QUICK;
                case "--reports" -> {
                    if (i + 1 == args.length) {
                        System.err.println("device evidence: --reports needs a directory");
                        System.exit(USAGE);
                    }
                    reports = Path.of(args[++i]);
                }
                default -> {
                    System.err.println("device evidence: unknown argument " + args[i] + "; usage: DeviceEvidence [--quick] [--reports DIR]");
                    System.exit(USAGE);
                }
            }
        }
        System.exit(run(effort, reports, System.out));
    }

    /** Runs every part, printing to {@code out}; returns the exit status. */
    static int run(Effort effort, Path reports, PrintStream out) throws Exception {
        Files.createDirectories(reports);
        Report report = new Report(out);
        report.note("runtime evidence (" + effort.name().toLowerCase(Locale.ROOT) + "): java " + Runtime.version() + " on "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cpus; child JVM reports in " + reports);
        report.note("protection keys: " + ProtectionKeys.probe().describe());
        for (IsolationMode mode : new IsolationMode[] {IsolationMode.PROTECTION_KEYS, IsolationMode.MPROTECT}) {
            part(report, "b map " + mode, () -> MapProtectionEvidence.show(report, mode, reports));
        }
        part(report, "b map NONE control", () -> MapProtectionEvidence.control(report, reports));
        part(report, "c invoke costs", () -> InvokeCosts.measure(report, effort));
        part(report, "c map scaling", () -> MapScaling.measure(report, effort));
        report.note("load average (1, 5, 15 min): " + loadAverage());
        report.note(report.summary());
        return report.exitCode();
    }

    @FunctionalInterface
    private interface Part {
        void run() throws Exception;
    }

    /** Runs one part; an exception is that part's failure, printed with where it came from, and the next part still runs. */
    private static void part(Report report, String name, Part part) {
        try {
            part.run();
        } catch (Exception | Error e) {
            String where = Arrays.stream(e.getStackTrace()).limit(8).map(StackTraceElement::toString)
                    .reduce((a, b) -> a + " < " + b).orElse("no stack");
            report.claim(name, Outcome.FAILED, e + " at " + where);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
