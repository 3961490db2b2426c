/*
 * Known kernel false rejection: a loop of a few thousand iterations with an undecided branch.
 *
 * Why the kernel fails: it verifies loops by unrolling them along one path at a time. Every
 * iteration reaches a branch it cannot decide (it depends on map contents) and pushes the other
 * direction as a pending state; the loop counter differs in every iteration, so no state prunes
 * another. After 8192 pending states it stops: "The sequence of 8193 jumps is too complex"
 * (BPF_COMPLEXITY_LIMIT_JMP_SEQ), long before the 1,000,000-instruction limit.
 * Why Warden can succeed: it joins the two directions at their merge point and widens the counter
 * at the loop head ([0, 9000] with the comparison constant as threshold), so the body is analysed
 * a handful of times; the loop bound times the body (about 9000 x 20 instructions) stays under
 * the 1,000,000 executed instructions it also enforces.
 */
#include "kfr_common.h"

SEC("xdp")
int kfr_long_loop(struct xdp_md *ctx) // EXPECT: accept
{
	struct slots *v = kfr_value();
	__u32 sum = 0;

	if (!v)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (__u64 i = 0; i < 9000; i++) {
		asm volatile("" : "+r"(i)); /* keeps "i < 9000" (clang would test i + 1 == 9000 on a copy) */
		if (v->slot[i & 15] & 1)
			sum += v->slot[(i >> 4) & 15];
		else
			sum ^= i;
	}
	return sum & 1 ? XDP_DROP : XDP_PASS;
}

/* Twin: the second index runs one past the array. */
SEC("xdp")
int kfr_long_loop_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	struct slots *v = kfr_value();
	__u32 sum = 0;

	if (!v)
		return XDP_PASS;
#pragma clang loop unroll(disable)
	for (__u64 i = 0; i < 9000; i++) {
		asm volatile("" : "+r"(i)); /* keeps "i < 9000" (clang would test i + 1 == 9000 on a copy) */
		if (v->slot[i & 15] & 1)
			sum += v->slot[((i >> 4) & 15) + 1]; // BUG: valid_access
		else
			sum ^= i;
	}
	return sum & 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
