/* Bounded loops over a map value, and loops the verifier must refuse. */
#include "bpf_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32[64]);
} samples SEC(".maps");

/* Sums the 64 slots of the value; the loop is kept (not unrolled) so that the verifier sees a back edge. */
SEC("xdp")
int loop_sum(struct xdp_md *ctx) // EXPECT: accept
{
	__u32 key = 0, sum = 0;
	__u32 *v = bpf_map_lookup_elem(&samples, &key);

	if (!v)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < 64; i++)
		sum += v[i];
	return sum > 1000 ? XDP_DROP : XDP_PASS;
}

/* Twin: the loop runs once too often and reads the slot after the value. */
// GAP loop_sum_off_by_one: the == N exit also gives a false bounded_loop alarm beside the real violation
SEC("xdp")
int loop_sum_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	__u32 key = 0, sum = 0;
	__u32 *v = bpf_map_lookup_elem(&samples, &key);

	if (!v)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i <= 64; i++)
		sum += v[i]; // BUG: valid_access
	return sum > 1000 ? XDP_DROP : XDP_PASS;
}

/* A loop whose trip count comes from the packet, capped by the array length. */
SEC("xdp")
int loop_packet_count(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u32 key = 0, sum = 0;
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	__u32 n = *p;
	__u32 *v = bpf_map_lookup_elem(&samples, &key);
	if (!v)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < n && i < 64; i++)
		sum += v[i];
	return sum > 1000 ? XDP_DROP : XDP_PASS;
}

/* Twin: stepping by two towards an odd bound never meets it; the loop need not terminate. */
SEC("xdp")
int loop_may_not_terminate(struct xdp_md *ctx) // EXPECT: reject bounded_loop
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u32 key = 0, sum = 0;
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	__u32 n = *p;
	__u32 *v = bpf_map_lookup_elem(&samples, &key);
	if (!v)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i != n; i += 2)
		sum += v[i & 63]; // BUG: bounded_loop (clang rotates the loop: its head is the body's first instruction)
	return sum > 1000 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
