/*
 * Two patterns of verifier.md's list that the kernel rejects and that Warden's domains (tnum,
 * intervals, joins, linked copies) cannot prove alone: the information needed is relational or
 * path-sensitive. Warden's Z3 step (the obligation over the path suffixes that reach it, with the
 * stable invariants as preconditions, BCF-style) proves both, so they are expected to verify;
 * each has an unsafe twin below that the Z3 step must not discharge.
 */
#include "kfr_common.h"

/*
 * A copy is shifted, the copy bounded, the original used: from (i >> 2) <= 3 follows i <= 15 for
 * an unsigned i, but after the shift nothing links the two registers. The kernel (a shift gives a
 * fresh id) and an interval analysis both lose it; the Z3 query over the path (i >> 2 <= 3 implies
 * i <= 15) proves it.
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

/*
 * Correlated branches: ok is 1 exactly when i < 16, and the access happens only when ok is set.
 * The kernel verifies each path separately and accepts this small case, but with many such flags
 * it runs out of its budget (see kfr_path_explosion); Warden joins the two paths after the first
 * branch, where ok is [0, 1] and i is unbounded, so the access is not provable by the domains.
 * The Z3 query over the paths reaching the access (ok != 0 only on the path where i < 16)
 * proves it.
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

/* Unsafe twin: copy <= 4 allows i up to 19, past the 16 slots. */
SEC("xdp")
int kfr_shifted_copy_unsafe(struct xdp_md *ctx) // EXPECT: reject valid_access
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

/* Unsafe twin: the flag is set for i <= 16, one slot too many. */
SEC("xdp")
int kfr_correlated_branches_unsafe(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__u64 ok = 0;

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u64 i = *(__u8 *)data;
	if (i <= 16)
		ok = 1;
	asm volatile("" : "+r"(ok));
	if (ok)
		v->slot[i] = 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
