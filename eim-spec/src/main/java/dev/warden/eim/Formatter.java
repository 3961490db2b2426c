package dev.warden.eim;

/**
 * Prints a parsed file in canonical form. Comments stay where they can: before the declaration
 * they preceded, at the end of the line a declaration, a struct field, a property or a set
 * element ends on (when it is printed on a line of its own); any other comment goes before the
 * declaration.
 */
final class Formatter {
    private Formatter() {}

    static String format(Loader.ParsedFile file) {
        StringBuilder sb = new StringBuilder();
        Declaration previous = null;
        Comments previousComments = Comments.NONE;
        for (Declaration d : file.declarations()) {
            Comments comments = file.comments().getOrDefault(d, Comments.NONE);
            // A declaration printed on one line has no line for the comments of its parts: they go before it.
            if (!Printer.declaration(d).contains("\n")) comments = comments.partsBefore();
            if (previous != null) {
                // Consecutive includes, host variables and typedefs stay together; everything else is a paragraph.
                boolean tight = d.getClass() == previous.getClass()
                        && (d instanceof Declaration.Include || d instanceof Declaration.HostVariable
                            || d instanceof Declaration.Typedef)
                        && comments.before().isEmpty() && !previousComments.paragraphAfter();
                sb.append(tight ? "" : "\n");
            }
            for (String c : comments.before()) sb.append(c).append('\n');
            String text = Printer.declaration(d, comments);
            // An end-of-line comment stays on the declaration's (last) line.
            sb.append(text).append(comments.suffix()).append('\n');
            previous = d;
            previousComments = comments;
        }
        if (!file.trailingComments().isEmpty()) {
            if (previous != null) sb.append('\n');
            for (String c : file.trailingComments()) sb.append(c).append('\n');
        }
        // Exactly one newline at the end, whatever the comments were followed by.
        return sb.toString().stripTrailing() + "\n";
    }
}
