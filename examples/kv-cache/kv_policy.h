/*
 * What both versions of the cache policy share: the layouts of kv-cache.eim, the maps (the same
 * names and definitions in both, so that a hot reload keeps their contents), the host's
 * functions and variable, and the counters.
 */
#include "eim.h"

#define BPF_ANY 0 /* bpf_map_update_elem: create or replace (eim.h does not define the flags) */

struct Access {
	u64 key_hash;
	u32 size;
	u32 op;
	u32 version;
	u32 reserved;
};

struct CacheConfig {
	u64 capacity_bytes;
	u32 max_item_size;
	u32 reserved;
};

/* A key's statistics, read by the host to pick eviction victims. */
struct KeyStats {
	u64 hits;           /* gets that hit since the key was stored */
	u64 last_access_ms; /* host_now_millis() at the last get or put */
	u64 size;           /* the value's bytes */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, struct KeyStats);
} key_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} counters SEC(".maps");

extern struct CacheConfig cache_config __ksym;
extern u64 host_now_millis(void) __ksym;
extern u64 host_memory_used(void) __ksym;

enum { OP_GET_HIT = 0, OP_GET_MISS = 1, OP_PUT = 2 };
enum { ADMIT = 0, REJECT = 1, ADMIT_AFTER_EVICTION = 2 };

/* counters' indexes (the host reads them by these numbers: KvCache.Counter). */
enum {
	C_GETS, C_HITS, C_MISSES, C_PUTS, C_ADMITTED, C_REJECTED, C_EVICTIONS_ASKED,
	C_VERSION_1_CALLS, C_VERSION_2_CALLS
};

/* Counts with an atomic add: four host threads invoke at once and every count must add up. */
static __attribute__((always_inline)) void count(u32 index)
{
	u64 *c = bpf_map_lookup_elem(&counters, &index);

	if (c)
		__sync_fetch_and_add(c, 1);
}

/* A hit: one more hit for the key, and its time. */
static __attribute__((always_inline)) void touch(u64 hash)
{
	struct KeyStats *s = bpf_map_lookup_elem(&key_stats, &hash);

	if (s) {
		__sync_fetch_and_add(&s->hits, 1);
		s->last_access_ms = host_now_millis();
	}
}

/*
 * What both versions do first: say which version answers (the host reads Access.version back),
 * count the call, and count a get, a hit with the key's statistics. Returns 1 for a put, 0 for a get.
 */
static __attribute__((always_inline)) int begin(struct Access *a, u32 version, u32 calls_counter)
{
	a->version = version;
	count(calls_counter);
	if (a->op == OP_PUT) {
		count(C_PUTS);
		return 1;
	}
	count(C_GETS);
	if (a->op == OP_GET_MISS) {
		count(C_MISSES);
	} else {
		count(C_HITS);
		touch(a->key_hash);
	}
	return 0;
}

/* An admitted put: ADMIT, or ADMIT_AFTER_EVICTION when the value does not fit beside what is stored. */
static __attribute__((always_inline)) int admit(u64 hash, u32 size)
{
	struct KeyStats fresh = { 0, host_now_millis(), size };

	bpf_map_update_elem(&key_stats, &hash, &fresh, BPF_ANY);
	count(C_ADMITTED);
	if (host_memory_used() + size > cache_config.capacity_bytes) {
		count(C_EVICTIONS_ASKED);
		return ADMIT_AFTER_EVICTION;
	}
	return ADMIT;
}
