/*
 * What the differential test programs share: each reads its operations from the array map `ops`,
 * which the test fills at random, and records return codes (and whatever else it checks) in the
 * array map `rcs`, so that a difference shows up as a located map difference. Define OPS (how many
 * operations) and RCS (how many recorded values) before including this.
 */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *) BPF_FUNC_map_update_elem;

/* One operation: what (its meaning depends on the program), a flags word, a key and a value. */
struct op {
	__u32 what;
	__u32 flags;
	__u32 key;
	__u32 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OPS);
	__type(key, __u32);
	__type(value, struct op);
} ops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RCS);
	__type(key, __u32);
	__type(value, __s64);
} rcs SEC(".maps");

static void record(__u32 i, __s64 rc)
{
	bpf_map_update_elem(&rcs, &i, &rc, BPF_ANY);
}

static struct op *op_at(__u32 i)
{
	return bpf_map_lookup_elem(&ops, &i);
}

/* The block after it runs for operations 0..n-1, with `i` the index and `o` the operation. */
#define FOR_EACH_OP(n) for (__u32 i = 0; i < (n); i++) for (struct op *o = op_at(i); o; o = 0)
