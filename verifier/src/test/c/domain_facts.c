/*
 * verifier.md patterns 2 and 7: facts that live in one view of a value (its bits, its signed
 * reading) and are needed in another. (Pattern 5's 32-bit half needs jmp32, which clang's default
 * CPU for inline assembly lacks; its narrow-spill half is kfr_narrow_spills.c.) Old kernels rejected these;
 * since the bounds rework of 6.7/6.8 the kernel keeps its tnum and its signed and unsigned
 * ranges in sync and accepts them too, so they are not counted among the kernel's false
 * rejections (kfr_*.c). They test that Warden's reduced product does the same.
 */
#include "kfr_common.h"

/*
 * Pattern 2: x s>> 63 is 0 or -1; masked with 16 it is 0 or 16, which the tnum knows exactly
 * (only bit 4 unknown) while the interval says [0, 16]. The branch "0 < m < 16" is infeasible:
 * the interval alone cannot tell, the tnum meet with [1, 15] is empty.
 */
SEC("xdp")
int bits_rule_out_a_path(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__s64 m;

	if (!v || data + 8 > end)
		return XDP_PASS;
	m = *(__s64 *)data;
	asm volatile("%0 s>>= 63\n\t%0 &= 16" : "+r"(m));
	if (m > 0 && m < 16)
		v->slot[m * 100] = 1; /* never runs */
	return XDP_PASS;
}

/* Twin: masked with 24 the value may be 8, so the out-of-bounds store can run. */
SEC("xdp")
int bits_rule_out_a_path_wrong_mask(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__s64 m;

	if (!v || data + 8 > end)
		return XDP_PASS;
	m = *(__s64 *)data;
	asm volatile("%0 = 0\n\tif %1 s> 0 goto +1\n\t%0 = 8" : "=&r"(m) : "r"(m));
	if (m > 0 && m < 16)
		v->slot[m * 100] = 1; // BUG: valid_access
	return XDP_PASS;
}

/* Pattern 7: a signed check on a value known non-negative bounds it unsigned. */
SEC("xdp")
int signed_check_unsigned_use(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 2 > end)
		return XDP_PASS;
	__u64 i = *(__u16 *)data;
	asm volatile("if %0 s< 16 goto +1\n\t%0 = 0" : "+r"(i));
	v->slot[i] = 1;
	return XDP_PASS;
}

/* Twin: a signed check on a value that may be negative leaves huge unsigned offsets. */
SEC("xdp")
int signed_check_negative(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 2 > end)
		return XDP_PASS;
	__s64 i = *(__s16 *)data;
	asm volatile("if %0 s< 16 goto +1\n\t%0 = 0" : "+r"(i));
	v->slot[i] = 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
