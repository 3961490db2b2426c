package dev.warden.eim;

/**
 * Stable diagnostic codes. A code never changes meaning; new checks get new codes.
 * docs/eim.md lists them with examples.
 */
public enum Code {
    EIM001(Severity.ERROR, "syntax error"),
    EIM002(Severity.ERROR, "included file cannot be read"),
    EIM003(Severity.ERROR, "include cycle"),
    EIM004(Severity.ERROR, "constraint nested too deeply"),
    EIM010(Severity.ERROR, "duplicate name"),
    EIM011(Severity.ERROR, "unknown type"),
    EIM012(Severity.ERROR, "unknown name"),
    EIM013(Severity.ERROR, "missing property"),
    EIM014(Severity.ERROR, "property not allowed here"),
    EIM015(Severity.ERROR, "duplicate property"),
    EIM020(Severity.ERROR, "bad struct"),
    EIM021(Severity.ERROR, "void or array where neither is allowed"),
    EIM022(Severity.ERROR, "bad typedef or enum"),
    EIM030(Severity.ERROR, "type error in constraint"),
    EIM031(Severity.ERROR, "unknown predicate or wrong number of arguments"),
    EIM032(Severity.ERROR, "rtn or value where there is none"),
    EIM033(Severity.ERROR, "division by zero"),
    EIM034(Severity.ERROR, "class constraint that does not constrain rtn"),
    EIM040(Severity.ERROR, "read/write of something that is not a pointer argument"),
    EIM041(Severity.ERROR, "bad field selection"),
    EIM042(Severity.ERROR, "access of unknown size"),
    EIM043(Severity.ERROR, "constraints on a read capability"),
    EIM044(Severity.ERROR, "bad slice or dereference"),
    EIM050(Severity.ERROR, "capability meant for another entry"),
    EIM051(Severity.ERROR, "unknown entry"),
    EIM052(Severity.ERROR, "unknown capability"),
    EIM053(Severity.WARNING, "duplicate item"),
    EIM054(Severity.WARNING, "overlapping or redundant grant"),
    EIM055(Severity.WARNING, "write constraint made meaningless by a wider write"),
    EIM060(Severity.ERROR, "bad limit"),
    EIM070(Severity.ERROR, "conflicting prototypes for one function"),
    EIM071(Severity.ERROR, "bad binding"),
    EIM072(Severity.WARNING, "not a Linux helper id"),
    EIM073(Severity.WARNING, "prototype disagrees with the helper's argument count"),
    EIM080(Severity.WARNING, "undeclared host variable: opaque"),
    EIM081(Severity.WARNING, "undeclared struct behind a pointer: opaque"),
    EIM100(Severity.WARNING, "unused capability"),
    EIM101(Severity.WARNING, "dead capability"),
    EIM102(Severity.WARNING, "constraint always holds"),
    EIM103(Severity.WARNING, "solver could not decide");

    private final Severity severity;
    private final String title;

    Code(Severity severity, String title) {
        this.severity = severity;
        this.title = title;
    }

    public Severity severity() { return severity; }

    public String title() { return title; }
}
