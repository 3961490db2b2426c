/* Global data: read-only configuration (.rodata), initialised state (.data), zeroed state (.bss). */
#include "bpf_defs.h"

const volatile __u32 threshold = 100;
const volatile __u8 weights[4] = { 1, 2, 4, 8 };
__u64 packets = 5;
__u32 dropped;
__u64 history[8];

SEC("xdp")
int weigh(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 w = weights[len & 3];

	packets++;
	history[packets & 7] = len;
	if (len * w > threshold) {
		dropped++;
		return XDP_DROP;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
