/*
 * A buggy (or hostile) extension: it writes and reads through addresses its request gives it. Each
 * address goes through the heap (stored, loaded back), so the verifier sees a heap address and the
 * runtime's guard confines it to the heap: whatever the request says, no byte outside the heap is
 * touched. The interpreter and the JIT must agree byte for byte.
 */
#include "kflex.h"

SEC("xdp") s64 sandbox(struct xdp_md *ctx)
{
	struct op *op = request(ctx);
	if (!op)
		return BAD_REQUEST;
	volatile u64 *root = kflex_root();
	root[0] = op->key;
	root[1] = op->kind;
	u64 *store_at = (u64 *) root[0];
	*store_at = op->value;
	u32 *store32_at = (u32 *) (root[0] + 3);
	*store32_at = (u32) op->value;
	u64 *load_at = (u64 *) root[1];
	return *load_at;
}
