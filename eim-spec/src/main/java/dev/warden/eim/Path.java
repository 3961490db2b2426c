package dev.warden.eim;

import java.util.List;

/** A name followed by field selections: {@code r}, {@code r->uri}, {@code cfg.level}. */
public record Path(String root, List<Step> steps) {
    public Path {
        steps = List.copyOf(steps);
    }

    /** One selection: {@code ->field} (through a pointer) or {@code .field}. */
    public record Step(Selector selector, String field) {}

    public enum Selector {
        ARROW("->"), DOT(".");
        private final String text;
        Selector(String text) { this.text = text; }
        public String text() { return text; }
    }

    public static Path of(String root) {
        return new Path(root, List.of());
    }

    /**
     * The path {@link #toString()} printed ({@code r->body.data}): names separated by {@code ->}
     * and {@code .}; empty if the text is not such a path.
     */
    public static java.util.Optional<Path> parse(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(->|\\.)?([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
        String root = null;
        List<Step> steps = new java.util.ArrayList<>();
        int at = 0;
        while (m.find() && m.start() == at) {
            if (root == null) {
                if (m.group(1) != null) return java.util.Optional.empty();
                root = m.group(2);
            } else {
                if (m.group(1) == null) return java.util.Optional.empty();
                steps.add(new Step(m.group(1).equals("->") ? Selector.ARROW : Selector.DOT, m.group(2)));
            }
            at = m.end();
        }
        return root != null && at == text.length() ? java.util.Optional.of(new Path(root, steps)) : java.util.Optional.empty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(root);
        for (Step s : steps) sb.append(s.selector().text()).append(s.field());
        return sb.toString();
    }
}
