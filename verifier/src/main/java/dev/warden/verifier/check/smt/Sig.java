package dev.warden.verifier.check.smt;

import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;

/**
 * How a register's bit-vector term is read: as the number itself ({@link Shape#NUM}) or, for a
 * pointer, as its address minus the base of its object ({@link Shape#PTR}: the pointer's offset; the
 * packet end's term is the packet length, as its offset from {@code data}). A term is only ever
 * constrained by an invariant whose value has the same signature, so a register whose kind changes
 * in a way the encoding did not model gets a fresh term.
 *
 * @param region the pointer's region (stack frame depth, map index, memory size...), 0 for others
 */
record Sig(Shape shape, PtrKind kind, int region) {
    enum Shape { UNINIT, NUM, PTR, MAYBE_NULL_PTR, STALE }

    /** A term just made fresh, before any invariant gave it a reading. */
    static final Sig STALE = new Sig(Shape.STALE, PtrKind.CTX, 0);

    static final Sig UNINIT = new Sig(Shape.UNINIT, PtrKind.CTX, 0);
    static final Sig NUM = new Sig(Shape.NUM, PtrKind.CTX, 0);

    static Sig of(Value v) {
        return switch (v) {
            case Value.Uninit u -> UNINIT;
            case Value.Num n -> NUM;
            case Value.Ptr p -> new Sig(p.maybeNull() ? Shape.MAYBE_NULL_PTR : Shape.PTR, p.kind(), p.region());
        };
    }

    boolean isNum() {
        return shape == Shape.NUM;
    }

    /** A non-null pointer whose term is its offset into one object (so offset arithmetic is exact). */
    boolean isOffsetPointer() {
        return shape == Shape.PTR && switch (kind) {
            case CTX, STACK, MAP_VALUE, PACKET, PACKET_END, MEM, HOST -> true;
            default -> false;
        };
    }

    /** Packet data and packet end share one base ({@code data}), so their terms compare and subtract exactly. */
    boolean packetBased() {
        return shape == Shape.PTR && (kind == PtrKind.PACKET || kind == PtrKind.PACKET_END);
    }

    /**
     * Whether two pointers certainly point into the same object, so that the difference of their
     * addresses is the difference of their terms: packet data/end, or the same stack frame. Two map
     * value pointers of one map may point into different elements, so they do not count.
     */
    boolean sameObject(Sig o) {
        if (packetBased() && o.packetBased()) {
            return true;
        }
        return shape == Shape.PTR && o.shape == Shape.PTR && kind == o.kind && region == o.region
                && (kind == PtrKind.STACK || kind == PtrKind.CTX || kind == PtrKind.HOST); // a HOST region is one object of the class
    }
}
