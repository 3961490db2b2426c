/* Unsafe twins of redis_tuner.c: one program per kind of violation the classes must reject. */
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

/* Ungranted call: the observer may not log (logDecision is not in its class). */
SEC("eim/beforeSleep")
void observer_logs(void) // CLASS: durabilityObserver EXPECT: reject known_call
{
	char msg[] = "observed";

	serverLogRaw(2, msg, sizeof(msg)); // BUG: known_call "call serverLogRaw (redis_tuner_unsafe.c:23) is not granted"
}

/* Argument constraint broken: level 5 is not a server log level. */
SEC("eim/beforeSleep")
void log_bad_level(void) // CLASS: durabilityTuner EXPECT: reject constraint
{
	char msg[] = "tuned";

	serverLogRaw(5, msg, sizeof(msg)); // BUG: constraint "may pass level = 5; the class 'durabilityTuner' allows it only with level in [0, 3]"
}

/* Write outside the grant: the tuner may set aof_fsync, not turn the AOF off. */
SEC("eim/beforeSleep")
void disable_aof(void) // CLASS: durabilityTuner EXPECT: reject valid_access
{
	if (server.dirty > 100)
		server.aof_enabled = 0; // BUG: valid_access "write of server.aof_enabled (redis_tuner_unsafe.c:40) is not granted"
}

/* Write value out of range: 3 is not an fsync policy. */
SEC("eim/beforeSleep")
void bad_policy(void) // CLASS: durabilityTuner EXPECT: reject constraint
{
	server.aof_fsync = server.dirty > 100 ? 3 : 1; // BUG: constraint "may store value = 3"
}

/* Read past the struct: the word after stat_numcommands is not part of the server. */
SEC("eim/beforeSleep")
void read_past(void) // CLASS: durabilityObserver EXPECT: reject valid_access
{
	volatile u64 *p = &server.stat_numcommands;
	volatile u64 x = p[1]; // BUG: valid_access "is outside RedisServer (32 bytes)"

	(void)x;
}

/* Limit exceeded: a 300-byte buffer on a 256-byte stack allowance. */
SEC("eim/beforeSleep")
void big_stack(void) // CLASS: durabilityTuner EXPECT: reject limit
{
	char line[300];

	__builtin_memset(line, 'x', sizeof(line)); // BUG: limit "bytes of stack; the class 'durabilityTuner' allows stack <= 256"
	serverLogRaw(2, line, 128);
}
