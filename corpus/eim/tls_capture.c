/*
 * TLS capture (the paper's sslsniff): at SSL_write, report who writes how much over which
 * session, and in the capture class also copy up to 256 bytes of the plaintext out.
 */
// POLICY: tls-capture.eim
#include "eim.h"

struct SslSession {
	u32 version;
	u32 cipher_id;
	u64 bytes_written;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} events SEC(".maps");

struct meta_event {
	u64 ts;
	u32 pid;
	u32 version;
	u32 cipher;
	s32 len;
};

#define CAPTURE 256

struct data_event {
	struct meta_event meta;
	u32 captured;
	u32 pad;
	char data[CAPTURE];
};

SEC("eim/sslWrite")
int metadata(struct SslSession *ssl, char *buf, int num) // CLASS: tlsMetadata EXPECT: accept
{
	struct meta_event e = {
		.ts = bpf_ktime_get_ns(),
		.pid = bpf_get_current_pid_tgid() >> 32,
		.version = ssl->version,
		.cipher = ssl->cipher_id,
		.len = num,
	};

	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	return 0;
}

SEC("eim/sslWrite")
int capture(struct SslSession *ssl, char *buf, int num) // CLASS: tlsCapture EXPECT: accept
{
	struct data_event e = {};
	/* 64-bit arithmetic: a u32 copy would be bounded in its low half only (the register keeps
	 * the sign-extended int), and the size register is checked whole. */
	s64 n = num;

	if (n < 0)
		n = 0;
	if (n > CAPTURE)
		n = CAPTURE;
	e.meta.ts = bpf_ktime_get_ns();
	e.meta.pid = bpf_get_current_pid_tgid() >> 32;
	e.meta.version = ssl->version;
	e.meta.cipher = ssl->cipher_id;
	e.meta.len = num;
	if (bpf_probe_read_user(e.data, n, buf) == 0)
		e.captured = n;
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	return 0;
}
