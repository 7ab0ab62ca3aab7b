/* syscalls/strace.c — `skiff run --strace`: each syscall as name(decoded arguments) = result, on the kernel
 * log. Argument kinds come from the strace-args column of syscalls/syscall_64.tbl. */
#include "syscalls.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/arch.h"

bool strace_on;

void strace_init(void)
{
    strace_on = boot_flag("strace");
}

static const char *const errnames[] = {
    [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO", [7] = "E2BIG",
    [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES",
    [14] = "EFAULT", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR",
    [21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY", [26] = "ETXTBSY", [27] = "EFBIG",
    [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK", [32] = "EPIPE", [33] = "EDOM",
    [34] = "ERANGE", [35] = "EDEADLK", [36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS",
    [39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM", [61] = "ENODATA", [65] = "ENOPKG", [75] = "EOVERFLOW",
    [88] = "ENOTSOCK", [89] = "EDESTADDRREQ",
    [90] = "EMSGSIZE", [91] = "EPROTOTYPE", [92] = "ENOPROTOOPT", [93] = "EPROTONOSUPPORT",
    [94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE",
    [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH", [103] = "ECONNABORTED",
    [104] = "ECONNRESET", [105] = "ENOBUFS", [106] = "EISCONN", [107] = "ENOTCONN", [110] = "ETIMEDOUT",
    [111] = "ECONNREFUSED", [113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS",
};

const char *errno_name(long e)
{
    if (e > 0 && e < (long)ARRAY_SIZE(errnames) && errnames[e])
        return errnames[e];
    return "E?";
}

struct line {
    char buf[512];
    size_t len;
};

static void put(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct line *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
    va_end(ap);
    l->len = MIN(l->len + n, sizeof(l->buf) - 1);
}

static void put_quoted(struct line *l, const char *s, size_t n, bool more)
{
    put(l, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '\n') put(l, "\\n");
        else if (c == '\t') put(l, "\\t");
        else if (c == '"' || c == '\\') put(l, "\\%c", c);
        else if (c < 32 || c >= 127) put(l, "\\x%02x", c);
        else put(l, "%c", c);
    }
    put(l, more ? "\"..." : "\"");
}

static void put_arg(struct line *l, char kind, u64 v, u64 next)
{
    char tmp[64];
    switch (kind) {
    case 'f':
        if ((int)v == AT_FDCWD) put(l, "AT_FDCWD"); else put(l, "%d", (int)v);
        break;
    case 'i': put(l, "%ld", (long)v); break;
    case 'u': put(l, "%lu", v); break;
    case 'o': put(l, "%#lo", v); break;
    case 's': {
        long n = strncpy_from_user(tmp, (const char *)v, sizeof(tmp));
        if (n >= 0) put_quoted(l, tmp, n, false);
        else if (n == -ENAMETOOLONG) put_quoted(l, tmp, sizeof(tmp), true);
        else put(l, "%#lx", v);
        break;
    }
    case 'b': {
        size_t n = MIN(next, 32);
        if (copy_from_user(tmp, (const void *)v, n) == 0) put_quoted(l, tmp, n, next > n);
        else put(l, "%#lx", v);
        break;
    }
    case 'p': if (v) put(l, "%#lx", v); else put(l, "NULL"); break;
    default: put(l, "%#lx", v);
    }
}

void strace_enter(u64 nr, const struct regs *r)
{
    struct line l = { .len = 0 };
    const u64 a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
    const char *name = nr < syscall_count ? syscall_names[nr] : NULL;
    const char *fmt = nr < syscall_count ? syscall_argfmt[nr] : NULL;
    if (name)
        put(&l, "%s(", name);
    else
        put(&l, "syscall_%lu(", nr);
    for (int i = 0; fmt && fmt[i * 2]; i++) {
        if (i)
            put(&l, ", ");
        put_arg(&l, fmt[i * 2], a[i], i < 5 ? a[i + 1] : 0);
        if (!fmt[i * 2 + 1])
            break;
    }
    put(&l, ")");
    klog_write(l.buf, l.len);
}

void strace_exit(u64 nr, long ret)
{
    struct line l = { .len = 0 };
    const char *name = nr < syscall_count ? syscall_names[nr] : NULL;
    if (ret < 0 && ret > -4096)
        put(&l, " = -1 %s\n", errno_name(-ret));
    else if (ret > 0xffff || (name && (!strcmp(name, "mmap") || !strcmp(name, "brk"))))
        put(&l, " = %#lx\n", ret);
    else
        put(&l, " = %ld\n", ret);
    klog_write(l.buf, l.len);
}
