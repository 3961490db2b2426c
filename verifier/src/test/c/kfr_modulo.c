/*
 * Known kernel false rejection: an index reduced with % by a constant.
 *
 * Why the kernel fails: it computes ranges for add, sub, mul, and, or, xor and shifts only; the
 * destination of a division or modulo becomes an unknown scalar (6.18 and earlier), so
 * x % 10 may be anything and the table access is rejected.
 * Why Warden can succeed: its interval domain has unsigned division and modulo; x % 10 for a
 * non-zero constant lies in [0, 9].
 */
#include "kfr_common.h"

SEC("xdp")
int kfr_modulo(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 4 > end)
		return XDP_PASS;
	__u32 d = 10;
	asm volatile("" : "+r"(d)); /* keeps a real BPF_MOD: clang would compute i - i / 10 * 10 */
	__u32 i = *(__u32 *)data % d;
	v->slot[i] += 1;
	return XDP_PASS;
}

/* Twin: x % 17 reaches 16, one past the 16 slots. */
SEC("xdp")
int kfr_modulo_too_large(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 4 > end)
		return XDP_PASS;
	__u32 d = 17;
	asm volatile("" : "+r"(d));
	__u32 i = *(__u32 *)data % d;
	v->slot[i] += 1; // BUG: valid_access
	return XDP_PASS;
}

/* Division: a byte divided by 16 is at most 15. */
SEC("xdp")
int kfr_division(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u32 b = *(__u8 *)data;
	__u32 d = 16;
	asm volatile("" : "+r"(d)); /* keep a real division (clang would shift) */
	v->slot[b / d] += 1;
	return XDP_PASS;
}

/* Twin: dividing by 15 reaches 17. */
SEC("xdp")
int kfr_division_too_large(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u32 b = *(__u8 *)data;
	__u32 d = 15;
	asm volatile("" : "+r"(d));
	v->slot[b / d] += 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
