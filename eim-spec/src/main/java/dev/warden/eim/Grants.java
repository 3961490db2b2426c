package dev.warden.eim;

import java.util.List;

/**
 * Everything one class may do, resolved: the functions it may call (with their constraints),
 * the host memory it may read or write, the memory reached from its entry's arguments it may
 * read or write, the constraints on its return value and what the host guarantees of the
 * arguments, and its limits.
 *
 * @param returns    the constraints that mention {@code rtn}, the entry's and then the class's: a
 *                   conjunction the extension must satisfy at every exit (they bind the extension;
 *                   the host may rely on them). Empty when none is written.
 * @param guarantees the entry's constraints that do not mention {@code rtn}: what the host
 *                   guarantees of the arguments when it calls the extension (they bind the host;
 *                   a verifier assumes them at the entry)
 */
public record Grants(Declaration.ExtensionClass extensionClass, Declaration.Entry entry,
                     List<Declaration.FunctionCapability> functions, List<StateGrant> state,
                     List<ArgumentGrant> arguments, List<Expr> returns, List<Expr> guarantees, Limits limits) {

    public Grants {
        functions = List.copyOf(functions);
        state = List.copyOf(state);
        arguments = List.copyOf(arguments);
        returns = List.copyOf(returns);
        guarantees = List.copyOf(guarantees);
    }

    /**
     * A state capability with the host memory it names.
     * @param type the type of the memory accessed (for a write, the type of {@code value});
     *             {@code void} when it is unknown: an undeclared host variable (opaque) or a slice
     *             (many elements, no single value)
     * @param span what is accessed: fixed bytes ({@link Region}), a {@link Span.Slice}, or an
     *             {@link Span.Opaque} object (an undeclared host variable)
     */
    public record StateGrant(Declaration.StateCapability capability, CType type, Span span) {
        public AccessOp op() {
            return capability.operation().op();
        }

        /** The bytes this grant gives whatever happens at run time: see {@link Grants#fixedBytes}. */
        public Region region() {
            return fixedBytes(span);
        }
    }

    /**
     * {@code read(...)} / {@code write(...)} of memory reached from an entry argument.
     * @param span what is accessed: fixed bytes ({@link Region}: {@code read(r)},
     *             {@code read(r->uri)}, {@code read(*r->hdr)}), a {@link Span.Slice}
     *             ({@code read(r->body[0, r->len))}), or an {@link Span.Opaque} object (a pointer to
     *             an undeclared struct)
     */
    public record ArgumentGrant(Access access, Span span) {
        /** The bytes this grant gives whatever happens at run time: see {@link Grants#fixedBytes}. */
        public Region region() {
            return fixedBytes(span);
        }
    }

    /**
     * The bytes a span gives whatever the run-time values: all of a {@link Region}; none (size 0,
     * at the span's base and start) of a {@link Span.Slice}, whose extent only its bounds give, or
     * of an {@link Span.Opaque} object. A verifier that only knows fixed bytes stays sound with this.
     */
    public static Region fixedBytes(Span span) {
        return switch (span) {
            case Region r -> r;
            case Span.Slice s -> new Region(s.base(), s.offset(), 0);
            case Span.Opaque o -> new Region(o.base(), 0, 0);
        };
    }
}
