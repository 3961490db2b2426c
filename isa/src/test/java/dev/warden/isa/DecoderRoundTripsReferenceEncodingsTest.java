package dev.warden.isa;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every reference encoding of the conformance suite that is meant to be valid decodes, and
 * encoding the decoded program gives back the same bytes; every encoding the suite marks as an
 * error in {@code negative/unused-*} is rejected with a located error.
 */
class DecoderRoundTripsReferenceEncodingsTest {

    record Entry(String name, String programHex, boolean expectsError) {}

    static List<Entry> entries() throws IOException {
        String json = Files.readString(SharedTestData.conformance().resolve("assembled.json"));
        // A flat JSON object of flat objects: a small pattern is enough and avoids a JSON dependency.
        Matcher m = Pattern.compile("\"([^\"]+\\.data)\": \\{([^}]*)}").matcher(json);
        List<Entry> out = new ArrayList<>();
        while (m.find()) {
            Matcher hex = Pattern.compile("\"program_hex\": \"([0-9a-f ]*)\"").matcher(m.group(2));
            if (hex.find()) {
                out.add(new Entry(m.group(1), hex.group(1), m.group(2).contains("\"error\"")));
            }
        }
        return out;
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void validReferenceEncodingsDecodeAndEncodeBackToTheSameBytes() throws Exception {
        int checked = 0;
        for (Entry e : entries()) {
            if (!e.name().startsWith("tests/")) {
                continue;
            }
            byte[] code = bytes(e.programHex());
            Program p;
            try {
                p = Decoder.decode(code);
            } catch (InvalidProgramException ex) {
                fail(e.name() + ": " + ex.getMessage());
                return;
            }
            assertArrayEquals(code, p.encode(), e.name());
            checked++;
        }
        assertTrue(checked >= 300, "expected the whole suite, checked " + checked);
    }

    @Test
    void unusedFieldEncodingsAreRejectedWithTheFieldNamed() throws Exception {
        int checked = 0;
        for (Entry e : entries()) {
            String name = e.name();
            if (!name.startsWith("negative/unused-")) {
                continue;
            }
            InvalidProgramException ex = assertThrows(InvalidProgramException.class,
                    () -> Decoder.decode(bytes(e.programHex())), name);
            // unused-<insn>-<field>.data names the field the decoder must blame.
            String field = name.substring(name.lastIndexOf('-') + 1, name.length() - ".data".length());
            assertEquals(field, ex.errors().getFirst().field(), name + ": " + ex.getMessage());
            assertEquals(0, ex.errors().getFirst().pc(), name);
            checked++;
        }
        assertTrue(checked >= 40, "checked " + checked);
    }
}
