/*
 * Redis durability tuner (the paper's second use case): at beforeSleep, choose how often the
 * append-only file is fsynced from the write load, and log the decision.
 */
// POLICY: redis-durability.eim
#include "eim.h"

struct RedisServer {
	u64 dirty;
	time_t lastsave;
	int aof_enabled;
	int aof_fsync;
	u64 stat_numcommands;
};

extern struct RedisServer server __ksym;
extern long mstime(void) __ksym;
extern void serverLogRaw(int level, const char *msg, u32 len) __ksym;

#define AOF_FSYNC_NO 0
#define AOF_FSYNC_EVERYSEC 1
#define AOF_FSYNC_ALWAYS 2
#define LL_NOTICE 2

SEC("eim/beforeSleep")
void tune(void) // CLASS: durabilityTuner EXPECT: accept
{
	long now = mstime();
	u64 dirty = server.dirty;
	int policy;

	if (dirty > 10000 || now - server.lastsave > 60000)
		policy = AOF_FSYNC_ALWAYS;
	else if (dirty > 100)
		policy = AOF_FSYNC_EVERYSEC;
	else
		policy = AOF_FSYNC_NO;
	if (policy != server.aof_fsync) {
		char msg[] = "aof fsync policy changed by the tuner";

		server.aof_fsync = policy;
		serverLogRaw(LL_NOTICE, msg, sizeof(msg));
	}
}

/* The observer reads the same counters and reports the load; it may not change anything. */
SEC("eim/beforeSleep")
void observe(void) // CLASS: durabilityObserver EXPECT: accept
{
	volatile u64 load = server.dirty + server.stat_numcommands;
	volatile int policy = server.aof_fsync;

	(void)load;
	(void)policy;
}
