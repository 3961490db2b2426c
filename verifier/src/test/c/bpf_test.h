/*
 * The few libbpf conventions Warden's own test programs need, so that they build with clang alone
 * (no libbpf headers): section and map macros, helper declarations, byte-order helpers.
 *
 * Annotations the test suite reads (OwnProgramsMatchTheirAnnotationsTest):
 *   // EXPECT: accept                     on the line of a program's SEC(...) or signature
 *   // EXPECT: reject <obligation>        idem, for a program the verifier must reject
 *   // BUG: <obligation>                  at the end of the source line where the violation is
 * Obligation names are ObligationKind.key(): valid_access, initialised, type, non_null,
 * helper_argument, known_call, bounded_loop, return_range, reference_released, call_depth.
 */
#ifndef WARDEN_BPF_TEST_H
#define WARDEN_BPF_TEST_H
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>

#define SEC(name) __attribute__((section(name), used))
#define __noinline __attribute__((noinline))

/* BTF-defined maps as libbpf reads them: a number is the length of a pointed-to array, a type is a pointee. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]

/* Helpers, by their uapi number (enum bpf_func_id). */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *) BPF_FUNC_map_update_elem;
static __u64 (*bpf_ktime_get_ns)(void) = (void *) BPF_FUNC_ktime_get_ns;
static __u32 (*bpf_get_prandom_u32)(void) = (void *) BPF_FUNC_get_prandom_u32;
static long (*bpf_tail_call)(void *ctx, void *prog_array_map, __u32 index) = (void *) BPF_FUNC_tail_call;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *) BPF_FUNC_skb_load_bytes;
static __s64 (*bpf_csum_diff)(__be32 *from, __u32 from_size, __be32 *to, __u32 to_size, __wsum seed) = (void *) BPF_FUNC_csum_diff;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) BPF_FUNC_probe_read_kernel;
static struct bpf_sock *(*bpf_sk_lookup_tcp)(void *ctx, struct bpf_sock_tuple *tuple, __u32 tuple_size, __u64 netns, __u64 flags) = (void *) BPF_FUNC_sk_lookup_tcp;
static long (*bpf_sk_release)(void *sock) = (void *) BPF_FUNC_sk_release;

#define bpf_htons(x) __builtin_bswap16(x)
#define bpf_ntohs(x) __builtin_bswap16(x)

/* Packet pointers of an XDP context. */
#define XDP_DATA(ctx) ((void *)(long)(ctx)->data)
#define XDP_END(ctx) ((void *)(long)(ctx)->data_end)

#endif
