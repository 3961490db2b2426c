/* bpf_loop callbacks that write the caller's stack through their context. */
#include "bpf_test.h"

static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) 181;

static int add_one(__u32 i, void *ctx)
{
	__u64 *n = ctx;

	(*n)++;
	return 0;
}

/* A counter on the caller's stack, incremented by each round: its known bits go one a round. */
SEC("xdp")
int count_on_stack(struct xdp_md *ctx) // EXPECT: accept
{
	__u64 n = 0;

	bpf_loop(3, add_one, &n, 0);
	return n == 3 ? XDP_DROP : XDP_PASS;
}

static int add_one_past(__u32 i, void *ctx)
{
	__u64 *n = ctx;

	n[1]++; // BUG: valid_access in count_past_the_frame
	return 0;
}

/* Twin: the callback counts in the slot after the caller's, past the top of its frame. */
SEC("xdp")
int count_past_the_frame(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	__u64 n = 0;

	asm volatile("" : "+r"(n));
	bpf_loop(3, add_one_past, &n, 0);
	return n == 3 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
