/*
 * The five benchmark workloads of issue 5, one C source for both targets:
 *   clang -O2 -target bpf  -> workloads.bpf.o (one ELF section per workload, committed)
 *   gcc   -O2 -shared      -> libworkloads.so (the native baseline, built by build.sh)
 *
 * Every workload has the eBPF program signature: r1 = input memory, r2 = its length in
 * bytes, result in r0. They use no global data, no maps and no calls, so each section is a
 * self-contained program that needs no relocation.
 *
 * OPAQUE(x) is an empty inline-asm barrier: it keeps both compilers from replacing the
 * summing loop by its closed form (n(n+1)/2), which would measure nothing. It costs no
 * instruction on either target.
 */
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

#ifdef __bpf__
#define WORKLOAD(name) __attribute__((section("wl/" #name), used))
#else
#define WORKLOAD(name) __attribute__((visibility("default")))
#endif

#define OPAQUE(x) __asm__ volatile("" : "+r"(x))

/* Sum of 1..n, n read from the first 8 bytes of the input (10^7 in the benchmark). */
WORKLOAD(sum_loop)
u64 wl_sum_loop(const u8 *mem, u64 len)
{
    if (len < 8)
        return 0;
    u64 n = *(const u64 *)mem;
    u64 sum = 0;
    for (u64 i = 1; i <= n; i++) {
        sum += i;
        OPAQUE(sum);
    }
    return sum;
}

/* Fletcher-32 over the input read as little-endian 16-bit words (4 KiB in the benchmark). */
WORKLOAD(fletcher)
u64 wl_fletcher(const u8 *mem, u64 len)
{
    u64 words = len / 2;
    u64 a = 0xffff, b = 0xffff;
    for (u64 i = 0; i < words; i++) {
        a = (a + (mem[2 * i] | (u64)mem[2 * i + 1] << 8)) % 65535;
        b = (b + a) % 65535;
    }
    return b << 16 | a;
}

/* 64-bit FNV-1a over every byte of the input (4 KiB in the benchmark). */
WORKLOAD(fnv1a)
u64 wl_fnv1a(const u8 *mem, u64 len)
{
    u64 h = 0xcbf29ce484222325ULL;
    for (u64 i = 0; i < len; i++) {
        h ^= mem[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/*
 * A byte-driven state machine: a small lexer over text (4 KiB in the benchmark) that counts
 * identifiers, numbers and quoted strings, and ends in a state that rejects a digit directly
 * after a letter-less number ("12ab" counts as an error). The result packs the four counters.
 * Written with if-chains so that clang emits no jump table (which would live in .rodata).
 */
WORKLOAD(state_machine)
u64 wl_state_machine(const u8 *mem, u64 len)
{
    enum { SPACE, IDENT, NUMBER, STRING, ESCAPE, ERROR };
    u64 state = SPACE, idents = 0, numbers = 0, strings = 0, errors = 0;
    for (u64 i = 0; i < len; i++) {
        u8 c = mem[i];
        int letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
        int digit = c >= '0' && c <= '9';
        if (state == SPACE) {
            if (letter || c == '_') { state = IDENT; idents++; }
            else if (digit) { state = NUMBER; numbers++; }
            else if (c == '"') { state = STRING; strings++; }
        } else if (state == IDENT) {
            if (!(letter || digit || c == '_')) state = c == '"' ? (strings++, STRING) : SPACE;
        } else if (state == NUMBER) {
            if (letter) { state = ERROR; errors++; }
            else if (!digit) state = SPACE;
        } else if (state == STRING) {
            if (c == '\\') state = ESCAPE;
            else if (c == '"') state = SPACE;
        } else if (state == ESCAPE) {
            state = STRING;
        } else {
            if (c == ' ' || c == '\n') state = SPACE;
        }
    }
    return idents << 48 | numbers << 32 | strings << 16 | errors;
}

/*
 * Bubble sort of 64 u32 copied from the input onto the stack (the input is left alone, so
 * every run sorts the same data); returns a position-weighted checksum of the sorted array.
 */
WORKLOAD(bubble_sort)
u64 wl_bubble_sort(const u8 *mem, u64 len)
{
    u32 a[64];
    if (len < sizeof(a))
        return 0;
    for (int i = 0; i < 64; i++)
        a[i] = ((const u32 *)mem)[i];
    for (int n = 64; n > 1; n--) {
        for (int i = 0; i + 1 < n; i++) {
            if (a[i] > a[i + 1]) {
                u32 t = a[i];
                a[i] = a[i + 1];
                a[i + 1] = t;
            }
        }
    }
    u64 sum = 0;
    for (int i = 0; i < 64; i++)
        sum += (u64)a[i] * (u64)(i + 1);
    return sum;
}
