package dev.warden.eim;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the whole front end (lexer, parser, model builder, checker,
 * formatter). Plain {@code mvn verify} replays the saved inputs in
 * {@code src/test/resources/dev/warden/eim/EimParserFuzzTestInputs/}; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl eim-spec test -Dtest=EimParserFuzzTest}.
 */
class EimParserFuzzTest {

    /** Includes resolve here: the broken test policies, so that fuzzed includes reach real files. */
    private static final Path INCLUDES = Path.of("src/test/resources/broken");

    @FuzzTest(maxDuration = "60s")
    void anyTextGivesDiagnosticsNeverAnException(FuzzedDataProvider data) {
        OnlyDiagnostics.check(data.consumeRemainingAsString(), INCLUDES);
    }
}
