/*
 * nginx request scanner: counts the dots of the URI and sums the body's bytes, each read below
 * the length nginx recorded for it (run-time slices, corpus/policies/request-scan.eim).
 */
// POLICY: request-scan.eim
#include "eim.h"

struct Request {
	u32 method;
	u32 uri_len;
	char uri[256];
	u64 content_length;
	u32 client_addr;
	int status;
};

SEC("eim/scanBody")
int scan(struct Request *r, const u8 *body, u32 body_len) // CLASS: uriScanner EXPECT: accept
{
	u32 dots = 0;
	u32 sum = 0;

	for (u32 i = 0; i < r->uri_len && i < sizeof(r->uri); i++)
		dots += r->uri[i] == '.';
	for (u32 i = 0; i < body_len; i++)
		sum += body[i];
	return dots > 1 && sum != 0;
}
