/*
 * Kernel objects read through BTF-typed pointers (tracing programs). The struct definitions below
 * are partial, libbpf style: preserve_access_index makes clang emit CO-RE relocations, which the
 * verifier applies against the target BTF (/sys/kernel/btf/vmlinux), so the offsets are those of the
 * running kernel whatever it is.
 * NEEDS: vmlinux
 */
#include "bpf_test.h"

struct mm_struct {
	unsigned long task_size;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct filename {
	const char *name;
} __attribute__((preserve_access_index));

/* Results go here, so that the reads stay in the program and fentry programs can return 0. */
__u64 seen;

static struct task_struct *(*bpf_get_current_task_btf)(void) = (void *) 158;
static long (*bpf_get_task_stack)(struct task_struct *task, void *buf, __u32 size, __u64 flags) = (void *) 141;
static long (*bpf_probe_read_kernel_str)(void *dst, __u32 size, const void *unsafe_ptr) = (void *) 115;

/* A typed helper result: fields read, a pointer field followed twice (untrusted pointers, probe reads). */
SEC("fentry/do_nanosleep")
int current_task_fields(void *ctx) // EXPECT: accept
{
	struct task_struct *t = bpf_get_current_task_btf();
	int pid = t->pid;
	int ppid = t->real_parent->tgid;
	struct mm_struct *mm = t->mm;
	if (!mm)
		return 0;
	__u64 sum = pid + ppid + mm->task_size;
	seen = sum;
	return 0;
}

/* Kernel objects are read-only. */
SEC("fentry/do_nanosleep")
int current_task_write(void *ctx) // EXPECT: reject valid_access
{
	struct task_struct *t = bpf_get_current_task_btf();
	t->pid = 1; // BUG: valid_access
	return 0;
}

/* Reads must stay inside the struct: 1 MiB past a task is some other object. */
SEC("fentry/do_nanosleep")
int current_task_past_end(void *ctx) // EXPECT: reject valid_access
{
	struct task_struct *t = bpf_get_current_task_btf();
	seen = *(volatile int *)((char *)t + (1 << 20)); // BUG: valid_access
	return 0;
}

/* A trusted pointer may be given to a helper that takes a task. */
SEC("fentry/do_nanosleep")
int task_stack_trusted(void *ctx) // EXPECT: accept
{
	__u64 buf[4];
	struct task_struct *t = bpf_get_current_task_btf();
	bpf_get_task_stack(t, buf, sizeof(buf), 0);
	return 0;
}

/* ... but not one loaded from a field: nothing keeps the parent alive. */
SEC("fentry/do_nanosleep")
int task_stack_untrusted(void *ctx) // EXPECT: reject helper_argument
{
	__u64 buf[4];
	struct task_struct *t = bpf_get_current_task_btf();
	bpf_get_task_stack(t->real_parent, buf, sizeof(buf), 0); // BUG: helper_argument
	return 0;
}

/* fentry arguments are typed by the target's prototype: do_unlinkat(int dfd, struct filename *name). */
SEC("fentry/do_unlinkat")
int unlink_name(unsigned long long *ctx) // EXPECT: accept
{
	char buf[32];
	struct filename *name = (struct filename *)ctx[1];
	if (!name)
		return 0;
	bpf_probe_read_kernel_str(buf, sizeof(buf), name->name);
	seen = buf[0];
	return 0;
}

/* The first argument is an int, not a pointer: it cannot be dereferenced. */
SEC("fentry/do_unlinkat")
int unlink_dfd_deref(unsigned long long *ctx) // EXPECT: reject type
{
	struct filename *name = (struct filename *)ctx[0];
	seen = name->name[0]; // BUG: type
	return 0;
}

/* tp_btf arguments: sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, ...). */
SEC("tp_btf/sched_switch")
int switch_pids(unsigned long long *ctx) // EXPECT: accept
{
	struct task_struct *prev = (struct task_struct *)ctx[1];
	struct task_struct *next = (struct task_struct *)ctx[2];
	return prev->pid == next->pid;
}

/* An offset the program computes at run time cannot be checked against the struct's fields. */
SEC("tp_btf/sched_switch")
int switch_variable_offset(unsigned long long *ctx) // EXPECT: reject valid_access
{
	struct task_struct *prev = (struct task_struct *)ctx[1];
	unsigned long i = ctx[3] & 0xff;
	return *(volatile char *)((char *)prev + i) == 1; // BUG: valid_access
}

char LICENSE[] SEC("license") = "GPL";
