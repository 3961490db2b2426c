/* Unsafe twins of tls_capture.c: one program per kind of violation the classes can show. */
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

/* Ungranted call: the metadata class must never copy the plaintext. */
SEC("eim/sslWrite")
int metadata_copies(struct SslSession *ssl, char *buf, int num) // CLASS: tlsMetadata EXPECT: reject known_call
{
	char data[64];

	bpf_probe_read_user(data, sizeof(data), buf); // BUG: known_call "capability 'probeReadUser'"
	bpf_ringbuf_output(&events, data, sizeof(data), 0);
	return 0;
}

/* Argument constraint broken: ring buffer flags other than 0 (2 is BPF_RB_FORCE_WAKEUP). */
SEC("eim/sslWrite")
int wakeup(struct SslSession *ssl, char *buf, int num) // CLASS: tlsMetadata EXPECT: reject constraint
{
	u64 len = num;

	bpf_ringbuf_output(&events, &len, sizeof(len), 2); // BUG: constraint "may pass flags = 2; the class 'tlsMetadata' allows it only with flags == 0"
	return 0;
}

/* Write outside the grant: the session is the library's, read-only to extensions. */
SEC("eim/sslWrite")
int count_bytes(struct SslSession *ssl, char *buf, int num) // CLASS: tlsCapture EXPECT: reject valid_access
{
	ssl->bytes_written += num; // BUG: valid_access "write of ssl->bytes_written"
	return 0;
}

/* Read past the struct: the session is 16 bytes. */
SEC("eim/sslWrite")
int read_past(struct SslSession *ssl, char *buf, int num) // CLASS: tlsMetadata EXPECT: reject valid_access
{
	return ((volatile u64 *)ssl)[2] != 0; // BUG: valid_access "is outside SslSession (16 bytes)"
}

/* Limit exceeded: a 300-byte record on the metadata class's 256 bytes of stack. */
SEC("eim/sslWrite")
int big_record(struct SslSession *ssl, char *buf, int num) // CLASS: tlsMetadata EXPECT: reject limit
{
	char record[300];

	__builtin_memset(record, 0, sizeof(record)); // BUG: limit "bytes of stack; the class 'tlsMetadata' allows stack <= 256"
	bpf_ringbuf_output(&events, record, sizeof(record), 0);
	return 0;
}
