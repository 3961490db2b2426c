/*
 * Packet metadata (data_meta .. data, set up by bpf_xdp_adjust_meta or an earlier XDP program):
 * a comparison of data_meta + N with data proves N metadata bytes readable, as data + N against
 * data_end does for the packet (the kernel's find_good_pkt_pointers for PTR_TO_PACKET_META).
 */
#include "bpf_test.h"

struct meta_info {
	__u32 mark;
	__u32 classid;
};

/* The usual consumer: read a struct the XDP program left in front of the packet. */
SEC("tc")
int meta_read_checked(struct __sk_buff *skb) // EXPECT: accept
{
	void *data = (void *)(long)skb->data;
	struct meta_info *meta = (void *)(long)skb->data_meta;

	if ((void *)(meta + 1) > data)
		return 0;
	skb->mark = meta->mark;
	return meta->classid == 7 ? 2 : 0;
}

/* The same in XDP, with the comparison written the other way round, and a write. */
SEC("xdp")
int meta_write_checked(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx);
	__u32 *meta = (void *)(long)ctx->data_meta;

	if (data < (void *)(meta + 1))
		return XDP_PASS;
	*meta = 42;
	return XDP_PASS;
}

/* Twin: no comparison, the metadata area may be empty. */
SEC("tc")
int meta_read_unchecked(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	struct meta_info *meta = (void *)(long)skb->data_meta;

	return meta->mark == 7 ? 2 : 0; // BUG: valid_access
}

/* Twin: 4 bytes checked, 8 read. */
SEC("tc")
int meta_read_past_check(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	void *data = (void *)(long)skb->data;
	struct meta_info *meta = (void *)(long)skb->data_meta;

	if ((void *)&meta->classid > data)
		return 0;
	return meta->classid == 7 ? 2 : 0; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
