package dev.warden.isa.asm;

/** A located assembly error: 1-based line and column of the text at fault, and why. */
public record Diagnostic(int line, int column, String message) implements Comparable<Diagnostic> {
    @Override
    public String toString() {
        return line + ":" + column + ": " + message;
    }

    @Override
    public int compareTo(Diagnostic o) {
        return line != o.line ? Integer.compare(line, o.line) : Integer.compare(column, o.column);
    }
}
