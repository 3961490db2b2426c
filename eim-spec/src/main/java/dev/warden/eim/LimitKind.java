package dev.warden.eim;

import java.util.Optional;

/** The resources a class limits: executed instructions, heap bytes, stack bytes. */
public enum LimitKind {
    INSTRUCTIONS("instructions"), MEMORY("memory"), STACK("stack");

    /** The eBPF stack is 512 bytes; no class can grant more. */
    public static final long MAX_STACK = 512;

    private final String keyword;
    LimitKind(String keyword) { this.keyword = keyword; }
    public String keyword() { return keyword; }

    public static Optional<LimitKind> ofKeyword(String s) {
        for (LimitKind k : values()) if (k.keyword.equals(s)) return Optional.of(k);
        return Optional.empty();
    }
}
