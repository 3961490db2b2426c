package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

/** What must hold for any input text, however broken: the checker answers with located diagnostics only. */
final class OnlyDiagnostics {
    private OnlyDiagnostics() {}

    /** Parses (and, when clean, formats and re-parses) {@code text}; any exception fails the caller. */
    static void check(String text, Path includeDir) {
        ParseResult r = Eim.parse("input.eim", text, includeDir);
        int lines = text.split("\r?\n", -1).length;
        for (Diagnostic d : r.diagnostics()) {
            assertTrue(d.location().line() >= 1 && d.location().column() >= 1, d.format());
            if (d.location().file().equals("input.eim")) assertTrue(d.location().line() <= lines, d.format());
            assertTrue(!d.message().isBlank() && !d.format().isBlank());
        }
        assertEquals(r.hasErrors(), r.policy().isEmpty(), "a policy exactly when there is no error");
        if (r.policy().isPresent()) {
            Policy p = r.policy().get();
            for (String c : p.classes().keySet()) assertTrue(p.grants(c).isPresent());
            if (Eim.format("input.eim", text, includeDir) instanceof Eim.Formatted.Text t) {
                assertEquals(r.policy(), Eim.parse("input.eim", t.text(), includeDir).policy(), t.text());
            }
        }
    }
}
