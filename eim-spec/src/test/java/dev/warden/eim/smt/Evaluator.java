package dev.warden.eim.smt;

import dev.warden.eim.Expr;
import java.math.BigInteger;
import java.util.Map;

/**
 * Evaluates a constraint on concrete values, independently of Z3: the tests use it to confirm
 * that a witness really satisfies one side and falsifies the other. Names are the display
 * names of a witness ({@code len}, {@code readable(msg, len)}).
 */
final class Evaluator {
    private final Map<String, String> values;

    Evaluator(Map<String, String> values) {
        this.values = values;
    }

    boolean bool(Expr e) {
        return switch (e) {
            case Expr.BoolLit b -> b.value();
            case Expr.Unary u -> !bool(u.operand());
            case Expr.InRange r -> integer(r.low()).compareTo(integer(r.operand())) <= 0
                    && integer(r.operand()).compareTo(integer(r.high())) <= 0;
            case Expr.Call c -> switch (c.function()) {
                case "non_null" -> integer(c.arguments().getFirst()).signum() != 0;
                default -> Boolean.parseBoolean(values.getOrDefault(c.show(), "false"));
            };
            case Expr.Binary b -> switch (b.op()) {
                case AND -> bool(b.left()) && bool(b.right());
                case OR -> bool(b.left()) || bool(b.right());
                case IMPLIES -> !bool(b.left()) || bool(b.right());
                case LT -> integer(b.left()).compareTo(integer(b.right())) < 0;
                case LE -> integer(b.left()).compareTo(integer(b.right())) <= 0;
                case GT -> integer(b.left()).compareTo(integer(b.right())) > 0;
                case GE -> integer(b.left()).compareTo(integer(b.right())) >= 0;
                case EQ -> integer(b.left()).equals(integer(b.right()));
                case NE -> !integer(b.left()).equals(integer(b.right()));
                default -> throw new IllegalArgumentException(e.show());
            };
            default -> throw new IllegalArgumentException("not boolean: " + e.show());
        };
    }

    BigInteger integer(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> i.value();
            case Expr.Null n -> BigInteger.ZERO;
            case Expr.Ref r -> new BigInteger(java.util.Objects.requireNonNull(values.get(r.path().toString()), r.path().toString()));
            case Expr.Unary u -> integer(u.operand()).negate();
            case Expr.Binary b -> switch (b.op()) {
                case ADD -> integer(b.left()).add(integer(b.right()));
                case SUB -> integer(b.left()).subtract(integer(b.right()));
                case MUL -> integer(b.left()).multiply(integer(b.right()));
                case DIV -> integer(b.left()).divide(integer(b.right())); // BigInteger truncates, as C
                case MOD -> integer(b.left()).remainder(integer(b.right()));
                default -> throw new IllegalArgumentException(e.show());
            };
            default -> throw new IllegalArgumentException("not an integer: " + e.show());
        };
    }

    boolean all(java.util.List<Expr> constraints) {
        return constraints.stream().allMatch(this::bool);
    }
}
