package dev.warden.cli;

/** The one JSON string writer of the commands that print {@code --json}. */
final class Json {
    private Json() {}

    /** {@code s} as a quoted JSON string, with quotes, backslashes and control characters escaped. */
    static String string(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Diagnostics as a JSON array of {file, line, column, severity, code, message}. */
    static String diagnostics(java.util.List<dev.warden.eim.Diagnostic> ds) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ds.size(); i++) {
            dev.warden.eim.Diagnostic d = ds.get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"file\":").append(string(d.location().file()))
                    .append(",\"line\":").append(d.location().line())
                    .append(",\"column\":").append(d.location().column())
                    .append(",\"severity\":").append(string(d.severity().text()))
                    .append(",\"code\":").append(string(d.code().name()))
                    .append(",\"message\":").append(string(d.message())).append('}');
        }
        return sb.append(']').toString();
    }
}
