package dev.warden.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes given to the decoder yield a program whose encoding is exactly those bytes, or an
 * {@link InvalidProgramException} with located errors; nothing else escapes. Fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl isa test -Dtest=DecoderFuzzTest}.
 */
class DecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyBytesDecodeToAnExactProgramOrLocatedErrors(byte[] code) {
        try {
            Program p = Decoder.decode(code);
            assertArrayEquals(code, p.encode());
        } catch (InvalidProgramException e) {
            assertFalse(e.errors().isEmpty());
        }
    }
}
