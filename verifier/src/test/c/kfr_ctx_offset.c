/*
 * Known kernel false rejection: a context field read through a context pointer moved by a
 * constant (clang does this when it addresses an array in the context, such as __sk_buff.cb, and
 * keeps the array's address in a register).
 *
 * Why the kernel fails: it checks context accesses against the offset written in the load
 * instruction only, and refuses any context pointer that was moved: "dereference of modified ctx
 * ptr R1 off=48 disallowed", even when the field read is exactly one the program may read.
 * Why Warden can succeed: a context pointer carries its offset like any other pointer; the access
 * at offset 48 + 8 is checked against the context layout like one written as a single load.
 */
#include "bpf_test.h"

SEC("tc")
int kfr_ctx_offset(struct __sk_buff *skb) // EXPECT: accept
{
	void *cb = skb;
	asm volatile("%0 += 48" : "+r"(cb)); /* &skb->cb[0]: clang would fold the constant into the load */
	return ((__u32 *)cb)[2] == 7 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Twin: the same moved pointer reads past the end of the context. */
SEC("tc")
int kfr_ctx_offset_past_end(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	void *cb = skb;
	asm volatile("%0 += 48" : "+r"(cb));
	return ((__u32 *)cb)[60] == 7 ? TC_ACT_SHOT : TC_ACT_OK; // BUG: valid_access
}

char _license[] SEC("license") = "GPL";
