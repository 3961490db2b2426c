/*
 * FUSE metadata cache (the paper's third use case): at lookup, answer from a map of cached
 * attributes keyed by the parent inode and a hash of the name; the filler also stores what the
 * file system answered, so that the next lookup of the name is served from the cache.
 */
// POLICY: fuse-cache.eim
#include "eim.h"

struct FuseAttr {
	u64 ino;
	u64 size;
	u64 blocks;
	s64 mtime;
	u32 mode;
	u32 nlink;
	u32 uid;
	u32 gid;
};

struct LookupArgs {
	u64 parent;
	u32 name_len;
	char name[256];
};

struct cache_key {
	u64 parent;
	u64 name_hash;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct cache_key);
	__type(value, struct FuseAttr);
} attr_cache SEC(".maps");

#define ENOENT 2
#define HASHED_BYTES 32
#define BPF_ANY 0

/* FNV-1a over the first 32 bytes of the name. */
static __attribute__((always_inline)) u64 name_hash(const struct LookupArgs *in)
{
	u64 h = 1469598103934665603ULL;
	u32 n = in->name_len;

	if (n > HASHED_BYTES)
		n = HASHED_BYTES;
	for (u32 i = 0; i < n; i++) {
		h ^= (u8)in->name[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Serve a lookup from the cache: copy the cached attributes into the reply. */
SEC("eim/lookup")
int serve(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheFiller EXPECT: accept
{
	struct cache_key k = { in->parent, name_hash(in) };
	struct FuseAttr *a = bpf_map_lookup_elem(&attr_cache, &k);

	if (!a)
		return -ENOENT;
	*out = *a;
	return 0;
}

/* After the file system answered: remember its reply (the host's FuseAttr) for next time. */
SEC("eim/lookup")
int remember(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheFiller EXPECT: accept
{
	struct cache_key k = { in->parent, name_hash(in) };

	if (out->ino == 0)
		return 0;
	return bpf_map_update_elem(&attr_cache, &k, out, BPF_ANY) == 0 ? 0 : -ENOENT;
}

/* The reader only says whether the answer is cached and still matches the reply's inode. */
SEC("eim/lookup")
int check(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheReader EXPECT: accept
{
	struct cache_key k = { in->parent, name_hash(in) };
	struct FuseAttr *a = bpf_map_lookup_elem(&attr_cache, &k);

	return a && a->ino == out->ino ? 0 : -ENOENT;
}
