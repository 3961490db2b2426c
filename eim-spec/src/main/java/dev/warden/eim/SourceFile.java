package dev.warden.eim;

import java.util.List;

/** The text of one policy file and the name diagnostics use for it. */
record SourceFile(String displayName, String text, List<String> lines) {

    static SourceFile of(String displayName, String text) {
        return new SourceFile(displayName, text, List.of(text.split("\r?\n", -1)));
    }

    String line(int oneBased) {
        return oneBased >= 1 && oneBased <= lines.size() ? lines.get(oneBased - 1) : "";
    }

    Location at(int line, int column0, int length) {
        return new Location(displayName, line, column0 + 1, length, line(line));
    }
}
