package dev.warden.verifier.eim;

/** Names host bytes the way the policy does: by the fields of the object's C type. */
public final class PolicyWords {
    private PolicyWords() {}

    /** The fields bytes {@code [lo, hi)} of {@code o} touch: {@code server.aof_fsync}, {@code r->uri[0..7] and r->status}. */
    public static String fields(EimPlatform eim, HostObject o, long lo, long hi) {
        return FieldNames.phrase(FieldNames.touched(eim.types().layout(), o.type(), o.root(), lo, hi));
    }
}
