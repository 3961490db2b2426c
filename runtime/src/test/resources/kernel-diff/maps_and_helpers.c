/*
 * Programs that exercise every map type and helper flag, run by Warden and by Linux on the same
 * packets and seeds (ProgramsWithMapsAgreeWithTheKernelTest). Each program reads its operations
 * from the array map `ops`, which the test fills at random, and writes every helper's return
 * code into the array `rcs`, so that a difference in a flag or an error code shows up as a
 * located map difference. Built by the test: clang -O2 -g -target bpf.
 */
#define OPS 12
#define RCS (OPS + 4)
#include "ops.h"

#define NOINLINE __attribute__((noinline))

static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_delete_elem;
static long (*bpf_map_push_elem)(void *map, const void *value, __u64 flags) = (void *) BPF_FUNC_map_push_elem;
static long (*bpf_map_pop_elem)(void *map, void *value) = (void *) BPF_FUNC_map_pop_elem;
static long (*bpf_map_peek_elem)(void *map, void *value) = (void *) BPF_FUNC_map_peek_elem;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size, __u64 flags) = (void *) BPF_FUNC_ringbuf_output;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *) BPF_FUNC_ringbuf_reserve;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *) BPF_FUNC_ringbuf_submit;
static void (*bpf_ringbuf_discard)(void *data, __u64 flags) = (void *) BPF_FUNC_ringbuf_discard;
static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) BPF_FUNC_loop;
static void (*bpf_tail_call)(void *ctx, void *prog_array_map, __u32 index) = (void *) BPF_FUNC_tail_call;
static long (*bpf_xdp_adjust_head)(struct xdp_md *xdp_md, int delta) = (void *) BPF_FUNC_xdp_adjust_head;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *) BPF_FUNC_skb_load_bytes;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *) BPF_FUNC_get_smp_processor_id;
static long (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *) BPF_FUNC_spin_lock;
static long (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *) BPF_FUNC_spin_unlock;
static long (*bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *) BPF_FUNC_perf_event_output;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u64);
} hash_noprealloc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} percpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} percpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lru_hash SEC(".maps");

struct lpm_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 6);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, __u64);
} lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 4);
	__type(value, __u64);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 4);
	__type(value, __u64);
} stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} jumps SEC(".maps");

/*
 * Keyed maps: update with the op's flags (0..3: ANY, NOEXIST, EXIST and an invalid one), delete,
 * lookup, or add to the value in place. rcs[i] gets the return code or the value found (or -1).
 */
#define KEYED_PROGRAM(name, map)                                                   \
	SEC("xdp") int name(struct xdp_md *ctx)                                    \
	{                                                                          \
		FOR_EACH_OP(OPS) {                                          \
			__u32 key = o->key;                                        \
			__u64 value = o->value;                                    \
			__s64 rc;                                                  \
			switch (o->what & 3) {                                     \
			case 0:                                                    \
				rc = bpf_map_update_elem(&map, &key, &value, o->flags & 3); \
				break;                                             \
			case 1:                                                    \
				rc = bpf_map_delete_elem(&map, &key);              \
				break;                                             \
			case 2: {                                                  \
				__u64 *v = bpf_map_lookup_elem(&map, &key);        \
				rc = v ? (__s64) *v : -1;                          \
				break;                                             \
			}                                                          \
			default: {                                                 \
				__u64 *v = bpf_map_lookup_elem(&map, &key);        \
				if (v)                                             \
					*v += value;                               \
				rc = v ? 1 : 0;                                    \
			}                                                          \
			}                                                          \
			record(i, rc);                                             \
		}                                                                  \
		return 2;                                                          \
	}

KEYED_PROGRAM(keyed_hash, hash)
KEYED_PROGRAM(keyed_hash_noprealloc, hash_noprealloc)
KEYED_PROGRAM(keyed_array, array)
KEYED_PROGRAM(keyed_percpu_array, percpu_array)
KEYED_PROGRAM(keyed_percpu_hash, percpu_hash)
KEYED_PROGRAM(keyed_lru_hash, lru_hash)

/* LPM trie: key = prefix length (op.flags % 40) and address (op.key); update, delete or longest-match lookup. */
SEC("xdp") int lpm_ops(struct xdp_md *ctx)
{
	FOR_EACH_OP(OPS) {
		struct lpm_key key = {.prefixlen = o->flags % 40};
		__builtin_memcpy(key.addr, &o->key, 4);
		__u64 value = o->value;
		__s64 rc;
		switch (o->what % 3) {
		case 0:
			rc = bpf_map_update_elem(&lpm, &key, &value, (o->what >> 2) & 3);
			break;
		case 1:
			rc = bpf_map_delete_elem(&lpm, &key);
			break;
		default: {
			key.prefixlen = 32;
			__u64 *v = bpf_map_lookup_elem(&lpm, &key);
			rc = v ? (__s64) *v : -1;
		}
		}
		record(i, rc);
	}
	return 2;
}

/* Queue and stack: push with flags 0, BPF_EXIST (drops the oldest when full) or an invalid one; pop; peek. */
#define SEQUENCE_PROGRAM(name, map)                                                \
	SEC("xdp") int name(struct xdp_md *ctx)                                    \
	{                                                                          \
		FOR_EACH_OP(OPS) {                                          \
			__u64 value = o->value;                                    \
			__s64 rc;                                                  \
			switch (o->what % 3) {                                     \
			case 0:                                                    \
				rc = bpf_map_push_elem(&map, &value, o->flags % 4 == 1 ? BPF_EXIST : o->flags % 4 == 2 ? 8 : 0); \
				break;                                             \
			case 1:                                                    \
				rc = bpf_map_pop_elem(&map, &value);               \
				rc = rc ? rc : (__s64) value;                      \
				break;                                             \
			default:                                                   \
				rc = bpf_map_peek_elem(&map, &value);              \
				rc = rc ? rc : (__s64) value;                      \
			}                                                          \
			record(i, rc);                                             \
		}                                                                  \
		return 2;                                                          \
	}

SEQUENCE_PROGRAM(queue_ops, queue)
SEQUENCE_PROGRAM(stack_ops, stack)

/* Ring buffer: output, reserve + submit, reserve + discard, of op.value % 2048 bytes (large ones fill the ring). */
SEC("xdp") int ring_ops(struct xdp_md *ctx)
{
	FOR_EACH_OP(OPS) {
		__u64 record_data[4] = {i, o->value, o->key, o->flags};
		__s64 rc;
		switch (o->what % 4) {
		case 0:
			rc = bpf_ringbuf_output(&ring, record_data, 8 + (o->flags & 3) * 8, 0);
			break;
		case 1: {
			__u64 *r = bpf_ringbuf_reserve(&ring, 1024, 0);
			if (r) {
				r[0] = i;
				r[1] = o->value;
				bpf_ringbuf_submit(r, 0);
			}
			rc = r ? 1 : 0;
			break;
		}
		case 2: {
			__u64 *r = bpf_ringbuf_reserve(&ring, 16, 0);
			if (r) {
				r[0] = i;
				bpf_ringbuf_discard(r, 0);
			}
			rc = r ? 1 : 0;
			break;
		}
		default:
			rc = bpf_ringbuf_output(&ring, record_data, 32, 4); /* invalid flags */
		}
		record(i, rc);
	}
	return 2;
}

struct loop_ctx {
	__u64 sum;
	__u32 stop_at;
};

static int loop_step(__u32 index, struct loop_ctx *c)
{
	c->sum += index * 3 + 1;
	__u32 key = index & 3;
	__u64 *v = bpf_map_lookup_elem(&array, &key);
	if (v)
		*v += index;
	return index == c->stop_at;
}

/* bpf_loop: nr_loops and the index the callback stops at from the ops; invalid flags now and then. */
SEC("xdp") int loop_ops(struct xdp_md *ctx)
{
	FOR_EACH_OP(4) {
		struct loop_ctx c = {.sum = 0, .stop_at = o->key % 64};
		long n = bpf_loop(o->value % 48, loop_step, &c, (o->what % 5 == 4) ? 1 : 0);
		record(2 * i, n);
		record(2 * i + 1, c.sum);
	}
	return 2;
}

/* Tail calls: jump to slot op.key % 6 (slots 4 and 5 out of range); on return (no program there), record that. */
SEC("xdp") int tail_entry(struct xdp_md *ctx)
{
	struct op *o = op_at(0);
	if (!o)
		return 1;
	record(0, 100 + (o->key % 6));
	/* The kernel declares bpf_tail_call void: r0 is unreadable after it, so only reaching here is recorded. */
	bpf_tail_call(ctx, &jumps, o->key % 6);
	record(1, 1);
	return 3;
}

SEC("xdp") int tail_target_a(struct xdp_md *ctx)
{
	record(2, 0xa);
	struct op *o = op_at(1);
	if (o && (o->what & 1))
		bpf_tail_call(ctx, &jumps, 1);
	return 4;
}

SEC("xdp") int tail_target_b(struct xdp_md *ctx)
{
	record(3, 0xb);
	return 5;
}

/* Packet writes and bpf_xdp_adjust_head: swap the MAC addresses, then move the start by op.value % 40 - 20. */
SEC("xdp") int packet_rewrite(struct xdp_md *ctx)
{
	void *data = (void *)(long) ctx->data;
	void *data_end = (void *)(long) ctx->data_end;
	if (data + 12 > data_end)
		return 1;
	__u8 *p = data;
	for (int i = 0; i < 6; i++) {
		__u8 t = p[i];
		p[i] = p[i + 6];
		p[i + 6] = t;
	}
	struct op *o = op_at(0);
	if (!o)
		return 1;
	long rc = bpf_xdp_adjust_head(ctx, (int) (o->value % 40) - 20);
	record(0, rc);
	data = (void *)(long) ctx->data;
	data_end = (void *)(long) ctx->data_end;
	record(1, data_end - data);
	if (data + 1 <= data_end)
		*(__u8 *) data = 0x5a;
	return rc ? 1 : 2;
}

/* The context a tc program sees: the fields both sides fill, read and stored; bpf_skb_load_bytes in and out of range. */
SEC("tc") int tc_context(struct __sk_buff *skb)
{
	record(0, skb->len);
	record(1, skb->protocol);
	record(2, skb->ifindex);
	record(3, skb->ingress_ifindex);
	record(4, skb->pkt_type);
	record(5, skb->data_end - skb->data);
	record(6, skb->mark);
	record(7, skb->vlan_present);
	record(8, bpf_get_smp_processor_id());
	__u64 buf = 0;
	struct op *o = op_at(0);
	__u32 off = o ? o->key % 80 : 0;
	long rc = bpf_skb_load_bytes(skb, off, &buf, 8);
	record(9, rc);
	record(10, buf);
	skb->mark = 0x1234;
	record(11, skb->mark);
	return 0;
}

/* The same for xdp_md. */
SEC("xdp") int xdp_context(struct xdp_md *ctx)
{
	record(0, ctx->data_end - ctx->data);
	record(1, ctx->ingress_ifindex);
	record(2, ctx->rx_queue_index);
	record(3, ctx->data_meta - ctx->data);
	record(4, bpf_get_smp_processor_id());
	return 2;
}

/*
 * A socket filter: the length it sees and bpf_skb_load_bytes at the offset the ops give. Not
 * skb->protocol or pkt_type: the kernel's test run starts a socket filter's packet at the network
 * header, Warden's at the Ethernet header (docs/runtime.md, "Differences from Linux").
 */
SEC("socket") int socket_context(struct __sk_buff *skb)
{
	record(0, skb->len);
	record(2, skb->ifindex);
	struct op *o = op_at(0);
	__u32 off = o ? o->key % 64 : 0;
	__u64 buf = 0;
	record(3, bpf_skb_load_bytes(skb, off, &buf, 4));
	record(4, buf);
	return skb->len;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} events SEC(".maps");

/* bpf_perf_event_output with no perf event open (none can be in Warden): the slot from the ops, the current CPU, bad flags, too many packet bytes. */
#define PERF_PROGRAM(name, section, ctx_type)                                      \
	SEC(section) int name(ctx_type *ctx)                                       \
	{                                                                          \
		FOR_EACH_OP(6) {                                          \
			__u64 data = o->value;                                     \
			__u64 flags;                                               \
			switch (o->what % 4) {                                     \
			case 0:                                                    \
				flags = o->key % 6;                                \
				break;                                             \
			case 1:                                                    \
				flags = BPF_F_CURRENT_CPU;                         \
				break;                                             \
			case 2:                                                    \
				flags = 1ULL << 60;                                \
				break;                                             \
			default:                                                   \
				flags = ((__u64) (o->value % 128) << 32) | BPF_F_CURRENT_CPU; \
			}                                                          \
			record(i, bpf_perf_event_output(ctx, &events, flags, &data, 8)); \
		}                                                                  \
		return 2;                                                          \
	}

PERF_PROGRAM(perf_output_xdp, "xdp", struct xdp_md)
PERF_PROGRAM(perf_output_tc, "tc", struct __sk_buff)

struct locked {
	__u64 before;
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct locked);
} locked SEC(".maps");

/* Spin locks: each op takes the lock of element op.key % 2, adds op.value to its count, and lets it go. */
SEC("tc") int spin_locked(struct __sk_buff *skb)
{
	FOR_EACH_OP(6) {
		__u32 key = o->key % 2;
		struct locked *l = bpf_map_lookup_elem(&locked, &key);
		if (!l)
			return 1;
		bpf_spin_lock(&l->lock);
		l->count += o->value;
		__u64 now = l->count;
		bpf_spin_unlock(&l->lock);
		l->before = i;
		record(i, now);
	}
	return 2;
}

char _license[] SEC("license") = "GPL";
