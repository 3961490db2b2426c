package dev.warden.eim;

/**
 * {@code read(...)} or {@code write(...)}: an operation on what a target names.
 *
 * @param path  the path written: from an entry argument or a host variable, through fields
 * @param reach how much of what the path names is accessed
 */
public record Access(AccessOp op, Path path, Reach reach) {

    /** An access of the bytes the path names ({@link Reach.Whole}). */
    public Access(AccessOp op, Path path) {
        this(op, path, new Reach.Whole());
    }

    /** How much of what a path names an access covers. */
    public sealed interface Reach {
        /**
         * {@code read(p)}: the bytes of the path; for a pointer argument alone ({@code read(r)})
         * the whole object it points to.
         */
        record Whole() implements Reach {}

        /** {@code read(*p)}: the whole object the pointer at the path points to ({@code *r->hdr}). */
        record Pointee() implements Reach {}

        /**
         * {@code read(p[from, to))}: elements {@code from} (inclusive) to {@code to} (exclusive) of the
         * array at the path, or of the buffer the pointer at the path points to. The bounds are
         * constraint expressions over the root's names ({@code r->len}): their values are read when the
         * extension starts, so a slice may have a length known only at run time.
         */
        record Slice(Expr from, Expr to) implements Reach {}
    }

    @Override
    public String toString() {
        return op.keyword() + "(" + target() + ")";
    }

    /** The text between the parentheses: {@code r->hdr}, {@code *r->hdr}, {@code r->data[0, r->len)}. */
    public String target() {
        return switch (reach) {
            case Reach.Whole w -> path.toString();
            case Reach.Pointee p -> "*" + path;
            case Reach.Slice s -> path + "[" + Printer.expr(s.from()) + ", " + Printer.expr(s.to()) + ")";
        };
    }
}
