package dev.warden.runtime.host;

import dev.warden.eim.Expr;
import dev.warden.eim.ScalarKind;
import dev.warden.runtime.linux.CpuArguments;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * An entry's guarantee compiled once, when the extension loads, to arithmetic on {@code long}s
 * over the invocation's registers and argument regions: what {@link ConcreteConstraints} decides
 * with a scope of maps and {@link BigInteger}s per call, decided here without allocating. Only
 * integer and truth expressions over scalar arguments, scalar fields behind a pointer argument,
 * literals, enumerators and {@code sizeof(type)} compile; any other guarantee (pointers,
 * predicates such as {@code readable}) stays with {@link ConcreteConstraints}. Integers are
 * mathematical there; here a value that leaves {@code long} (an overflow, a u64 above
 * {@code Long.MAX_VALUE}) or a division by zero gives {@link #UNDECIDED}, and the caller asks
 * {@link ConcreteConstraints} instead, so both always agree.
 */
final class CompiledGuarantee {
    /** Outcomes of {@link #check}. */
    static final int BROKEN = 0;
    static final int HOLDS = 1;
    static final int UNDECIDED = -1;

    /**
     * An integer-valued node. Each node evaluates itself (a virtual call the JIT inlines for the
     * few node classes an extension's guarantees use), not a type switch over the tree.
     */
    private sealed interface Int {
        long value(long[] registers, CpuArguments regions);

        record Const(long value) implements Int {
            @Override
            public long value(long[] registers, CpuArguments regions) {
                return value;
            }
        }

        /** A scalar argument: {@code registers[parameter]} as its C type reads it. */
        record Register(int parameter, ScalarKind kind) implements Int {
            @Override
            public long value(long[] registers, CpuArguments regions) {
                return asRead(registers[parameter], kind);
            }
        }

        /** A scalar field at {@code offset} in the region of a pointer argument. */
        record Field(int region, long offset, ScalarKind kind) implements Int {
            @Override
            public long value(long[] registers, CpuArguments regions) {
                return asRead(ConcreteConstraints.raw(regions.region(region), offset, kind), kind);
            }
        }

        record Negate(Int operand) implements Int {
            @Override
            public long value(long[] registers, CpuArguments regions) {
                long v = operand.value(registers, regions);
                if (v == Long.MIN_VALUE) {
                    throw OutOfRange.INSTANCE;
                }
                return -v;
            }
        }

        record Arith(Expr.BinaryOp op, Int left, Int right) implements Int {
            @Override
            public long value(long[] registers, CpuArguments regions) {
                return arith(op, left.value(registers, regions), right.value(registers, regions));
            }
        }
    }

    /** A truth-valued node. */
    private sealed interface Truth {
        boolean holds(long[] registers, CpuArguments regions);

        record Const(boolean value) implements Truth {
            @Override
            public boolean holds(long[] registers, CpuArguments regions) {
                return value;
            }
        }

        record Not(Truth operand) implements Truth {
            @Override
            public boolean holds(long[] registers, CpuArguments regions) {
                return !operand.holds(registers, regions);
            }
        }

        record Logic(Expr.BinaryOp op, Truth left, Truth right) implements Truth {
            @Override
            public boolean holds(long[] registers, CpuArguments regions) {
                return switch (op) {
                    case AND -> left.holds(registers, regions) && right.holds(registers, regions);
                    case OR -> left.holds(registers, regions) || right.holds(registers, regions);
                    default -> !left.holds(registers, regions) || right.holds(registers, regions); // IMPLIES
                };
            }
        }

        record Compare(Expr.BinaryOp op, Int left, Int right) implements Truth {
            @Override
            public boolean holds(long[] registers, CpuArguments regions) {
                long a = left.value(registers, regions);
                long b = right.value(registers, regions);
                return switch (op) {
                    case LT -> a < b;
                    case LE -> a <= b;
                    case GT -> a > b;
                    case GE -> a >= b;
                    case EQ -> a == b;
                    default -> a != b; // NE
                };
            }
        }

        /** {@code ==} or {@code !=} between truth values. */
        record Same(Expr.BinaryOp op, Truth left, Truth right) implements Truth {
            @Override
            public boolean holds(long[] registers, CpuArguments regions) {
                return (left.holds(registers, regions) == right.holds(registers, regions)) == (op == Expr.BinaryOp.EQ);
            }
        }

        record InRange(Int operand, Int low, Int high) implements Truth {
            @Override
            public boolean holds(long[] registers, CpuArguments regions) {
                long x = operand.value(registers, regions);
                return low.value(registers, regions) <= x && x <= high.value(registers, regions);
            }
        }
    }

    /** Where a name of the entry's prototype is found at run time. */
    sealed interface Name {
        record Scalar(int parameter, ScalarKind kind) implements Name {}

        /** {@code at} locates a field path behind the pointer (empty: not a scalar field). */
        record Pointer(int region, java.util.function.Function<dev.warden.eim.Path, ConcreteConstraints.FieldAt> at) implements Name {}
    }

    /** Thrown (preallocated, no stack) when a value leaves {@code long}. */
    private static final class OutOfRange extends RuntimeException {
        static final OutOfRange INSTANCE = new OutOfRange();

        private OutOfRange() {
            super("out of long range", null, false, false);
        }
    }

    private final Truth root;

    private CompiledGuarantee(Truth root) {
        this.root = root;
    }

    /**
     * {@code guarantee} compiled over the prototype's {@code names}, or empty when it uses what
     * only {@link ConcreteConstraints} evaluates. {@code constants} gives enumerators' values and
     * {@code sizeOf} the size of a type.
     */
    static Optional<CompiledGuarantee> of(Expr guarantee, Map<String, Name> names, java.util.function.Function<String, Optional<BigInteger>> constants,
                                          java.util.function.ToLongFunction<dev.warden.eim.CType> sizeOf) {
        try {
            return Optional.of(new CompiledGuarantee(new Compiler(names, constants, sizeOf).truth(guarantee)));
        } catch (NotCompiled e) {
            return Optional.empty();
        }
    }

    /**
     * {@link #HOLDS}, {@link #BROKEN}, or {@link #UNDECIDED} (ask {@link ConcreteConstraints}):
     * the guarantee on r1..rN {@code registers} and the CPU's argument regions.
     */
    int check(long[] registers, CpuArguments regions) {
        try {
            return root.holds(registers, regions) ? HOLDS : BROKEN;
        } catch (OutOfRange e) {
            return UNDECIDED;
        }
    }

    private static long arith(Expr.BinaryOp op, long a, long b) {
        try {
            return switch (op) {
                case ADD -> Math.addExact(a, b);
                case SUB -> Math.subtractExact(a, b);
                case MUL -> Math.multiplyExact(a, b);
                // Truncating, as C and BigInteger; a zero divisor is the general evaluator's to report.
                case DIV -> b == 0 ? outOfRange() : Math.divideExact(a, b);
                default -> b == 0 ? outOfRange() : a % b; // MOD
            };
        } catch (ArithmeticException e) {
            throw OutOfRange.INSTANCE;
        }
    }

    private static long outOfRange() {
        throw OutOfRange.INSTANCE;
    }

    /** A register's value as a scalar of kind {@code k} (the host passed it widened by its signedness). */
    private static long asRead(long v, ScalarKind k) {
        if (k.size() == 8 && !k.isSigned() && v < 0) {
            throw OutOfRange.INSTANCE;
        }
        return v;
    }

    /** Marks an expression this class leaves to {@link ConcreteConstraints}. */
    private static final class NotCompiled extends Exception {
        NotCompiled() {
            super(null, null, false, false);
        }
    }

    private record Compiler(Map<String, Name> names, java.util.function.Function<String, Optional<BigInteger>> constants,
                            java.util.function.ToLongFunction<dev.warden.eim.CType> sizeOf) {
        Truth truth(Expr e) throws NotCompiled {
            return switch (e) {
                case Expr.BoolLit b -> new Truth.Const(b.value());
                case Expr.Unary u when u.op() == Expr.UnaryOp.NOT -> new Truth.Not(truth(u.operand()));
                case Expr.InRange r -> new Truth.InRange(integer(r.operand()), integer(r.low()), integer(r.high()));
                case Expr.Binary b -> switch (b.op()) {
                    case AND, OR, IMPLIES -> new Truth.Logic(b.op(), truth(b.left()), truth(b.right()));
                    case LT, LE, GT, GE -> new Truth.Compare(b.op(), integer(b.left()), integer(b.right()));
                    case EQ, NE -> equality(b);
                    default -> throw new NotCompiled();
                };
                default -> throw new NotCompiled();
            };
        }

        /** Integers with integers, truth values with truth values; anything else (pointers, a mix) is not compiled. */
        private Truth equality(Expr.Binary b) throws NotCompiled {
            try {
                return new Truth.Compare(b.op(), integer(b.left()), integer(b.right()));
            } catch (NotCompiled notIntegers) {
                return new Truth.Same(b.op(), truth(b.left()), truth(b.right()));
            }
        }

        Int integer(Expr e) throws NotCompiled {
            return switch (e) {
                case Expr.IntLit i when i.value().bitLength() < 64 -> new Int.Const(i.value().longValue());
                case Expr.SizeOfType s -> new Int.Const(size(s));
                case Expr.Unary u when u.op() == Expr.UnaryOp.NEG -> new Int.Negate(integer(u.operand()));
                case Expr.Binary b when switch (b.op()) {
                    case ADD, SUB, MUL, DIV, MOD -> true;
                    default -> false;
                } -> new Int.Arith(b.op(), integer(b.left()), integer(b.right()));
                case Expr.Ref r -> ref(r);
                default -> throw new NotCompiled();
            };
        }

        private long size(Expr.SizeOfType s) throws NotCompiled {
            try {
                return sizeOf.applyAsLong(s.type());
            } catch (RuntimeException unknownType) {
                throw new NotCompiled(); // the general evaluator reports it, per call, as it always did
            }
        }

        private Int ref(Expr.Ref r) throws NotCompiled {
            String root = r.path().root();
            Name n = names.get(root);
            if (r.path().steps().isEmpty()) {
                if (n instanceof Name.Scalar s) {
                    return new Int.Register(s.parameter(), s.kind());
                }
                if (n == null) {
                    Optional<BigInteger> c = constants.apply(root);
                    if (c.isPresent() && c.get().bitLength() < 64) {
                        return new Int.Const(c.get().longValue());
                    }
                }
                throw new NotCompiled();
            }
            if (n instanceof Name.Pointer p) {
                ConcreteConstraints.FieldAt f = p.at().apply(r.path());
                if (f.kind().isPresent()) {
                    return new Int.Field(p.region(), f.offset(), f.kind().get());
                }
            }
            throw new NotCompiled();
        }
    }
}
