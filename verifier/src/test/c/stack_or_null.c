/*
 * A stack buffer or NULL in one register (packet_helpers.c's tc_ops in runtime's kernel-diff
 * programs, reduced). Linux follows each path on its own; Warden joins where paths meet, so two
 * things must hold: the arms of a switch inside an unrolled loop stay apart (the buffer with size 8
 * in one, NULL with size 0 in the other), and a stack pointer joined with NULL is "that pointer or
 * NULL" (usable after a null check, or where a helper takes NULL) rather than a plain number.
 */
#include "bpf_test.h"

#define ROUNDS 4

/* bpf_csum_diff gets (buf, 8) or (NULL, 0) depending on a value read each round. */
SEC("tc")
int csum_buffer_or_null(struct __sk_buff *skb) // EXPECT: accept
{
	__u32 buf[2] = {skb->len, skb->mark};
	__s64 sum = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++) {
		__u32 what = bpf_get_prandom_u32();
		switch (what % 3) {
		case 0: sum += bpf_csum_diff(buf, 8, 0, 0, what); break;
		case 1: sum += bpf_csum_diff(0, 0, buf, 4, what); break;
		default: sum += bpf_csum_diff(0, 0, 0, 0, what); break;
		}
	}
	return sum & 1;
}

/* Twin: one arm passes NULL with a size of 8 (csum_diff would read 8 bytes at address 0). */
SEC("tc")
int csum_null_sized(struct __sk_buff *skb) // EXPECT: reject helper_argument
{
	__u32 buf[2] = {skb->len, skb->mark};
	__s64 sum = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++) {
		__u32 what = bpf_get_prandom_u32();
		switch (what % 3) {
		case 0: sum += bpf_csum_diff(buf, 8, 0, 0, what); break;
		case 1: sum -= bpf_csum_diff(0, 8, buf, 4, what); break; // BUG: helper_argument
		default: sum += bpf_csum_diff(0, 0, 0, 0, what); break;
		}
	}
	return sum & 1;
}

/*
 * "Buffer or NULL" carried around a loop: the loop head joins NULL (before the first round) with
 * the buffer (after a round that chose it).
 */
static __attribute__((always_inline)) __u32 *buffer_or_null(__u32 *buf)
{
	__u32 *p = 0;

#pragma clang loop unroll(disable)
	for (int i = 0; i < ROUNDS; i++) {
		if (bpf_get_prandom_u32() & 1) {
			p = buf;
			asm volatile("" : "+r"(p));
		}
	}
	return p;
}

/* The null check after the loop leaves the buffer. */
SEC("tc")
int buffer_or_null_checked(struct __sk_buff *skb) // EXPECT: accept
{
	__u32 buf[4] = {};
	__u32 *p = buffer_or_null(buf);

	if (!p)
		return 0;
	p[1] = skb->len;
	return buf[1] & 1;
}

/* Twin: no null check after the loop. */
SEC("tc")
int buffer_or_null_unchecked(struct __sk_buff *skb) // EXPECT: reject non_null
{
	__u32 buf[4] = {};
	__u32 *p = buffer_or_null(buf);

	p[1] = skb->len; // BUG: non_null
	return buf[1] & 1;
}

/* Twin: a helper that does not take NULL (bpf_skb_load_bytes's destination) gets "buffer or NULL". */
SEC("tc")
int buffer_or_null_to_load_bytes(struct __sk_buff *skb) // EXPECT: reject non_null
{
	__u32 buf[4] = {};
	__u32 *p = buffer_or_null(buf);

	bpf_skb_load_bytes(skb, 0, p, 8); // BUG: non_null
	return buf[1] & 1;
}

/*
 * Twin: "buffer or NULL" given to bpf_csum_diff (which takes NULL) with a size of 8: on the NULL
 * side the helper would read 8 bytes at address 0, so a pointer that may be NULL needs size 0.
 */
SEC("tc")
int buffer_or_null_to_csum_sized(struct __sk_buff *skb) // EXPECT: reject helper_argument
{
	__u32 buf[4] = {skb->len};
	__u32 *p = buffer_or_null(buf);

	return bpf_csum_diff(p, 8, 0, 0, 0) & 1; // BUG: helper_argument
}

char _license[] SEC("license") = "GPL";
