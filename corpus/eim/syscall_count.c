/*
 * Syscall counter (the paper's syscount): count system calls by number, and per process and
 * number in the per-process class.
 */
// POLICY: syscall-count.eim
#include "eim.h"

struct SyscallEnter {
	u64 unused;
	long id;
	u64 args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct proc_key {
	u32 tgid;
	u32 id;
};

struct proc_value {
	u64 calls;
	u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct proc_key);
	__type(value, struct proc_value);
} per_process SEC(".maps");

#define BPF_NOEXIST 1

SEC("eim/sysEnter")
int count(struct SyscallEnter *ctx) // CLASS: syscallCounter EXPECT: accept
{
	u32 id = ctx->id;
	u64 *c = bpf_map_lookup_elem(&counts, &id);
	u64 one = 1;

	if (c) {
		__sync_fetch_and_add(c, 1);
		return 0;
	}
	bpf_map_update_elem(&counts, &id, &one, BPF_NOEXIST);
	return 0;
}

SEC("eim/sysEnter")
int count_per_process(struct SyscallEnter *ctx) // CLASS: perProcessCounter EXPECT: accept
{
	struct proc_key k = { bpf_get_current_pid_tgid() >> 32, ctx->id };
	struct proc_value *v = bpf_map_lookup_elem(&per_process, &k);
	struct proc_value fresh = { 1, bpf_ktime_get_ns() };

	if (v) {
		v->calls++;
		v->last_ns = fresh.last_ns;
		return 0;
	}
	bpf_map_update_elem(&per_process, &k, &fresh, BPF_NOEXIST);
	return 0;
}
