/* test/conformance/rlimits.c — getrlimit/setrlimit/prlimit64 for every resource the man page names (read, lower,
 * read back; soft above hard EINVAL; raising the hard limit without CAP_SYS_RESOURCE EPERM), and what RLIMIT_AS
 * and RLIMIT_DATA refuse: mmap (private writable mappings count as data, read-only and shared ones do not),
 * MAP_FIXED over an existing mapping (only what it adds counts), brk and mremap growth. */
/* covers: getrlimit setrlimit prlimit64 */
#include "tap.h"
#include <sys/mman.h>
#include <sys/resource.h>

static const struct { const char *name; int r; } res[] = {
    { "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
    { "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
    { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

/* in a child without CAP_SYS_RESOURCE: bit i set when raising resource i's hard limit gave EPERM and lowering
 * it, then its soft limit above the hard one, behaved */
static int unprivileged(void)
{
    if (setresuid(1000, 1000, 1000))
        return -1;
    int r = 0;
    for (unsigned i = 0; i < sizeof res / sizeof *res; i++) {
        struct rlimit l;
        getrlimit(res[i].r, &l);
        if (l.rlim_max == RLIM_INFINITY) {
            l.rlim_max = l.rlim_cur = l.rlim_cur == RLIM_INFINITY ? 1u << 20 : l.rlim_cur;
            if (setrlimit(res[i].r, &l))
                continue;
        }
        struct rlimit up = { l.rlim_cur, l.rlim_max + 1 };
        if (setrlimit(res[i].r, &up) == -1 && errno == EPERM)
            r |= 1 << i;
    }
    return r;
}

/* bit i: a soft limit above resource i's (finite) hard limit is EINVAL; in a child (a lowered hard limit is
 * for good without CAP_SYS_RESOURCE) */
static int soft_above_hard_child(void)
{
    int p[2];
    if (pipe(p))
        return -1;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int r = 0;
        for (unsigned i = 0; i < sizeof res / sizeof *res; i++) {
            struct rlimit l;
            getrlimit(res[i].r, &l);
            rlim_t x = l.rlim_max == RLIM_INFINITY ? 1u << 20 : l.rlim_max;
            struct rlimit fin = { l.rlim_cur < x ? l.rlim_cur : x, x }, bad = { x + 1, x };
            if (setrlimit(res[i].r, &fin) == 0 && setrlimit(res[i].r, &bad) == -1 && errno == EINVAL)
                r |= 1 << i;
        }
        _exit(write(p[1], &r, sizeof r) == sizeof r ? 0 : 1);
    }
    int r = -1;
    if (read(p[0], &r, sizeof r) != sizeof r)
        r = -1;
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
    return r;
}

static void each(void)
{
    char name[120];
    for (unsigned i = 0; i < sizeof res / sizeof *res; i++) {
        struct rlimit l, back;
        int ok = getrlimit(res[i].r, &l) == 0;
        struct rlimit lower = { l.rlim_cur == RLIM_INFINITY ? 1ul << 30 : l.rlim_cur / 2, l.rlim_max };
        if (l.rlim_cur == 0)
            lower.rlim_cur = 0;
        ok = ok && setrlimit(res[i].r, &lower) == 0 && getrlimit(res[i].r, &back) == 0 &&
             back.rlim_cur == lower.rlim_cur && back.rlim_max == lower.rlim_max;
        snprintf(name, sizeof name, "setrlimit %s: lowered, read back", res[i].name);
        T_COVERS(res[i].name);
        T_TRUE(name, ok);
        setrlimit(res[i].r, &l);
    }
    int sah = soft_above_hard_child();
    for (unsigned i = 0; i < sizeof res / sizeof *res; i++) {
        snprintf(name, sizeof name, "setrlimit %s: soft above hard -> EINVAL", res[i].name);
        T_COVERS(res[i].name);
        T_TRUE(name, sah >= 0 && (sah & (1 << i)));
    }
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(unprivileged() == (1 << (sizeof res / sizeof *res)) - 1 ? 0 : 1);
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("setrlimit raising any hard limit without CAP_SYS_RESOURCE -> EPERM", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static unsigned long status_kb(const char *field)
{
    char b[4096];
    const char *p = tap_read_file("/proc/self/status", b, sizeof b) > 0 ? strstr(b, field) : NULL;
    return p ? strtoul(p + strlen(field), NULL, 10) : 0;
}

#define MB (1ul << 20)

/* bit 0: over RLIMIT_AS, ENOMEM; bit 1: under, fine; bit 2: MAP_FIXED over a mapping adds nothing; bit 3: mremap
 * growth past it ENOMEM */
static int as_child(void)
{
    unsigned long vm = status_kb("VmSize:") * 1024;
    struct rlimit l = { vm + 16 * MB, RLIM_INFINITY };
    if (setrlimit(RLIMIT_AS, &l))
        return 128; /* none of the result bits (an exit status of -1 would have set them all) */
    int r = 0;
    void *big = mmap(NULL, 64 * MB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r |= (big == MAP_FAILED && errno == ENOMEM) << 0;
    char *small = mmap(NULL, 8 * MB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r |= (small != MAP_FAILED) << 1;
    void *over = mmap(small, 8 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    r |= (over == small) << 2;
    void *grown = mremap(small, 8 * MB, 64 * MB, MREMAP_MAYMOVE);
    r |= (grown == MAP_FAILED && errno == ENOMEM) << 3;
    return r;
}

/* bit 0: a private writable mapping past RLIMIT_DATA, ENOMEM; bit 1: a read-only one is not data; bit 2: nor a
 * shared writable one; bit 3: brk past it fails */
static int data_child(void)
{
    unsigned long data = status_kb("VmData:") * 1024;
    struct rlimit l = { data + 4 * MB, RLIM_INFINITY };
    if (setrlimit(RLIMIT_DATA, &l))
        return 128;
    int r = 0;
    void *w = mmap(NULL, 32 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r |= (w == MAP_FAILED && errno == ENOMEM) << 0;
    void *ro = mmap(NULL, 32 * MB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r |= (ro != MAP_FAILED) << 1;
    void *sh = mmap(NULL, 32 * MB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    r |= (sh != MAP_FAILED) << 2;
    unsigned long cur = (unsigned long)syscall(SYS_brk, 0);
    unsigned long got = (unsigned long)syscall(SYS_brk, cur + 32 * MB);
    r |= (got == cur) << 3;
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    each();
    int a = tap_child(as_child);
    T_COVERS("RLIMIT_AS");
    T_TRUE("mmap past RLIMIT_AS -> ENOMEM", a >= 0 && a < 256 && (a & 1));
    T_TRUE("mmap under RLIMIT_AS", a >= 0 && a < 256 && (a & 2));
    T_TRUE("mmap MAP_FIXED over a mapping is charged only what it adds", a >= 0 && a < 256 && (a & 4));
    T_TRUE("mremap growth past RLIMIT_AS -> ENOMEM", a >= 0 && a < 256 && (a & 8));
    int d = tap_child(data_child);
    T_COVERS("RLIMIT_DATA");
    T_TRUE("mmap a private writable mapping past RLIMIT_DATA -> ENOMEM", d >= 0 && d < 256 && (d & 1));
    T_TRUE("mmap a read-only mapping is not data (RLIMIT_DATA)", d >= 0 && d < 256 && (d & 2));
    T_TRUE("mmap a shared writable mapping is not data (RLIMIT_DATA)", d >= 0 && d < 256 && (d & 4));
    T_COVERS("brk: RLIMIT_DATA");
    T_TRUE("mmap brk past RLIMIT_DATA fails", d >= 0 && d < 256 && (d & 8));
    return tap_done();
}
