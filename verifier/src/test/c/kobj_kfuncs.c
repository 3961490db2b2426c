/*
 * Kernel functions (kfuncs) declared as __ksym externs: prototypes from the target BTF, flags from
 * the platform data (acquire, release, RCU sections).
 * NEEDS: vmlinux
 */
#include "bpf_test.h"

#define __ksym __attribute__((section(".ksyms")))

struct task_struct {
	int pid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_no_such_kfunc(void) __ksym;

static struct task_struct *(*bpf_get_current_task_btf)(void) = (void *) 158;

__u64 seen;

/* An RCU section around a task reference that is acquired, read and released. */
SEC("tp_btf/sched_switch")
int task_reference(unsigned long long *ctx) // EXPECT: accept
{
	struct task_struct *t;

	bpf_rcu_read_lock();
	t = bpf_task_acquire(bpf_get_current_task_btf());
	if (t) {
		seen = t->pid;
		bpf_task_release(t);
	}
	bpf_rcu_read_unlock();
	return 0;
}

/* The acquired task is never released. */
SEC("tp_btf/sched_switch")
int task_reference_leaked(unsigned long long *ctx) // EXPECT: reject reference_released
{
	struct task_struct *t = bpf_task_acquire(bpf_get_current_task_btf());

	if (t)
		seen = t->pid;
	return 0; // BUG: reference_released
}

/* The RCU section is not ended. */
SEC("tp_btf/sched_switch")
int rcu_unbalanced(unsigned long long *ctx) // EXPECT: reject reference_released
{
	bpf_rcu_read_lock();
	seen = 1;
	return 0; // BUG: reference_released
}

/* A task loaded from a field is not trusted: it may not be acquired. */
SEC("tp_btf/sched_switch")
int acquire_untrusted(unsigned long long *ctx) // EXPECT: reject helper_argument
{
	struct task_struct *t = bpf_task_acquire(bpf_get_current_task_btf()->real_parent); // BUG: helper_argument

	if (t)
		bpf_task_release(t);
	return 0;
}

/* A kfunc the platform does not know. */
SEC("tp_btf/sched_switch")
int unknown_kfunc(unsigned long long *ctx) // EXPECT: reject known_call
{
	bpf_no_such_kfunc(); // BUG: known_call
	return 0;
}

char _license[] SEC("license") = "GPL";
