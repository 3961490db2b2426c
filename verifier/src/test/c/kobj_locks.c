/* bpf_spin_lock on a lock inside a map value: paired, no calls while held, released before exit. */
#include "bpf_test.h"

static long (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *) 93;
static long (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *) 94;

struct guarded {
	struct bpf_spin_lock lock;
	__u32 packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct guarded);
} counter SEC(".maps");

/* Lock, count, unlock. */
SEC("tc")
int count_locked(struct __sk_buff *skb) // EXPECT: accept
{
	__u32 key = 0;
	struct guarded *g = bpf_map_lookup_elem(&counter, &key);

	if (!g)
		return TC_ACT_OK;
	bpf_spin_lock(&g->lock);
	g->packets++;
	bpf_spin_unlock(&g->lock);
	return TC_ACT_OK;
}

/* A helper call while the lock is held. */
SEC("tc")
int call_while_locked(struct __sk_buff *skb) // EXPECT: reject known_call
{
	__u32 key = 0;
	struct guarded *g = bpf_map_lookup_elem(&counter, &key);

	if (!g)
		return TC_ACT_OK;
	bpf_spin_lock(&g->lock);
	g->packets = bpf_get_prandom_u32(); // BUG: known_call
	bpf_spin_unlock(&g->lock);
	return TC_ACT_OK;
}

/* One path returns with the lock held. */
SEC("tc")
int exit_while_locked(struct __sk_buff *skb) // EXPECT: reject reference_released
{
	__u32 key = 0;
	struct guarded *g = bpf_map_lookup_elem(&counter, &key);

	if (!g)
		return TC_ACT_OK;
	bpf_spin_lock(&g->lock);
	if (g->packets > 100)
		return TC_ACT_SHOT;
	g->packets++;
	bpf_spin_unlock(&g->lock);
	return TC_ACT_OK;
} // BUG: reference_released (reported at the exit, which clang attributes to this brace)

/* The lock is taken on one path only, and released on both. */
SEC("tc")
int unlock_without_lock(struct __sk_buff *skb) // EXPECT: reject reference_released
{
	__u32 key = 0;
	struct guarded *g = bpf_map_lookup_elem(&counter, &key);

	if (!g)
		return TC_ACT_OK;
	if (skb->len > 100)
		bpf_spin_lock(&g->lock);
	g->packets++;
	bpf_spin_unlock(&g->lock); // BUG: reference_released
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
