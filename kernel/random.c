/* kernel/random.c — random bytes for getrandom, /dev/urandom and AT_RANDOM: RDSEED/RDRAND where the CPU has
 * them; otherwise xoshiro256** seeded from the TSC and the wall clock (not cryptographic, and logged). */
#include "boot.h"
#include "../arch/x86_64/arch.h"

static u64 s[4];
static bool seeded;

static u64 rotl(u64 x, int k) { return (x << k) | (x >> (64 - k)); }

static u64 xoshiro_next(void)
{
    u64 result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static u64 next64(void)
{
    u64 v;
    if (cpu_random64(&v))
        return v;
    if (!seeded) {
        s[0] = rdtsc() | 1;
        s[1] = clock_realtime_ns();
        s[2] = 0x9e3779b97f4a7c15ull;
        s[3] = rdtsc() * 0xbf58476d1ce4e5b9ull;
        seeded = true;
        kerr("skiff: no RDRAND/RDSEED: random bytes come from a TSC-seeded generator\n");
    }
    return xoshiro_next();
}

void random_fill(void *buf, size_t n)
{
    u8 *p = buf;
    while (n) {
        u64 v = next64();
        size_t c = MIN(n, sizeof(v));
        memcpy(p, &v, c);
        p += c;
        n -= c;
    }
}
