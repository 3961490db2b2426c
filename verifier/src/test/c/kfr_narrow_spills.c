/*
 * Known kernel false rejection: two bounded 32-bit scalars spilled into one 8-byte stack slot.
 *
 * Why the kernel fails: it tracks at most one spilled register per 8-byte slot, and only when the
 * store starts the slot. clang puts the second field at offset 4 of its slot: the kernel marks
 * those bytes "misc", and the fill gives an unknown scalar, so the bound is lost and the
 * access is "invalid access to map value".
 * Why Warden can succeed: its stack is byte-granular; a 32-bit store of a scalar records the
 * value for those four bytes, and a fill of exactly those four bytes gets it back.
 */
#include "kfr_common.h"

SEC("xdp")
int kfr_narrow_spills(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	volatile struct {
		__u32 lo;
		__u32 hi;
	} pair;

	if (!v || data + 2 > end)
		return XDP_PASS;
	pair.lo = ((__u8 *)data)[0] & 15;
	pair.hi = ((__u8 *)data)[1] & 15;
	v->slot[pair.hi] = 1;
	v->slot[pair.lo] = 2;
	return XDP_PASS;
}

/* Twin: the high half may be as large as 31. */
SEC("xdp")
int kfr_narrow_spills_too_wide(struct xdp_md *ctx) // EXPECT: reject valid_access
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	struct slots *v = kfr_value();
	volatile struct {
		__u32 lo;
		__u32 hi;
	} pair;

	if (!v || data + 2 > end)
		return XDP_PASS;
	pair.lo = ((__u8 *)data)[0] & 15;
	pair.hi = ((__u8 *)data)[1] & 31;
	v->slot[pair.hi] = 1; // BUG: valid_access
	v->slot[pair.lo] = 2;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
