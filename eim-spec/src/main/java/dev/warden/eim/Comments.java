package dev.warden.eim;

import java.util.ArrayList;
import java.util.List;

/**
 * The comments of one declaration (or of one struct field), where {@code warden fmt} puts them
 * back. A comment's text ends with {@code "\n"} when a blank line followed it in the source (the
 * formatter keeps that paragraph break).
 * @param before comments on the lines before it, and comments inside it that have no better place
 * @param after  end-of-line comments: they start on the line where it ends, after its last token
 * @param fields for a struct, the comments of each field by position; empty otherwise
 * @param parts  for a declaration in the paper's notation, the end-of-line comments inside it, in
 *               source order, each with the part whose line it ends: a property ({@code "allowed"})
 *               or an element of a set ({@code "allowed#2"})
 */
record Comments(List<String> before, List<String> after, List<Comments> fields, List<Part> parts) {
    static final Comments NONE = new Comments(List.of(), List.of(), List.of(), List.of());

    /** One end-of-line comment inside a declaration and the part it follows. */
    record Part(String part, String text) {}

    Comments {
        before = List.copyOf(before);
        after = List.copyOf(after);
        fields = List.copyOf(fields);
        parts = List.copyOf(parts);
    }

    /** The comments of field {@code i} (none if it has none). */
    Comments field(int i) {
        return i < fields.size() ? fields.get(i) : NONE;
    }

    /** The end-of-line comments as one suffix ({@code "  // why"}), or {@code ""}. */
    String suffix() {
        return suffixOf(after);
    }

    /** The end-of-line comments of one part as a suffix, or {@code ""}. */
    String suffix(String part) {
        return suffixOf(parts.stream().filter(p -> p.part().equals(part)).map(Part::text).toList());
    }

    /** The end-of-line comments of a property and of all its elements, as one suffix (for a set printed on one line). */
    String suffixWithElements(String key) {
        return suffixOf(parts.stream().filter(p -> p.part().equals(key) || p.part().startsWith(key + "#"))
                .map(Part::text).toList());
    }

    private static String suffixOf(List<String> comments) {
        if (comments.isEmpty()) return "";
        return "  " + String.join(" ", comments.stream().map(String::strip).toList());
    }

    /** The same comments with those of the parts moved before the declaration (when nothing is left to put them on). */
    Comments partsBefore() {
        if (parts.isEmpty()) return this;
        List<String> all = new ArrayList<>(before);
        for (Part p : parts) all.add(p.text());
        return new Comments(all, after, fields, List.of());
    }

    /** True if a blank line followed the last end-of-line comment. */
    boolean paragraphAfter() {
        return !after.isEmpty() && after.getLast().endsWith("\n");
    }
}
