package dev.warden.runtime.kernel;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.BtfType;
import dev.warden.isa.elf.MapKind;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a BTF-declared map's value holds a {@code struct bpf_spin_lock} or a {@code struct bpf_timer}
 * (a member of the value struct), read from the object's BTF: the kernel lets a program take the
 * lock or use the timer only in a map created with BTF that says so ({@link KernelMaps} then gives
 * it {@link MinimalBtf}).
 */
final class SpinLockFields {
    private SpinLockFields() {}

    /** The byte offset of the spin lock in {@code map}'s value, if it has one. */
    static OptionalInt offset(BpfObject object, BpfMap map) {
        return offset(object, map, "bpf_spin_lock");
    }

    /** The byte offset of the {@code struct bpf_timer} in {@code map}'s value, if it has one. */
    static OptionalInt timerOffset(BpfObject object, BpfMap map) {
        return offset(object, map, "bpf_timer");
    }

    /** The byte offset of a member of type {@code struct <structName>} in {@code map}'s value, if it has one. */
    private static OptionalInt offset(BpfObject object, BpfMap map, String structName) {
        if (map.kind() != MapKind.BTF || object.btf().isEmpty()) {
            return OptionalInt.empty();
        }
        Btf btf = object.btf().get();
        Optional<BtfType.Struct> value = btf.named(map.name(), BtfType.Var.class)
                .flatMap(v -> btf.resolve(v.type()))
                .flatMap(t -> t instanceof BtfType.Struct def ? def.members().stream().filter(m -> m.name().equals("value")).findFirst()
                        : Optional.empty())
                .flatMap(m -> btf.resolve(m.type()))
                .flatMap(t -> t instanceof BtfType.Ptr p ? btf.resolve(p.target()) : Optional.empty())
                .flatMap(t -> t instanceof BtfType.Struct s ? Optional.of(s) : Optional.empty());
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        for (BtfType.Member m : value.get().members()) {
            if (btf.resolve(m.type()).orElse(null) instanceof BtfType.Struct s && s.name().equals(structName)) {
                return OptionalInt.of((int) (m.bitOffset() / 8));
            }
        }
        return OptionalInt.empty();
    }
}
