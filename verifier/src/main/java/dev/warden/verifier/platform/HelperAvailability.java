package dev.warden.verifier.platform;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which program types may call one helper (the kernel's per-type {@code get_func_proto}), and the
 * context structs those types hand the helper. A helper taking {@link ArgKind#PTR_TO_CTX} works on
 * the context it is given, so calling it from a type whose context is another struct (say
 * {@code bpf_skb_load_bytes} from XDP, whose context is {@code xdp_md}, not {@code __sk_buff}) is
 * refused.
 *
 * @param helperId the uapi {@code BPF_FUNC_*} number
 * @param types the names of the program types that may call it (sorted)
 * @param contexts the context structs of those types, for helpers that take or act on the context
 *     (sorted; empty for helpers that do not)
 * @param quality {@link DataQuality#EXACT} when the running kernel answered for every type,
 *     {@link DataQuality#BEST_EFFORT} when the row also rests on the kernel's sources or leaves out
 *     attach-dependent or sleepable-only uses (the data file's notes say which)
 */
public record HelperAvailability(int helperId, Set<String> types, Set<String> contexts, DataQuality quality) {
    public HelperAvailability {
        types = Collections.unmodifiableSet(new TreeSet<>(types));
        contexts = Collections.unmodifiableSet(new TreeSet<>(contexts));
        Objects.requireNonNull(quality);
    }

    /** Whether a program of this type may call the helper. */
    public boolean availableTo(ProgramType type) {
        return types.contains(type.name());
    }
}
