/* Global data: a .rodata constant read as a known value, a .bss counter, a .data table. */
#include "bpf_test.h"

/* Constant for the program (libbpf freezes .rodata before loading), so a read gives exactly 8. */
const volatile __u32 table_len = 8;
/* One larger than the table, for the twin. */
const volatile __u32 table_len_wrong = 9;
/* Zero-initialised: .bss. */
__u64 hits;
/* Initialised: .data. */
__u32 weights[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

SEC("xdp")
int globals_ok(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	__sync_fetch_and_add(&hits, 1);
	__u32 i = *p;
	if (i >= table_len)
		return XDP_PASS;
	return weights[i] > 4 ? XDP_DROP : XDP_PASS;
}

/* Twin: the bound read from .rodata is one past the table. */
SEC("xdp")
int globals_rodata_bound_wrong(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u8 *p = data;

	if ((void *)(p + 1) > end)
		return XDP_PASS;
	__u32 i = *p;
	if (i >= table_len_wrong)
		return XDP_PASS;
	return weights[i] > 4 ? XDP_DROP : XDP_PASS; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
