/*
 * A stack pointer whose offset differs by path (verifier.md pattern 3). The privileged kernel
 * accepts this (it verifies each path with a constant offset, and reads through a variable offset
 * when every byte is initialised); unprivileged, it forbids variable stack offsets outright.
 * Warden joins the paths: the pointer is fp-24 + {0, 8}, every byte it may touch is initialised
 * and inside the frame.
 */
#include "bpf_test.h"

SEC("xdp")
int stack_var_offset(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u64 buf[3] = { 1, 2, 3 };
	__u64 shift = 0;

	if (data + 1 > end)
		return XDP_PASS;
	if (*(__u8 *)data & 1)
		shift = 8;
	asm volatile("" : "+r"(shift));
	__u64 *p = (__u64 *)((char *)buf + shift);
	asm volatile("" : "+r"(p), "+m"(buf));
	return p[1] == 3 ? XDP_DROP : XDP_PASS;
}

/* Twin: one path's offset puts the 8-byte read past the end of the frame. */
SEC("xdp")
int stack_var_offset_past_frame(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u64 buf[3] = { 1, 2, 3 };
	__u64 shift = 0;

	if (data + 1 > end)
		return XDP_PASS;
	if (*(__u8 *)data & 1)
		shift = 12;
	asm volatile("" : "+r"(shift));
	__u64 *p = (__u64 *)((char *)buf + shift);
	asm volatile("" : "+r"(p), "+m"(buf));
	return p[2] == 3 ? XDP_DROP : XDP_PASS; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
