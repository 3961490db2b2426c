/* Tail calls through a program array, and one through a map of the wrong kind. */
#include "bpf_test.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} not_programs SEC(".maps");

/* A tail call that fails (empty slot, index out of range) falls through to the next instruction. */
SEC("xdp")
int tail_call_ok(struct xdp_md *ctx) // EXPECT: accept
{
	bpf_tail_call(ctx, &jumps, ctx->rx_queue_index & 3);
	return XDP_PASS;
}

SEC("xdp")
int tail_call_wrong_map(struct xdp_md *ctx) // EXPECT: reject helper_argument
{
	bpf_tail_call(ctx, &not_programs, 1); // BUG: helper_argument
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
