/*
 * Known kernel false rejection: the packet length computed as data_end - data and compared.
 *
 * Why the kernel fails: subtracting two packet pointers gives root an unknown scalar with no
 * relation to the packet (and arithmetic on the packet-end pointer itself is prohibited), so
 * "len >= 20" teaches it nothing about which bytes are readable: "invalid access to packet".
 * Why Warden can succeed, if its packet model keeps the length as a value: data_end is the
 * packet pointer whose offset is the packet length, so data_end - data (offset 0) is exactly that
 * length; linking the difference to it (as a copy is linked to its original) lets the branch
 * establish "20 bytes readable", which is what PREVAIL's packet_size variable does.
 */
#include "kfr_common.h"

SEC("xdp")
int kfr_packet_length(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u64 len;

	asm volatile("%0 = %1\n\t%0 -= %2" : "=r"(len) : "r"(end), "r"(data));
	if (len < 20)
		return XDP_PASS;
	return ((__u8 *)data)[19] == 6 ? XDP_DROP : XDP_PASS;
}

/* Twin: 19 bytes are established, byte 19 is read. */
SEC("xdp")
int kfr_packet_length_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u64 len;

	asm volatile("%0 = %1\n\t%0 -= %2" : "=r"(len) : "r"(end), "r"(data));
	if (len < 19)
		return XDP_PASS;
	return ((__u8 *)data)[19] == 6 ? XDP_DROP : XDP_PASS; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
