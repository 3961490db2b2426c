/*
 * Helpers that move or resize the packet (bpf_xdp_adjust_head, bpf_xdp_adjust_tail,
 * bpf_skb_pull_data, ...: the kernel's bpf_helper_changes_pkt_data) void every packet pointer and
 * every proved packet length: the program must reload data and data_end and check again. A
 * pointer kept across the call may point before the new start or past the new end, or, where the
 * helper reallocates (skb), into freed memory.
 */
#include "bpf_test.h"

static long (*bpf_xdp_adjust_head)(struct xdp_md *ctx, int delta) = (void *) BPF_FUNC_xdp_adjust_head;
static long (*bpf_xdp_adjust_tail)(struct xdp_md *ctx, int delta) = (void *) BPF_FUNC_xdp_adjust_tail;
static long (*bpf_skb_pull_data)(struct __sk_buff *skb, __u32 len) = (void *) BPF_FUNC_skb_pull_data;

/* Strips a 14-byte header, then reloads the pointers and checks the new first byte. */
SEC("xdp")
int adjust_head_reloaded(struct xdp_md *ctx) // EXPECT: accept
{
	__u8 *p = XDP_DATA(ctx);

	if ((void *)(p + 14) > XDP_END(ctx))
		return XDP_PASS;
	if (bpf_xdp_adjust_head(ctx, 14))
		return XDP_DROP;
	p = XDP_DATA(ctx);
	if ((void *)(p + 1) > XDP_END(ctx))
		return XDP_DROP;
	return p[0] == 6 ? XDP_DROP : XDP_PASS;
}

/* Twin: the pointer from before the call now points before the packet's new start. */
SEC("xdp")
int adjust_head_stale_pointer(struct xdp_md *ctx) // EXPECT: reject type
{
	__u8 *p = XDP_DATA(ctx);

	if ((void *)(p + 14) > XDP_END(ctx))
		return XDP_PASS;
	if (bpf_xdp_adjust_head(ctx, 14))
		return XDP_DROP;
	return p[13] == 6 ? XDP_DROP : XDP_PASS; // BUG: type
}

/* Twin: 64 bytes were checked, then the tail shrank by 32: byte 40 is no longer known to exist. */
SEC("xdp")
int adjust_tail_stale_length(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	__u8 *p = XDP_DATA(ctx);

	if ((void *)(p + 64) > XDP_END(ctx))
		return XDP_PASS;
	if (bpf_xdp_adjust_tail(ctx, -32))
		return XDP_DROP;
	p = XDP_DATA(ctx);
	return p[40] == 6 ? XDP_DROP : XDP_PASS; // BUG: valid_access
}

/* Twin: bpf_skb_pull_data may reallocate the skb's data; the old pointer may point into freed memory. */
SEC("tc")
int skb_pull_stale_pointer(struct __sk_buff *skb) // EXPECT: reject type
{
	__u8 *p = (void *)(long)skb->data;

	if ((void *)(p + 14) > (void *)(long)skb->data_end)
		return 0;
	if (bpf_skb_pull_data(skb, 34))
		return 2;
	return p[12] == 8 ? 1 : 0; // BUG: type
}

char _license[] SEC("license") = "GPL";
