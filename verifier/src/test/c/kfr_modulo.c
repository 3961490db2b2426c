/*
 * Known kernel false rejection: an index reduced with % by a constant.
 *
 * Why the kernel fails: it computes ranges for add, sub, mul, and, or, xor and shifts only; the
 * destination of a division or modulo becomes an unknown scalar (6.18 and earlier), so
 * x % 10 may be anything and the table access is rejected.
 * Why Warden can succeed: its interval domain has unsigned division and modulo; x % 10 for a
 * non-zero constant lies in [0, 9].
 */
#include "kfr_common.h"

/*
 * x %= imm as one BPF_MOD instruction (ALU64 | MOD | K, dst r1). LLVM never selects BPF_MOD: it
 * expands x % d into x - x / d * d, a relation no interval analysis (nor the kernel) follows, so
 * the instruction is written as bytes.
 */
#define MOD_IMM(x, imm) \
	asm volatile("r1 = %0\n\t.byte 0x97, 0x01, 0x00, 0x00, " #imm ", 0x00, 0x00, 0x00\n\t%0 = r1" \
		     : "+r"(x) :: "r1")

SEC("xdp")
int kfr_modulo(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 4 > end)
		return XDP_PASS;
	__u64 i = *(__u32 *)data;
	MOD_IMM(i, 10);
	v->slot[i] += 1;
	return XDP_PASS;
}

/* Twin: x % 17 reaches 16, one past the 16 slots. */
SEC("xdp")
int kfr_modulo_too_large(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 4 > end)
		return XDP_PASS;
	__u64 i = *(__u32 *)data;
	MOD_IMM(i, 17);
	v->slot[i] += 1; // BUG: valid_access
	return XDP_PASS;
}

/* Division: a byte divided by 16 is at most 15. */
SEC("xdp")
int kfr_division(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u32 b = *(__u8 *)data;
	__u32 d = 16;
	asm volatile("" : "+r"(d)); /* keep a real division (clang would shift) */
	v->slot[b / d] += 1;
	return XDP_PASS;
}

/* Twin: dividing by 15 reaches 17. */
SEC("xdp")
int kfr_division_too_large(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u32 b = *(__u8 *)data;
	__u32 d = 15;
	asm volatile("" : "+r"(d));
	v->slot[b / d] += 1; // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
