/* BPF-to-BPF calls: static and global subprograms in .text, nested calls, and a bpf_loop callback. */
#include "bpf_defs.h"

static __noinline __u64 square(__u64 x)
{
	return x * x;
}

static __noinline __u64 sum_of_squares(__u64 a, __u64 b)
{
	return square(a) + square(b);
}

__noinline int clamp(int v, int hi)
{
	return v > hi ? hi : v;
}

static int add_step(__u32 index, void *ctx)
{
	*(__u64 *) ctx += index;
	return 0;
}

SEC("tc")
int classify(struct __sk_buff *skb)
{
	return clamp(sum_of_squares(skb->len, skb->protocol), 1000);
}

SEC("socket")
int only_clamp(struct __sk_buff *skb)
{
	return clamp(skb->len, 64);
}

SEC("xdp")
int loop_with_callback(struct xdp_md *ctx)
{
	__u64 total = 0;

	bpf_loop(10, add_step, &total, 0);
	return total == 45 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
