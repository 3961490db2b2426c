package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code constraints} on an Extension_Entry: over its parameters (what the host guarantees) and
 * {@code rtn} (what the extension must return), type-checked like a function capability's, and
 * kept by {@code warden fmt}.
 */
class EntriesTakeConstraintsTest {
    static final String TEXT = """
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (u8 *data, u64 len) -> int,
                constraints = { len <= 4096, rtn in [0, 1] })
            """;

    @Test
    void constraintsOverParametersAndRtnAreKept() {
        ParseResult r = Eim.parse("e.eim", TEXT, Path.of("."));
        assertFalse(r.hasErrors(), r.diagnostics()::toString);
        Declaration.Entry e = r.policy().orElseThrow().entries().get("e");
        assertEquals(List.of("len <= 4096", "rtn in [0, 1]"), e.constraints().stream().map(Expr::show).toList());
    }

    @Test
    void unknownNamesAndRtnOfAVoidEntryAreErrors() {
        ParseResult r = Eim.parse("e.eim", """
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (u64 len) -> void,
                    constraints = { n <= 4, rtn == 0 })
                """, Path.of("."));
        List<Code> codes = r.diagnostics().stream().map(Diagnostic::code).toList();
        assertTrue(codes.contains(Code.EIM012) && codes.contains(Code.EIM032), codes::toString);
    }

    @Test
    void fmtKeepsThemAndIsIdempotent() {
        String once = ((Eim.Formatted.Text) Eim.format("e.eim", TEXT, Path.of("."))).text();
        assertTrue(once.contains("constraints = { len <= 4096, rtn in [0, 1] }"), once);
        assertEquals(once, ((Eim.Formatted.Text) Eim.format("e.eim", once, Path.of("."))).text());
    }
}
