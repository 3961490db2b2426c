/*
 * The Internet checksum (RFC 1071) of the input bytes: r1 points to them, r2 holds their length.
 * Pure computation, no maps or helpers, so it runs as is:
 *   warden exec examples/checksum.o --mem "45 00 00 73 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7"
 * gives 0xb861, the checksum of that IPv4 header.
 */
#include "bpf_defs.h"

#define MAX_LEN 1500

static __attribute__((noinline)) __u32 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

SEC("socket")
__u64 checksum(const __u8 *data, __u64 len)
{
	__u32 sum = 0;

	if (len > MAX_LEN)
		return 0;
	for (__u64 i = 0; i + 1 < len; i += 2)
		sum += data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += data[len - 1] << 8;
	return ~fold(sum) & 0xffff;
}

char _license[] SEC("license") = "GPL";
