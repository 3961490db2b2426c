package dev.warden.eim;

import java.util.List;

/**
 * Everything one class may do, resolved: the functions it may call (with their constraints),
 * the host memory it may read or write, the bytes of its entry's arguments it may read or
 * write, and its limits.
 */
public record Grants(Declaration.ExtensionClass extensionClass, Declaration.Entry entry,
                     List<Declaration.FunctionCapability> functions, List<StateGrant> state,
                     List<ArgumentGrant> arguments, Limits limits) {

    public Grants {
        functions = List.copyOf(functions);
        state = List.copyOf(state);
        arguments = List.copyOf(arguments);
    }

    /** A state capability with the host bytes it names. */
    public record StateGrant(Declaration.StateCapability capability, CType type, Region region) {
        public AccessOp op() {
            return capability.operation().op();
        }
    }

    /** {@code read(path)} / {@code write(path)} of an entry argument, with the bytes it names. */
    public record ArgumentGrant(Access access, Region region) {}
}
