/*
 * A chain of (key, value) nodes in the extension's heap, reached through a link (the list's head,
 * a hash bucket): the walk, lookup, delete and insert both list.c and hashtable.c use.
 */
#ifndef WARDEN_KFLEX_CHAIN_H
#define WARDEN_KFLEX_CHAIN_H

#include "kflex.h"

struct node {
	u64 key;
	u64 value;
	struct node *next;
};

/* One request on the chain at *link: insert (appended at its end), lookup or delete. */
static __attribute__((always_inline)) inline s64 chain_op(struct node **link, u64 kind, u64 key, u64 value)
{
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
	*link = fresh;
	return 1;
}

#endif
