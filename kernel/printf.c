/* kernel/printf.c — kvsnprintf: the subset of printf the kernel and strace use. Always NUL-terminates and
 * returns the length it would have written, as C's snprintf does. */
#include "kernel.h"

struct out {
    char *buf;
    size_t size, len;
};

static void out_c(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct spec {
    int width, prec;
    bool left, zero, alt;
};

static void out_pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        out_c(o, c);
}

static void out_str(struct out *o, const char *s, const struct spec *sp)
{
    if (!s)
        s = "(null)";
    size_t n = sp->prec >= 0 ? strnlen(s, sp->prec) : strlen(s);
    if (!sp->left)
        out_pad(o, sp->width - (int)n, ' ');
    for (size_t i = 0; i < n; i++)
        out_c(o, s[i]);
    if (sp->left)
        out_pad(o, sp->width - (int)n, ' ');
}

static void out_num(struct out *o, u64 v, bool neg, unsigned base, bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    while (n < sp->prec)
        tmp[n++] = '0';
    const char *prefix = neg ? "-" : (sp->alt && base == 16) ? (upper ? "0X" : "0x") : (sp->alt && base == 8) ? "0" : "";
    int plen = (int)strlen(prefix);
    int pad = sp->width - n - plen;
    if (!sp->left && !sp->zero)
        out_pad(o, pad, ' ');
    for (const char *p = prefix; *p; p++)
        out_c(o, *p);
    if (!sp->left && sp->zero)
        out_pad(o, pad, '0');
    while (n)
        out_c(o, tmp[--n]);
    if (sp->left)
        out_pad(o, pad, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ .prec = -1 };
    for (;; f++) {
        if (*f == '-') sp->left = true;
        else if (*f == '0') sp->zero = true;
        else if (*f == '#') sp->alt = true;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        sp->prec = 0;
        f++;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->prec = sp->prec * 10 + (*f++ - '0');
    }
    return f;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
    struct out o = { buf, size, 0 };
    va_list ap;
    va_copy(ap, ap0);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            out_c(&o, *f);
            continue;
        }
        struct spec sp;
        f = parse_spec(f + 1, &sp, &ap);
        int lng = 0;
        while (*f == 'l' || *f == 'z' || *f == 'h') {
            if (*f != 'h')
                lng = 1;
            f++;
        }
        switch (*f) {
        case 'd': case 'i': {
            i64 v = lng ? va_arg(ap, i64) : va_arg(ap, int);
            out_num(&o, v < 0 ? -(u64)v : (u64)v, v < 0, 10, false, &sp);
            break;
        }
        case 'u': case 'x': case 'X': case 'o': {
            u64 v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned);
            unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
            out_num(&o, v, false, base, *f == 'X', &sp);
            break;
        }
        case 'p':
            sp.alt = true;
            out_num(&o, (u64)va_arg(ap, void *), false, 16, false, &sp);
            break;
        case 's':
            out_str(&o, va_arg(ap, const char *), &sp);
            break;
        case 'c':
            out_c(&o, (char)va_arg(ap, int));
            break;
        case '%':
            out_c(&o, '%');
            break;
        case 0:
            f--;
            break;
        default:
            out_c(&o, '%');
            out_c(&o, *f);
        }
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
