/*
 * What Warden's EIM extensions need to build with clang alone: section and map macros, C types,
 * the eBPF helpers the corpus policies bind (by their Linux helper ids), and __ksym for host
 * functions and host variables (an extern a class grants is resolved by the EIM platform).
 *
 * Annotations the corpus test reads (CorpusExtensionsMatchTheirAnnotationsTest):
 *   // POLICY: <file>.eim                       once, near the top: the policy of every program in the file
 *   // CLASS: <class> EXPECT: accept            on a program's signature line
 *   // CLASS: <class> EXPECT: reject <kind>     idem, for a program the class must reject
 *   // BUG: <kind> "<message fragment>"         at the end of the line where the violation is
 * <kind> is an obligation name (ObligationKind.key()): valid_access, constraint, known_call, limit...
 */
#ifndef WARDEN_EIM_H
#define WARDEN_EIM_H

#define SEC(name) __attribute__((section(name), used))
#define __ksym __attribute__((section(".ksyms")))

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef unsigned long size_t;
typedef long time_t;

/* BTF-defined maps as libbpf reads them. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_RINGBUF 27

/* Helpers, by their uapi number: the ids corpus/policies/bpf-helpers.eim binds. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *) 1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, u64 flags) = (void *) 2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *) 3;
static u64 (*bpf_ktime_get_ns)(void) = (void *) 5;
static u64 (*bpf_get_current_pid_tgid)(void) = (void *) 14;
static long (*bpf_probe_read_user)(void *dst, u32 size, const void *src) = (void *) 112;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, u64 size, u64 flags) = (void *) 130;

#endif
