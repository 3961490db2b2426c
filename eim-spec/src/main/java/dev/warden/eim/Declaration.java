package dev.warden.eim;

import java.util.List;
import java.util.Optional;

/** One top-level item of a policy file. */
public sealed interface Declaration {

    /** The declared name (for an include: the included path). */
    String name();

    /** {@code include "file.eim"}, relative to the including file. */
    record Include(String name) implements Declaration {}

    /** {@code struct Name { fields };} */
    record Struct(String name, List<Field> fields) implements Declaration {
        public Struct {
            fields = List.copyOf(fields);
        }
    }

    /** {@code typedef type name;}: another name for a type (C's alias: the two are the same type). */
    record Typedef(String name, CType type) implements Declaration {}

    /**
     * {@code enum Name { A, B = 5, C };}: a type with the size and range of {@code int} whose
     * enumerators are integer constants in constraints.
     */
    record Enum(String name, List<Enumerator> enumerators) implements Declaration {
        public Enum {
            enumerators = List.copyOf(enumerators);
        }
    }

    /** One enumerator; {@code written} is its value when the source gives one (else the previous one plus 1). */
    record Enumerator(String name, java.util.Optional<java.math.BigInteger> written) {}

    /** {@code host type name;}: a host variable that state capabilities may name. */
    record HostVariable(String name, CType type) implements Declaration {}

    /**
     * Read or write access to a host variable (or a field of it). A write may carry constraints
     * on {@code value}, the value written.
     * @param entries the entries whose classes may use it; empty means every entry
     */
    record StateCapability(String name, Access operation, List<Expr> constraints, List<String> entries)
            implements Declaration {
        public StateCapability {
            constraints = List.copyOf(constraints);
            entries = List.copyOf(entries);
        }
    }

    /**
     * The right to call a helper or host function; the constraints (a conjunction) range over
     * the parameter names and {@code rtn}.
     * @param binding empty when not written: then it is the host function with the capability's name
     */
    record FunctionCapability(String name, Optional<Binding> binding, Prototype prototype,
                              List<Expr> constraints, List<String> entries) implements Declaration {
        public FunctionCapability {
            constraints = List.copyOf(constraints);
            entries = List.copyOf(entries);
        }

        /** The function the capability lets an extension call. */
        public Binding target() {
            return binding.orElseGet(() -> new Binding.HostFunction(name));
        }
    }

    /**
     * A hook in the host where extensions run, and the prototype of what it passes in.
     * @param constraints on the extension's return value {@code rtn} (and the entry's argument
     *                    values): every extension at this entry must return a value that meets
     *                    them, at every exit; the host may rely on them. Empty: any value.
     */
    record Entry(String name, String hostFunction, Prototype prototype, List<Expr> constraints) implements Declaration {
        public Entry {
            constraints = List.copyOf(constraints);
        }

        public Entry(String name, String hostFunction, Prototype prototype) {
            this(name, hostFunction, prototype, List.of());
        }
    }

    /**
     * What one kind of extension at one entry may use.
     * @param constraints on the return value, in addition to the entry's (see {@link Entry})
     */
    record ExtensionClass(String name, String entry, List<Allowed> allowed, List<Expr> constraints) implements Declaration {
        public ExtensionClass {
            allowed = List.copyOf(allowed);
            constraints = List.copyOf(constraints);
        }

        public ExtensionClass(String name, String entry, List<Allowed> allowed) {
            this(name, entry, allowed, List.of());
        }
    }

    /** An item of a class's {@code allowed} set. */
    sealed interface Allowed {
        record Capability(String name) implements Allowed {}

        record ArgumentAccess(Access access) implements Allowed {}

        record Limit(LimitKind kind, Bound bound) implements Allowed {}
    }
}
