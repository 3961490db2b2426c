/*
 * Linux's packet helpers with normal and wrong arguments, run by Warden and by Linux on the same
 * packets and operations (PacketHelpersAgreeWithTheKernelTest). Each program reads operations from
 * the array `ops`, which the test fills at random, calls one helper per operation and records its
 * return code, and what the context says afterwards, in `rcs`; the output packet shows what the
 * helpers wrote. Built by the test: clang -O2 -g -target bpf.
 */
/* rcs[i]: operation i's return code; rcs[8 + i] and rcs[16 + i]: what the context says after it. */
#define OPS 6
#define RCS 24
#include "ops.h"

static long (*bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 offset, const void *from, __u32 len, __u64 flags) = (void *) 9;
static long (*bpf_l3_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 size) = (void *) 10;
static long (*bpf_l4_csum_replace)(struct __sk_buff *skb, __u32 offset, __u64 from, __u64 to, __u64 flags) = (void *) 11;
static long (*bpf_clone_redirect)(struct __sk_buff *skb, __u32 ifindex, __u64 flags) = (void *) 13;
static long (*bpf_skb_vlan_push)(struct __sk_buff *skb, __u16 vlan_proto, __u16 vlan_tci) = (void *) 18;
static long (*bpf_skb_vlan_pop)(struct __sk_buff *skb) = (void *) 19;
static __s64 (*bpf_csum_diff)(__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, __u32 seed) = (void *) 28;
static long (*bpf_skb_change_proto)(struct __sk_buff *skb, __u16 proto, __u64 flags) = (void *) 31;
static long (*bpf_skb_change_type)(struct __sk_buff *skb, __u32 type) = (void *) 32;
static __u32 (*bpf_get_hash_recalc)(struct __sk_buff *skb) = (void *) 34;
static long (*bpf_skb_change_tail)(struct __sk_buff *skb, __u32 len, __u64 flags) = (void *) 38;
static long (*bpf_skb_pull_data)(struct __sk_buff *skb, __u32 len) = (void *) 39;
static __s64 (*bpf_csum_update)(struct __sk_buff *skb, __u32 csum) = (void *) 40;
static void (*bpf_set_hash_invalid)(struct __sk_buff *skb) = (void *) 41;
static long (*bpf_skb_change_head)(struct __sk_buff *skb, __u32 len, __u64 flags) = (void *) 43;
static long (*bpf_xdp_adjust_head)(struct xdp_md *xdp_md, int delta) = (void *) 44;
static long (*bpf_set_hash)(struct __sk_buff *skb, __u32 hash) = (void *) 48;
static long (*bpf_skb_adjust_room)(struct __sk_buff *skb, __s32 len_diff, __u32 mode, __u64 flags) = (void *) 50;
static long (*bpf_xdp_adjust_meta)(struct xdp_md *xdp_md, int delta) = (void *) 54;
static long (*bpf_xdp_adjust_tail)(struct xdp_md *xdp_md, int delta) = (void *) 65;
static long (*bpf_skb_load_bytes_relative)(const void *skb, __u32 offset, void *to, __u32 len, __u32 start_header) = (void *) 68;
static long (*bpf_fib_lookup)(void *ctx, void *params, int plen, __u32 flags) = (void *) 69;
static long (*bpf_redirect_neigh)(__u32 ifindex, struct bpf_redir_neigh *params, int plen, __u64 flags) = (void *) 152;
static long (*bpf_redirect_peer)(__u32 ifindex, __u64 flags) = (void *) 155;
static long (*bpf_csum_level)(struct __sk_buff *skb, __u64 level) = (void *) 135;
static long (*bpf_check_mtu)(void *ctx, __u32 ifindex, __u32 *mtu_len, __s32 len_diff, __u64 flags) = (void *) 163;
static __u64 (*bpf_xdp_get_buff_len)(struct xdp_md *xdp_md) = (void *) 188;
static long (*bpf_xdp_load_bytes)(struct xdp_md *xdp_md, __u32 offset, void *buf, __u32 len) = (void *) 189;
static long (*bpf_xdp_store_bytes)(struct xdp_md *xdp_md, __u32 offset, void *buf, __u32 len) = (void *) 190;

#define INLINE static inline __attribute__((always_inline))

/* Flags that bpf_skb_adjust_room knows (some combinations wrong) and one it does not. */
INLINE __u64 adjust_flags(__u32 k)
{
	switch (k % 8) {
	case 0: return 0;
	case 1: return 1ULL << 5;                       /* NO_CSUM_RESET */
	case 2: return 1ULL << 1;                       /* ENCAP_L3_IPV4 */
	case 3: return (1ULL << 2) | (1ULL << 4);       /* ENCAP_L3_IPV6 | ENCAP_L4_UDP */
	case 4: return (1ULL << 1) | (1ULL << 2);       /* both L3: wrong */
	case 5: return 1ULL << 7;                       /* DECAP_L3_IPV4 */
	case 6: return 1ULL << 8;                       /* DECAP_L3_IPV6 */
	default: return 1ULL << 9;                      /* unknown */
	}
}

/* Sizes and flags for the l3 checksum helper, wrong ones among them. */
INLINE __u64 l3_flags(__u32 k)
{
	switch (k % 5) {
	case 0: return 0;
	case 1: return 2;
	case 2: return 4;
	case 3: return 3;
	default: return 1ULL << 4;
	}
}

/* The same for l4: PSEUDO_HDR (4), MARK_MANGLED_0 (5), MARK_ENFORCE (6), IPV6 (7), an unknown bit. */
INLINE __u64 l4_flags(__u32 k)
{
	switch (k % 8) {
	case 0: return 0;
	case 1: return 2;
	case 2: return 4;
	case 3: return 2 | (1ULL << 4);
	case 4: return 4 | (1ULL << 5);
	case 5: return 2 | (1ULL << 5) | (1ULL << 6);
	case 6: return 4 | (1ULL << 7);
	default: return 1ULL << 8;
	}
}

/* IPv4, IPv6, 802.1Q, another: EtherTypes as a program loads them (network order). */
INLINE __u16 proto(__u32 k)
{
	switch (k % 4) {
	case 0: return 0x0008;
	case 1: return 0xdd86;
	case 2: return 0x0081;
	default: return 0x3412;
	}
}

/* No device (the skb's own), the loopback, one that does not exist. */
INLINE __u32 device(__u32 k)
{
	switch (k % 3) {
	case 0: return 0;
	case 1: return 1;
	default: return 7;
	}
}

INLINE __u8 family(__u32 k)
{
	switch (k % 3) {
	case 0: return 2;
	case 1: return 10;
	default: return 7;
	}
}

static void after_skb(struct __sk_buff *skb, __u32 i)
{
	record(8 + i, skb->len | (__u64) skb->protocol << 16 | (__u64) skb->vlan_tci << 32 | (__u64) skb->vlan_proto << 48);
	record(16 + i, skb->vlan_present | skb->pkt_type << 8 | (__u64) (bpf_csum_level(skb, BPF_CSUM_LEVEL_QUERY) & 0xff) << 16
		       | (__u64) (skb->data_end - skb->data) << 32);
}

SEC("tc") int tc_ops(struct __sk_buff *skb)
{
	FOR_EACH_OP(OPS) {
		__u64 value = (__u64) o->value << 32 | o->key;
		__s64 rc;
		switch (o->what % 16) {
		case 0:
			rc = bpf_skb_store_bytes(skb, o->key % 90, &value, 8, o->flags % 5);
			break;
		case 1:
			rc = bpf_l3_csum_replace(skb, o->key % 70, o->flags & 8 ? 0 : o->value, o->value * 7, l3_flags(o->flags));
			break;
		case 2:
			rc = bpf_l4_csum_replace(skb, o->key % 70, o->flags & 8 ? 0 : o->value, o->value * 13, l4_flags(o->flags));
			break;
		case 3: {
			__u32 a[5] = {o->key, o->value, o->flags, o->key * 3, o->value ^ 0xffff};
			__u32 b[5] = {o->value, o->key, ~o->flags, 17, o->key + o->value};
			switch (o->flags % 6) {
			case 0: rc = bpf_csum_diff(a, 20, b, 20, o->value); break;
			case 1: rc = bpf_csum_diff(0, 0, b, 12, o->key); break;
			case 2: rc = bpf_csum_diff(a, 8, 0, 0, o->key); break;
			case 3: rc = bpf_csum_diff(a, 4, b, 16, 0); break;
			case 4: rc = bpf_csum_diff(0, 0, 0, 0, o->value); break;
			default: rc = bpf_csum_diff(a, 20, b, 6, 0); break;
			}
			break;
		}
		case 4:
			rc = bpf_skb_change_tail(skb, skb->len + (o->value % 64) - 40, o->flags % 7 == 6);
			break;
		case 5:
			rc = bpf_skb_change_head(skb, o->value % 48, o->flags % 7 == 6);
			break;
		case 6:
			rc = bpf_skb_pull_data(skb, o->key % 120);
			break;
		case 7:
			rc = bpf_skb_adjust_room(skb, (int) (o->value % 80) - 40, o->flags % 3, adjust_flags(o->flags >> 2));
			break;
		case 8:
			rc = bpf_skb_vlan_push(skb, proto(o->flags), o->key);
			break;
		case 9:
			rc = bpf_skb_vlan_pop(skb);
			break;
		case 10:
			rc = bpf_skb_change_proto(skb, proto(o->flags), o->flags % 7 == 6);
			break;
		case 11:
			rc = bpf_skb_change_type(skb, o->key % 6);
			break;
		case 12: {
			__u64 buf = 0;
			rc = bpf_skb_load_bytes_relative(skb, o->key % 80, &buf, 8, o->flags % 3);
			rc = rc << 32 ^ buf;
			break;
		}
		case 13:
			if (o->flags & 1) {
				bpf_set_hash_invalid(skb);
				rc = skb->hash;
			} else {
				bpf_set_hash(skb, o->value);
				rc = bpf_get_hash_recalc(skb) ^ (__u64) skb->hash << 32;
			}
			break;
		case 14:
			rc = o->flags & 4 ? bpf_csum_update(skb, o->value) : bpf_csum_level(skb, o->flags % 5);
			break;
		default: {
			__u32 mtu = o->value % 3 == 0 ? 0 : o->key % 70000;
			if (o->flags & 8) {
				rc = bpf_clone_redirect(skb, device(o->value), o->flags % 3);
			} else {
				rc = bpf_check_mtu(skb, device(o->key), &mtu, (int) (o->value % 200) - 100, o->flags % 3);
				rc = rc << 32 ^ mtu;
			}
			break;
		}
		}
		record(i, rc);
		after_skb(skb, i);
	}
	return 0;
}

/*
 * bpf_fib_lookup's argument errors (its answer on success depends on the host's routes), and the
 * verdicts of bpf_redirect_neigh and bpf_redirect_peer (the test run does not redirect).
 */
SEC("tc") int tc_fib_errors(struct __sk_buff *skb)
{
	FOR_EACH_OP(OPS) {
		struct bpf_fib_lookup params = {};
		struct bpf_redir_neigh neigh = {.nh_family = 2, .ipv4_nh = o->value};
		params.family = family(o->key);
		params.ifindex = 9999;
		__s64 rc;
		switch (o->flags % 8) {
		case 4: rc = bpf_redirect_neigh(device(o->key), 0, 0, o->value & 1); break;
		case 5: rc = bpf_redirect_neigh(device(o->key), &neigh, sizeof(neigh), o->value & 1); break;
		case 6: rc = bpf_redirect_neigh(device(o->key), &neigh, 16, 0); break;
		case 7: rc = bpf_redirect_peer(device(o->key), o->value & 1); break;
		case 0: rc = bpf_fib_lookup(skb, &params, 32, 0); break;
		case 1: rc = bpf_fib_lookup(skb, &params, sizeof(params), 1U << 9); break;
		case 2: rc = bpf_fib_lookup(skb, &params, sizeof(params), 1U << 3); break;
		default: rc = bpf_fib_lookup(skb, &params, sizeof(params), o->value & 1); break;
		}
		record(i, rc);
	}
	return 0;
}

static void after_xdp(struct xdp_md *ctx, __u32 i)
{
	record(8 + i, (ctx->data_end - ctx->data) | (__u64) (ctx->data - ctx->data_meta) << 16
		       | (__u64) bpf_xdp_get_buff_len(ctx) << 32);
	/* The first metadata word, when there is one. */
	void *meta = (void *)(long) ctx->data_meta;
	void *data = (void *)(long) ctx->data;
	__s64 word = -1;
	if (meta + 4 <= data)
		word = *(__u32 *) meta;
	record(16 + i, word);
}

SEC("xdp") int xdp_ops(struct xdp_md *ctx)
{
	FOR_EACH_OP(OPS) {
		__u64 value = (__u64) o->value << 32 | o->key;
		__s64 rc;
		switch (o->what % 9) {
		case 0:
			rc = bpf_xdp_adjust_head(ctx, (int) (o->value % 120) - 60 - (o->flags % 5 == 4 ? 200 : 0));
			break;
		case 1:
			rc = bpf_xdp_adjust_tail(ctx, (int) (o->value % 100) - 70);
			break;
		case 2: {
			/* To the frame's end and back: Linux's limit, one byte either side. */
			int grow = 3520 + (int) (o->value % 5) - 2 - (int) (ctx->data_end - ctx->data);
			rc = bpf_xdp_adjust_tail(ctx, grow);
			if (rc == 0)
				rc = bpf_xdp_adjust_tail(ctx, -grow) + 1000;
			break;
		}
		case 3:
			rc = bpf_xdp_adjust_meta(ctx, -(int) (o->value % 72) + (o->flags % 4 == 3 ? 80 : 0));
			if (rc == 0) {
				void *meta = (void *)(long) ctx->data_meta;
				void *data = (void *)(long) ctx->data;
				if (meta + 4 <= data)
					*(__u32 *) meta = o->key;
			}
			break;
		case 4: {
			__u64 buf = 0;
			rc = bpf_xdp_load_bytes(ctx, o->key % 100, &buf, 8);
			rc = rc << 32 ^ buf;
			break;
		}
		case 5:
			rc = bpf_xdp_store_bytes(ctx, o->key % 100, &value, 8);
			break;
		case 6: {
			__u32 mtu = o->value % 3 == 0 ? 0 : o->key % 70000;
			rc = bpf_check_mtu(ctx, device(o->key), &mtu, (int) (o->value % 200) - 100, o->flags % 4 == 3);
			rc = rc << 32 ^ mtu;
			break;
		}
		case 7: {
			__u32 a[4] = {o->key, o->value, o->flags, 0xffffffff};
			rc = bpf_csum_diff(a, o->flags & 1 ? 16 : 8, a, o->flags & 2 ? 4 : 0, o->value);
			break;
		}
		default:
			rc = bpf_xdp_get_buff_len(ctx);
			break;
		}
		record(i, rc);
		after_xdp(ctx, i);
	}
	return 2;
}

char _license[] SEC("license") = "GPL";
