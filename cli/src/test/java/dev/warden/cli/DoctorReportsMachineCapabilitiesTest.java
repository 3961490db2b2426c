package dev.warden.cli;

import dev.warden.mpk.ProtectionKeys;
import dev.warden.mpk.Support;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorReportsMachineCapabilitiesTest {

    private static String runWarden(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            assertEquals(0, Warden.run(args));
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonHasOneEntryPerCapabilityWithStatusAndDetail() {
        String json = runWarden("doctor", "--json");
        for (String key : List.of("java", "native_access", "protection_keys", "z3", "bpf", "os")) {
            assertTrue(Pattern.compile("\"" + key + "\": \\{\"status\": \"(available|unavailable)\", \"detail\": \"[^\"]+")
                .matcher(json).find(), key + " missing in\n" + json);
        }
        assertTrue(json.strip().startsWith("{") && json.strip().endsWith("}"), json);
    }

    @Test
    void protectionKeysLineCarriesTheProbeVerdictAndReason() {
        String text = runWarden("doctor");
        Support probe = ProtectionKeys.probe();
        String expectedStatus = probe instanceof Support.Supported ? "available" : "unavailable";
        assertTrue(Pattern.compile("protection keys +" + expectedStatus + " +" + Pattern.quote(probe.describe()))
            .matcher(text).find(), text);
    }

    @Test
    void testJvmHasNativeAccessZ3AndJava25() {
        // Surefire runs tests with --enable-native-access=ALL-UNNAMED and z3-turnkey on the class path.
        var findings = DoctorCommand.examine();
        for (String key : List.of("java", "native_access", "z3")) {
            var f = findings.stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
            assertEquals(DoctorCommand.Status.AVAILABLE, f.status(), f.toString());
        }
    }

    @Test
    void bpfFindingAgreesWithTheKernelOracle() {
        var f = DoctorCommand.examine().stream().filter(x -> x.key().equals("bpf")).findFirst().orElseThrow();
        switch (dev.warden.runtime.kernel.KernelOracle.available()) {
            case dev.warden.runtime.kernel.Availability.Available a -> {
                assertEquals(DoctorCommand.Status.AVAILABLE, f.status(), f.toString());
                assertTrue(f.detail().contains(a.kernelRelease()), f.detail());
            }
            case dev.warden.runtime.kernel.Availability.Unavailable u -> {
                assertEquals(DoctorCommand.Status.UNAVAILABLE, f.status(), f.toString());
                assertEquals(u.reason(), f.detail());
            }
        }
    }
}
