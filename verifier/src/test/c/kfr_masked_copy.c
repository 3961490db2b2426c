/*
 * Known kernel false rejection: a bound checked on a masked copy, the original masked again and used.
 *
 * A __u16 length computed from a map value (ksnoop's output_trace: trace_len = sizeof(*trace) +
 * trace->buf_len - sizeof(trace->buf)) is compared as a 32-bit value, w2 = w5; w2 &= 0xffff;
 * if w2 > N, and passed as a helper size through a second mask of the original, r5 &= 0xffff.
 * Why the kernel fails: the mask gives the copy a fresh identity, so the branch bounds only the
 * copy; the second mask of the original knows only [0, 0xffff] ("R5 unbounded memory access" /
 * "invalid access to map value"). Why Warden succeeds: a copy masked with 0xff or 0xffff stays
 * linked to its original as a view (the original's low 16 bits), and the same mask applied to the
 * original gives the same view, hence a value equal to the bounded copy.
 */
#include "kfr_common.h"

static long (*bpf_perf_event_output)(void *ctx, void *map, __u64 flags, void *data, __u64 size) = (void *) 25;

struct trace {
	__u16 buf_len;
	char pad[6];
	char buf[120];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct trace);
} kfr_traces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} kfr_events SEC(".maps");

static __always_inline struct trace *kfr_trace(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&kfr_traces, &zero);
}

SEC("kprobe/do_nanosleep")
int kfr_masked_copy(void *ctx) // EXPECT: accept
{
	struct trace *t = kfr_trace();
	__u64 len, copy;

	if (!t)
		return 0;
	len = t->buf_len;
	/* As clang writes ksnoop's __u16 length: a 32-bit masked copy is compared, the original masked again. */
	asm volatile("%0 += 8\n\t%1 = %0\n\t%1 &= 65535" : "+r"(len), "=r"(copy));
	if (copy > sizeof(*t))
		return 0;
	asm volatile("%0 &= 65535" : "+r"(len));
	bpf_perf_event_output(ctx, &kfr_events, 0xffffffffULL, t, len);
	return 0;
}

/* Twin: the bound lets the length be one byte more than the value. */
SEC("kprobe/do_nanosleep")
int kfr_masked_copy_off_by_one(void *ctx) // EXPECT: reject valid_access
{
	struct trace *t = kfr_trace();
	__u64 len, copy;

	if (!t)
		return 0;
	len = t->buf_len;
	asm volatile("%0 += 8\n\t%1 = %0\n\t%1 &= 65535" : "+r"(len), "=r"(copy));
	if (copy > sizeof(*t) + 1)
		return 0;
	asm volatile("%0 &= 65535" : "+r"(len));
	bpf_perf_event_output(ctx, &kfr_events, 0xffffffffULL, t, len); // BUG: valid_access
	return 0;
}

/* The byte-mask form, written out: the copy is masked with 0xff and bounded, the original masked and used as an index. */
SEC("xdp")
int kfr_masked_copy_byte(struct xdp_md *ctx) // EXPECT: accept
{
	struct slots *v = kfr_value();
	__u64 i = bpf_get_prandom_u32(), copy;

	if (!v)
		return XDP_PASS;
	asm volatile("%0 = %1\n\t%0 &= 255" : "=r"(copy) : "r"(i));
	if (copy > 15)
		return XDP_PASS;
	asm volatile("%0 &= 255" : "+r"(i));
	v->slot[i] = 1;
	return XDP_PASS;
}

/* Twin: the original is masked with 0xffff, not the copy's 0xff, so the bound does not carry over. */
SEC("xdp")
int kfr_masked_copy_byte_wrong_mask(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	struct slots *v = kfr_value();
	__u64 i = bpf_get_prandom_u32(), copy;

	if (!v)
		return XDP_PASS;
	asm volatile("%0 = %1\n\t%0 &= 255" : "=r"(copy) : "r"(i));
	if (copy > 15)
		return XDP_PASS;
	asm volatile("%0 &= 65535" : "+r"(i));
	v->slot[i] = 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
