/*
 * nginx header filter: the request's headers live in their own structs behind pointers, as in
 * nginx (r->headers_in, r->headers_out). Requests for an internal host are refused; others get
 * a cache flag on their response headers when the host has them.
 */
// POLICY: nginx-headers.eim
#include "eim.h"
#include "nginx_headers.h"

SEC("eim/headerFilter")
int host_gate(struct Request *r) // CLASS: hostGate EXPECT: accept
{
	/* The entry promises non_null(r->headers_in): no check needed. */
	const struct HeadersIn *in = r->headers_in;
	struct HeadersOut *out = r->headers_out;

	if (in->host_len >= 8 && in->host[0] == 'i' && in->host[1] == 'n' && in->host[2] == 't' && in->host[7] == 'l') {
		r->status = 403;
		return 1;
	}
	/* headers_out may be missing: checked before use. */
	if (out)
		out->cache_flags = r->method == 1 && in->content_length_n == 0;
	return 0;
}

/* The observer: whether a request with a body names a host at all (headers_in is promised). */
SEC("eim/headerFilter")
int observe_host(struct Request *r) // CLASS: headerObserver EXPECT: accept
{
	return r->method == 2 && r->headers_in->host_len == 0 && r->headers_in->content_length_n > 0;
}
