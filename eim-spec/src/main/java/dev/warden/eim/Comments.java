package dev.warden.eim;

import java.util.List;

/**
 * The comments of one declaration (or of one struct field), where {@code warden fmt} puts them
 * back. A comment's text ends with {@code "\n"} when a blank line followed it in the source (the
 * formatter keeps that paragraph break).
 * @param before comments on the lines before it, and comments inside it that have no better place
 * @param after  end-of-line comments: they start on the line where it ends, after its last token
 * @param fields for a struct, the comments of each field by position; empty otherwise
 */
record Comments(List<String> before, List<String> after, List<Comments> fields) {
    static final Comments NONE = new Comments(List.of(), List.of(), List.of());

    Comments {
        before = List.copyOf(before);
        after = List.copyOf(after);
        fields = List.copyOf(fields);
    }

    /** The comments of field {@code i} (none if it has none). */
    Comments field(int i) {
        return i < fields.size() ? fields.get(i) : NONE;
    }

    /** The end-of-line comments as one suffix ({@code "  // why"}), or {@code ""}. */
    String suffix() {
        if (after.isEmpty()) return "";
        return "  " + String.join(" ", after.stream().map(String::strip).toList());
    }

    /** True if a blank line followed the last end-of-line comment. */
    boolean paragraphAfter() {
        return !after.isEmpty() && after.getLast().endsWith("\n");
    }
}
