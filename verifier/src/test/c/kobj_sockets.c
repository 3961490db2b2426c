/*
 * Sockets reached through typed pointers: skb->sk, bpf_sk_fullsock, bpf_tcp_sock, socket lookups.
 * Their readable fields are platform data (struct bpf_sock, struct bpf_tcp_sock), as for contexts.
 */
#include "bpf_test.h"

static struct bpf_sock *(*bpf_sk_fullsock)(struct bpf_sock *sk) = (void *) 95;
static struct bpf_tcp_sock *(*bpf_tcp_sock)(struct bpf_sock *sk) = (void *) 96;

/* skb->sk may be any socket kind: family is a common field; a full socket also has a mark. */
SEC("tc")
int skb_socket_fields(struct __sk_buff *skb) // EXPECT: accept
{
	struct bpf_sock *sk = skb->sk;
	struct bpf_sock *full;

	if (!sk)
		return TC_ACT_OK;
	if (sk->family != 2)
		return TC_ACT_OK;
	full = bpf_sk_fullsock(sk);
	if (!full)
		return TC_ACT_OK;
	return full->mark == 7 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* A request or timewait socket has no mark: only a full socket's may be read. */
SEC("tc")
int skb_socket_mark(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return TC_ACT_OK;
	return sk->mark == 7 ? TC_ACT_SHOT : TC_ACT_OK; // BUG: valid_access
}

/* skb->sk may be NULL. */
SEC("tc")
int skb_socket_unchecked(struct __sk_buff *skb) // EXPECT: reject non_null
{
	struct bpf_sock *sk = skb->sk;

	return sk->family == 2 ? TC_ACT_SHOT : TC_ACT_OK; // BUG: non_null
}

/* TCP socket fields through bpf_tcp_sock. */
SEC("tc")
int tcp_socket_cwnd(struct __sk_buff *skb) // EXPECT: accept
{
	struct bpf_sock *sk = skb->sk;
	struct bpf_tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_tcp_sock(sk);
	if (!tp)
		return TC_ACT_OK;
	return tp->snd_cwnd > 10 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* struct bpf_tcp_sock is 112 bytes: reading past it is refused. */
SEC("tc")
int tcp_socket_past_end(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	struct bpf_sock *sk = skb->sk;
	struct bpf_tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	tp = bpf_tcp_sock(sk);
	if (!tp)
		return TC_ACT_OK;
	return *((volatile __u32 *)tp + 28) > 10 ? TC_ACT_SHOT : TC_ACT_OK; // BUG: valid_access
}

/* A looked-up socket is read, then released. */
SEC("tc")
int lookup_read_release(struct __sk_buff *skb) // EXPECT: accept
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	__u32 port;

	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	port = sk->src_port;
	bpf_sk_release(sk);
	return port == 80 ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Sockets are read-only. */
SEC("tc")
int lookup_write(struct __sk_buff *skb) // EXPECT: reject valid_access
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	*(volatile __u32 *)&sk->mark = 1; // BUG: valid_access
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
