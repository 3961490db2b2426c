/*
 * Two patterns of verifier.md's list that Warden's domains (tnum, intervals, joins, linked
 * copies) cannot prove: the information needed is relational or path-sensitive. Warden proves
 * them in its second step, where an obligation the domains leave open goes to Z3 with the
 * condition of the paths that reach it (BCF-style). Each has an unsafe twin that Z3 must refute.
 */
#include "kfr_common.h"

/*
 * A copy is shifted, the copy bounded, the original used: from (i >> 2) <= 3 follows i <= 15 for
 * an unsigned i, but after the shift nothing links the two registers. The kernel (a shift gives a
 * fresh id: "R0 max value is outside of the allowed memory range" on Linux 6.18.44) and an
 * interval analysis both lose it; the Z3 query over the path (i >> 2 <= 3 implies i <= 15)
 * proves it.
 */
SEC("xdp")
int kfr_shifted_copy(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__u64 copy;

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u64 i = *(__u8 *)data;
	asm volatile("%0 = %1\n\t%0 >>= 2" : "=r"(copy) : "r"(i));
	if (copy > 3)
		return XDP_PASS;
	v->slot[i] = 1;
	return XDP_PASS;
}

/* Twin: (i >> 2) <= 4 lets i reach 19. */
SEC("xdp")
int kfr_shifted_copy_too_wide(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__u64 copy;

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u64 i = *(__u8 *)data;
	asm volatile("%0 = %1\n\t%0 >>= 2" : "=r"(copy) : "r"(i));
	if (copy > 4)
		return XDP_PASS;
	v->slot[i] = 1; // BUG: valid_access
	return XDP_PASS;
}

/*
 * Correlated branches: ok is 1 exactly when i < 16, and the access happens only when ok is set.
 * The kernel verifies each path separately and accepts this small case (Linux 6.18.44 does), but
 * with many such flags it runs out of its budget (see kfr_path_explosion); Warden joins the two
 * paths after the first branch, where ok is [0, 1] and i is unbounded, so the domains cannot
 * prove the access; the Z3 query over the paths reaching it (ok != 0 only where i < 16) does.
 */
SEC("xdp")
int kfr_correlated_branches(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__u64 ok = 0;

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u64 i = *(__u8 *)data;
	if (i < 16)
		ok = 1;
	asm volatile("" : "+r"(ok)); /* keeps the flag: clang would fold it into the branch */
	if (ok)
		v->slot[i] = 1;
	return XDP_PASS;
}

/* Twin: the flag is also set for i = 16. */
SEC("xdp")
int kfr_correlated_branches_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__u64 ok = 0;

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u64 i = *(__u8 *)data;
	if (i < 17)
		ok = 1;
	asm volatile("" : "+r"(ok));
	if (ok)
		v->slot[i] = 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
