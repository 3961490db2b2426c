package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonStringEscapesSpecialCharactersTest {
    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\\t\"", Json.string("a\"b\\c\nd\u0001\t"));
    }

    @Test
    void plainTextIsOnlyQuoted() {
        assertEquals("\"r0 = 0x2a\"", Json.string("r0 = 0x2a"));
    }
}
