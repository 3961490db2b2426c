/*
 * Known kernel false rejections: a pointer stored with fewer than 8 bytes, and 4 bytes read from a
 * spilled pointer (clang does both when a pointer is hashed, or copied into a packed key).
 *
 * Why the kernel fails: it refuses a pointer store to the stack narrower than 8 bytes ("invalid
 * size of register spill") and a narrow read of a spilled pointer ("invalid size of register
 * fill"), for root as well. Neither is a memory-safety rule: root may turn pointers into numbers.
 * Why Warden can succeed: a narrow store of a pointer leaves plain bytes (docs/verifier.md), a
 * narrow read of a spilled pointer gives an unknown scalar; only a later dereference of such a
 * number is an error.
 */
#include "kfr_common.h"

/* The low half of the packet address picks the verdict (a stand-in for hashing a pointer). */
SEC("xdp")
int kfr_narrow_pointer_store(struct xdp_md *ctx) // EXPECT: accept
{
	volatile __u32 low;

	asm volatile("*(u32 *)(%1 + 0) = %0" :: "r"(XDP_DATA(ctx)), "r"(&low) : "memory");
	return low & 64 ? XDP_DROP : XDP_PASS;
}

/* Twin: the stored low half is used as a pointer again. */
SEC("xdp")
int kfr_narrow_pointer_store_used(struct xdp_md *ctx) // EXPECT: reject type
{
	volatile __u32 low;

	asm volatile("*(u32 *)(%1 + 0) = %0" :: "r"(XDP_DATA(ctx)), "r"(&low) : "memory");
	return *(__u8 *)(unsigned long)low == 1 ? XDP_DROP : XDP_PASS; // BUG: type
}

/* The low half of a spilled packet pointer read back as a number. */
SEC("xdp")
int kfr_narrow_pointer_fill(struct xdp_md *ctx) // EXPECT: accept
{
	volatile union {
		void *ptr;
		__u32 half[2];
	} u;

	u.ptr = XDP_DATA(ctx);
	return u.half[0] & 64 ? XDP_DROP : XDP_PASS;
}

/* Twin: half of the spilled pointer is overwritten, then the whole slot is used as a pointer. */
SEC("xdp")
int kfr_narrow_pointer_fill_clobbered(struct xdp_md *ctx) // EXPECT: reject type
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	volatile union {
		void *ptr;
		__u32 half[2];
	} u;

	if (data + 1 > end)
		return XDP_PASS;
	u.ptr = data;
	u.half[0] = u.half[0] + 1;
	return *(__u8 *)u.ptr == 1 ? XDP_DROP : XDP_PASS; // BUG: type
}

char _license[] SEC("license") = "GPL";
