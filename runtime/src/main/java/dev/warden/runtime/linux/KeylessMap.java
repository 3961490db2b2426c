package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;

/**
 * A map a program reaches through its own helpers, never by key: queues and stacks (push, pop,
 * peek), ring buffers (reserve, output) and program arrays (tail calls). As in Linux, a key lookup
 * finds nothing and a key update or delete fails with {@code -EINVAL}.
 */
abstract sealed class KeylessMap extends LinuxMap permits QueueStackMap, RingBufMap, ProgArrayMap {
    KeylessMap(BpfMap declaration) {
        super(declaration);
    }

    @Override
    final long lookup(byte[] key, int cpu) {
        return 0;
    }

    @Override
    final long update(byte[] key, byte[] value, long flags, int cpu) {
        return -Errno.EINVAL;
    }

    @Override
    final long delete(byte[] key) {
        return -Errno.EINVAL;
    }
}
