/* Unsafe twins of fuse_cache.c: one program per kind of violation the fuse classes can show. */
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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, struct FuseAttr);
} attr_cache SEC(".maps");

/* Ungranted call: the reader may not fill the cache. */
SEC("eim/lookup")
int reader_updates(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheReader EXPECT: reject known_call
{
	u64 k = in->parent;

	return bpf_map_update_elem(&attr_cache, &k, out, 0); // BUG: known_call "capability 'mapUpdate'"
}

/* Argument constraint broken: flags 4 (BPF_F_LOCK) is not among the flags the class allows. */
SEC("eim/lookup")
int update_with_lock(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheFiller EXPECT: reject constraint
{
	u64 k = in->parent;

	return bpf_map_update_elem(&attr_cache, &k, out, 4); // BUG: constraint "may pass flags = 4; the class 'cacheFiller' allows it only with flags in [0, 2]"
}

/* Write outside the grant: the reader may not answer the kernel. */
SEC("eim/lookup")
int reader_answers(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheReader EXPECT: reject valid_access
{
	out->size = 0; // BUG: valid_access "write of out->size"
	return 0;
}

/* Read past the struct: a name index masked to 511 may go beyond the 272-byte arguments. */
SEC("eim/lookup")
int read_past(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheReader EXPECT: reject valid_access
{
	return in->name[in->name_len & 511] == '.'; // BUG: valid_access "is outside LookupArgs (272 bytes)"
}

/* Limit exceeded: hashing 60,000 rounds, over the reader's 50,000 instructions. */
SEC("eim/lookup")
int slow_hash(struct LookupArgs *in, struct FuseAttr *out) // CLASS: cacheReader EXPECT: reject limit
{
	volatile u64 h = in->parent;

	for (u32 i = 0; i < 60000; i++)
		h = h * 31 + i; // BUG: limit "may run 60000 times; the class 'cacheReader' allows instructions < 50000"
	return h == 0;
}
