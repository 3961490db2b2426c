/*
 * Known kernel false rejection: many independent branches that each add to one offset.
 *
 * Why the kernel fails: it explores paths one at a time and prunes a path only when its state is
 * contained in one already verified. The offset is used for an access, so the kernel tracks it
 * precisely, and each of the 2^18 combinations of branches gives a different value: no path
 * prunes another and it stops at 1,000,000 processed instructions ("BPF program is too large").
 * Why Warden can succeed: it joins at every merge point; after k branches the offset is a value
 * in [0, 2^k) (tnum: the low k bits unknown), and the hashed index (a 32-bit product shifted right by 28; clang
 * would drop the branches if a mask made the high bits irrelevant) is in [0, 15], whatever the
 * offset; the program is analysed in time linear in its length.
 */
#include "kfr_common.h"

#define STEP(k) if (v->slot[(k) & 15] > 100 + (k)) off += 1u << (k);

SEC("xdp")
int kfr_path_explosion(struct xdp_md *ctx) // EXPECT: accept
{
	struct slots *v = kfr_value();
	__u32 off = 0;

	if (!v)
		return XDP_PASS;
	STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7) STEP(8)
	STEP(9) STEP(10) STEP(11) STEP(12) STEP(13) STEP(14) STEP(15) STEP(16) STEP(17)
	v->slot[(off * 2654435761u) >> 28] += 1;
	return XDP_PASS;
}

/* Twin: a shift by 27 leaves 32 possible slots. */
SEC("xdp")
int kfr_path_explosion_wide_hash(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	struct slots *v = kfr_value();
	__u32 off = 0;

	if (!v)
		return XDP_PASS;
	STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7) STEP(8)
	STEP(9) STEP(10) STEP(11) STEP(12) STEP(13) STEP(14) STEP(15) STEP(16) STEP(17)
	v->slot[(off * 2654435761u) >> 27] += 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
