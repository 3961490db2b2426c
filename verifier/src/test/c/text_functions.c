/*
 * Global (.text) functions verified on their own, their arguments typed by BTF as the kernel types
 * a global function's: a pointer to the context struct is the context, a pointer to a struct of N
 * bytes is N bytes of memory or NULL. TextFunctionsTest checks each function's verdict (the
 * annotation test reads entry programs only, so the expectations sit in that test).
 */
#include "bpf_test.h"

struct pair {
	__u32 a;
	__u32 b;
};

/* Safe: checks for NULL, stays inside the 8 bytes. */
__noinline int pair_sum(struct pair *p)
{
	if (!p)
		return 0;
	return p->a + p->b;
}

/* Unsafe twin: no NULL check (a caller may pass NULL). */
__noinline int pair_sum_unchecked(struct pair *p)
{
	return p->a + p->b;
}

/* Unsafe twin: reads 4 bytes past the struct. */
__noinline int pair_past_end(struct pair *p)
{
	if (!p)
		return 0;
	return ((volatile __u32 *)p)[2];
}

/* Safe: the context parameter gives packet pointers, checked before the read. */
__noinline int first_byte(struct xdp_md *ctx)
{
	__u8 *data = XDP_DATA(ctx);
	if ((void *)(data + 1) > XDP_END(ctx))
		return 0;
	return data[0];
}

/* A void function: nothing to return, so an unset r0 is its callers' business. */
__noinline void clear(struct pair *p)
{
	if (p)
		p->a = 0;
}

SEC("xdp")
int text_functions_entry(struct xdp_md *ctx) // EXPECT: accept
{
	struct pair p = {1, 2};
	clear(&p);
	return pair_sum(&p) + first_byte(ctx) > 1000 ? XDP_DROP : XDP_PASS;
}
