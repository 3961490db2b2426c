package dev.warden.eim;

/** One located problem, formatted the way compilers do. */
public record Diagnostic(Location location, Code code, String message) {

    public Severity severity() {
        return code.severity();
    }

    /**
     * {@code file:line:column: error: message [EIM012]}, then the source line and a caret line
     * (tabs of the source line are kept so the caret lines up).
     */
    public String format() {
        Location l = location;
        StringBuilder sb = new StringBuilder();
        sb.append(l.file()).append(':').append(l.line()).append(':').append(l.column()).append(": ")
                .append(severity().text()).append(": ").append(message).append(" [").append(code).append("]");
        String src = l.sourceLine();
        if (!src.isEmpty()) {
            sb.append('\n').append(src).append('\n');
            int col = Math.min(l.column() - 1, src.length());
            for (int i = 0; i < col; i++) sb.append(src.charAt(i) == '\t' ? '\t' : ' ');
            sb.append('^');
            int tail = Math.min(l.length(), Math.max(1, src.length() - col)) - 1;
            sb.append("~".repeat(Math.max(0, tail)));
        }
        return sb.toString();
    }
}
