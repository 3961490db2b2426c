package dev.warden.cli;

import dev.warden.mpk.ProtectionKeys;
import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import dev.warden.mpk.Support;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code warden doctor}: what this machine offers Warden. Only reports; the exit status is 0
 * whatever is missing (each missing piece has a fallback or only disables one command).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Report what this machine offers Warden: Java, native access, protection keys, Z3, the kernel's bpf().")
final class DoctorCommand implements Runnable {

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    /** Whether a capability is there. */
    enum Status { AVAILABLE, UNAVAILABLE }

    /**
     * One line of the report.
     *
     * @param key stable name, used as the JSON key
     * @param label what people read
     * @param status there or not
     * @param detail version or reason
     */
    record Finding(String key, String label, Status status, String detail) {}

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<Finding> findings = examine();
        if (json) {
            out.println(toJson(findings));
        } else {
            out.println("Warden doctor");
            for (Finding f : findings) {
                out.printf("  %-16s %-12s %s%n", f.label(), f.status().name().toLowerCase(Locale.ROOT), f.detail());
            }
        }
        out.flush();
    }

    static List<Finding> examine() {
        return List.of(java(), nativeAccess(), protectionKeys(), z3(), bpf(), os());
    }

    private static Finding java() {
        Runtime.Version v = Runtime.version();
        return new Finding("java", "java", v.feature() >= 25 ? Status.AVAILABLE : Status.UNAVAILABLE,
            v + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ") at "
                + System.getProperty("java.home"));
    }

    private static Finding nativeAccess() {
        boolean enabled = DoctorCommand.class.getModule().isNativeAccessEnabled();
        return new Finding("native_access", "native access", enabled ? Status.AVAILABLE : Status.UNAVAILABLE,
            enabled ? "enabled" + (DoctorCommand.class.getModule().isNamed()
                    ? " for module " + DoctorCommand.class.getModule().getName() : " for the class path")
                : "not enabled: run java with --enable-native-access=ALL-UNNAMED (the ./warden launcher does)");
    }

    private static Finding protectionKeys() {
        Support s = ProtectionKeys.probe();
        return switch (s) {
            case Support.Supported _ -> new Finding("protection_keys", "protection keys", Status.AVAILABLE, s.describe());
            case Support.Unsupported _ -> new Finding("protection_keys", "protection keys", Status.UNAVAILABLE,
                s.describe() + "; isolation needs an explicit fallback (mprotect toggling, or none)");
        };
    }

    private static Finding z3() {
        try {
            return new Finding("z3", "z3", Status.AVAILABLE, com.microsoft.z3.Version.getFullVersion());
        } catch (LinkageError | RuntimeException e) {
            // z3-turnkey ships the native library inside its jar; this fails on unsupported platforms.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Finding("z3", "z3", Status.UNAVAILABLE, "cannot load Z3: " + cause);
        }
    }

    /** The kernel oracle's own probe: a program loads and test-runs through bpf(). */
    private static Finding bpf() {
        return switch (KernelOracle.available()) {
            case Availability.Available a -> new Finding("bpf", "kernel bpf()", Status.AVAILABLE,
                "BPF_PROG_LOAD and BPF_PROG_TEST_RUN work (Linux " + a.kernelRelease() + ", CPU v4 "
                    + (KernelOracle.supportsCpuV4() ? "supported" : "not supported") + ")");
            case Availability.Unavailable u -> new Finding("bpf", "kernel bpf()", Status.UNAVAILABLE, u.reason());
        };
    }

    private static Finding os() {
        return new Finding("os", "os", Status.AVAILABLE, System.getProperty("os.name") + " "
            + System.getProperty("os.version") + " " + System.getProperty("os.arch") + ", "
            + Runtime.getRuntime().availableProcessors() + " cpus");
    }

    /** {@code {"java": {"status": "available", "detail": "..."}, ...}} in report order. */
    static String toJson(List<Finding> findings) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            sb.append(i == 0 ? "" : ",").append("\n  ").append(Json.string(f.key()))
                .append(": {\"status\": ").append(Json.string(f.status().name().toLowerCase(Locale.ROOT)))
                .append(", \"detail\": ").append(Json.string(f.detail())).append('}');
        }
        return sb.append("\n}").toString();
    }
}
