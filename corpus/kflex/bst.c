/* An unbalanced binary search tree in the extension's heap: insert, lookup, delete (successor splice). */
#include "kflex.h"

struct node {
	u64 key;
	u64 value;
	struct node *left;
	struct node *right;
};

struct root {
	struct node *top;
};

SEC("xdp") s64 bst(struct xdp_md *ctx)
{
	struct op *op = request(ctx);
	if (!op)
		return BAD_REQUEST;
	u64 kind = op->kind, key = op->key, value = op->value;
	struct root *root = kflex_root();
	struct node **link = &root->top;
	struct node *n = *link;
	while (n) {
		if (key == n->key)
			break;
		link = key < n->key ? &n->left : &n->right;
		n = *link;
	}
	if (kind == OP_LOOKUP)
		return n ? (s64) n->value : NOT_FOUND;
	if (kind == OP_INSERT) {
		if (n) {
			n->value = value;
			return 0;
		}
		struct node *fresh = kflex_alloc(sizeof(struct node));
		if (!fresh)
			return NO_MEMORY;
		fresh->key = key;
		fresh->value = value;
		*link = fresh;
		return 1;
	}
	if (kind != OP_DELETE)
		return BAD_REQUEST;
	if (!n)
		return 0;
	if (!n->left) {
		*link = n->right;
	} else if (!n->right) {
		*link = n->left;
	} else {
		/* Two children: the leftmost node of the right subtree takes n's place. */
		struct node **slink = &n->right;
		struct node *s = *slink;
		while (s->left) {
			slink = &s->left;
			s = *slink;
		}
		*slink = s->right;
		s->left = n->left;
		s->right = n->right;
		*link = s;
	}
	kflex_free(n);
	return 1;
}
