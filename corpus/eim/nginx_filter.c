/*
 * nginx request filter (the paper's first use case): at the start of request processing, reject
 * oversized uploads and requests for /admin with a 4xx status, logging why.
 */
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

extern int ngx_pid __ksym;
extern time_t nginxTime(void) __ksym;
extern int ngx_log_error_line(const char *msg, u32 len) __ksym;
extern int ngx_http_finalize_request(struct Request *r, int status) __ksym;

#define MAX_BODY (1 << 20)

static int starts_with_admin(const struct Request *r)
{
	return r->uri_len >= 6 && r->uri[0] == '/' && r->uri[1] == 'a' && r->uri[2] == 'd' && r->uri[3] == 'm'
	       && r->uri[4] == 'i' && r->uri[5] == 'n';
}

SEC("eim/processBegin")
int filter(struct Request *r) // CLASS: firewall EXPECT: accept
{
	if (r->content_length > MAX_BODY) {
		char msg[] = "request body too large";

		ngx_log_error_line(msg, sizeof(msg) - 1);
		r->status = 413;
		return ngx_http_finalize_request(r, 413);
	}
	if (starts_with_admin(r)) {
		r->status = 403;
		return ngx_http_finalize_request(r, 403);
	}
	return 0;
}

/* The observer (the paper's observeProcessBegin): looks at the request, the clock and the pid. */
SEC("eim/processBegin")
int observe(struct Request *r) // CLASS: observeProcessBegin EXPECT: accept
{
	time_t now = nginxTime();
	volatile int pid = ngx_pid;

	(void)pid;
	return r->method == 1 && now > 0;
}
