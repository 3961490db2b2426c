/*
 * A policy author's mistake, kept for the checks that catch it: struct Access declared with its
 * fields in another order than kv-cache.eim's. The verifier checks every access against the
 * policy's layout, so this verifies and is safe, and a->op reads the bytes the policy and the host
 * call key_hash. warden verify --policy warns of it; the host API refuses it at load
 * (docs/host-api.md, "The C declarations against the policy's"). Build: examples/kv-cache/build.sh.
 */
#define SEC(name) __attribute__((section(name), used))

typedef unsigned int u32;
typedef unsigned long long u64;

struct Access {
	u32 op;
	u32 size;
	u64 key_hash;
	u32 version;
	u32 reserved;
};

SEC("eim/onAccess")
int on_access(struct Access *a)
{
	a->version = 1;
	return a->op == 2;
}
