/*
 * What Warden's KFlex extensions need to build with clang alone: the section macro, C types, the
 * heap's helpers (Warden's ids, see docs/runtime.md "KFlex") and the request every program reads
 * from its packet: one operation on a data structure that lives in the extension's own heap.
 *
 * Verify and run with a heap and runtime termination:
 *   warden verify corpus/kflex/list.o --termination runtime --heap 1048576
 *   warden exec corpus/kflex/list.o --heap 1048576 --packet <24 bytes of struct op>
 */
#ifndef WARDEN_KFLEX_H
#define WARDEN_KFLEX_H

#define SEC(name) __attribute__((section(name), used))

typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

/* BTF-defined maps as libbpf reads them. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_RINGBUF 27

struct bpf_spin_lock {
	u32 val;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *) 93;
static long (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *) 94;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, u64 size, u64 flags) = (void *) 131;
static void (*bpf_ringbuf_submit)(void *data, u64 flags) = (void *) 132;

struct xdp_md {
	u32 data;
	u32 data_end;
	u32 data_meta;
	u32 ingress_ifindex;
	u32 rx_queue_index;
	u32 egress_ifindex;
};

/* A zeroed heap object of size bytes, or NULL when the heap is full. */
static void *(*kflex_alloc)(u64 size) = (void *) 65024;
/* Gives an object back: 0, or -22 when ptr is no live object. */
static long (*kflex_free)(void *ptr) = (void *) 65025;
/* The heap's root object: 64 zeroed bytes that live as long as the heap. */
static void *(*kflex_root)(void) = (void *) 65026;

/* The request in the packet. */
struct op {
	u64 kind;  /* OP_INSERT, OP_LOOKUP, OP_DELETE */
	u64 key;
	u64 value;
};

#define OP_INSERT 1
#define OP_LOOKUP 2
#define OP_DELETE 3

/* Results: insert 1 (new key) or 0 (value replaced); lookup the value or NOT_FOUND; delete 1 or 0. */
#define NOT_FOUND (-1)
#define NO_MEMORY (-2)
#define BAD_REQUEST (-3)

/* The request, or NULL when the packet is too short. */
static inline struct op *request(struct xdp_md *ctx)
{
	struct op *op = (struct op *)(long) ctx->data;
	if ((void *)(op + 1) > (void *)(long) ctx->data_end)
		return 0;
	return op;
}

#endif
