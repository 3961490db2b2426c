/* A hash table with chaining in the extension's heap: a bucket array of lists, allocated on first use. */
#include "kflex.h"

#define BUCKETS 64

struct node {
	u64 key;
	u64 value;
	struct node *next;
};

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
	u64 kind = op->kind, key = op->key, value = op->value;
	struct root *root = kflex_root();
	struct node **buckets = root->buckets;
	if (!buckets) {
		buckets = kflex_alloc(BUCKETS * sizeof(struct node *));
		if (!buckets)
			return NO_MEMORY;
		root->buckets = buckets;
	}
	struct node **link = &buckets[bucket(key)];
	struct node *n = *link;
	while (n) {
		if (n->key == key)
			break;
		link = &n->next;
		n = *link;
	}
	if (kind == OP_LOOKUP)
		return n ? (s64) n->value : NOT_FOUND;
	if (kind == OP_DELETE) {
		if (!n)
			return 0;
		*link = n->next;
		kflex_free(n);
		return 1;
	}
	if (kind != OP_INSERT)
		return BAD_REQUEST;
	if (n) {
		n->value = value;
		return 0;
	}
	struct node *fresh = kflex_alloc(sizeof(struct node));
	if (!fresh)
		return NO_MEMORY;
	fresh->key = key;
	fresh->value = value;
	fresh->next = 0;
	*link = fresh;
	return 1;
}
