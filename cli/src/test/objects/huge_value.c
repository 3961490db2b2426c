/* A legacy array map whose value_size is 2^31: Linux answers E2BIG; Warden must name the map. */
#include "../../../../examples/bpf_defs.h"
struct bpf_map_def { unsigned int type, key_size, value_size, max_entries, map_flags; };
struct bpf_map_def SEC("maps") huge = { BPF_MAP_TYPE_ARRAY, 4, 0x80000000u, 1, 0 };

SEC("xdp") int prog(struct xdp_md *ctx) {
	int k = 0;
	long *v = bpf_map_lookup_elem(&huge, &k);
	if (v) *v += 1;
	return XDP_PASS;
}
char _license[] SEC("license") = "GPL";
