package dev.warden.eim;

/**
 * Prints a parsed file in canonical form. Comments stay where they can: before the declaration
 * they preceded, at the end of the line a declaration (or a struct field) ends on; a comment
 * written inside a declaration that is laid out anew goes before it.
 */
final class Formatter {
    private Formatter() {}

    static String format(Loader.ParsedFile file) {
        StringBuilder sb = new StringBuilder();
        Declaration previous = null;
        Comments previousComments = Comments.NONE;
        for (Declaration d : file.declarations()) {
            Comments comments = file.comments().getOrDefault(d, Comments.NONE);
            if (previous != null) {
                // Consecutive includes, host variables and typedefs stay together; everything else is a paragraph.
                boolean tight = d.getClass() == previous.getClass()
                        && (d instanceof Declaration.Include || d instanceof Declaration.HostVariable
                            || d instanceof Declaration.Typedef)
                        && comments.before().isEmpty() && !previousComments.paragraphAfter();
                sb.append(tight ? "" : "\n");
            }
            for (String c : comments.before()) sb.append(c).append('\n');
            String text = d instanceof Declaration.Struct s ? Printer.struct(s, comments) : Printer.declaration(d);
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
