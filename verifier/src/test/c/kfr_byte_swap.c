/*
 * A range through a byte swap (ntohs of a port, then a shift). Kernels without range tracking
 * for BPF_END made the destination of a byte swap an unknown 64-bit scalar and rejected this;
 * Linux 6.18.44 (measured here, through KernelOracle) accepts it, so it is not counted among the
 * kernel's false rejections.
 * Why Warden succeeds: a 16-bit byte swap zero-extends, so its result lies in [0, 65535]
 * whatever the input (and a tnum can even permute the known bits); shifted right by 12 it is in
 * [0, 15]. The swap is written in assembly: clang would otherwise fold it into the shift.
 */
#include "kfr_common.h"

SEC("xdp")
int kfr_byte_swap(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 2 > end)
		return XDP_PASS;
	__u64 port = *(__u16 *)data;
	asm volatile("%0 = be16 %0" : "+r"(port));
	v->slot[port >> 12] += 1;
	return XDP_PASS;
}

/* Twin: shifting by 11 leaves 32 possible slots. */
SEC("xdp")
int kfr_byte_swap_short_shift(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 2 > end)
		return XDP_PASS;
	__u64 port = *(__u16 *)data;
	asm volatile("%0 = be16 %0" : "+r"(port));
	v->slot[port >> 11] += 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
