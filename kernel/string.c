/* kernel/string.c — the C string and memory functions the kernel needs (gcc may also emit calls to the
 * mem* ones). Bulk work goes by qwords (rep movsq/stosq): as fast as byte strings on CPUs with ERMSB and
 * eight times fewer iterations where rep is emulated element by element, as under QEMU's TCG. */
#include "kernel.h"

/* no-tree-loop-distribute-patterns: gcc must not turn the loops below back into calls to memcpy/memset. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memcpy(void *d, const void *s, size_t n)
{
    void *ret = d;
    {
        /* Bulk: plain 64-bit moves, 8 at a time (an emulator runs these far faster than rep). x86 allows
         * unaligned qword accesses, and the cpio initrd's file data is only 4-byte aligned. */
        u64 *dq = d;
        const u64 *sq = s;
        for (; n >= 64; n -= 64, dq += 8, sq += 8) {
            u64 a = sq[0], b = sq[1], c = sq[2], e = sq[3], f = sq[4], g = sq[5], h = sq[6], i = sq[7];
            dq[0] = a, dq[1] = b, dq[2] = c, dq[3] = e, dq[4] = f, dq[5] = g, dq[6] = h, dq[7] = i;
        }
        d = dq;
        s = sq;
    }
    size_t q = n / 8, b = n % 8;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(b) : : "memory");
    return ret;
}

void *memmove(void *d, const void *s, size_t n)
{
    if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
        return memcpy(d, s, n);
    /* Overlapping with d above s: copy backwards. */
    u8 *dp = (u8 *)d + n;
    const u8 *sp = (const u8 *)s + n;
    while (n--)
        *--dp = *--sp;
    return d;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *memset(void *d, int c, size_t n)
{
    void *ret = d;
    u64 v = 0x0101010101010101ull * (u8)c;
    if (!((uintptr_t)d & 7)) {
        u64 *dq = d;
        for (; n >= 64; n -= 64, dq += 8)
            dq[0] = v, dq[1] = v, dq[2] = v, dq[3] = v, dq[4] = v, dq[5] = v, dq[6] = v, dq[7] = v;
        d = dq;
    }
    size_t q = n / 8, b = n % 8;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(b) : "a"(v) : "memory");
    return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (u8)*a - (u8)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

char *kstrndup(const char *s, size_t n)
{
    char *p = kmalloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *kstrdup(const char *s)
{
    return kstrndup(s, strlen(s));
}

char *strcat_k(char *d, const char *s)
{
    memcpy(d + strlen(d), s, strlen(s) + 1);
    return d;
}

char *strcpy_k(char *d, const char *s)
{
    memcpy(d, s, strlen(s) + 1);
    return d;
}
