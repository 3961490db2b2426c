package dev.warden.verifier.platform;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which kernel structs helpers return and take through BTF-typed pointers, by struct name (resolved
 * against the target BTF when a program is verified). Read from {@code linux-btf-objects.txt}.
 *
 * @param returns helper id to the struct its BTF_ID result points to
 * @param arguments helper id to (0-based argument index to struct name)
 * @param sockCommon the structs that a PTR_TO_SOCK_COMMON argument accepts as a BTF pointer, with
 *     anything that begins with one of them
 */
public record BtfObjects(Map<Integer, String> returns, Map<Integer, Map<Integer, String>> arguments, Set<String> sockCommon,
                         Map<String, Trust> trustedFields) {
    /** How a pointer field loaded through a trusted pointer stays trusted ({@code STRUCT.FIELD} keys). */
    public enum Trust { TRUSTED, TRUSTED_OR_NULL }

    public BtfObjects(Map<Integer, String> returns, Map<Integer, Map<Integer, String>> arguments, Set<String> sockCommon) {
        this(returns, arguments, sockCommon, Map.of());
    }

    public BtfObjects {
        trustedFields = Map.copyOf(trustedFields);
        returns = Map.copyOf(returns);
        Map<Integer, Map<Integer, String>> args = new TreeMap<>();
        arguments.forEach((k, v) -> args.put(k, Map.copyOf(v)));
        arguments = Map.copyOf(args);
        sockCommon = Set.copyOf(sockCommon);
    }

    /** No helper hands out or takes typed kernel objects. */
    public static final BtfObjects NONE = new BtfObjects(Map.of(), Map.of(), Set.of());

    /** Whether the pointer field {@code field} of {@code struct}, loaded through a trusted pointer, is trusted. */
    public Optional<Trust> trusted(String struct, String field) {
        return Optional.ofNullable(trustedFields.get(struct + "." + field));
    }

    /** The struct the helper's BTF pointer result points to. */
    public Optional<String> returned(int helperId) {
        return Optional.ofNullable(returns.get(helperId));
    }

    /** The struct the helper's argument {@code index} (0-based) must point to. */
    public Optional<String> argument(int helperId, int index) {
        return Optional.ofNullable(arguments.getOrDefault(helperId, Map.of()).get(index));
    }
}
