/*
 * Helpers that take a memory argument with its size: the size comes from a checked variable.
 * A size beyond the buffer is an out-of-bounds access through the helper (valid_access), as the
 * kernel's "invalid indirect access to stack" says.
 */
#include "bpf_test.h"

/* kprobe context: x86-64 struct pt_regs; di (the first argument) is its 15th word. */
#define PT_REGS_DI_WORD 14

SEC("kprobe/do_nanosleep")
int probe_read_sized(void *ctx) // EXPECT: accept
{
	char buf[64];
	const void *src = (const void *)((unsigned long *)ctx)[PT_REGS_DI_WORD];
	/* A 64-bit size: with a __u32 (bpf_get_prandom_u32) clang checks a zero-extended copy and
	 * passes the original, the relational pattern of kfr_zext_copy.c. */
	__u64 n = bpf_ktime_get_ns();

	if (n > sizeof(buf))
		return 0;
	bpf_probe_read_kernel(buf, n, src);
	return 0;
}

/* Twin: the size may be one byte larger than the buffer. */
SEC("kprobe/do_nanosleep")
int probe_read_oversized(void *ctx) // EXPECT: reject valid_access
{
	char buf[64];
	const void *src = (const void *)((unsigned long *)ctx)[PT_REGS_DI_WORD];
	/* A 64-bit size: with a __u32 (bpf_get_prandom_u32) clang checks a zero-extended copy and
	 * passes the original, the relational pattern of kfr_zext_copy.c. */
	__u64 n = bpf_ktime_get_ns();

	if (n > sizeof(buf) + 1)
		return 0;
	bpf_probe_read_kernel(buf, n, src); // BUG: valid_access
	return 0;
}

/* skb_load_bytes needs a size of at least one byte and at most the buffer. */
SEC("tc")
int load_bytes_sized(struct __sk_buff *skb) // EXPECT: accept
{
	char buf[32];
	__u32 len = skb->len;

	if (len > sizeof(buf))
		len = sizeof(buf);
	if (len < 1)
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, 0, buf, len) < 0)
		return TC_ACT_OK;
	return buf[0] == 0x45 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Twin: the cap is one byte larger than the buffer. */
SEC("tc")
int load_bytes_oversized(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	char buf[32];
	__u32 len = skb->len;

	if (len > sizeof(buf) + 1)
		len = sizeof(buf) + 1;
	if (len < 1)
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, 0, buf, len) < 0) // BUG: valid_access
		return TC_ACT_OK;
	return buf[0] == 0x45 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* csum_diff over a prefix of an initialised stack array, its length checked first. */
SEC("tc")
int csum_diff_sized(struct __sk_buff *skb) // EXPECT: accept
{
	__be32 words[4] = { skb->mark, skb->priority, skb->hash, skb->len };
	__u32 n = skb->cb[0];

	if (n > sizeof(words))
		return TC_ACT_OK;
	return bpf_csum_diff(0, 0, words, n, 0) == 0 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Twin: the length may run four bytes past the array. */
SEC("tc")
int csum_diff_oversized(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	__be32 words[4] = { skb->mark, skb->priority, skb->hash, skb->len };
	__u32 n = skb->cb[0];

	if (n > sizeof(words) + 4)
		return TC_ACT_OK;
	return bpf_csum_diff(0, 0, words, n, 0) == 0 ? TC_ACT_SHOT : TC_ACT_OK; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
