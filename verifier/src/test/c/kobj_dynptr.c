/*
 * Dynptrs: 16 stack bytes a helper initialises; the helpers that use one check their bounds at run
 * time, the verifier checks the slot: initialised where used, not copied, and a ring buffer
 * reservation submitted or discarded on every path and never overwritten while held.
 */
#include "bpf_test.h"

static long (*bpf_ringbuf_reserve_dynptr)(void *ringbuf, __u32 size, __u64 flags, struct bpf_dynptr *ptr) = (void *) 198;
static void (*bpf_ringbuf_submit_dynptr)(struct bpf_dynptr *ptr, __u64 flags) = (void *) 199;
static void (*bpf_ringbuf_discard_dynptr)(struct bpf_dynptr *ptr, __u64 flags) = (void *) 200;
static long (*bpf_dynptr_write)(const struct bpf_dynptr *dst, __u32 offset, void *src, __u32 len, __u64 flags) = (void *) 202;
static long (*bpf_dynptr_read)(void *dst, __u32 len, const struct bpf_dynptr *src, __u32 offset, __u64 flags) = (void *) 201;
static long (*bpf_dynptr_from_mem)(void *data, __u32 size, __u64 flags, struct bpf_dynptr *ptr) = (void *) 197;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[8]);
} scratch SEC(".maps");

/* Reserve, write, submit; a failed reservation is discarded (the kernel requires it too). */
SEC("tc")
int ringbuf_record(struct __sk_buff *skb) // EXPECT: accept
{
	struct bpf_dynptr d;
	__u32 len = skb->len;

	if (bpf_ringbuf_reserve_dynptr(&events, 16, 0, &d)) {
		bpf_ringbuf_discard_dynptr(&d, 0);
		return TC_ACT_OK;
	}
	bpf_dynptr_write(&d, 0, &len, sizeof(len), 0);
	bpf_ringbuf_submit_dynptr(&d, 0);
	return TC_ACT_OK;
}

/* The failed reservation is not discarded. */
SEC("tc")
int ringbuf_leaked(struct __sk_buff *skb) // EXPECT: reject reference_released
{
	struct bpf_dynptr d;
	__u32 len = skb->len;

	if (bpf_ringbuf_reserve_dynptr(&events, 16, 0, &d))
		return TC_ACT_OK;
	bpf_dynptr_write(&d, 0, &len, sizeof(len), 0);
	bpf_ringbuf_submit_dynptr(&d, 0);
	return TC_ACT_OK;
} // BUG: reference_released (reported at the exit, which clang attributes to this brace)

/* The dynptr's bytes are overwritten while it holds the reservation. */
SEC("tc")
int ringbuf_overwritten(struct __sk_buff *skb) // EXPECT: reject reference_released
{
	struct bpf_dynptr d;

	bpf_ringbuf_reserve_dynptr(&events, 16, 0, &d);
	*((volatile __u64 *)&d + 1) = 0; // BUG: reference_released
	/* The dynptr is gone with it, so the reservation can never be discarded: a leak at the exit too. */
	return TC_ACT_OK; // BUG: reference_released
}

/* Submitted twice: the second time the dynptr is dead. */
SEC("tc")
int ringbuf_double_submit(struct __sk_buff *skb) // EXPECT: reject helper_argument
{
	struct bpf_dynptr d;

	bpf_ringbuf_reserve_dynptr(&events, 16, 0, &d);
	bpf_ringbuf_submit_dynptr(&d, 0);
	bpf_ringbuf_submit_dynptr(&d, 0); // BUG: helper_argument
	return TC_ACT_OK;
}

/* A dynptr over a map value, read back through the dynptr. */
SEC("tc")
int local_dynptr(struct __sk_buff *skb) // EXPECT: accept
{
	__u32 key = 0;
	__u64 *buf = bpf_map_lookup_elem(&scratch, &key);
	struct bpf_dynptr d;
	__u64 first = 0;

	if (!buf)
		return TC_ACT_OK;
	bpf_dynptr_from_mem(buf, 64, 0, &d);
	bpf_dynptr_read(&first, sizeof(first), &d, 8, 0);
	return first == 7 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Never initialised: an uninitialised stack slot is not a dynptr. */
SEC("tc")
int dynptr_uninitialised(struct __sk_buff *skb) // EXPECT: reject helper_argument
{
	struct bpf_dynptr d;
	__u64 first = 0;

	bpf_dynptr_read(&first, sizeof(first), &d, 0, 0); // BUG: helper_argument
	return first == 7 ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
