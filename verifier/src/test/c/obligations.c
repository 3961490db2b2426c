/* The remaining obligations: return ranges, initialised registers, known calls, released references. */
#include "bpf_test.h"

/* cgroup_skb programs must return 0 (drop) or 1 (allow). */
SEC("cgroup_skb/ingress")
int return_in_range(struct __sk_buff *skb) // EXPECT: accept
{
	return skb->len > 1000 ? 0 : 1;
}

SEC("cgroup_skb/ingress")
int return_out_of_range(struct __sk_buff *skb) // EXPECT: reject return_range
{
	return skb->len > 1000 ? 0 : 2; // BUG: return_range
}

/* r5 is not an argument of the program: it holds nothing at entry. */
SEC("xdp")
int read_uninitialised_register(struct xdp_md *ctx) // EXPECT: reject initialised
{
	long x;

	asm volatile("%0 = r5" : "=r"(x)); // BUG: initialised
	return x ? XDP_DROP : XDP_PASS;
}

/* Helper 999 does not exist. */
SEC("xdp")
int call_unknown_helper(struct xdp_md *ctx) // EXPECT: reject known_call
{
	asm volatile("call 999" ::: "r0", "r1", "r2", "r3", "r4", "r5"); // BUG: known_call
	return XDP_PASS;
}

/* A socket looked up is released on every path. */
SEC("tc")
int socket_released(struct __sk_buff *skb) // EXPECT: accept
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return TC_ACT_SHOT;
}

/* Twin: the path that found a socket returns without releasing it. */
SEC("tc")
int socket_leaked(struct __sk_buff *skb) // EXPECT: reject reference_released
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	return TC_ACT_SHOT;
} // BUG: reference_released (reported at the exit, which clang attributes to this brace)

char _license[] SEC("license") = "GPL";
