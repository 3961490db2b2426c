package dev.warden.runtime.host;

import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Region;
import dev.warden.eim.ScalarKind;
import dev.warden.eim.Types;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a policy constraint on the concrete arguments of one invocation: scalars as their C
 * type reads them, and the bytes a pointer argument points to (a field behind the pointer,
 * {@code r->uri_len}, is read from them). Integers are mathematical, as in docs/eim.md. What this
 * cannot evaluate (a field behind a second pointer, division by zero) is reported as such, and the
 * invocation is refused: a guarantee the host cannot show holds is treated as broken.
 */
final class ConcreteConstraints {
    /** A value: an integer, a truth value, or a pointer (to an argument's bytes, or null). */
    private sealed interface V {
        record I(BigInteger value) implements V {}

        record B(boolean value) implements V {}

        /** {@code bytes} empty for null. */
        record P(Optional<MemorySegment> bytes) implements V {}
    }

    /** The outcome of one constraint. */
    sealed interface Outcome {
        record Holds() implements Outcome {}

        record Broken() implements Outcome {}

        record Undecided(String why) implements Outcome {}
    }

    private static final class Undecidable extends RuntimeException {
        Undecidable(String why) {
            super(why, null, false, false);
        }
    }

    private final Types types;
    /** The written C type of each name in scope. */
    private final Map<String, CType> typesInScope;
    private final Map<dev.warden.eim.Path, FieldAt> fields;
    private final Map<String, V> values = new LinkedHashMap<>();
    /** The pointer fields the runtime placed, by path ({@code r->hdr}). */
    private final Map<String, V> pointers = new LinkedHashMap<>();

    /**
     * An empty scope over {@code types}; {@code fields} caches where field paths lie, and may be
     * shared by every evaluation of the same entry (from any thread).
     */
    ConcreteConstraints(Types types, java.util.concurrent.ConcurrentMap<dev.warden.eim.Path, FieldAt> fields) {
        this.types = types;
        this.typesInScope = new LinkedHashMap<>();
        this.fields = fields;
    }

    /** Adds a scalar name of C type {@code type} holding {@code value} (already read as the type reads it). */
    ConcreteConstraints scalar(String name, CType type, BigInteger value) {
        typesInScope.put(name, type);
        values.put(name, new V.I(value));
        return this;
    }

    /** Adds a pointer name of C type {@code type} pointing to {@code bytes} (its pointee, exactly). */
    ConcreteConstraints pointer(String name, CType type, MemorySegment bytes) {
        typesInScope.put(name, type);
        values.put(name, new V.P(Optional.of(bytes)));
        return this;
    }

    Outcome check(Expr constraint) {
        try {
            return truth(constraint) ? new Outcome.Holds() : new Outcome.Broken();
        } catch (Undecidable u) {
            return new Outcome.Undecided(u.getMessage());
        }
    }

    private boolean truth(Expr e) {
        if (eval(e) instanceof V.B(boolean b)) {
            return b;
        }
        throw new Undecidable(e.show() + " is not a truth value");
    }

    private BigInteger integer(Expr e) {
        if (eval(e) instanceof V.I(BigInteger i)) {
            return i;
        }
        throw new Undecidable(e.show() + " is not an integer");
    }

    private V eval(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> new V.I(i.value());
            case Expr.BoolLit b -> new V.B(b.value());
            case Expr.Null n -> new V.P(Optional.empty());
            case Expr.SizeOfType s -> new V.I(BigInteger.valueOf(types.layout().sizeOf(s.type())));
            case Expr.SizeOfPath s -> new V.I(BigInteger.valueOf(types.layout().sizeOf(types.typeOf(s.path(), typesInScope,
                    Types.Problems.NONE).orElseThrow(() -> new Undecidable("the type of " + e.show())))));
            case Expr.Ref r -> ref(r);
            case Expr.Call c -> new V.B(predicate(c));
            case Expr.Unary u -> switch (u.op()) {
                case NEG -> new V.I(integer(u.operand()).negate());
                case NOT -> new V.B(!truth(u.operand()));
            };
            case Expr.InRange r -> {
                BigInteger x = integer(r.operand());
                yield new V.B(integer(r.low()).compareTo(x) <= 0 && x.compareTo(integer(r.high())) <= 0);
            }
            case Expr.Binary b -> binary(b);
        };
    }

    /**
     * Adds the pointer field at {@code path} ({@code r->hdr}) pointing to {@code pointee} (exactly
     * the bytes the extension will see there), or null: {@code non_null(r->hdr)} and the fields
     * behind it ({@code r->hdr->len}) then read it.
     */
    ConcreteConstraints field(String path, Optional<MemorySegment> pointee) {
        pointers.put(path, new V.P(pointee));
        return this;
    }

    private V ref(Expr.Ref r) {
        String root = r.path().root();
        V v = values.get(root);
        if (pointers.containsKey(r.path().toString())) {
            return pointers.get(r.path().toString());
        }
        if (r.path().steps().isEmpty()) {
            if (v != null) {
                return v;
            }
            return types.layout().enumerator(root).map(x -> (V) new V.I(x))
                    .orElseThrow(() -> new Undecidable("'" + root + "' is no argument of the entry"));
        }
        // A field of an argument's pointee, read from the bytes the extension will see.
        if (!(v instanceof V.P(Optional<MemorySegment> bytes)) || bytes.isEmpty()) {
            throw new Undecidable(r.show() + " is not a field behind a pointer argument");
        }
        FieldAt f = fieldAt(r.path());
        if (f.kind().isEmpty()) {
            throw new Undecidable(r.show() + " is not a scalar field of *" + root + " or of an object the runtime placed behind a pointer field");
        }
        MemorySegment holder = bytes.get();
        if (!f.base().equals(root)) {
            // Behind a pointer field: read from the pointee the runtime placed there.
            if (!(pointers.get(f.base()) instanceof V.P(Optional<MemorySegment> behind)) || behind.isEmpty()) {
                throw new Undecidable(r.show() + " is behind " + f.base() + ", which is NULL");
            }
            holder = behind.get();
        }
        return new V.I(read(holder, f.offset(), f.kind().get()));
    }

    /**
     * Where a field path behind a pointer argument lies, resolved once per path (the layout does not change).
     * @param base the pointer whose pointee holds it: the argument's name, or a pointer field's path
     */
    record FieldAt(String base, long offset, Optional<ScalarKind> kind) {}

    /** Where {@code path} (a field behind a pointer name of this scope) lies; empty kind when not a scalar field. */
    FieldAt fieldAt(dev.warden.eim.Path path) {
        return fields.computeIfAbsent(path, p -> locate(p.root(), p));
    }

    private FieldAt locate(String root, dev.warden.eim.Path path) {
        Optional<Region> at = types.region(path, typesInScope.get(root), Types.RootKind.ARGUMENT, Types.Problems.NONE);
        Optional<CType> type = types.typeOf(path, typesInScope, Types.Problems.NONE).map(t -> types.layout().resolve(t));
        if (at.isEmpty() || !(at.get().base().equals(root) || pointers.containsKey(at.get().base())) || type.isEmpty()
                || !(type.get() instanceof CType.Scalar sc)) {
            return new FieldAt(root, 0, Optional.empty());
        }
        return new FieldAt(at.get().base(), at.get().offset(), Optional.of(sc.kind()));
    }

    /** The scalar of kind {@code k} at {@code offset}, little-endian, as the C type reads it. */
    static BigInteger read(MemorySegment bytes, long offset, ScalarKind k) {
        return asInteger(raw(bytes, offset, k), k);
    }

    /** A scalar of kind {@code k} held in a {@code long} (a field read by {@link #raw}, a register) as the integer it is. */
    static BigInteger asInteger(long raw, ScalarKind k) {
        return k.size() == 8 && !k.isSigned() ? new BigInteger(Long.toUnsignedString(raw)) : BigInteger.valueOf(raw);
    }

    /** The same in a {@code long}: sign- or zero-extended by the type; a u64 keeps its 64 bits (read it unsigned). */
    static long raw(MemorySegment bytes, long offset, ScalarKind k) {
        return switch (k.size()) {
            case 1 -> k.isSigned() ? bytes.get(ValueLayout.JAVA_BYTE, offset) : bytes.get(ValueLayout.JAVA_BYTE, offset) & 0xffL;
            case 2 -> k.isSigned() ? bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset)
                    : bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) & 0xffffL;
            case 4 -> k.isSigned() ? bytes.get(ValueLayout.JAVA_INT_UNALIGNED, offset)
                    : bytes.get(ValueLayout.JAVA_INT_UNALIGNED, offset) & 0xffff_ffffL;
            default -> bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        };
    }

    private boolean predicate(Expr.Call c) {
        return switch (c.function()) {
            case "non_null" -> eval(c.arguments().getFirst()) instanceof V.P(Optional<MemorySegment> b) && b.isPresent();
            // The pointee is exactly the argument's region: n bytes are there when n fits in it.
            case "readable", "writable" -> {
                if (!(eval(c.arguments().get(0)) instanceof V.P(Optional<MemorySegment> b))) {
                    throw new Undecidable(c.arguments().get(0).show() + " is not a pointer argument");
                }
                BigInteger n = integer(c.arguments().get(1));
                yield n.signum() <= 0 || b.isPresent() && n.compareTo(BigInteger.valueOf(b.get().byteSize())) <= 0;
            }
            case "null_terminated" -> {
                if (!(eval(c.arguments().getFirst()) instanceof V.P(Optional<MemorySegment> b)) || b.isEmpty()) {
                    yield false;
                }
                for (long i = 0; i < b.get().byteSize(); i++) {
                    if (b.get().get(ValueLayout.JAVA_BYTE, i) == 0) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> throw new Undecidable("predicate " + c.function());
        };
    }

    private V binary(Expr.Binary b) {
        return switch (b.op()) {
            case AND -> new V.B(truth(b.left()) && truth(b.right()));
            case OR -> new V.B(truth(b.left()) || truth(b.right()));
            case IMPLIES -> new V.B(!truth(b.left()) || truth(b.right()));
            case EQ, NE -> {
                V l = eval(b.left());
                V r = eval(b.right());
                boolean eq = l.equals(r) || l instanceof V.P lp && r instanceof V.P rp
                        && lp.bytes().map(MemorySegment::address).equals(rp.bytes().map(MemorySegment::address));
                yield new V.B(b.op() == Expr.BinaryOp.EQ == eq);
            }
            case LT -> new V.B(integer(b.left()).compareTo(integer(b.right())) < 0);
            case LE -> new V.B(integer(b.left()).compareTo(integer(b.right())) <= 0);
            case GT -> new V.B(integer(b.left()).compareTo(integer(b.right())) > 0);
            case GE -> new V.B(integer(b.left()).compareTo(integer(b.right())) >= 0);
            case ADD -> new V.I(integer(b.left()).add(integer(b.right())));
            case SUB -> new V.I(integer(b.left()).subtract(integer(b.right())));
            case MUL -> new V.I(integer(b.left()).multiply(integer(b.right())));
            case DIV, MOD -> {
                BigInteger d = integer(b.right());
                if (d.signum() == 0) {
                    throw new Undecidable(b.show() + " divides by zero");
                }
                // Truncating, as C: BigInteger's divide and remainder.
                yield new V.I(b.op() == Expr.BinaryOp.DIV ? integer(b.left()).divide(d) : integer(b.left()).remainder(d));
            }
        };
    }
}
