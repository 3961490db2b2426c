package dev.warden.verifier.transfer;

import dev.warden.isa.elf.BpfMap;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.MapLookup;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.state.AbstractState;
import java.util.Optional;

/**
 * The platform's rules on where a helper may be called, checked at the call: whether the program's
 * type may call the helper at all, and whether the helper may take the map it is given from this
 * program type. Kept apart from the argument checks of {@link HelperCall}, which they precede and follow.
 */
final class PlatformRules {
    private PlatformRules() {}

    /**
     * Whether the program's type may call the helper; reports a KNOWN_CALL violation when not. A
     * program of unknown type is not checked here (the kernel always knows the type; Warden without
     * one already refuses every context access).
     */
    static boolean available(Env env, AbstractState s, int pc, HelperPrototype h, Sink sink) {
        if (env.type().isEmpty() || env.platform().helperAvailable(env.type().get(), h)) {
            return true;
        }
        ProgramType t = env.type().get();
        String accepts = env.platform().availability(h.id())
                .filter(a -> !a.contexts().isEmpty())
                .map(a -> "; it takes the context of " + String.join(", ", a.contexts()) + " programs")
                .orElse("");
        sink.violation(pc, new Obligation.KnownCall("bpf_" + h.name()), "bpf_" + h.name() + " (helper " + h.id() + ") is not available to "
                + t.name() + " programs (context struct " + t.context().structName() + accepts + ")", s);
        return false;
    }

    /**
     * Whether the helper may take this map from the program's type (the kernel's
     * check_map_func_compatibility with may_update_sockmap); reports a HELPER_ARGUMENT violation on
     * r1 when not. A program of unknown type gets only what every type may do. A map type the platform
     * does not describe is not checked.
     */
    static void mapAccepted(Env env, AbstractState s, int pc, HelperPrototype h, BpfMap map, int reg, Sink sink) {
        if (env.platform().mapType(map.type()).isEmpty()) {
            // The platform does not describe this map type (a test's small platform): nothing to check against.
            return;
        }
        Optional<ProgramType> t = env.type();
        boolean ok = t.isPresent() ? env.platform().mapAllowsHelper(t.get(), map.type(), h.id())
                : env.platform().mapAllowsHelper(map.type(), h.id());
        if (!ok) {
            String name = env.platform().mapType(map.type()).orElseThrow().name();
            String from = env.platform().mapHelperProgramTypes(map.type(), h.id()).isPresent()
                    ? " from " + t.map(p -> p.name() + " programs").orElse("a program of unknown type")
                    : "";
            sink.violation(pc, new Obligation.HelperArgument(h.name(), reg, "a map of a type " + h.name() + " may take"), "R" + reg + " (argument " + reg + " of " + h.name()
                    + ") is map " + map.name() + " of type " + name + ", which " + h.name() + " may not take" + from, s);
        }
    }

    /** Whether the map's values are sockets (sockmap, sockhash): an update then takes a socket, not value memory. */
    static boolean socketValued(Env env, BpfMap map) {
        return env.platform().mapType(map.type()).map(m -> m.lookup() == MapLookup.SOCKET).orElse(false);
    }
}
