/*
 * Runaway extensions for cancellation (verified with --termination runtime, so their loops need no
 * bound): each holds something when it starts spinning forever. The host's time budget stops them
 * at a back edge, and the runtime gives back what they held: the spin lock, the ring buffer
 * reservation. request.kind 0 makes each finish normally instead.
 */
#include "kflex.h"

struct counter {
	struct bpf_spin_lock lock;
	u32 pad;
	u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct counter);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* Takes the lock, then counts forever while holding it (kind 1), or once (kind 0). */
SEC("xdp") s64 spin_locked(struct xdp_md *ctx)
{
	struct op *op = request(ctx);
	if (!op)
		return BAD_REQUEST;
	u64 forever = op->kind;
	u32 key = 0;
	struct counter *c = bpf_map_lookup_elem(&counters, &key);
	if (!c)
		return 0;
	bpf_spin_lock(&c->lock);
	c->count++;
	while (forever)
		*(volatile u64 *) &c->count += 1;
	bpf_spin_unlock(&c->lock);
	return 1;
}

/* Reserves a ring buffer record, then loops forever before submitting it (kind 1), or submits (kind 0). */
SEC("xdp") s64 reserve_held(struct xdp_md *ctx)
{
	struct op *op = request(ctx);
	if (!op)
		return BAD_REQUEST;
	u64 forever = op->kind;
	u64 *record = bpf_ringbuf_reserve(&events, 8, 0);
	if (!record)
		return 0;
	*record = op->key;
	while (forever)
		*(volatile u64 *) record += 1;
	bpf_ringbuf_submit(record, 0);
	return 1;
}
