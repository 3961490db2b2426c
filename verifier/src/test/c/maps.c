/* Map lookups with and without null checks, and bounds inside a map value. */
#include "bpf_test.h"

struct counters {
	__u64 packets;
	__u32 slots[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct counters);
} by_port SEC(".maps");

/* The packet's first byte picks the key; the lookup result is checked before use. */
SEC("xdp")
int map_null_checked(struct xdp_md *ctx) // EXPECT: accept
{
	__u32 key = ctx->ingress_ifindex;
	struct counters *c = bpf_map_lookup_elem(&by_port, &key);

	if (!c)
		return XDP_PASS;
	c->packets++;
	return XDP_PASS;
}

/* Twin: the lookup may return NULL and nothing checks it. */
SEC("xdp")
int map_null_unchecked(struct xdp_md *ctx) // EXPECT: reject non_null
{
	__u32 key = ctx->ingress_ifindex;
	struct counters *c = bpf_map_lookup_elem(&by_port, &key);

	c->packets++; // BUG: non_null
	return XDP_PASS;
}

/* A slot index from the packet, bounded by an unsigned comparison with the array length. */
SEC("xdp")
int map_value_bounded(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u32 key = 0;
	struct counters *c;
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	c = bpf_map_lookup_elem(&by_port, &key);
	if (!c)
		return XDP_PASS;
	__u32 i = *p;
	if (i < 16)
		c->slots[i] += 1;
	return XDP_PASS;
}

/* Twin: the comparison admits index 16, one past the array (and past the value's end). */
SEC("xdp")
int map_value_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u32 key = 0;
	struct counters *c;
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	c = bpf_map_lookup_elem(&by_port, &key);
	if (!c)
		return XDP_PASS;
	__u32 i = *p;
	if (i <= 16)
		c->slots[i] += 1; // BUG: valid_access
	return XDP_PASS;
}

/* Twin: a signed index checked only from above may be negative. */
SEC("xdp")
int map_value_negative(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u32 key = 0;
	struct counters *c;
	__s8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	c = bpf_map_lookup_elem(&by_port, &key);
	if (!c)
		return XDP_PASS;
	int i = *p;
	if (i < 16)
		c->slots[i] += 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
