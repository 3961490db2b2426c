/*
 * Version 2 of the cache policy (kv-cache.eim, class cachePolicy): a doorkeeper, as TinyLFU's.
 * A put is admitted only for a key the policy has seen before (a get that missed it, or an
 * earlier put); the first put of a key nobody asked for is remembered and rejected. Size limit
 * and eviction as in version 1. Build: examples/kv-cache/build.sh (clang -target bpf).
 */
// POLICY: kv-cache.eim
#include "kv_policy.h"

/* Remembers a key that was asked for or offered, with no hits, so that its next put is admitted. */
static __attribute__((always_inline)) void remember(u64 hash)
{
	struct KeyStats seen = { 0, host_now_millis(), 0 };

	bpf_map_update_elem(&key_stats, &hash, &seen, BPF_ANY);
}

SEC("eim/onAccess")
int on_access(struct Access *a)
{
	u64 hash = a->key_hash;
	u32 size = a->size;
	u32 op = a->op;

	if (!begin(a, 2, C_VERSION_2_CALLS)) {
		if (op == OP_GET_MISS && !bpf_map_lookup_elem(&key_stats, &hash))
			remember(hash);
		return ADMIT;
	}
	if (size > cache_config.max_item_size) {
		count(C_REJECTED);
		return REJECT;
	}
	if (!bpf_map_lookup_elem(&key_stats, &hash)) {
		remember(hash);
		count(C_REJECTED);
		return REJECT;
	}
	return admit(hash, size);
}
