package dev.warden.verifier.transfer;

import dev.warden.isa.elf.BpfMap;
import dev.warden.verifier.platform.MapLookup;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Spill;
import dev.warden.verifier.state.StackByte;
import dev.warden.verifier.state.Value;
import java.util.OptionalLong;

/**
 * Array lookups that cannot fail: {@code bpf_map_lookup_elem} on an array or per-CPU array whose
 * key, read from the stack, is a known constant below {@code max_entries} returns a value (every
 * index of an array exists from its creation and none can be deleted). Linux does the same since
 * 6.13 ({@code can_elide_value_nullness}), so {@code __u32 zero = 0; v = lookup(&cfg, &zero);}
 * may be used without a NULL check. Only stack keys are looked at, as in the kernel.
 */
final class ConstantKey {
    private ConstantKey() {}

    static final int MAP_LOOKUP_ELEM = 1;

    /** Whether the lookup of helper {@code id} in {@code map}, with the key {@code key} points to in {@code s}, surely finds a value. */
    static boolean surelyFound(Env env, AbstractState s, int id, BpfMap map, Value key) {
        if (id != MAP_LOOKUP_ELEM || map.keySize() != 4
                || env.platform().mapType(map.type()).map(m -> m.lookup() != MapLookup.INDEXED_VALUE).orElse(true)) {
            return false;
        }
        OptionalLong k = stackConstant(s, key, 4);
        return k.isPresent() && k.getAsLong() < Math.min(map.maxEntries(), MapLookup.CONSTANT_KEY_LIMIT);
    }

    /**
     * The unsigned little-endian value of the {@code size} bytes {@code key} points to, when it is
     * a stack pointer at a constant offset and every byte is known: a zeroed byte, or a byte of a
     * constant spilled there (kept truncated to its store's width).
     */
    private static OptionalLong stackConstant(AbstractState s, Value key, int size) {
        if (!(key instanceof Value.Ptr p) || p.kind() != PtrKind.STACK || p.maybeNull() || !p.off().isConstant()) {
            return OptionalLong.empty();
        }
        long at = p.off().tnum().value() + Frame.STACK_SIZE;
        if (at < 0 || at + size > Frame.STACK_SIZE) {
            return OptionalLong.empty();
        }
        Frame f = s.frame(p.region());
        long value = 0;
        for (int k = 0; k < size; k++) {
            int i = (int) at + k;
            Object cell = f.stackAt(i);
            long b;
            if (cell == StackByte.ZERO) {
                b = 0;
            } else if (cell instanceof Spill sp && sp.value() instanceof Value.Num n && n.scalar().isConstant()) {
                b = (n.scalar().tnum().value() >>> (8 * (i - sp.start()))) & 0xff;
            } else {
                return OptionalLong.empty();
            }
            value |= b << (8 * k);
        }
        return OptionalLong.of(value);
    }
}
