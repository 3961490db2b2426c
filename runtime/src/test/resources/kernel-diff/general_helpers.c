/*
 * Programs that call the helpers of GeneralHelpers (clocks, per-CPU lookup, map iteration,
 * formatting, string parsing, socket and route information, redirect_neigh), run by Warden and by
 * Linux on the same packets and seeds (GeneralHelpersAgreeWithTheKernelTest). Each reads its
 * operands from the array maps `ops` and `texts`, which the test fills at random, and writes every
 * helper's result into `rcs` (and formatted text into `out`), so that a difference shows up as a
 * located map difference. Only what is deterministic in a test run is recorded: the clocks'
 * relations, not their values; whether the socket cookie is zero, not the cookie.
 * Built by the test: clang -O2 -g -target bpf.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *) BPF_FUNC_map_update_elem;
static __u64 (*bpf_ktime_get_ns)(void) = (void *) BPF_FUNC_ktime_get_ns;
static __u64 (*bpf_ktime_get_boot_ns)(void) = (void *) BPF_FUNC_ktime_get_boot_ns;
static __u64 (*bpf_ktime_get_coarse_ns)(void) = (void *) BPF_FUNC_ktime_get_coarse_ns;
static __u64 (*bpf_ktime_get_tai_ns)(void) = (void *) BPF_FUNC_ktime_get_tai_ns;
static __u64 (*bpf_jiffies64)(void) = (void *) BPF_FUNC_jiffies64;
static void *(*bpf_map_lookup_percpu_elem)(void *map, const void *key, __u32 cpu) = (void *) BPF_FUNC_map_lookup_percpu_elem;
static long (*bpf_for_each_map_elem)(void *map, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) BPF_FUNC_for_each_map_elem;
static long (*bpf_snprintf)(char *str, __u32 str_size, const char *fmt, __u64 *data, __u32 data_len) = (void *) BPF_FUNC_snprintf;
static long (*bpf_trace_printk)(const char *fmt, __u32 fmt_size, ...) = (void *) BPF_FUNC_trace_printk;
static long (*bpf_trace_vprintk)(const char *fmt, __u32 fmt_size, const void *data, __u32 data_len) = (void *) BPF_FUNC_trace_vprintk;
static long (*bpf_strtol)(const char *buf, unsigned long buf_len, __u64 flags, long *res) = (void *) BPF_FUNC_strtol;
static long (*bpf_strtoul)(const char *buf, unsigned long buf_len, __u64 flags, unsigned long *res) = (void *) BPF_FUNC_strtoul;
static long (*bpf_strncmp)(const char *s1, __u32 s1_sz, const char *s2) = (void *) BPF_FUNC_strncmp;
static __u64 (*bpf_get_socket_cookie)(void *ctx) = (void *) BPF_FUNC_get_socket_cookie;
static __u32 (*bpf_get_socket_uid)(struct __sk_buff *skb) = (void *) BPF_FUNC_get_socket_uid;
static __u32 (*bpf_get_cgroup_classid)(struct __sk_buff *skb) = (void *) BPF_FUNC_get_cgroup_classid;
static __u32 (*bpf_get_route_realm)(struct __sk_buff *skb) = (void *) BPF_FUNC_get_route_realm;
static __u64 (*bpf_skb_cgroup_id)(struct __sk_buff *skb) = (void *) BPF_FUNC_skb_cgroup_id;
static long (*bpf_get_numa_node_id)(void) = (void *) BPF_FUNC_get_numa_node_id;
static long (*bpf_redirect_neigh)(__u32 ifindex, struct bpf_redir_neigh *params, int plen, __u64 flags) = (void *) BPF_FUNC_redirect_neigh;

#define OPS 8
#define TEXT 24

/* Operands: a few u64 numbers and a flags word. */
struct op {
	__u64 a;
	__u64 b;
	__u64 c;
	__u32 flags;
	__u32 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OPS);
	__type(key, __u32);
	__type(value, struct op);
} ops SEC(".maps");

/* Strings (NUL-terminated within TEXT bytes) and raw bytes for addresses. */
struct text {
	char s[TEXT];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OPS);
	__type(key, __u32);
	__type(value, struct text);
} texts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __s64);
} rcs SEC(".maps");

struct line {
	char s[96];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct line);
} out SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} percpu_array SEC(".maps");

static void record(__u32 i, __s64 rc)
{
	bpf_map_update_elem(&rcs, &i, &rc, BPF_ANY);
}

static struct op *op(__u32 i)
{
	return bpf_map_lookup_elem(&ops, &i);
}

static struct text *text(__u32 i)
{
	return bpf_map_lookup_elem(&texts, &i);
}

static struct line *line(__u32 i)
{
	return bpf_map_lookup_elem(&out, &i);
}

SEC("tc") int clocks(struct __sk_buff *skb)
{
	__u64 t1 = bpf_ktime_get_ns();
	__u64 boot = bpf_ktime_get_boot_ns();
	__u64 coarse1 = bpf_ktime_get_coarse_ns();
	__u64 j1 = bpf_jiffies64();
	__u64 tai = bpf_ktime_get_tai_ns();
	__u64 coarse2 = bpf_ktime_get_coarse_ns();
	__u64 j2 = bpf_jiffies64();
	__u64 t2 = bpf_ktime_get_ns();

	record(0, boot >= t1);
	record(1, coarse1 <= t2);
	record(2, coarse2 >= coarse1);
	record(3, j2 >= j1);
	record(4, tai > t2);
	record(5, t2 > t1);
	return TC_ACT_OK;
}

SEC("tc") int socket_info(struct __sk_buff *skb)
{
	record(0, bpf_get_socket_cookie(skb) != 0);
	record(1, bpf_get_socket_cookie(skb) == bpf_get_socket_cookie(skb));
	record(2, bpf_get_socket_uid(skb));
	record(3, bpf_get_cgroup_classid(skb));
	record(4, bpf_get_route_realm(skb));
	record(5, bpf_skb_cgroup_id(skb));
	record(6, bpf_get_numa_node_id());
	return TC_ACT_OK;
}

SEC("tc") int neigh(struct __sk_buff *skb)
{
	struct op *o = op(0);
	struct bpf_redir_neigh params = {};

	if (!o)
		return TC_ACT_OK;
	record(0, bpf_redirect_neigh(3, 0, 0, o->flags & 1));
	params.nh_family = 2;
	params.ipv4_nh = (__u32) o->a;
	return bpf_redirect_neigh(3, &params, sizeof(params), o->flags & 2);
}

SEC("tc") int percpu_lookup(struct __sk_buff *skb)
{
	struct op *o = op(0);
	__u32 key = 1;
	__u64 *v;

	if (!o)
		return TC_ACT_OK;
	v = bpf_map_lookup_percpu_elem(&percpu_array, &key, 0);
	if (v) {
		record(0, *v);
		*v += o->a & 0xffff;
	}
	record(1, bpf_map_lookup_percpu_elem(&percpu_array, &key, 4096) != 0);
	key = o->b & 7;
	record(2, bpf_map_lookup_percpu_elem(&percpu_array, &key, 0) != 0);
	return TC_ACT_OK;
}

struct sum {
	__u64 total;
	__u64 stop;
};

static long add_value(void *map, __u32 *key, __u64 *value, struct sum *s)
{
	s->total += *value;
	*value += 1;
	return *key == s->stop;
}

SEC("tc") int for_each(struct __sk_buff *skb)
{
	struct op *o = op(0);
	struct sum s = {};

	if (!o)
		return TC_ACT_OK;
	s.stop = o->a & 7;
	record(0, bpf_for_each_map_elem(&array, add_value, &s, 0));
	record(1, s.total);
	/* A hash's order is Linux's bucket order, so only a whole pass is compared. */
	s.total = 0;
	s.stop = 99;
	record(2, bpf_for_each_map_elem(&hash, add_value, &s, 0));
	record(3, s.total);
	record(4, bpf_for_each_map_elem(&array, add_value, &s, o->flags & 1));
	return TC_ACT_OK;
}

static const char numbers[] = "%d %5u|%-4x|%08X|%+d|% d|%c|%lld|%llx|%i";
static const char strings[] = "%s|%10s|%-6s|%pI4 %pi4|%pI6|%pi6|%px";

SEC("tc") int formats(struct __sk_buff *skb)
{
	struct op *o = op(0), *p = op(1);
	struct text *t = text(0), *u = text(1);
	struct line *l0 = line(0), *l1 = line(1), *l2 = line(2);
	__u64 args[10];

	if (!o || !p || !t || !u || !l0 || !l1 || !l2)
		return TC_ACT_OK;
	args[0] = o->a;
	args[1] = o->b;
	args[2] = o->c;
	args[3] = p->a;
	args[4] = p->b;
	args[5] = p->c;
	args[6] = o->flags;
	args[7] = o->a * 7919;
	args[8] = p->a ^ o->c;
	args[9] = p->flags;
	record(0, bpf_snprintf(l0->s, sizeof(l0->s), numbers, args, sizeof(args)));
	args[0] = (__u64) t->s;
	args[1] = (__u64) u->s;
	args[2] = (__u64) t->s + 3;
	args[3] = (__u64) u->s;
	args[4] = (__u64) t->s;
	args[5] = (__u64) u->s;
	args[6] = (__u64) t->s + 8;
	args[7] = o->a;
	record(1, bpf_snprintf(l1->s, sizeof(l1->s), strings, args, 8 * 8));
	/* Cut to a short buffer: the result still counts every byte. */
	record(2, bpf_snprintf(l2->s, 1 + (o->len & 15), strings, args, 8 * 8));
	return TC_ACT_OK;
}

/* trace_printk and trace_vprintk check their format at run time: their results, errors included, compare. */
SEC("tc") int traces(struct __sk_buff *skb)
{
	struct op *o = op(0);
	struct text *t = text(2);
	__u64 args[5];
	char good[] = "n=%d u=%u x=%llx";
	char text_arg[] = "s=%s!";
	char wide[] = "%200d%200d%200d";
	char bad[] = "%d %hd";
	char too_many[] = "%d%d%d%d";
	char vfmt[] = "%d %d %d %d %s";

	if (!o || !t)
		return TC_ACT_OK;
	record(0, bpf_trace_printk(good, sizeof(good), o->a, o->b, o->c));
	record(1, bpf_trace_printk(text_arg, sizeof(text_arg), t->s));
	record(2, bpf_trace_printk(wide, sizeof(wide), o->a, o->b, o->c));
	record(3, bpf_trace_printk(bad, sizeof(bad), 1, 2));
	record(4, bpf_trace_printk(too_many, sizeof(too_many), 1, 2, 3));
	record(5, bpf_trace_printk(good, 4, 1, 2, 3));
	args[0] = o->a;
	args[1] = o->b;
	args[2] = o->c;
	args[3] = o->a ^ o->b;
	args[4] = (__u64) t->s;
	record(6, bpf_trace_vprintk(vfmt, sizeof(vfmt), args, sizeof(args)));
	/* 4 bytes: not whole arguments; 16: too few for the format. */
	record(7, bpf_trace_vprintk(vfmt, sizeof(vfmt), args, (o->len & 1) ? 4 : (o->len & 2) ? 16 : 40));
	return TC_ACT_OK;
}

SEC("tc") int parse(struct __sk_buff *skb)
{
	__u32 i;

	for (i = 0; i < 4; i++) {
		struct op *o = op(i);
		struct text *t = text(i);
		long sres = 0;
		unsigned long ures = 0;
		__u32 len;

		if (!o || !t)
			return TC_ACT_OK;
		len = (o->len & 15) + ((o->len >> 4) & 7) + 1;
		record(6 * i, bpf_strtol(t->s, len, o->flags, &sres));
		record(6 * i + 1, sres);
		record(6 * i + 2, bpf_strtoul(t->s, len, o->flags, &ures));
		record(6 * i + 3, ures);
		record(6 * i + 4, bpf_strncmp(t->s, 4, "0x1f"));
		record(6 * i + 5, bpf_strncmp(t->s, TEXT, " -12"));
	}
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
