/* Extern functions and variables (libbpf's __ksym): the reader keeps their names as relocations. */
#define __ksym __attribute__((section(".ksyms")))

struct counters {
	unsigned long long hits;
	int level;
	int mode;
};

extern struct counters stats __ksym;
extern long host_clock(void) __ksym;

__attribute__((section("eim/probe"), used))
int probe(void)
{
	long now = host_clock();
	if (stats.hits > 100)
		stats.mode = 2;
	return now > 0;
}
