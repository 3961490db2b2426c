/*
 * Array lookups with a constant key below max_entries cannot fail (every index of an array exists
 * from its creation and cannot be deleted), so their result needs no NULL check: Linux does the
 * same since 6.13. Hash maps, keys at or past max_entries and keys that are not constants still
 * need the check.
 */
#include "bpf_test.h"

struct config {
	__u32 mode;
	__u32 limit;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct config);
} config_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} percpu_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct config);
} config_hash SEC(".maps");

/* The libbpf-tools idiom: __u32 zero = 0, and the value used at once. */
SEC("xdp")
int array_zero_key(struct xdp_md *ctx) // EXPECT: accept
{
	__u32 zero = 0;
	struct config *c = bpf_map_lookup_elem(&config_array, &zero);

	return c->mode == 1 ? XDP_DROP : XDP_PASS;
}

/* The last index of a per-CPU array, written through. */
SEC("xdp")
int percpu_array_last_key(struct xdp_md *ctx) // EXPECT: accept
{
	__u32 last = 3;
	__u64 *n = bpf_map_lookup_elem(&percpu_counters, &last);

	*n += 1;
	return XDP_PASS;
}

/* Twin: index 4 of a 4-entry array does not exist, the lookup gives NULL. */
SEC("xdp")
int array_key_past_end(struct xdp_md *ctx) // EXPECT: reject non_null
{
	__u32 past = 4;
	__u64 *n = bpf_map_lookup_elem(&percpu_counters, &past);

	*n += 1; // BUG: non_null
	return XDP_PASS;
}

/* Twin: a hash map may hold no entry for any key. */
SEC("xdp")
int hash_zero_key(struct xdp_md *ctx) // EXPECT: reject non_null
{
	__u32 zero = 0;
	struct config *c = bpf_map_lookup_elem(&config_hash, &zero);

	return c->mode == 1 ? XDP_DROP : XDP_PASS; // BUG: non_null
}

/* Twin: a key from the context is not known to be below max_entries. */
SEC("xdp")
int array_key_from_ctx(struct xdp_md *ctx) // EXPECT: reject non_null
{
	__u32 key = ctx->rx_queue_index;
	struct config *c = bpf_map_lookup_elem(&config_array, &key);

	return c->mode == 1 ? XDP_DROP : XDP_PASS; // BUG: non_null
}

char _license[] SEC("license") = "GPL";
