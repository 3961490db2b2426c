package dev.warden.verifier;

import dev.warden.domains.Scalar;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One proof obligation as data: what an instruction (or the program as a whole) must satisfy, with
 * the facts the check knew when it could not prove it. The domains discharge each; one they cannot
 * decide goes to Z3 ({@code check.SmtDischarge}). {@link #kind()} is the stable name in logs and
 * JSON; the record's fields are for programs that read a {@link Violation} (the witness search, a
 * report) instead of parsing its message.
 */
public sealed interface Obligation {
    /** The kind, whose key is the {@code obligation} field of {@code warden verify --json}. */
    default ObligationKind kind() {
        return switch (this) {
            case ValidAccess o -> ObligationKind.VALID_ACCESS;
            case Initialised o -> ObligationKind.INITIALISED;
            case Type o -> ObligationKind.TYPE;
            case NonNull o -> ObligationKind.NON_NULL;
            case HelperArgument o -> ObligationKind.HELPER_ARGUMENT;
            case KnownCall o -> ObligationKind.KNOWN_CALL;
            case BoundedLoop o -> ObligationKind.BOUNDED_LOOP;
            case ReturnRange o -> ObligationKind.RETURN_RANGE;
            case ReferenceReleased o -> ObligationKind.REFERENCE_RELEASED;
            case CallDepth o -> ObligationKind.CALL_DEPTH;
            case ValidDivisor o -> ObligationKind.VALID_DIVISOR;
            case NoPointerLeak o -> ObligationKind.NO_POINTER_LEAK;
            case Constraint o -> ObligationKind.CONSTRAINT;
            case Limit o -> ObligationKind.LIMIT;
        };
    }

    /** The direction of a memory access. */
    enum Right { READ, WRITE }

    /**
     * {@code size} bytes at an offset in {@code [offsetLo, offsetHi]} (signed, the instruction's
     * displacement included) of a region of kind {@code region} lie inside it and may be accessed
     * with {@code right}. An offset the state does not bound gives the whole signed range.
     */
    record ValidAccess(PtrKind region, long offsetLo, long offsetHi, int size, Right right) implements Obligation {
        public ValidAccess {
            Objects.requireNonNull(region);
            Objects.requireNonNull(right);
        }

        /** The access of {@code size} bytes at {@code p + off}, its offsets read from the pointer's signed bounds. */
        public static ValidAccess of(Value.Ptr p, int off, int size, Right right) {
            Scalar o = p.off();
            // Adding the displacement could wrap at the ends of the signed range: saturate instead.
            return new ValidAccess(p.kind(), saturatedAdd(o.s64().lo(), off), saturatedAdd(o.s64().hi(), off), size, right);
        }

        private static long saturatedAdd(long a, long b) {
            long r = a + b;
            if (((a ^ r) & (b ^ r)) < 0) {
                return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return r;
        }
    }

    /** What must be written before it is read: a register, or bytes of the current stack frame. */
    sealed interface Place {
        /** Register {@code number} (0..10). */
        record Register(int number) implements Place {}

        /** {@code size} bytes from {@code offset} (negative, from the frame pointer r10); size 0 when not known. */
        record StackBytes(long offset, int size) implements Place {}
    }

    /** {@code place} holds a value written before this read. */
    record Initialised(Place place) implements Obligation {
        public Initialised {
            Objects.requireNonNull(place);
        }

        public static Initialised register(int number) {
            return new Initialised(new Place.Register(number));
        }

        public static Initialised stack(long offset, int size) {
            return new Initialised(new Place.StackBytes(offset, size));
        }
    }

    /** An operand (or the instruction stream) has the shape {@code expected}; the state shows {@code found}. */
    record Type(String expected, String found) implements Obligation {
        public Type {
            Objects.requireNonNull(expected);
            Objects.requireNonNull(found);
        }
    }

    /** The pointer in {@code register} is not null where it is dereferenced. */
    record NonNull(int register) implements Obligation {}

    /** Argument {@code argument} (1..5, the register) of {@code function} satisfies {@code requirement}. */
    record HelperArgument(String function, int argument, String requirement) implements Obligation {
        public HelperArgument {
            Objects.requireNonNull(function);
            Objects.requireNonNull(requirement);
        }
    }

    /** The call of {@code name} (a helper, kfunc or host function, by name or number) is known and allowed here. */
    record KnownCall(String name) implements Obligation {
        public KnownCall {
            Objects.requireNonNull(name);
        }
    }

    /**
     * Runs are bounded: the loop at {@code loopHead} (empty for the program's total) runs at most
     * {@code bound} times or instructions (empty when no bound was found), within {@code limit}.
     */
    record BoundedLoop(OptionalInt loopHead, OptionalLong bound, long limit) implements Obligation {
        public BoundedLoop {
            Objects.requireNonNull(loopHead);
            Objects.requireNonNull(bound);
        }
    }

    /** r0 at this exit (of the program, or of a callback) lies in {@code [min, max]}. */
    record ReturnRange(long min, long max) implements Obligation {}

    /**
     * A resource ({@code resource}: a reference, a lock, a dynptr's reservation) is released (or
     * not held twice) on this path; {@code acquiredAt} is the pc that took it, when known.
     */
    record ReferenceReleased(String resource, OptionalInt acquiredAt) implements Obligation {
        public ReferenceReleased {
            Objects.requireNonNull(resource);
            Objects.requireNonNull(acquiredAt);
        }
    }

    /** The call of the function at {@code callee} keeps the call chain within {@code maxFrames} frames, without recursion. */
    record CallDepth(int callee, int maxFrames) implements Obligation {}

    /** The divisor in {@code register} is not zero (only for policies that forbid a division by zero). */
    record ValidDivisor(int register) implements Obligation {}

    /** No pointer is written into {@code into} (the context, a map, host memory, an atomic operand). */
    record NoPointerLeak(String into) implements Obligation {
        public NoPointerLeak {
            Objects.requireNonNull(into);
        }
    }

    /** The EIM constraint {@code policyText} holds; {@code policyLine} says where the policy states it. */
    record Constraint(String policyText, String policyLine) implements Obligation {
        public Constraint {
            Objects.requireNonNull(policyText);
            Objects.requireNonNull(policyLine);
        }
    }

    /**
     * The program's {@code name} (stack bytes, instructions, loop iterations) may reach {@code value}
     * (unsigned), where the EIM class allows at most {@code limit}.
     */
    record Limit(String name, long value, long limit) implements Obligation {
        public Limit {
            Objects.requireNonNull(name);
        }
    }
}
