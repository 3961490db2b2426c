/* Unsafe twins of syscall_count.c: one program per kind of violation the classes can show. */
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

/* Ungranted call: the plain counter may not ask who the caller is. */
SEC("eim/sysEnter")
int counter_reads_pid(struct SyscallEnter *ctx) // CLASS: syscallCounter EXPECT: reject known_call
{
	u32 pid = bpf_get_current_pid_tgid() >> 32; // BUG: known_call "capability 'currentPidTgid'"
	u64 one = 1;

	return bpf_map_update_elem(&counts, &pid, &one, 0);
}

/* Argument constraint broken: the update flags come from the traced call's argument. */
SEC("eim/sysEnter")
int flags_from_args(struct SyscallEnter *ctx) // CLASS: perProcessCounter EXPECT: reject constraint
{
	u32 id = ctx->id;
	u64 one = 1;

	return bpf_map_update_elem(&counts, &id, &one, ctx->args[1]); // BUG: constraint "may pass flags = 3; the class 'perProcessCounter' allows it only with flags in [0, 2]"
}

/* Write outside the grant: the context is read-only to every class. */
SEC("eim/sysEnter")
int rewrite_id(struct SyscallEnter *ctx) // CLASS: syscallCounter EXPECT: reject valid_access
{
	ctx->id = 0; // BUG: valid_access "the class 'syscallCounter' may write no byte of *ctx"
	return 0;
}

/* Read outside the grant: the plain counter may read ctx->id only, not the arguments. */
SEC("eim/sysEnter")
int read_args(struct SyscallEnter *ctx) // CLASS: syscallCounter EXPECT: reject valid_access
{
	u32 fd = ctx->args[0]; // BUG: valid_access "read of ctx->args[0]"
	u64 one = 1;

	return bpf_map_update_elem(&counts, &fd, &one, 0);
}

/* Read past the struct: a seventh argument does not exist. */
SEC("eim/sysEnter")
int read_past(struct SyscallEnter *ctx) // CLASS: perProcessCounter EXPECT: reject valid_access
{
	volatile u64 *args = ctx->args;

	return args[6] != 0; // BUG: valid_access "is outside SyscallEnter (64 bytes)"
}

/* Limit exceeded: a 160-byte key on the counter's 128 bytes of stack. */
SEC("eim/sysEnter")
int big_key(struct SyscallEnter *ctx) // CLASS: syscallCounter EXPECT: reject limit
{
	u64 scratch[20];

	__builtin_memset(scratch, 0, sizeof(scratch)); // BUG: limit "may use 160 bytes of stack; the class 'syscallCounter' allows stack <= 128"
	scratch[19] = ctx->id;
	return bpf_map_update_elem(&counts, &scratch[19], scratch, 0);
}
