/* Unsafe twins of nginx_filter.c: one program per kind of violation. */
// POLICY: nginx-firewall.eim
#include "eim.h"

struct Request {
	u32 method;
	u32 uri_len;
	char uri[256];
	u64 content_length;
	u32 client_addr;
	int status;
};

extern int ngx_log_error_line(const char *msg, u32 len) __ksym;
extern int ngx_http_finalize_request(struct Request *r, int status) __ksym;

/* Ungranted call: the observer may look, not reject. */
SEC("eim/processBegin")
int observer_rejects(struct Request *r) // CLASS: observeProcessBegin EXPECT: reject known_call
{
	return ngx_http_finalize_request(r, 403); // BUG: known_call "call ngx_http_finalize_request (nginx_filter_unsafe.c:21) is not granted"
}

/* Argument constraint broken: a 5xx status is not a rejection the class allows. */
SEC("eim/processBegin")
int reject_5xx(struct Request *r) // CLASS: firewall EXPECT: reject constraint
{
	int status = r->content_length > 100 ? 403 : 503;

	return ngx_http_finalize_request(r, status); // BUG: constraint "may pass status = 503; the class 'firewall' allows it only with status in [400, 499]"
}

/* Argument constraint broken: a log line longer than 256 bytes. */
SEC("eim/processBegin")
int log_too_long(struct Request *r) // CLASS: firewall EXPECT: reject constraint
{
	char msg[300];

	__builtin_memset(msg, '-', sizeof(msg));
	return ngx_log_error_line(msg, sizeof(msg)); // BUG: constraint "may pass len = 300; the class 'firewall' allows it only with len in [1, 256]"
}

/* Write outside the grant: the firewall may set the status, not rewrite the URI. */
SEC("eim/processBegin")
int rewrite_uri(struct Request *r) // CLASS: firewall EXPECT: reject valid_access
{
	r->uri[0] = '/'; // BUG: valid_access "write of r->uri[0] (nginx_filter_unsafe.c:47) is not granted: the class 'firewall' may write only what write(r->status) grants"
	return 0;
}

/* Read past the struct: the word after the status is not part of the request. */
SEC("eim/processBegin")
int read_past(struct Request *r) // CLASS: firewall EXPECT: reject valid_access
{
	return ((volatile u64 *)r)[35] != 0; // BUG: valid_access "read of 8 bytes at offset 280 of *r (nginx_filter_unsafe.c:55) is outside Request (280 bytes)"
}

/* Limit exceeded: a loop of 200,000 iterations, over the firewall's 100,000 instructions. */
SEC("eim/processBegin")
int spin(struct Request *r) // CLASS: firewall EXPECT: reject limit
{
	volatile u32 sum = 0;

	for (u32 i = 0; i < 200000; i++)
		sum += i; // BUG: limit "may run 200000 times; the class 'firewall' allows instructions < 100000"
	return sum == 7;
}
