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

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(root);
        for (Step s : steps) sb.append(s.selector().text()).append(s.field());
        return sb.toString();
    }
}
