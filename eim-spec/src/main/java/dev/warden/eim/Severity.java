package dev.warden.eim;

public enum Severity {
    ERROR("error"), WARNING("warning"), NOTE("note");
    private final String text;
    Severity(String text) { this.text = text; }
    public String text() { return text; }
}
