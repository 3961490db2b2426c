package dev.warden.eim;

/**
 * The bound of a limit, normalised to "strictly less than": {@code instructions <= 9} is
 * {@code Finite(10)}; {@code instructions < inf} is {@link Infinite}.
 */
public sealed interface Bound {
    record Finite(long exclusive) implements Bound {}

    record Infinite() implements Bound {}

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

    default String show() {
        return switch (this) {
            case Infinite i -> "inf";
            case Finite f -> Long.toString(f.exclusive());
        };
    }
}
