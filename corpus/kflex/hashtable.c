/* A hash table with chaining in the extension's heap: a bucket array of chains, allocated on first use. */
#include "chain.h"

#define BUCKETS 64

struct root {
	struct node **buckets;
};

static inline u64 bucket(u64 key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key % BUCKETS;
}

SEC("xdp") s64 hashtable(struct xdp_md *ctx)
{
	struct op *op = request(ctx);
	if (!op)
		return BAD_REQUEST;
	struct root *root = kflex_root();
	struct node **buckets = root->buckets;
	if (!buckets) {
		buckets = kflex_alloc(BUCKETS * sizeof(struct node *));
		if (!buckets)
			return NO_MEMORY;
		root->buckets = buckets;
	}
	return chain_op(&buckets[bucket(op->key)], op->kind, op->key, op->value);
}
