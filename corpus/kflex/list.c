/* A singly linked list of (key, value) in the extension's heap: insert, lookup, delete. */
#include "kflex.h"

struct node {
	u64 key;
	u64 value;
	struct node *next;
};

struct root {
	struct node *head;
};

SEC("xdp") s64 list(struct xdp_md *ctx)
{
	struct op *op = request(ctx);
	if (!op)
		return BAD_REQUEST;
	u64 kind = op->kind, key = op->key, value = op->value;
	struct root *root = kflex_root();
	struct node **link = &root->head;
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
	fresh->next = root->head;
	root->head = fresh;
	return 1;
}
