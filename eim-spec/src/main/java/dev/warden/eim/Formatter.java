package dev.warden.eim;

import java.util.List;

/** Prints a parsed file in canonical form; comments go before the declaration they were in or before. */
final class Formatter {
    private Formatter() {}

    static String format(Loader.ParsedFile file) {
        StringBuilder sb = new StringBuilder();
        Declaration previous = null;
        for (Declaration d : file.declarations()) {
            if (previous != null) {
                // Consecutive includes and host variables stay together; everything else is a paragraph.
                boolean tight = d.getClass() == previous.getClass()
                        && (d instanceof Declaration.Include || d instanceof Declaration.HostVariable);
                List<String> comments = file.leadingComments().getOrDefault(d, List.of());
                sb.append(tight && comments.isEmpty() ? "" : "\n");
            }
            for (String c : file.leadingComments().getOrDefault(d, List.of())) sb.append(c).append('\n');
            sb.append(Printer.declaration(d)).append('\n');
            previous = d;
        }
        if (!file.trailingComments().isEmpty()) {
            if (previous != null) sb.append('\n');
            for (String c : file.trailingComments()) sb.append(c).append('\n');
        }
        // Exactly one newline at the end, whatever the comments were followed by.
        return sb.toString().stripTrailing() + "\n";
    }
}
