package dev.warden.eim;

/** A C type as written in a policy. Struct types are referred to by name ({@link Named}). */
public sealed interface CType {

    /** {@code void}: only as a return type or behind a pointer. */
    record Void() implements CType {}

    record Scalar(ScalarKind kind) implements CType {}

    record Pointer(CType target) implements CType {}

    /** A fixed array {@code elem[length]}. */
    record Array(CType element, long length) implements CType {}

    /** A struct, by the name it is declared with. */
    record Named(String name) implements CType {}

    /** The C spelling, e.g. {@code char *} or {@code Request}; arrays print as {@code elem[n]}. */
    default String spelling() {
        return switch (this) {
            case Void v -> "void";
            case Scalar s -> s.kind().keyword();
            case Pointer p -> Printer.type(p);
            case Array a -> Printer.type(a);
            case Named n -> n.name();
        };
    }
}
