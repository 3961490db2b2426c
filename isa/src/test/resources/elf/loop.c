/* A bounded loop over the input bytes: a 16-bit ones' complement checksum (RFC 1071 style). */
#include "bpf_defs.h"

SEC("socket")
int checksum(struct __sk_buff *skb)
{
	__u32 sum = 0;

	for (__u32 i = 0; i < 64 && i < skb->len; i++)
		sum += (i & 1) ? i : i << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

char _license[] SEC("license") = "GPL";
