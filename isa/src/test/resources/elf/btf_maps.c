/* BTF-defined maps of three kinds, used by one XDP program. */
#include "bpf_defs.h"

struct flow {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow);
	__type(value, __u64);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 16);
	__uint(max_entries, 2);
	__uint(map_flags, BPF_F_RDONLY_PROG);
} config SEC(".maps");

SEC("xdp")
int count_flows(struct xdp_md *ctx)
{
	struct flow f = { .saddr = ctx->ingress_ifindex, .dport = 80 };
	__u32 slot = 1;
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&flows, &f);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&flows, &f, &one, BPF_ANY);
	n = bpf_map_lookup_elem(&stats, &slot);
	if (n)
		*n += 1;
	return bpf_map_lookup_elem(&config, &slot) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
