package dev.warden.eim;

import java.math.BigInteger;
import java.util.List;

/**
 * A constraint expression over argument names, {@code rtn} (the return value) and {@code value}
 * (the value a state capability writes). Integers are mathematical (see docs/eim.md).
 */
public sealed interface Expr {

    record IntLit(BigInteger value) implements Expr {}

    record BoolLit(boolean value) implements Expr {}

    /** {@code null}: the pointer 0. */
    record Null() implements Expr {}

    /** {@code sizeof(type)}. */
    record SizeOfType(CType type) implements Expr {}

    /** {@code sizeof(path)}: the size of the path's declared type. */
    record SizeOfPath(Path path) implements Expr {}

    /** A pointer predicate: {@code non_null(p)}, {@code null_terminated(p)}, {@code readable(p, n)}, {@code writable(p, n)}. */
    record Call(String function, List<Expr> arguments) implements Expr {
        public Call {
            arguments = List.copyOf(arguments);
        }
    }

    record Ref(Path path) implements Expr {}

    record Unary(UnaryOp op, Expr operand) implements Expr {}

    record Binary(BinaryOp op, Expr left, Expr right) implements Expr {}

    /** {@code e in [lo, hi]}: both bounds inclusive. */
    record InRange(Expr operand, Expr low, Expr high) implements Expr {}

    enum UnaryOp {
        NEG("-"), NOT("!");
        private final String text;
        UnaryOp(String text) { this.text = text; }
        public String text() { return text; }
    }

    /** Binary operators with their C precedence (higher binds tighter). */
    enum BinaryOp {
        MUL("*", 9), DIV("/", 9), MOD("%", 9), ADD("+", 8), SUB("-", 8),
        LT("<", 6), LE("<=", 6), GT(">", 6), GE(">=", 6), EQ("==", 5), NE("!=", 5),
        AND("&&", 4), OR("||", 3), IMPLIES("==>", 2);

        private final String text;
        private final int precedence;
        BinaryOp(String text, int precedence) {
            this.text = text;
            this.precedence = precedence;
        }
        public String text() { return text; }
        public int precedence() { return precedence; }

        public static BinaryOp of(String text) {
            for (BinaryOp op : values()) if (op.text.equals(text)) return op;
            throw new IllegalArgumentException("not an operator: " + text);
        }
    }

    /** Precedence of {@code in} (between additive and relational operators). */
    int IN_PRECEDENCE = 7;
    /** Precedence of unary operators and atoms. */
    int UNARY_PRECEDENCE = 10;

    /** The canonical source text (minimal parentheses); the formatter prints this. */
    default String show() {
        return Printer.expr(this);
    }

    /** True if a name or path rooted at {@code root} occurs in the expression ({@code rtn} in {@code rtn <= n}). */
    default boolean mentions(String root) {
        return switch (this) {
            case Ref r -> r.path().root().equals(root);
            case SizeOfPath s -> s.path().root().equals(root);
            case Call c -> c.arguments().stream().anyMatch(a -> a.mentions(root));
            case Unary u -> u.operand().mentions(root);
            case Binary b -> b.left().mentions(root) || b.right().mentions(root);
            case InRange r -> r.operand().mentions(root) || r.low().mentions(root) || r.high().mentions(root);
            case IntLit i -> false;
            case BoolLit b -> false;
            case Null n -> false;
            case SizeOfType t -> false;
        };
    }
}
