/*
 * bpf_timer programs, run by Warden and by Linux (TimersAgreeWithTheKernelTest) and by Warden alone
 * (BpfTimersTest). Each program records every helper's return code into `rcs` (a slot per call),
 * and each timer callback records into the value that holds its timer (how often it ran, which map
 * and key it was given, what cancelling its own timer returned) and counts itself in `rcs`, so
 * that a difference shows up as a located map difference once the callbacks have run.
 * Built by the test: clang -O2 -g -target bpf.
 */
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *) BPF_FUNC_map_update_elem;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_delete_elem;
static long (*bpf_timer_init)(struct bpf_timer *timer, void *map, __u64 flags) = (void *) BPF_FUNC_timer_init;
static long (*bpf_timer_set_callback)(struct bpf_timer *timer, void *callback_fn) = (void *) BPF_FUNC_timer_set_callback;
static long (*bpf_timer_start)(struct bpf_timer *timer, __u64 nsecs, __u64 flags) = (void *) BPF_FUNC_timer_start;
static long (*bpf_timer_cancel)(struct bpf_timer *timer) = (void *) BPF_FUNC_timer_cancel;
static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) BPF_FUNC_trace_printk;
static __u64 (*bpf_ktime_get_ns)(void) = (void *) BPF_FUNC_ktime_get_ns;
static __u64 (*bpf_ktime_get_boot_ns)(void) = (void *) BPF_FUNC_ktime_get_boot_ns;
static long (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *) BPF_FUNC_spin_lock;
static long (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *) BPF_FUNC_spin_unlock;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *) BPF_FUNC_get_smp_processor_id;
static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) BPF_FUNC_loop;

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME 7
/* Older uapi headers lack the start flags. */
#ifndef BPF_F_TIMER_ABS
#define BPF_F_TIMER_ABS (1ULL << 0)
#endif
#ifndef BPF_F_TIMER_CPU_PIN
#define BPF_F_TIMER_CPU_PIN (1ULL << 1)
#endif

/* A value with a timer: the callback writes the other fields. */
struct elem {
	struct bpf_timer t;
	__u64 fired;      /* callback runs */
	__u64 seen;       /* which map (1 array, 2 hash, 3 lru) * 1000 + the key the callback got */
	__s64 self_cancel; /* bpf_timer_cancel of its own timer, from its callback: -EDEADLK */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct elem);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct elem);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct elem);
} lru SEC(".maps");

/* Return codes by slot; slot 31 counts callback runs. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __s64);
} rcs SEC(".maps");

/* Many timers that re-arm themselves (BpfTimersTest closes the extension while they fire). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct elem);
} storm_arr SEC(".maps");

/* Timers that re-arm for ever in hash elements the host and a program delete and overwrite meanwhile (TimerRacesTest). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct elem);
} storm_hash SEC(".maps");

/* Ten thousand timers armed at once (BpfTimersTest: memory, close time, each callback's key). */
#define MANY 10000
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MANY);
	__type(key, __u32);
	__type(value, struct elem);
} many_hash SEC(".maps");

#define FIRED_SLOT 31

static void record(__u32 slot, __s64 rc)
{
	__s64 *p = bpf_map_lookup_elem(&rcs, &slot);
	if (p)
		*p = rc;
}

static void count_fired(void)
{
	__u32 slot = FIRED_SLOT;
	__s64 *p = bpf_map_lookup_elem(&rcs, &slot);
	if (p)
		__sync_fetch_and_add(p, 1);
}

static int which(void *map)
{
	if (map == (void *) &arr)
		return 1;
	if (map == (void *) &hash)
		return 2;
	if (map == (void *) &lru)
		return 3;
	return 9;
}

/* Records its run; the array's element 1 re-arms itself once (restarting from the callback). */
static int on_timer(void *map, __u32 *key, struct elem *v)
{
	v->fired++;
	v->seen = which(map) * 1000 + *key;
	v->self_cancel = bpf_timer_cancel(&v->t);
	if (map == (void *) &arr && *key == 1 && v->fired == 1)
		bpf_timer_start(&v->t, 0, 0);
	count_fired();
	return 0;
}

/*
 * Every error code, on array element 0, in Linux's order of checks; leaves nothing armed. A cancel
 * drops the timer's callback (Linux's bpf_timer_cancel releases the callback's program): a start
 * after it is -EINVAL until the callback is set again.
 */
SEC("xdp")
int errors(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct elem *v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(0, bpf_timer_set_callback(&v->t, on_timer)); /* not initialised: -EINVAL */
	record(1, bpf_timer_start(&v->t, 0, 0));            /* -EINVAL */
	record(2, bpf_timer_cancel(&v->t));                 /* -EINVAL */
	record(3, bpf_timer_init(&v->t, &arr, 3));          /* CLOCK_THREAD_CPUTIME_ID: -EINVAL */
	record(4, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC)); /* 0 */
	record(5, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC)); /* -EBUSY */
	record(6, bpf_timer_start(&v->t, 1000, 0));         /* no callback: -EINVAL */
	record(7, bpf_timer_set_callback(&v->t, on_timer)); /* 0 */
	record(8, bpf_timer_start(&v->t, 1000, 4));         /* unknown flag: -EINVAL */
	record(9, bpf_timer_cancel(&v->t));                 /* not armed: 0; and drops the callback */
	record(10, bpf_timer_start(&v->t, 1000000000, 0));  /* no callback since the cancel: -EINVAL */
	record(11, bpf_timer_set_callback(&v->t, on_timer)); /* 0 */
	record(12, bpf_timer_start(&v->t, 1000000000, 0));  /* 0 */
	record(13, bpf_timer_start(&v->t, 2000000000, 0));  /* re-armed: 0 */
	record(14, bpf_timer_cancel(&v->t));                /* was armed: 1 */
	record(15, bpf_timer_cancel(&v->t));                /* 0 */
	record(16, bpf_timer_set_callback(&v->t, on_timer)); /* 0 */
	record(17, bpf_timer_start(&v->t, 1000000000, BPF_F_TIMER_CPU_PIN)); /* 0 */
	record(18, bpf_timer_cancel(&v->t));                /* 1 */
	__u32 k2 = 2;
	struct elem *w = bpf_map_lookup_elem(&arr, &k2);
	if (!w)
		return 1;
	record(19, bpf_timer_init(&w->t, &arr, CLOCK_REALTIME)); /* 0 */
	record(20, bpf_timer_init(&v->t, &arr, CLOCK_BOOTTIME)); /* still initialised: -EBUSY */
	return 2;
}

static int arm(void *map, struct elem *v, __u64 delay, __u32 slot)
{
	long rc = bpf_timer_init(&v->t, map, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = bpf_timer_set_callback(&v->t, on_timer);
	if (rc == 0)
		rc = bpf_timer_start(&v->t, delay, 0);
	record(slot, rc);
	return rc;
}

/*
 * Timers in each map kind that fire soon (0 and small delays): array elements 0 and 1 (1 re-arms
 * once), hash keys 3 and 4, LRU key 5. Hash key 6 is deleted and array element 3 overwritten while
 * armed: neither fires, and the overwritten one is uninitialised again (start: -EINVAL).
 */
SEC("xdp")
int fires(struct xdp_md *ctx)
{
	struct elem zero = {};
	__u32 k;
	struct elem *v;

	k = 0;
	v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	arm(&arr, v, 0, 0);
	k = 1;
	v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	arm(&arr, v, 1000, 1);

	k = 3;
	record(2, bpf_map_update_elem(&hash, &k, &zero, BPF_ANY));
	v = bpf_map_lookup_elem(&hash, &k);
	if (!v)
		return 1;
	arm(&hash, v, 0, 3);
	k = 4;
	record(4, bpf_map_update_elem(&hash, &k, &zero, BPF_ANY));
	v = bpf_map_lookup_elem(&hash, &k);
	if (!v)
		return 1;
	arm(&hash, v, 20000, 5);

	k = 5;
	record(6, bpf_map_update_elem(&lru, &k, &zero, BPF_ANY));
	v = bpf_map_lookup_elem(&lru, &k);
	if (!v)
		return 1;
	arm(&lru, v, 5000, 7);

	/* Deleted while armed: never fires. */
	k = 6;
	record(8, bpf_map_update_elem(&hash, &k, &zero, BPF_ANY));
	v = bpf_map_lookup_elem(&hash, &k);
	if (!v)
		return 1;
	arm(&hash, v, 1000000, 9);
	record(10, bpf_map_delete_elem(&hash, &k));

	/* Overwritten while armed: freed, so never fires and is no longer initialised. */
	k = 3;
	v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	arm(&arr, v, 1000000, 11);
	record(12, bpf_map_update_elem(&arr, &k, &zero, BPF_ANY));
	record(13, bpf_timer_start(&v->t, 0, 0));
	record(14, bpf_timer_cancel(&v->t));
	return 2;
}

static int storm_timer(void *map, __u32 *key, struct elem *v)
{
	v->fired++;
	bpf_trace_printk("t", 2);
	bpf_timer_start(&v->t, 0, 0);
	return 0;
}

/* Arms every element of storm_arr with a callback that re-arms at once, for ever. */
SEC("xdp")
int storm(struct xdp_md *ctx)
{
	for (__u32 i = 0; i < 64; i++) {
		__u32 k = i;
		struct elem *v = bpf_map_lookup_elem(&storm_arr, &k);
		if (!v)
			return 1;
		bpf_timer_init(&v->t, &storm_arr, CLOCK_MONOTONIC);
		bpf_timer_set_callback(&v->t, storm_timer);
		bpf_timer_start(&v->t, 0, 0);
	}
	return 2;
}

static int slow_timer(void *map, __u32 *key, struct elem *v)
{
	for (int i = 0; i < 100000; i++)
		__sync_fetch_and_add(&v->fired, 1);
	return 0;
}

/* One timer whose callback runs 100,000 iterations: it finishes only on a large enough budget. */
SEC("xdp")
int slow(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct elem *v = bpf_map_lookup_elem(&storm_arr, &k);
	if (!v)
		return 1;
	bpf_timer_init(&v->t, &storm_arr, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&v->t, slow_timer);
	bpf_timer_start(&v->t, 0, 0);
	return 2;
}

/*
 * Absolute starts on the clock bpf_ktime_get_ns reads: array element 0 is due 1 ms from now on the
 * monotonic clock, element 2 1 ms from now on the boot clock (pinned to this CPU), element 1 at a
 * time already past, so at once (its callback re-arms it once: it runs twice).
 */
SEC("xdp")
int absolute(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct elem *v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(0, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC));
	record(1, bpf_timer_set_callback(&v->t, on_timer));
	record(2, bpf_timer_start(&v->t, bpf_ktime_get_ns() + 1000000, BPF_F_TIMER_ABS));
	k = 1;
	v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(3, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC));
	record(4, bpf_timer_set_callback(&v->t, on_timer));
	record(5, bpf_timer_start(&v->t, bpf_ktime_get_ns() - 1000, BPF_F_TIMER_ABS));
	k = 2;
	v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(6, bpf_timer_init(&v->t, &arr, CLOCK_BOOTTIME));
	record(7, bpf_timer_set_callback(&v->t, on_timer));
	record(8, bpf_timer_start(&v->t, bpf_ktime_get_boot_ns() + 1000000, BPF_F_TIMER_ABS | BPF_F_TIMER_CPU_PIN));
	return 2;
}

/*
 * A callback that deletes its own element (hash key 7): the delete frees the running callback's
 * timer, so a start from the callback afterwards is -EINVAL, in Linux as here.
 */
static int self_delete_timer(void *map, __u32 *key, struct elem *v)
{
	__u32 k = *key;
	record(20, bpf_map_delete_elem(map, &k));
	record(21, bpf_timer_start(&v->t, 0, 0));
	record(22, bpf_timer_cancel(&v->t));
	count_fired();
	return 0;
}

/* A callback that cancels another timer (array element 3, armed 1 s away): 1, as from a program. */
static int cancel_other_timer(void *map, __u32 *key, struct elem *v)
{
	__u32 k = 3;
	struct elem *other = bpf_map_lookup_elem(&arr, &k);
	if (other)
		record(23, bpf_timer_cancel(&other->t));
	record(24, bpf_timer_cancel(&v->t));
	count_fired();
	return 0;
}

SEC("xdp")
int callbacks(struct xdp_md *ctx)
{
	struct elem zero = {};
	__u32 k = 7;
	record(10, bpf_map_update_elem(&hash, &k, &zero, BPF_ANY));
	struct elem *v = bpf_map_lookup_elem(&hash, &k);
	if (!v)
		return 1;
	record(11, bpf_timer_init(&v->t, &hash, CLOCK_MONOTONIC));
	record(12, bpf_timer_set_callback(&v->t, self_delete_timer));
	record(13, bpf_timer_start(&v->t, 0, 0));
	k = 3;
	v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(14, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC));
	record(15, bpf_timer_set_callback(&v->t, on_timer));
	record(16, bpf_timer_start(&v->t, 1000000000, 0));
	k = 2;
	v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(17, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC));
	record(18, bpf_timer_set_callback(&v->t, cancel_other_timer));
	record(19, bpf_timer_start(&v->t, 1000, 0));
	return 2;
}

/* Records its key: the callback of many_hash's element k must see k. */
static int many_timer(void *map, __u32 *key, struct elem *v)
{
	v->fired++;
	v->seen = *key;
	count_fired();
	return 0;
}

static int arm_one(__u32 i, void *ctx)
{
	struct elem zero = {};
	__u32 k = i;
	if (bpf_map_update_elem(&many_hash, &k, &zero, BPF_ANY))
		return 1;
	struct elem *v = bpf_map_lookup_elem(&many_hash, &k);
	if (!v)
		return 1;
	if (bpf_timer_init(&v->t, &many_hash, CLOCK_MONOTONIC) || bpf_timer_set_callback(&v->t, many_timer)
	    || bpf_timer_start(&v->t, 1000000000, 0))
		return 1;
	return 0;
}

/* Arms a timer 1 s away in each of many_hash's ten thousand elements; 2 when every one is armed. */
SEC("xdp")
int many(struct xdp_md *ctx)
{
	return bpf_loop(MANY, arm_one, 0, 0) == MANY ? 2 : 1;
}

/* Arms every key of storm_hash (0..63) with storm_timer, which re-arms at once for ever. */
SEC("xdp")
int storm_hash_arm(struct xdp_md *ctx)
{
	struct elem zero = {};
	for (__u32 i = 0; i < 64; i++) {
		__u32 k = i;
		if (bpf_map_update_elem(&storm_hash, &k, &zero, BPF_NOEXIST))
			return 1;
		struct elem *v = bpf_map_lookup_elem(&storm_hash, &k);
		if (!v)
			return 1;
		bpf_timer_init(&v->t, &storm_hash, CLOCK_MONOTONIC);
		bpf_timer_set_callback(&v->t, storm_timer);
		bpf_timer_start(&v->t, 0, 0);
	}
	return 2;
}

/* Deletes key (packet length - 14) of storm_hash: a program deleting elements whose timers fire. */
SEC("xdp")
int storm_hash_delete(struct xdp_md *ctx)
{
	__u32 k = (ctx->data_end - ctx->data) - 14;
	return bpf_map_delete_elem(&storm_hash, &k) == 0 ? 2 : 1;
}

/* Records the CPU it runs on. */
static int pinned_timer(void *map, __u32 *key, struct elem *v)
{
	v->fired++;
	v->seen = bpf_get_smp_processor_id();
	count_fired();
	return 0;
}

/* A timer pinned to this run's CPU, in array element (that CPU): its callback must run there too. */
SEC("xdp")
int pinned(struct xdp_md *ctx)
{
	__u32 k = bpf_get_smp_processor_id();
	struct elem *v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(0, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC));
	record(1, bpf_timer_set_callback(&v->t, pinned_timer));
	record(2, bpf_timer_start(&v->t, 1000, BPF_F_TIMER_CPU_PIN));
	return 2;
}

/* A value with a timer and a spin lock: a callback may take the lock (TimerRacesTest, timers in callbacks). */
struct locked_elem {
	struct bpf_timer t;
	struct bpf_spin_lock lock;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked_elem);
} locked SEC(".maps");

/* (The loop adds to the map value itself: Warden's verifier does not yet stabilise a callback's writes to the caller's stack.) */
static long add_one(__u32 i, void *ctx)
{
	__u32 k = 0;
	struct locked_elem *l = bpf_map_lookup_elem(&locked, &k);
	if (l)
		__sync_fetch_and_add(&l->n, 1);
	return 0;
}

/* Under the value's spin lock, and then in a bpf_loop of three, adds to n: 1 + 3 per run. */
static int locked_timer(void *map, __u32 *key, struct locked_elem *v)
{
	bpf_spin_lock(&v->lock);
	v->n++;
	bpf_spin_unlock(&v->lock);
	record(25, bpf_loop(3, add_one, 0, 0));
	count_fired();
	return 0;
}

/* Program share_init initialises array element 0's timer and sets its callback; program share_start, another program of the object, starts it. */
SEC("xdp")
int share_init(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct elem *v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(0, bpf_timer_init(&v->t, &arr, CLOCK_MONOTONIC));
	record(1, bpf_timer_set_callback(&v->t, on_timer));
	k = 0;
	struct locked_elem *l = bpf_map_lookup_elem(&locked, &k);
	if (!l)
		return 1;
	record(2, bpf_timer_init(&l->t, &locked, CLOCK_MONOTONIC));
	record(3, bpf_timer_set_callback(&l->t, locked_timer));
	return 2;
}

SEC("xdp")
int share_start(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct elem *v = bpf_map_lookup_elem(&arr, &k);
	if (!v)
		return 1;
	record(4, bpf_timer_start(&v->t, 1000, 0));
	struct locked_elem *l = bpf_map_lookup_elem(&locked, &k);
	if (!l)
		return 1;
	record(5, bpf_timer_start(&l->t, 1000, 0));
	return 2;
}

char _license[] SEC("license") = "GPL";
