package dev.warden.verifier.eim;

import dev.warden.eim.CType;
import dev.warden.eim.Grants;
import dev.warden.eim.Path;
import dev.warden.eim.Region;
import dev.warden.eim.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pointer fields a class's grants reach through, read off the policy: {@code read(*r->hdr)}
 * and {@code read(r->hdr->name)} go through {@code r->hdr}; {@code read(*r->hdr->next)} through
 * {@code r->hdr} and then {@code r->hdr->next}. One object per pointer path the policy names, so
 * the set is finite even for a self-referential struct (only the paths written are followed).
 */
final class PointerPaths {
    private PointerPaths() {}

    /**
     * One pointer path: the pointer at {@code offset} of the object {@code parent} points to
     * (the argument's name for its pointee, or another pointer path), pointing to a {@code pointee}.
     */
    record Link(String path, String parent, long offset, CType pointee) {}

    /** Every pointer path of the class's argument grants, each after the path it is reached through; in policy order. */
    static List<Link> of(Types types, Grants grants) {
        Map<String, Link> out = new LinkedHashMap<>();
        for (Grants.ArgumentGrant g : grants.arguments()) {
            Optional<Path> base = g.span().basePath();
            if (base.isEmpty() || base.get().steps().isEmpty()) {
                continue; // the argument's own pointee: no field is followed
            }
            grants.entry().prototype().parameter(base.get().root())
                    .ifPresent(p -> add(types, p.type(), base.get(), out));
        }
        return List.copyOf(out.values());
    }

    private static boolean add(Types types, CType rootType, Path path, Map<String, Link> out) {
        if (out.containsKey(path.toString())) {
            return true;
        }
        Optional<Region> holder = types.region(path, rootType, Types.RootKind.ARGUMENT, Types.Problems.NONE);
        Optional<CType> type = types.accessedType(path, rootType, Types.RootKind.ARGUMENT);
        if (holder.isEmpty() || type.isEmpty() || !(types.layout().resolve(type.get()) instanceof CType.Pointer p)
                || holder.get().size() != PointerField.SIZE) {
            return false;
        }
        if (!holder.get().base().equals(path.root())) {
            Optional<Path> parent = Path.parse(holder.get().base());
            if (parent.isEmpty() || !add(types, rootType, parent.get(), out)) {
                return false;
            }
        }
        out.put(path.toString(), new Link(path.toString(), holder.get().base(), holder.get().offset(), p.target()));
        return true;
    }
}
