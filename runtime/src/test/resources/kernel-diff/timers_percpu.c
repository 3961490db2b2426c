/*
 * A bpf_timer in a per-CPU array's value: Linux refuses to create such a map (map_check_btf:
 * timers only in hash, LRU hash and array maps, -EOPNOTSUPP), so Warden's verifier refuses the
 * program that uses one (BpfTimersTest). Built by the test: clang -O2 -g -target bpf.
 */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_lookup_elem;
static long (*bpf_timer_init)(struct bpf_timer *timer, void *map, __u64 flags) = (void *) BPF_FUNC_timer_init;

struct elem {
	struct bpf_timer t;
	__u64 fired;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct elem);
} percpu SEC(".maps");

SEC("xdp")
int percpu_timer(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct elem *v = bpf_map_lookup_elem(&percpu, &k);
	if (!v)
		return 1;
	return bpf_timer_init(&v->t, &percpu, 1) == 0 ? 2 : 1;
}

char _license[] SEC("license") = "GPL";
