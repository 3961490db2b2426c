/* Counts IPv4 packets by IP protocol in an array map, and drops one protocol if configured to. */
#include "bpf_defs.h"
#include <linux/if_ether.h>
#include <linux/ip.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

/* Set by the loader before the program runs; 0 drops nothing. */
const volatile __u8 blocked_proto = 0;

SEC("xdp")
int xdp_counter(struct xdp_md *ctx)
{
	void *data = (void *)(long) ctx->data;
	void *data_end = (void *)(long) ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > data_end || eth->h_proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;

	__u32 key = ip->protocol;
	__u64 *count = bpf_map_lookup_elem(&proto_count, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return blocked_proto && ip->protocol == blocked_proto ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
