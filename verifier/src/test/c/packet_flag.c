/*
 * A packet header checked on some paths only, with the outcome kept in a flag (or an error code)
 * that is tested later: the paths meet before the test. Keeping the checked and unchecked states
 * apart at the merge (a packet pointer with bytes proved readable after it and one without are
 * different shapes) lets the test of the flag leave only the checked one, as Linux's paths do.
 * The empty asm hides the flag's value from the compiler, which would otherwise duplicate the test
 * into each path (what it does at -O2 for code this small, but not across larger parsers).
 */
#include "bpf_test.h"

SEC("xdp")
int flag_after_check(struct xdp_md *ctx) // EXPECT: accept
{
	void *end = XDP_END(ctx);
	struct iphdr *ip = XDP_DATA(ctx) + sizeof(struct ethhdr);
	int ok = 0;

	if ((void *)(ip + 1) <= end)
		ok = 1;
	asm volatile("" : "+r"(ok));
	if (!ok)
		return XDP_PASS;
	return ip->ttl == 1 ? XDP_DROP : XDP_PASS;
}

/* Twin: the flag is tested the wrong way round. */
SEC("xdp")
int flag_inverted(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *end = XDP_END(ctx);
	struct iphdr *ip = XDP_DATA(ctx) + sizeof(struct ethhdr);
	int ok = 0;

	if ((void *)(ip + 1) <= end)
		ok = 1;
	asm volatile("" : "+r"(ok));
	if (ok)
		return XDP_PASS;
	return ip->ttl == 1 ? XDP_DROP : XDP_PASS; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
