/* A singly linked list of (key, value) in the extension's heap: insert, lookup, delete. */
#include "chain.h"

struct root {
	struct node *head;
};

SEC("xdp") s64 list(struct xdp_md *ctx)
{
	struct op *op = request(ctx);
	if (!op)
		return BAD_REQUEST;
	struct root *root = kflex_root();
	return chain_op(&root->head, op->kind, op->key, op->value);
}
