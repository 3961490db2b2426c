/*
 * Observability agent (the paper's sixth use case): time requests between the two entries of an
 * application server. The sampler records the start time of every sample_rate-th request; the
 * exporter emits a sample when the response goes out; the adaptive exporter also raises the
 * sampling rate while the server is healthy and samples everything after an error.
 */
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

struct sample {
	u64 request_id;
	u64 latency_ns;
	s32 status;
	u32 pad;
	u64 body_bytes;
};

SEC("eim/requestStart")
void on_start(struct HttpRequest *req) // CLASS: sampler EXPECT: accept
{
	u32 rate = sample_rate;
	u64 id = req->id;
	u64 now;

	if (rate == 0 || id % rate != 0)
		return;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&starts, &id, &now, 0);
}

static __attribute__((always_inline)) int export(struct HttpResponse *resp)
{
	u64 id = resp->request_id;
	u64 *start = bpf_map_lookup_elem(&starts, &id);
	struct sample s = {};

	if (!start)
		return 0;
	s.request_id = id;
	s.latency_ns = bpf_ktime_get_ns() - *start;
	s.status = resp->status;
	s.body_bytes = resp->body_bytes;
	bpf_map_delete_elem(&starts, &id);
	bpf_ringbuf_output(&samples, &s, sizeof(s), 0);
	return 1;
}

SEC("eim/requestEnd")
void on_end(struct HttpResponse *resp) // CLASS: exporter EXPECT: accept
{
	export(resp);
}

SEC("eim/requestEnd")
void on_end_adaptive(struct HttpResponse *resp) // CLASS: adaptiveExporter EXPECT: accept
{
	u32 rate = sample_rate;

	export(resp);
	if (resp->status >= 500)
		rate = 1;
	else if (rate < 1000)
		rate = rate + 1; /* written without "rate >= 1 &&": clang turns that into (rate - 1) < 999 on a copy, a relation the domains lose */
	else
		rate = 1000;
	sample_rate = rate;
}
