/* The few libbpf conventions the examples need, so that they build without libbpf's headers. */
#ifndef WARDEN_EXAMPLES_BPF_DEFS_H
#define WARDEN_EXAMPLES_BPF_DEFS_H
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
/* BTF map fields as libbpf reads them: a number is the length of a pointed-to array, a type is a pointee. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) BPF_FUNC_map_lookup_elem;
#endif
