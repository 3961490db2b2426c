package dev.warden.isa.elf;

/** Names of the kernel's {@code enum bpf_map_type} values, in their numeric order. */
public final class MapType {
    private MapType() {}

    public static final int HASH = 1;
    public static final int ARRAY = 2;

    private static final String[] NAMES = {
        "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array",
        "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps",
        "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage",
        "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
        "struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
        "cgrp_storage", "arena"
    };

    /** The name bpftool prints for a map type, or {@code type N} for one this table does not know. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type " + Integer.toUnsignedString(type);
    }
}
