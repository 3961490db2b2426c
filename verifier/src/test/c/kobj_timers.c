/* bpf_timer in a map value: initialised with its own map, a callback analysed as the kernel runs it. */
#include "bpf_test.h"

static long (*bpf_timer_init)(struct bpf_timer *timer, void *map, __u64 flags) = (void *) 169;
static long (*bpf_timer_set_callback)(struct bpf_timer *timer, void *callback_fn) = (void *) 170;
static long (*bpf_timer_start)(struct bpf_timer *timer, __u64 nsecs, __u64 flags) = (void *) 171;

struct elem {
	struct bpf_timer t;
	__u64 fired;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct elem);
} timers SEC(".maps");

static int count_fired(void *map, __u32 *key, struct elem *e)
{
	e->fired++;
	return 0;
}

/* Arm the timer; its callback counts. */
SEC("tc")
int arm_timer(struct __sk_buff *skb) // EXPECT: accept
{
	__u32 key = 0;
	struct elem *e = bpf_map_lookup_elem(&timers, &key);

	if (!e)
		return TC_ACT_OK;
	bpf_timer_init(&e->t, &timers, 1);
	bpf_timer_set_callback(&e->t, count_fired);
	bpf_timer_start(&e->t, 1000, 0);
	return TC_ACT_OK;
}

/* The counter is not a timer: the helper would take its bytes for a kernel pointer. */
SEC("tc")
int not_a_timer(struct __sk_buff *skb) // EXPECT: reject helper_argument
{
	__u32 key = 0;
	struct elem *e = bpf_map_lookup_elem(&timers, &key);

	if (!e)
		return TC_ACT_OK;
	bpf_timer_init((struct bpf_timer *)&e->fired, &timers, 1); // BUG: helper_argument
	return TC_ACT_OK;
}

static int count_past_end(void *map, __u32 *key, struct elem *e)
{
	e[1].fired++; // BUG: valid_access in callback_out_of_bounds
	return 0;
}

/* The callback writes past the value it is given. */
SEC("tc")
int callback_out_of_bounds(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	__u32 key = 0;
	struct elem *e = bpf_map_lookup_elem(&timers, &key);

	if (!e)
		return TC_ACT_OK;
	bpf_timer_init(&e->t, &timers, 1);
	bpf_timer_set_callback(&e->t, count_past_end);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
