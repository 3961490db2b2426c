/* Unsafe twins of nginx_headers.c: one program per way to misuse a grant through a pointer field. */
// POLICY: nginx-headers.eim
#include "eim.h"
#include "nginx_headers.h"

/* headers_out may be NULL (the entry promises only headers_in): used without a check. */
SEC("eim/headerFilter")
int unchecked_out(struct Request *r) // CLASS: hostGate EXPECT: reject non_null
{
	r->headers_out->cache_flags = 1; // BUG: non_null "may be null: check r->headers_out"
	return 0;
}

/* Write outside the grant: the incoming headers are read-only. */
SEC("eim/headerFilter")
int drop_keep_alive(struct Request *r) // CLASS: hostGate EXPECT: reject valid_access
{
	r->headers_in->keep_alive = 0; // BUG: valid_access "write of r->headers_in->keep_alive (nginx_headers_unsafe.c:18) is not granted: the class 'hostGate' may write no byte of *r->headers_in"
	return 0;
}

/* Read past the pointee: the word after HeadersIn is not part of it. */
SEC("eim/headerFilter")
int read_past_headers(struct Request *r) // CLASS: hostGate EXPECT: reject valid_access
{
	return ((volatile u64 *)r->headers_in)[10] != 0; // BUG: valid_access "read of 8 bytes at offset 80 of *r->headers_in (nginx_headers_unsafe.c:26) is outside HeadersIn (80 bytes)"
}

/* Read outside the grant: of the response headers only cache_flags may be written, nothing read. */
SEC("eim/headerFilter")
int read_out_status(struct Request *r) // CLASS: hostGate EXPECT: reject valid_access
{
	struct HeadersOut *out = r->headers_out;

	if (!out)
		return 0;
	return out->status == 200; // BUG: valid_access "read of r->headers_out->status (nginx_headers_unsafe.c:37) is not granted: the class 'hostGate' may read no byte of *r->headers_out"
}

/* Retargeting the pointer the proof follows: no class may write r->headers_in. */
SEC("eim/headerFilter")
int retarget_headers(struct Request *r) // CLASS: hostGate EXPECT: reject valid_access
{
	r->headers_in = (struct HeadersIn *)r->headers_out; // BUG: valid_access "would change r->headers_in, the pointer through which the class 'hostGate' reaches *r->headers_in"
	return 0;
}

/* A pointer stored into host memory: the response headers' address into the request's status. */
SEC("eim/headerFilter")
int leak_pointer(struct Request *r) // CLASS: hostGate EXPECT: reject no_pointer_leak
{
	r->status = (int)(long)r->headers_out; // BUG: no_pointer_leak "a pointer may not be stored into host memory (*r)"
	return 0;
}

/* The observer reaches only the incoming headers: even the pointer to the response headers is not its to read. */
SEC("eim/headerFilter")
int observer_reads_out(struct Request *r) // CLASS: headerObserver EXPECT: reject valid_access
{
	return r->headers_out != 0; // BUG: valid_access "read of r->headers_out (nginx_headers_unsafe.c:60) is not granted: the class 'headerObserver' may read only what read(r->method), read(*r->headers_in) grant"
}
