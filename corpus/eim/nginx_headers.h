/* The request of corpus/policies/nginx-headers.eim: its headers live in structs behind pointers, as in nginx. */
#ifndef NGINX_HEADERS_H
#define NGINX_HEADERS_H

struct HeadersIn {
	u64 content_length_n;
	u32 host_len;
	char host[64];
	u32 keep_alive;
};

struct HeadersOut {
	u32 status;
	u32 cache_flags;
};

struct Request {
	u32 method;
	int status;
	struct HeadersIn *headers_in;
	struct HeadersOut *headers_out;
};

#endif
