package dev.warden.eim;

/**
 * The bound of a limit, as the author wrote it: {@code instructions < 100000},
 * {@code stack <= 512}, {@code instructions < inf}. Comparisons between bounds are by meaning
 * ({@link #within}, {@link #allowsSameAs}: {@code stack <= 512} allows what {@code stack < 513}
 * allows); record equality is by spelling, so that {@code warden fmt} keeps the author's operator.
 */
public sealed interface Bound {

    /** The comparison a limit is written with. */
    enum Comparison {
        LESS("<"), AT_MOST("<=");
        private final String text;
        Comparison(String text) { this.text = text; }
        public String text() { return text; }
    }

    Comparison comparison();

    /** {@code < value} or {@code <= value}. */
    record Finite(Comparison comparison, long value) implements Bound {
        /**
         * The smallest amount not allowed. The parser refuses {@code <= Long.MAX_VALUE}, so
         * {@code value + 1} does not wrap.
         */
        public long exclusive() {
            return comparison == Comparison.AT_MOST ? value + 1 : value;
        }
    }

    /** {@code < inf} (or {@code <= inf}): no limit. */
    record Infinite(Comparison comparison) implements Bound {}

    /** No limit, as a limit that is not written. */
    Bound NONE = new Infinite(Comparison.LESS);

    /** {@code < n}. */
    static Bound below(long n) {
        return new Finite(Comparison.LESS, n);
    }

    /** {@code <= n}. */
    static Bound atMost(long n) {
        return new Finite(Comparison.AT_MOST, n);
    }

    /** True if every amount this bound allows is also allowed by {@code other}. */
    default boolean within(Bound other) {
        return switch (other) {
            case Infinite i -> true;
            case Finite o -> switch (this) {
                case Infinite i -> false;
                case Finite t -> t.exclusive() <= o.exclusive();
            };
        };
    }

    /** True if both bounds allow exactly the same amounts, however they are written. */
    default boolean allowsSameAs(Bound other) {
        return within(other) && other.within(this);
    }

    /** The bound as written after the limit's name: {@code < 100000}, {@code <= 512}, {@code < inf}. */
    default String show() {
        return switch (this) {
            case Infinite i -> i.comparison().text() + " inf";
            case Finite f -> f.comparison().text() + " " + f.value();
        };
    }
}
