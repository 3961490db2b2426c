package dev.warden.mpk;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM error-report parser behind the child-JVM evidence: any text gives a value, never an exception. */
class FaultReportParserFuzzTest {

    @FuzzTest
    void parseNeverThrows(FuzzedDataProvider data) {
        String prefix = data.consumeBoolean() ? "siginfo: si_signo: 11 (SIGSEGV), si_code: " : "";
        String text = prefix + data.consumeRemainingAsString();
        Optional<ChildJvm.Fault> fault = ChildJvm.Fault.parse(text);
        fault.ifPresent(f -> assertTrue(text.contains(f.signal()) && text.contains(f.codeName())));
    }
}
