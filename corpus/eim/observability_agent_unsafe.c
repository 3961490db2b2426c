/* Unsafe twins of observability_agent.c: one program per kind of violation. */
// POLICY: observability-agent.eim
#include "eim.h"

struct HttpRequest {
	u64 id;
	u32 method;
	u32 path_len;
	char path[128];
};

struct HttpResponse {
	u64 request_id;
	int status;
	u64 body_bytes;
};

extern u32 sample_rate __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, u64);
	__type(value, u64);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} samples SEC(".maps");

/* Ungranted call: the sampler records start times; emitting samples is the exporter's job. */
SEC("eim/requestStart")
void sampler_emits(struct HttpRequest *req) // CLASS: sampler EXPECT: reject known_call
{
	u64 id = req->id;

	bpf_ringbuf_output(&samples, &id, sizeof(id), 0); // BUG: known_call "capability 'ringbufOutput'"
}

/* Argument constraint broken: an empty record. */
SEC("eim/requestEnd")
void empty_sample(struct HttpResponse *resp) // CLASS: exporter EXPECT: reject constraint
{
	u64 id = resp->request_id;

	bpf_ringbuf_output(&samples, &id, 0, 0); // BUG: constraint "may pass size = 0; the class 'exporter' allows it only with size in [1, 65536]"
}

/* Write outside the grant: the plain exporter may read the rate, not set it. */
SEC("eim/requestEnd")
void exporter_sets_rate(struct HttpResponse *resp) // CLASS: exporter EXPECT: reject valid_access
{
	sample_rate = 1; // BUG: valid_access "write of sample_rate (observability_agent_unsafe.c:54) is not granted: the class 'exporter' may write no byte of sample_rate"
}

/* Write outside the grant: the sampler may read the id and method only. */
SEC("eim/requestStart")
void sampler_reads_path(struct HttpRequest *req) // CLASS: sampler EXPECT: reject valid_access
{
	volatile char c = req->path[0]; // BUG: valid_access "read of req->path[0]"

	(void)c;
}

/* Write value out of range: doubling the rate may pass 1000 (and wraps to 0). */
SEC("eim/requestEnd")
void double_rate(struct HttpResponse *resp) // CLASS: adaptiveExporter EXPECT: reject constraint
{
	sample_rate = sample_rate * 2; // BUG: constraint "may store value = 0; the class 'adaptiveExporter' allows it only with value in [1, 1000]"
}

/* Read past the struct: the response is 24 bytes. */
SEC("eim/requestEnd")
void read_past(struct HttpResponse *resp) // CLASS: exporter EXPECT: reject valid_access
{
	volatile u64 x = ((u64 *)resp)[3]; // BUG: valid_access "is outside HttpResponse (24 bytes)"

	(void)x;
}

/* Limit exceeded: a 200-byte record on the sampler's 128 bytes of stack. */
SEC("eim/requestStart")
void big_record(struct HttpRequest *req) // CLASS: sampler EXPECT: reject limit
{
	u64 record[25];

	__builtin_memset(record, 0, sizeof(record));
	record[0] = req->id; // BUG: limit "may use 200 bytes of stack; the class 'sampler' allows stack <= 128"
	bpf_map_update_elem(&starts, &record[0], &record[1], 0);
}
