package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import java.util.List;

/**
 * A map whose values a program cannot address here: perf event arrays, device and socket maps,
 * and every type the runtime does not model. Lookups find
 * nothing (the kernel also returns NULL for most of these), updates and deletes fail with
 * {@code -EOPNOTSUPP}. The helpers that use such maps ({@code bpf_perf_event_output},
 * {@code bpf_redirect_map}) accept the map and do what
 * {@link LinuxHelpers} documents.
 */
final class OpaqueMap extends LinuxMap {
    OpaqueMap(BpfMap m) {
        super(m);
    }

    @Override
    long lookup(byte[] key, int cpu) {
        return 0;
    }

    @Override
    long update(byte[] key, byte[] value, long flags, int cpu) {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    long delete(byte[] key) {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    void reset() {}

    @Override
    List<MapEntry> entries() {
        return List.of();
    }

    @Override
    boolean hasValues() {
        return false;
    }
}
