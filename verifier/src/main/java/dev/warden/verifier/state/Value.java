package dev.warden.verifier.state;

import dev.warden.domains.Scalar;
import java.util.Objects;

/**
 * The abstract value of a register or a spilled stack slot. Values are immutable.
 *
 * <p>{@code id}s are allocation-site numbers ({@code pc + 1} of the instruction that made the link),
 * 0 for none: values with the same non-zero id in one state are equal (scalars copied by a move),
 * the same maybe-null pointer (so a null check refines every copy) or, for packet pointers, share
 * their variable offset (so a bounds check on one gives a range to all). Before a site reuses its
 * id the old holders lose it ({@link AbstractState#forgetId}), or, for packet pointers, move to the
 * site's second, "previous execution" id ({@link AbstractState#ageId}), so an id never names two things.
 */
public sealed interface Value {

    /** Never written: reading it is a violation. */
    record Uninit() implements Value {
        @Override
        public String toString() {
            return "?";
        }
    }

    Uninit UNINIT = new Uninit();

    /**
     * How a linked number relates to the common value X of its id class: X itself, X's low 32 bits
     * zero-extended ({@code w1 = w8}, or {@code r1 <<= 32; r1 >>= 32} on a copy), X shifted left
     * by 32 (half-way through that idiom), or X's low 16 or 8 bits ({@code w2 = w5; w2 &= 0xffff}:
     * a masked copy; the same mask applied to the original gives a value equal to the copy).
     */
    enum View {
        FULL(64), LOW32(32), SHL32(-1), LOW16(16), LOW8(8);

        private final int bits;

        View(int bits) {
            this.bits = bits;
        }

        /** How many low bits of X this view keeps (zero-extended), or -1 for {@link #SHL32}. */
        public int lowBits() {
            return bits;
        }

        /** The view of X's low {@code k} bits (8, 16, 32 or 64). */
        public static View ofLowBits(int k) {
            return switch (k) {
                case 8 -> LOW8;
                case 16 -> LOW16;
                case 32 -> LOW32;
                case 64 -> FULL;
                default -> throw new IllegalArgumentException("no view of the low " + k + " bits");
            };
        }

        /** This view masked to its low {@code k} bits, or empty where that is not a view (SHL32). */
        public java.util.Optional<View> masked(int k) {
            return bits < 0 ? java.util.Optional.empty() : java.util.Optional.of(ofLowBits(Math.min(bits, k)));
        }
    }

    /**
     * A number; with a non-zero id, linked to the other numbers of that id through its {@link View}.
     * {@code fact} relates it to a run-time length ({@link LengthFact#NONE} for most numbers).
     */
    record Num(Scalar scalar, int id, View view, LengthFact fact) implements Value {
        public Num {
            Objects.requireNonNull(scalar);
            Objects.requireNonNull(view);
            Objects.requireNonNull(fact);
        }

        public Num(Scalar scalar, int id, View view) {
            this(scalar, id, view, LengthFact.NONE);
        }

        public Num(Scalar scalar, int id) {
            this(scalar, id, View.FULL, LengthFact.NONE);
        }

        /** The same number with {@code f} for its length fact. */
        public Num withFact(LengthFact f) {
            return f == fact ? this : new Num(scalar, id, view, f);
        }

        /** The same number, refined to {@code s} (what it was related to still holds). */
        public Num withScalar(Scalar s) {
            return new Num(s, id, view, fact);
        }

        public static Num of(Scalar s) {
            return new Num(s, 0);
        }

        public static Num constant(long c) {
            return new Num(Scalar.constant(c), 0);
        }

        public Num withId(int newId) {
            return newId == id ? this : new Num(scalar, newId, newId == 0 ? View.FULL : view, fact);
        }

        @Override
        public String toString() {
            return "scalar" + Render.scalar(scalar) + (id != 0 ? "#" + id + (view == View.FULL ? "" : "." + view.name().toLowerCase()) : "")
                    + (fact.present() ? " " + fact : "");
        }
    }

    Num TOP = new Num(Scalar.top(), 0);

    /**
     * A pointer: {@code region} names which object of its kind (see {@link PtrKind}); {@code off} is
     * the byte offset from the object's start. For packet pointers with {@code id != 0}, {@code fix}
     * is the constant added since the variable offset {@code id} was added (the packet range of that
     * id counts from there); {@code ref} is the reference the program must release (0 for none);
     * {@code fact} bounds a host pointer's offset by a run-time length (see {@link LengthFact}).
     */
    record Ptr(PtrKind kind, int region, Scalar off, int id, long fix, Nullness nullness, int ref, LengthFact fact) implements Value {
        public Ptr {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(off);
            Objects.requireNonNull(nullness);
            Objects.requireNonNull(fact);
        }

        public Ptr(PtrKind kind, int region, Scalar off, int id, long fix, Nullness nullness, int ref) {
            this(kind, region, off, id, fix, nullness, ref, LengthFact.NONE);
        }

        /** The same pointer with {@code f} for its offset's length fact. */
        public Ptr withFact(LengthFact f) {
            return f == fact ? this : new Ptr(kind, region, off, id, fix, nullness, ref, f);
        }

        public static Ptr of(PtrKind kind, int region, long off) {
            return new Ptr(kind, region, Scalar.constant(off), 0, off, Nullness.NOT_NULL, 0);
        }

        /** The pointer moved to offset {@code o}; its length fact is dropped (the caller sets the new one). */
        public Ptr withOff(Scalar o, long newFix) {
            return new Ptr(kind, region, o, id, newFix, nullness, ref);
        }

        public Ptr withId(int newId) {
            return newId == id ? this : new Ptr(kind, region, off, newId, fix, nullness, ref, fact);
        }

        public Ptr nonNull() {
            return nullness == Nullness.NOT_NULL ? this : new Ptr(kind, region, off, id, fix, Nullness.NOT_NULL, ref, fact);
        }

        public boolean maybeNull() {
            return nullness == Nullness.MAYBE_NULL;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(Render.kind(kind));
            if (region >= 0 && kind != PtrKind.CTX && kind != PtrKind.PACKET && kind != PtrKind.PACKET_END) {
                sb.append('(').append(kind == PtrKind.MEM ? "size " : kind == PtrKind.FUNC ? "pc " : "").append(region).append(')');
            }
            if (kind != PtrKind.PACKET_END && kind != PtrKind.MAP && kind != PtrKind.FUNC) {
                sb.append(" off=").append(Render.scalar(off));
            }
            if (id != 0) {
                sb.append(" id=").append(id);
                if (kind == PtrKind.PACKET) {
                    sb.append(" fix=").append(fix);
                }
            }
            if (maybeNull()) {
                sb.append(" or null");
            }
            if (ref != 0) {
                sb.append(" ref=").append(ref);
            }
            if (fact.present()) {
                sb.append(" off").append(fact).append(" off>=").append(fact.lo());
            }
            return sb.toString();
        }
    }
}
