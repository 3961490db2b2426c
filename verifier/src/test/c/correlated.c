/*
 * Correlated branches: a pointer is usable only where a flag set together with it says so.
 *
 * The kernel explores each path on its own and accepts these; a verifier that joins states at
 * merge points (PREVAIL) loses the relation between the flag and the pointer (after the merge the
 * flag is 0 or 1 and the pointer "maybe null", or a number), and rejects. Warden keeps states of
 * different shapes apart at a merge (a register or spill that is a pointer on one path and not on
 * the other; see docs/verifier.md, "Disjunctions"), so the second test of the flag decides which
 * state goes where. Shapes of the inspektor-gadget seccomp (-O1) and bpf-examples nat64 egress
 * (-O1, clang 13/14) objects.
 */
#include "kfr_common.h"

/* A lookup result kept with a flag (seccomp: ok = p != NULL; ...; if (ok) use(p)). */
SEC("xdp")
int correlated_null_flag(struct xdp_md *ctx) // EXPECT: accept
{
	struct slots *v = 0;
	__u32 ok = 0;

	if (bpf_get_prandom_u32() & 1) {
		v = kfr_value();
		ok = v != 0;
	}
	/* Keeps clang from folding the second test into the first. */
	asm volatile("" : "+r"(ok));
	if (ok)
		v->slot[0] = 1;
	return XDP_PASS;
}

/*
 * Twin: the flag is set whether or not the lookup found a value. The key is any number, so the
 * lookup really can fail (with the constant key 0 of kfr_value, Linux 6.18 knows a one-entry
 * array always has the value, and accepts the program).
 */
SEC("xdp")
int correlated_null_flag_unchecked(struct xdp_md *ctx) // EXPECT: reject non_null
{
	struct slots *v = 0;
	__u32 ok = 0;

	if (bpf_get_prandom_u32() & 1) {
		__u32 key = bpf_get_prandom_u32();
		v = bpf_map_lookup_elem(&kfr_slots, &key);
		ok = 1;
	}
	asm volatile("" : "+r"(ok));
	if (ok)
		v->slot[0] = 1; // BUG: non_null
	return XDP_PASS;
}

/* A packet pointer kept only when a flag is 0, used under the same test after a helper call (nat64 egress). */
SEC("xdp")
int correlated_spill(struct xdp_md *ctx) // EXPECT: accept
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u8 *p = 0;
	__u32 mode = bpf_get_prandom_u32() & 1;

	if (mode == 0) {
		if (data + 4 > end)
			return XDP_DROP;
		p = data;
	}
	asm volatile("" : "+r"(mode));
	bpf_ktime_get_ns();
	if (mode == 0)
		return p[3];
	return XDP_PASS;
}

/* Twin: the pointer is kept when the flag is 0 but read when it is 1. */
SEC("xdp")
int correlated_spill_wrong_flag(struct xdp_md *ctx) // EXPECT: reject non_null
{
	void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
	__u8 *p = 0;
	__u32 mode = bpf_get_prandom_u32() & 1;

	if (mode == 0) {
		if (data + 4 > end)
			return XDP_DROP;
		p = data;
	}
	asm volatile("" : "+r"(mode));
	bpf_ktime_get_ns();
	if (mode == 1)
		return p[3]; // BUG: non_null
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
