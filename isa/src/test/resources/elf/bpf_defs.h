/* The few libbpf conventions the test programs need (libbpf's headers are not installed here). */
#ifndef WARDEN_BPF_DEFS_H
#define WARDEN_BPF_DEFS_H
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define __noinline __attribute__((noinline))
/* BTF map fields, as libbpf reads them: a number is the length of a pointed-to array, a type is a pointee. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_lookup_elem;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *) BPF_FUNC_map_update_elem;
static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx, __u64 flags) = (void *) BPF_FUNC_loop;
#endif
