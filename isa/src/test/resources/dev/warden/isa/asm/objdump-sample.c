/* Compiled by DisassemblerAgreesWithLlvmObjdumpTest with clang -O2 -target bpf -mcpu=v3: a mix of
 * ALU of both widths, loads and stores of every size, conditional jumps of both widths, 64-bit
 * atomics, byte swaps, a 64-bit constant and a helper call. */
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

static long (*helper_five)(u64 a) = (void *)5;

struct args { u32 *q; u16 *h; u8 *b; };

u64 sample(u64 *p, struct args *x, u64 a, int s) {
    u32 *q = x->q;
    u16 *h = x->h;
    u8 *b = x->b;
    u64 r = p[1] + q[2] + h[3] + b[4];
    __sync_fetch_and_add(p, a);
    r += __sync_fetch_and_add(p + 1, a);
    r ^= __sync_lock_test_and_set(p + 2, r);
    r += __sync_val_compare_and_swap(p + 3, a, r);
    __sync_fetch_and_or(p + 4, a);
    __sync_fetch_and_and(p + 5, r);
    __sync_fetch_and_xor(p + 6, a);
    p[-1] = 0x123456789abcULL;
    q[-2] = 7;
    h[5] = (u16)a;
    b[-3] = (u8)r;
    if (s > 5)
        r = -r;
    if ((int)a < -3)
        r *= 3;
    if (a & 4)
        r |= 0xffffffffffffULL;
    if (r != a)
        r = r % (a | 1);
    r += (u64)(s >> 2) << 3;
    r = __builtin_bswap32((u32)r) + __builtin_bswap64(r) + __builtin_bswap16((u16)a);
    r -= (u32)s / 7u;
    r += helper_five(r);
    return r >> (a & 63);
}
