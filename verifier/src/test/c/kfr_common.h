/* Shared by the kfr_*.c programs: patterns the Linux verifier rejects although they are safe. */
#ifndef WARDEN_KFR_COMMON_H
#define WARDEN_KFR_COMMON_H
#include "bpf_test.h"

struct slots {
	__u32 slot[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slots);
} kfr_slots SEC(".maps");

/* The one value of kfr_slots, or NULL (never, for an array with one entry, but the verifier cannot know). */
static __always_inline struct slots *kfr_value(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&kfr_slots, &zero);
}
#endif
