/*
 * Known kernel false rejection: a bound checked on a copy, the original used.
 *
 * clang zero-extends a 32-bit index into a second register (r2 = r1; r2 <<= 32; r2 >>= 32) and
 * compares that copy, while the access uses the original. Why the kernel fails: a shift gives the
 * copy a fresh identity, so the branch bounds only the copy (linked registers follow plain moves
 * and constant additions, not shifts); the original keeps its range [0, 2^32) and the access is
 * "invalid access to map value". Why Warden can succeed: the original is a zero-extended 32-bit
 * value (tnum: upper half known zero), so on its range the shift pair is the identity; a transfer
 * that keeps the link when an operation is the identity on the operand's abstract value is sound
 * and lets the branch refine both.
 */
#include "kfr_common.h"

SEC("xdp")
int kfr_zext_copy(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__u64 copy;

	if (!v || data + 4 > end)
		return XDP_PASS;
	__u32 i = *(__u32 *)data;
	asm volatile("%0 = %1\n\t%0 <<= 32\n\t%0 >>= 32" : "=r"(copy) : "r"(i));
	if (copy > 15)
		return XDP_PASS;
	v->slot[i] = 1;
	return XDP_PASS;
}

/* Twin: the copy is allowed to be 16. */
SEC("xdp")
int kfr_zext_copy_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	__u64 copy;

	if (!v || data + 4 > end)
		return XDP_PASS;
	__u32 i = *(__u32 *)data;
	asm volatile("%0 = %1\n\t%0 <<= 32\n\t%0 >>= 32" : "=r"(copy) : "r"(i));
	if (copy > 16)
		return XDP_PASS;
	v->slot[i] = 1; // BUG: valid_access
	return XDP_PASS;
}

/*
 * The same pattern as clang writes it without any assembly: a __u32 from a helper bounds a buffer
 * size. clang compares a zero-extended copy of r0 and passes r0 itself as the size (the helper
 * reads only its low 32 bits). The kernel: "R2 unbounded memory access".
 */
SEC("kprobe/do_nanosleep")
int kfr_zext_copy_helper_size(void *ctx) // EXPECT: accept
{
	char buf[64];
	const void *src = (const void *)((unsigned long *)ctx)[14];
	__u32 n = bpf_get_prandom_u32();

	if (n > sizeof(buf))
		return 0;
	bpf_probe_read_kernel(buf, n, src);
	return 0;
}

/* Twin: the size may be one byte more than the buffer. */
SEC("kprobe/do_nanosleep")
int kfr_zext_copy_helper_size_off_by_one(void *ctx) // EXPECT: reject valid_access
{
	char buf[64];
	const void *src = (const void *)((unsigned long *)ctx)[14];
	__u32 n = bpf_get_prandom_u32();

	if (n > sizeof(buf) + 1)
		return 0;
	bpf_probe_read_kernel(buf, n, src); // BUG: valid_access
	return 0;
}

char _license[] SEC("license") = "GPL";
