package dev.warden.eim;

/**
 * A place in a policy file: 1-based line and column, the length of the marked text, and the
 * text of the source line (for the caret display).
 */
public record Location(String file, int line, int column, int length, String sourceLine) {
    public Location {
        length = Math.max(1, length);
    }
}
