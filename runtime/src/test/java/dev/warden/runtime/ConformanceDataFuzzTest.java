package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text given to the {@code .data} parser yields a test description or a
 * {@link ConformanceData.FormatException} located by line; nothing else escapes. Fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl runtime test -Dtest=ConformanceDataFuzzTest}.
 */
class ConformanceDataFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyTextParsesOrFailsWithALine(String text) {
        if (text == null) {
            return; // Jazzer's empty regression input
        }
        try {
            ConformanceData.parse("f.data", text);
        } catch (ConformanceData.FormatException e) {
            assertTrue(e.getMessage().matches("(?s)f\\.data:\\d+: .*"), e.getMessage());
        }
    }
}
