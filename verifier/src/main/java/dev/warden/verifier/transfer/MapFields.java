package dev.warden.verifier.transfer;

import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.BtfType;
import dev.warden.isa.elf.BpfMap;
import java.util.Optional;

/**
 * Special fields of a map's value (a {@code struct bpf_spin_lock}, a {@code struct bpf_timer}), found
 * as the kernel finds them: in the value type the object's BTF gives the map ({@code .maps}
 * declarations: the {@code value} member's pointee). The kernel's helpers treat these bytes as
 * kernel data (a lock word, a pointer to a timer), so a helper may be given only the field itself,
 * never other bytes of a value.
 */
final class MapFields {
    private MapFields() {}

    /** Whether the value of map {@code mapIndex} has a top-level member of {@code struct name} at byte {@code offset}. */
    static boolean isField(Env env, int mapIndex, long offset, String name) {
        Optional<BpfMap> map = env.map(mapIndex);
        Optional<Btf> btf = env.object().btf();
        if (map.isEmpty() || btf.isEmpty()) {
            return false;
        }
        Optional<Integer> valueType = valueType(btf.get(), map.get().name());
        if (valueType.isEmpty()) {
            return false;
        }
        Optional<BtfType> value = btf.get().resolve(valueType.get());
        if (value.isEmpty() || !(value.get() instanceof BtfType.Struct s)) {
            return false;
        }
        for (BtfType.Member m : s.members()) {
            if (m.bitfieldSize() == 0 && m.bitOffset() == 8 * offset
                    && btf.get().resolve(m.type()).filter(t -> t instanceof BtfType.Struct && t.name().equals(name)).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether map {@code mapIndex} is of a kind whose values Linux lets hold a {@code struct bpf_timer}:
     * hash (1), array (2), LRU hash (9); map creation fails with -EOPNOTSUPP for any other.
     */
    static boolean mayHoldTimer(Env env, int mapIndex) {
        return env.map(mapIndex).map(m -> m.type() == 1 || m.type() == 2 || m.type() == 9).orElse(false);
    }

    /** The BTF type of a {@code .maps} map's value: its declaration's {@code value} member points to it. */
    private static Optional<Integer> valueType(Btf btf, String mapName) {
        for (BtfType t : btf.types()) {
            if (t instanceof BtfType.Datasec d && d.name().equals(".maps")) {
                for (BtfType.SectionVar sv : d.vars()) {
                    Optional<BtfType> v = btf.byId(sv.type());
                    if (v.isPresent() && v.get() instanceof BtfType.Var var && var.name().equals(mapName)) {
                        Optional<BtfType> decl = btf.resolve(var.type());
                        if (decl.isPresent() && decl.get() instanceof BtfType.Struct st) {
                            for (BtfType.Member m : st.members()) {
                                if (m.name().equals("value")) {
                                    return btf.resolve(m.type()).filter(x -> x instanceof BtfType.Ptr)
                                            .map(x -> ((BtfType.Ptr) x).target());
                                }
                            }
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
