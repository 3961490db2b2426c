package dev.warden.eim;

import java.util.OptionalLong;

/**
 * The memory a grant names, resolved against the policy's layouts. Three shapes:
 * <ul>
 *   <li>{@link Region}: fixed bytes of an object whose layout is declared;</li>
 *   <li>{@link Slice}: elements of an array or pointed-to buffer between bounds that may be known
 *       only at run time;</li>
 *   <li>{@link Opaque}: an object whose layout the policy does not declare (a host variable
 *       without {@code host} declaration, a pointer to an undeclared struct). It grants no byte
 *       that a verifier can prove in bounds: an extension that touches it is rejected until the
 *       layout is declared.</li>
 * </ul>
 * Every span is relative to a {@link #base()}: for an entry argument access, the pointer-valued
 * path whose target holds the bytes ({@code r}, {@code r->hdr}); for a host variable, {@code &var}
 * (the variable's own storage), or a pointer-valued path from it ({@code cfg.buf}).
 *
 * <p>For an enforcer: a base that is a bare argument name is that argument's register; any other
 * base is a pointer stored in memory, and {@link Types#region} of its {@link #basePath()} gives the bytes that
 * hold it ({@code r->body.data} is stored at {@code r[offset of body.data, +8)}). The same call
 * locates each field a slice's bounds read ({@code r->body.len}).
 */
public sealed interface Span permits Region, Span.Slice, Span.Opaque {

    /** The pointer (or {@code &var}) whose target holds the memory. */
    String base();

    /** The base as a path ({@code r->body.data}); empty for {@code &var}, a host variable's own storage. */
    default java.util.Optional<Path> basePath() {
        return base().startsWith("&") ? java.util.Optional.empty() : Path.parse(base());
    }

    /** The span as messages print it: {@code r[8, 264)}, {@code r->data[0, r->len) x 4 bytes}, {@code r (opaque)}. */
    String show();

    /**
     * Elements {@code [from, to)} of {@code elementSize} bytes each, the first element at
     * {@code offset} bytes from the base's target: the bytes {@code [offset + from * elementSize,
     * offset + to * elementSize)}. The bounds are expressions over the names in scope at the root of
     * the access (the entry's arguments, or the host variable), evaluated when the extension starts.
     *
     * @param written  the array or pointer path as written ({@code r->uri}, {@code r->body})
     * @param capacity the number of elements when the path is a fixed array (a slice never reaches
     *                 beyond it); empty for a pointer, whose buffer size only the bounds give
     */
    record Slice(String base, long offset, long elementSize, Expr from, Expr to, String written,
                 OptionalLong capacity) implements Span {
        @Override
        public String show() {
            return written + "[" + Printer.expr(from) + ", " + Printer.expr(to) + ")"
                    + (elementSize == 1 ? "" : " x " + elementSize + " bytes");
        }
    }

    /**
     * An object of undeclared layout.
     * @param why what is missing ({@code struct Request is not declared}), for messages
     */
    record Opaque(String base, String why) implements Span {
        @Override
        public String show() {
            return base + " (opaque: " + why + ")";
        }
    }
}
