package dev.warden.eim;

import java.util.List;
import java.util.Optional;

/**
 * Everything one class may do, resolved: the functions it may call (with their constraints),
 * the host memory it may read or write, the memory reached from its entry's arguments it may
 * read or write, the constraints its return value must meet, and its limits.
 *
 * @param returns the constraints on the extension's return value ({@code rtn}), the entry's and
 *                then the class's: a conjunction the extension must satisfy at every exit (they
 *                bind the extension; the host may rely on them). Empty when none is written.
 */
public record Grants(Declaration.ExtensionClass extensionClass, Declaration.Entry entry,
                     List<Declaration.FunctionCapability> functions, List<StateGrant> state,
                     List<ArgumentGrant> arguments, List<Expr> returns, Limits limits) {

    public Grants {
        functions = List.copyOf(functions);
        state = List.copyOf(state);
        arguments = List.copyOf(arguments);
        returns = List.copyOf(returns);
    }

    /**
     * A state capability with the host memory it names.
     * @param type   the type of the memory accessed (for a write, the type of {@code value});
     *               empty when the host variable is not declared
     * @param region what is accessed: fixed bytes ({@link Region}), a {@link Span.Slice}, or an
     *               {@link Span.Opaque} object (an undeclared host variable)
     */
    public record StateGrant(Declaration.StateCapability capability, Optional<CType> type, Span region) {
        public AccessOp op() {
            return capability.operation().op();
        }
    }

    /**
     * {@code read(...)} / {@code write(...)} of memory reached from an entry argument.
     * @param region what is accessed: fixed bytes ({@link Region}: {@code read(r)},
     *               {@code read(r->uri)}, {@code read(*r->hdr)}), a {@link Span.Slice}
     *               ({@code read(r->body[0, r->len))}), or an {@link Span.Opaque} object (a pointer to
     *               an undeclared struct)
     */
    public record ArgumentGrant(Access access, Span region) {}
}
