/* Calls of extern kernel functions (kfuncs, __ksym): the reader makes them kfunc calls by BTF id. */
#define SEC(name) __attribute__((section(name), used))
#define __ksym __attribute__((section(".ksyms")))

struct task_struct;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern struct task_struct *bpf_task_from_pid(int pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

SEC("tp_btf/sched_switch")
int kfuncs(void *ctx)
{
	struct task_struct *t;

	bpf_rcu_read_lock();
	t = bpf_task_from_pid(1);
	if (t)
		bpf_task_release(t);
	bpf_rcu_read_unlock();
	return 0;
}

char _license[] SEC("license") = "GPL";
