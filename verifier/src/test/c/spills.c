/* Spills: pointers and scalars stored to the stack and read back (volatile forces the round trip). */
#include "bpf_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32[16]);
} table SEC(".maps");

/* A checked packet pointer survives a 64-bit spill and fill with its type and its range. */
SEC("xdp")
int spill_packet_pointer(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);

	if (data + 4 > end)
		return XDP_PASS;
	void *volatile slot = data;
	__u8 *p = slot;
	return p[3] == 0xff ? XDP_DROP : XDP_PASS;
}

/* Twin: one byte of the spilled pointer is overwritten; what comes back is not a pointer. */
SEC("xdp")
int spill_pointer_clobbered(struct xdp_md *ctx) // EXPECT: reject type
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	volatile union {
		void *ptr;
		__u8 bytes[8];
	} slot;

	if (data + 4 > end)
		return XDP_PASS;
	slot.ptr = data;
	slot.bytes[0] = 0;
	__u8 *p = slot.ptr;
	return p[3] == 0xff ? XDP_DROP : XDP_PASS; // BUG: type
}

/* A bounded index spilled as 32 bits and filled back keeps its bound. */
SEC("xdp")
int spill_narrow_scalar(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u32 key = 0;
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	__u32 *slots = bpf_map_lookup_elem(&table, &key);
	if (!slots)
		return XDP_PASS;
	__u32 i = *p;
	if (i > 15)
		return XDP_PASS;
	volatile __u32 idx = i;
	slots[idx] = 1;
	return XDP_PASS;
}

/* Twin: the spilled index may be 16. */
SEC("xdp")
int spill_narrow_scalar_too_big(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u32 key = 0;
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	__u32 *slots = bpf_map_lookup_elem(&table, &key);
	if (!slots)
		return XDP_PASS;
	__u32 i = *p;
	if (i > 16)
		return XDP_PASS;
	volatile __u32 idx = i;
	slots[idx] = 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
