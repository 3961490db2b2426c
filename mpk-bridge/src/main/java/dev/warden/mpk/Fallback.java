package dev.warden.mpk;

/** What to do where protection keys are not supported; always chosen explicitly by the caller. */
public enum Fallback {
    /** Run without isolation: host bugs can corrupt extension state. */
    NONE(IsolationMode.NONE, "no isolation, regions stay writable"),
    /** Toggle page protection with mprotect: isolated, but a system call per region per switch. */
    MPROTECT(IsolationMode.MPROTECT,
        "mprotect toggling, one system call per region per switch, writable for all threads while any is inside a scope");

    private final IsolationMode mode;
    private final String consequence;

    Fallback(IsolationMode mode, String consequence) {
        this.mode = mode;
        this.consequence = consequence;
    }

    IsolationMode mode() {
        return mode;
    }

    /** What choosing this fallback costs, in words (used in reports). */
    public String consequence() {
        return consequence;
    }
}
