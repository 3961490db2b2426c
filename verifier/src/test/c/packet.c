/* Packet bounds: fixed offsets and variable offsets, each with an unsafe twin. */
#include "bpf_test.h"

/* The IPv4 header sits after the Ethernet header; both are checked against data_end at once. */
SEC("xdp")
int packet_fixed(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	return ip->protocol == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
}

/* Twin: only the Ethernet header is checked, then a byte of the IP header is read. */
SEC("xdp")
int packet_fixed_unchecked(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	return ip->protocol == IPPROTO_UDP ? XDP_DROP : XDP_PASS; // BUG: valid_access
}

/* The TCP header follows an IP header of variable length (ihl * 4, 20..60 bytes). */
SEC("xdp")
int packet_variable(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct iphdr *ip = data + sizeof(struct ethhdr);

	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	__u32 hlen = ip->ihl * 4;
	if (hlen < sizeof(*ip))
		return XDP_DROP;
	struct tcphdr *tcp = (void *)ip + hlen;
	if ((void *)(tcp + 1) > end)
		return XDP_PASS;
	return tcp->dest == bpf_htons(22) ? XDP_DROP : XDP_PASS;
}

/* Twin: the bound check covers one byte less than the TCP header (off by one). */
SEC("xdp")
int packet_variable_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct iphdr *ip = data + sizeof(struct ethhdr);

	if ((void *)(ip + 1) > end)
		return XDP_PASS;
	__u32 hlen = ip->ihl * 4;
	struct tcphdr *tcp = (void *)ip + hlen;
	if ((void *)tcp + sizeof(*tcp) - 1 > end)
		return XDP_PASS;
	return tcp->urg_ptr == 0 ? XDP_DROP : XDP_PASS; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
