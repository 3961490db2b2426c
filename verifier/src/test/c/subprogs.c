/* BPF-to-BPF calls: static __noinline functions analysed in their calling context, and the call depth limit. */
#include "bpf_test.h"

/* Checks its own bound: safe for any packet pointer the caller passes. */
static __noinline int sum4(__u8 *p, void *end)
{
	if ((void *)(p + 4) > end)
		return 0;
	return p[0] + p[1] + p[2] + p[3];
}

/* Off by one: checks three bytes, reads four. */
static __noinline int sum4_short_check(__u8 *p, void *end)
{
	if ((void *)(p + 3) > end)
		return 0;
	return p[0] + p[1] + p[2] + p[3]; // BUG: valid_access in subprog_off_by_one
}

SEC("xdp")
int subprog_ok(struct xdp_md *ctx) // EXPECT: accept
{
	return sum4(XDP_DATA(ctx) + 14, XDP_END(ctx)) > 100 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int subprog_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	return sum4_short_check(XDP_DATA(ctx) + 14, XDP_END(ctx)) > 100 ? XDP_DROP : XDP_PASS;
}

/* A chain of calls: entry + d1..d7 is eight frames (the limit), entry + d1..d8 is nine. */
static __noinline int d8(int x) { return x * 3 + 1; }
static __noinline int d7(int x) { return x & 1 ? x + 7 : x; }
static __noinline int d7_deeper(int x) { return d8(x) + 7; } // BUG: call_depth in call_depth_nine
static __noinline int d6(int x) { return d7(x) + 6; }
static __noinline int d6_deeper(int x) { return d7_deeper(x) + 6; }
static __noinline int d5(int x) { return d6(x) + 5; }
static __noinline int d5_deeper(int x) { return d6_deeper(x) + 5; }
static __noinline int d4(int x) { return d5(x) + 4; }
static __noinline int d4_deeper(int x) { return d5_deeper(x) + 4; }
static __noinline int d3(int x) { return d4(x) + 3; }
static __noinline int d3_deeper(int x) { return d4_deeper(x) + 3; }
static __noinline int d2(int x) { return d3(x) + 2; }
static __noinline int d2_deeper(int x) { return d3_deeper(x) + 2; }
static __noinline int d1(int x) { return d2(x) + 1; }
static __noinline int d1_deeper(int x) { return d2_deeper(x) + 1; }

SEC("xdp")
int call_depth_eight(struct xdp_md *ctx) // EXPECT: accept
{
	return d1(ctx->ingress_ifindex) > 100 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int call_depth_nine(struct xdp_md *ctx) // EXPECT: reject call_depth
{
	return d1_deeper(ctx->ingress_ifindex) > 100 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
