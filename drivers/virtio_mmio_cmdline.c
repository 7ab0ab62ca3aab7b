/* drivers/virtio_mmio_cmdline.c — reading the `virtio_mmio.device=<size>[KMG]@<base>:<irq>[:<id>]` words of a
 * command line (Linux's syntax, which QEMU's microvm and Firecracker write): pure code, no device access. */
#include "virtio_mmio.h"

static const char key[] = "virtio_mmio.device=";

static int digit(char c, int base)
{
    int d = c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : 99;
    return d < base ? d : -1;
}

/* A number as Linux reads these: 0x... hexadecimal, else decimal. *end is s when there is none, or when it
 * does not fit in 64 bits (so that the caller rejects it). */
static u64 parse_num(const char *s, const char **end)
{
    const char *p = s;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit(p[2], 16) >= 0)
        p += 2, base = 16;
    u64 n = 0;
    const char *first = p;
    for (int d; (d = digit(*p, base)) >= 0; p++) {
        if (n > (~0ull - (u64)d) / (u64)base) {
            *end = s;
            return 0;
        }
        n = n * (u64)base + (u64)d;
    }
    *end = p == first ? s : p;
    return n;
}

/* One word's value, up to its end (a space or the NUL). */
static bool parse_value(const char *s, struct vmmio_window *w)
{
    const char *end;
    u64 size = parse_num(s, &end);
    int shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20 : *end == 'G' || *end == 'g' ? 30 : 0;
    if (end == s || !size || (shift && size >> (64 - shift)))
        return false;
    end += shift != 0;
    if (*end != '@')
        return false;
    s = end + 1;
    u64 base = parse_num(s, &end);
    if (end == s || *end != ':')
        return false;
    s = end + 1;
    u64 irq = parse_num(s, &end);
    if (end == s || irq > 255)
        return false;
    if (*end == ':') { /* the optional platform device id: a number, unused here */
        s = end + 1;
        parse_num(s, &end);
        if (end == s)
            return false;
    }
    if (*end && *end != ' ')
        return false;
    w->size = size << shift;
    w->base = base;
    w->irq = (int)irq;
    return true;
}

int vmmio_parse_cmdline(const char *cmdline, struct vmmio_window *out, int max)
{
    int n = 0;
    for (const char *p = cmdline; *p && n < max;) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - w) < sizeof(key) - 1 || memcmp(w, key, sizeof(key) - 1))
            continue;
        struct vmmio_window *o = &out[n++];
        *o = (struct vmmio_window){ .word = w, .len = (int)(p - w) };
        o->ok = parse_value(w + sizeof(key) - 1, o);
    }
    return n;
}
