/* Legacy struct bpf_map_def maps in the "maps" section; two programs share one section. */
#include "bpf_defs.h"

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") opens = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1024,
};

struct bpf_map_def SEC("maps") totals = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
	.map_flags = 0,
};

static __always_inline int bump(void *map, __u32 key)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);
	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("socket")
int socket_filter(struct __sk_buff *skb)
{
	bump(&totals, 0);
	return bump(&opens, skb->len) ? skb->len : 0;
}

SEC("kprobe/sys_open")
int on_open(void *ctx)
{
	return bump(&totals, 1);
}

SEC("kprobe/sys_open")
int on_open_again(void *ctx)
{
	return bump(&opens, 7);
}

char _license[] SEC("license") = "Dual BSD/GPL";
