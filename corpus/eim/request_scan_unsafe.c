/* Unsafe twins of request_scan.c: indexes a run-time slice does not cover. */
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

/* Off by one: i <= body_len reads one byte past the body. */
SEC("eim/scanBody")
int body_off_by_one(struct Request *r, const u8 *body, u32 body_len) // CLASS: uriScanner EXPECT: reject valid_access
{
	u32 sum = 0;

	for (u32 i = 0; i < 64; i++)
		if (i <= body_len)
			sum += body[i]; // BUG: valid_access "up to body_len of *body is not proved inside read(body[0, body_len)) (request-scan.eim:26)"
	return sum != 0;
}

/* The wrong length: the body indexed below the URI's length. */
SEC("eim/scanBody")
int body_below_uri_len(struct Request *r, const u8 *body, u32 body_len) // CLASS: uriScanner EXPECT: reject valid_access
{
	u32 sum = 0;

	for (u32 i = 0; i < r->uri_len && i < 65536; i++)
		sum += body[i]; // BUG: valid_access "is not proved inside read(body[0, body_len))"
	return sum != 0;
}

/* Past the array: uri_len may exceed the 256 bytes of uri, and the slice ends with the array. */
SEC("eim/scanBody")
int uri_past_the_array(struct Request *r, const u8 *body, u32 body_len) // CLASS: uriScanner EXPECT: reject valid_access
{
	u32 dots = 0;

	for (u32 i = 0; i < r->uri_len && i < 1024; i++)
		dots += r->uri[i] == '.'; // BUG: valid_access "is not proved inside read(r->uri[0, r->uri_len))"
	return dots > 1;
}
