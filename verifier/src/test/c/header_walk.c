/*
 * An IPv6 extension-header walk (xdp-tutorial's skip_ip6hdrext, used by bpf-examples' pping and
 * nat64): each step checks the current header, reads the previous header's next-header byte, and
 * moves on by a length read from the packet (prev = cur; cur += len). The previous header was
 * checked as the current one a step earlier, by the same instructions: its proved range must
 * survive the next step's pointer made at the same pc (a site's "previous execution" id). The
 * loops are kept rolled, as -O1 and -Os builds keep them (-O2 unrolls this one).
 */
#include "bpf_test.h"
#include <linux/ipv6.h>

SEC("xdp")
int ipv6_ext_walk(struct xdp_md *ctx) // EXPECT: accept
{
	void *end = XDP_END(ctx);
	struct ipv6hdr *ip6 = XDP_DATA(ctx) + sizeof(struct ethhdr);
	__u8 *prev, *cur, type = 0;

	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	prev = &ip6->nexthdr;
	cur = (__u8 *)(ip6 + 1);
#pragma clang loop unroll(disable)
	for (int i = 0; i < 6; i++) {
		if ((void *)(cur + 2) > end)
			return XDP_PASS;
		type = *prev;
		if (type != 0 && type != 43 && type != 60)
			break;
		prev = cur;
		cur += (cur[1] + 1) * 8;
	}
	return type == 6 ? XDP_DROP : XDP_PASS;
}

/* Twin: only two bytes of each extension header were checked, the third is read. */
SEC("xdp")
int ipv6_ext_walk_past_check(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *end = XDP_END(ctx);
	struct ipv6hdr *ip6 = XDP_DATA(ctx) + sizeof(struct ethhdr);
	__u8 *prev, *cur, type = 0;

	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	prev = &ip6->nexthdr;
	cur = (__u8 *)(ip6 + 1);
#pragma clang loop unroll(disable)
	for (int i = 0; i < 6; i++) {
		if ((void *)(cur + 2) > end)
			return XDP_PASS;
		type = *prev;
		if (type != 0 && type != 43 && type != 60)
			break;
		type = prev[2]; // BUG: valid_access
		prev = cur;
		cur += (cur[1] + 1) * 8;
	}
	return type == 6 ? XDP_DROP : XDP_PASS;
}

/*
 * The walk as skip_ip6hdrext writes it: a fragment header is 8 bytes, the others say their length,
 * so the step is a switch whose arms meet again before the loop's back edge. The next header
 * pointer made at that merge gets the merge's own id; on the next step the same merge makes the
 * next one, and the previous header (the first's holder) must keep its range (nat64 -Os ingress).
 * The empty asm statements keep the arms' pointers apart, as clang -Os does (-O2 merges the lengths).
 */
SEC("xdp")
int ipv6_ext_walk_fragment(struct xdp_md *ctx) // EXPECT: accept
{
	void *end = XDP_END(ctx);
	struct ipv6hdr *ip6 = XDP_DATA(ctx) + sizeof(struct ethhdr);
	__u8 *prev, *cur, *next, type = 0;

	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	prev = &ip6->nexthdr;
	cur = (__u8 *)(ip6 + 1);
#pragma clang loop unroll(disable)
	for (int i = 0; i < 6; i++) {
		if ((void *)(cur + 2) > end)
			return XDP_PASS;
		type = *prev;
		switch (type) {
		case 0: case 43: case 60:
			next = cur + cur[1] * 8;
			asm volatile("" : "+r"(next));
			break;
		case 44:
			next = cur;
			asm volatile("" : "+r"(next));
			break;
		default:
			return type == 6 ? XDP_DROP : XDP_PASS;
		}
		prev = cur;
		cur = next + 8;
	}
	return XDP_PASS;
}

/* Twin: the same walk reads a third byte of the previous header, where two were checked. */
SEC("xdp")
int ipv6_ext_walk_fragment_past_check(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *end = XDP_END(ctx);
	struct ipv6hdr *ip6 = XDP_DATA(ctx) + sizeof(struct ethhdr);
	__u8 *prev, *cur, *next, type = 0;

	if ((void *)(ip6 + 1) > end)
		return XDP_PASS;
	prev = &ip6->nexthdr;
	cur = (__u8 *)(ip6 + 1);
#pragma clang loop unroll(disable)
	for (int i = 0; i < 6; i++) {
		if ((void *)(cur + 2) > end)
			return XDP_PASS;
		type = prev[2]; // BUG: valid_access
		switch (type) {
		case 0: case 43: case 60:
			next = cur + cur[1] * 8;
			asm volatile("" : "+r"(next));
			break;
		case 44:
			next = cur;
			asm volatile("" : "+r"(next));
			break;
		default:
			return type == 6 ? XDP_DROP : XDP_PASS;
		}
		prev = cur;
		cur = next + 8;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
