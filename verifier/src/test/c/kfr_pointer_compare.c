/*
 * Known kernel false rejection: a map-value pointer bounded by comparing it with the end of the
 * array (the C idiom "p < a + N"), the index itself never compared.
 *
 * Why the kernel fails: it learns from pointer comparisons only for packet pointers (against
 * data_end) and null checks; comparing two map-value pointers refines nothing, so p keeps the
 * offset range [0, 1020] and the store is "invalid access to map value". The comparison is in
 * assembly because clang would rewrite it into a comparison of indices.
 * Why Warden can succeed: both operands point into the same map value, so the comparison is a
 * comparison of their offsets, and refining the offsets is ordinary interval refinement.
 */
#include "kfr_common.h"

/* Stores to *p only when p < &slot[16]; p = &slot[b] for a packet byte b. */
#define STORE_IF_BELOW(p, limit) \
	asm volatile("if %0 >= %1 goto +1\n\t*(u32 *)(%0 + 0) = %2" :: "r"(p), "r"(limit), "r"(1) : "memory")

SEC("xdp")
int kfr_pointer_compare(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u32 *p = &v->slot[*(__u8 *)data];
	__u32 *limit = (__u32 *)((char *)v + 16 * sizeof(__u32));
	STORE_IF_BELOW(p, limit);
	return XDP_PASS;
}

/* Twin: the limit is one slot past the array. */
SEC("xdp")
int kfr_pointer_compare_off_by_one(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();

	if (!v || data + 1 > end)
		return XDP_PASS;
	__u32 *p = &v->slot[*(__u8 *)data];
	__u32 *limit = (__u32 *)((char *)v + 17 * sizeof(__u32));
	STORE_IF_BELOW(p, limit); // BUG: valid_access
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
