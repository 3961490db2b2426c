/*
 * Version 1 of the cache policy (kv-cache.eim, class cachePolicy): admit every value up to the
 * configured maximum size; ask for an eviction when the value does not fit. Gets count hits.
 * Build: examples/kv-cache/build.sh (clang -target bpf).
 */
// POLICY: kv-cache.eim
#include "kv_policy.h"

SEC("eim/onAccess")
int on_access(struct Access *a)
{
	u64 hash = a->key_hash;
	u32 size = a->size;

	if (!begin(a, 1, C_VERSION_1_CALLS))
		return ADMIT;
	if (size > cache_config.max_item_size) {
		count(C_REJECTED);
		return REJECT;
	}
	return admit(hash, size);
}
