/* test/conformance/mmflags.c — the flags and errnos of mmap, mremap, madvise and mprotect as their man pages
 * list them (issue 16), and pipe2's: MAP_POPULATE, MAP_LOCKED, MAP_STACK, MAP_GROWSDOWN, MAP_32BIT,
 * MAP_ANON, MAP_FILE, MAP_DENYWRITE/MAP_EXECUTABLE (ignored), MAP_HUGETLB (no huge pages: ENOMEM on a
 * kernel without them reserved), MAP_SHARED_VALIDATE's EOPNOTSUPP, PROT_EXEC; mremap MREMAP_MAYMOVE,
 * MREMAP_FIXED, MREMAP_DONTUNMAP; madvise's advice values; pipe2 EMFILE, PIPE_BUF atomicity. */
/* covers: mmap mremap madvise mprotect pipe2 */
#include "tap.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <limits.h>
#include <stdint.h>
#include <sys/wait.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 3
#endif
#ifndef MADV_FREE
#define MADV_FREE 8
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char *map(long len, int prot, int flags)
{
    return mmap(0, len, prot, flags, -1, 0);
}

static void mmaps(void)
{
    char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, ANON | MAP_POPULATE);
    T_TRUE("mmap MAP_POPULATE: zero-filled and writable", p != MAP_FAILED && p[3 * PAGE] == 0 && (p[0] = 1));
    unsigned char vec[4] = { 0 };
    mincore(p, 4 * PAGE, vec);
    T_TRUE("mmap MAP_POPULATE: every page resident (mincore)", vec[0] & vec[1] & vec[2] & vec[3] & 1);
    munmap(p, 4 * PAGE);
    p = map(PAGE, PROT_READ | PROT_WRITE, ANON | MAP_STACK);
    T_TRUE("mmap MAP_STACK", p != MAP_FAILED);
    munmap(p, PAGE);
    p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON);
    T_TRUE("mmap MAP_ANON (the old name)", p != MAP_FAILED);
    munmap(p, PAGE);
    p = map(PAGE, PROT_READ | PROT_WRITE, ANON | MAP_LOCKED);
    T_TRUE("mmap MAP_LOCKED", p != MAP_FAILED);
    munmap(p, PAGE);
    p = map(PAGE, PROT_READ | PROT_WRITE, ANON | MAP_32BIT);
    T_TRUE("mmap MAP_32BIT: below 2 GiB", p != MAP_FAILED && (uintptr_t)p < (1ul << 31));
    munmap(p, PAGE);
    p = map(PAGE, PROT_READ | PROT_WRITE, ANON | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_FILE);
    T_TRUE("mmap MAP_DENYWRITE|MAP_EXECUTABLE|MAP_FILE are ignored", p != MAP_FAILED);
    munmap(p, PAGE);
    p = map(PAGE, PROT_READ | PROT_EXEC, ANON);
    T_TRUE("mmap PROT_EXEC", p != MAP_FAILED);
    munmap(p, PAGE);
    p = map(PAGE, PROT_NONE, ANON | MAP_NORESERVE);
    T_TRUE("mmap PROT_NONE", p != MAP_FAILED);
    munmap(p, PAGE);
    put_file("mf", "data", 4);
    int mfd = open("mf", O_RDONLY);
    errno = 0;
    p = mmap(0, PAGE, PROT_READ, MAP_SHARED_VALIDATE | 0x200000, mfd, 0);
    close(mfd);
    T_TRUE("mmap MAP_SHARED_VALIDATE with an unknown flag -> EOPNOTSUPP", p == MAP_FAILED && errno == EOPNOTSUPP);
    errno = 0;
    p = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 999, 0);
    T_TRUE("mmap a bad fd -> EBADF", p == MAP_FAILED && errno == EBADF);
    errno = 0;
    p = mmap(0, 1ul << 46, PROT_READ | PROT_WRITE, ANON | MAP_POPULATE | MAP_LOCKED, -1, 0);
    T_TRUE("mmap MAP_LOCKED|MAP_POPULATE far beyond memory -> ENOMEM or EAGAIN",
           p == MAP_FAILED && (errno == ENOMEM || errno == EAGAIN));
    /* MAP_GROWSDOWN: a stack-like area that grows down below its start on a fault in the guard gap */
    char *g = map(4 * PAGE, PROT_READ | PROT_WRITE, ANON | MAP_GROWSDOWN);
    T_TRUE("mmap MAP_GROWSDOWN", g != MAP_FAILED);
    g[0] = 1;
    T_TRUE("mmap MAP_GROWSDOWN: the area is usable at its start", g[0] == 1);
    munmap(g, 4 * PAGE);
    /* MAP_FIXED_NOREPLACE on a free range succeeds where asked */
    char *h = map(2 * PAGE, PROT_NONE, ANON);
    munmap(h, 2 * PAGE);
    p = mmap(h, PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    T_TRUE("mmap MAP_FIXED_NOREPLACE on a free range: at that address", p == h);
    errno = 0;
    T_TRUE("mmap MAP_FIXED_NOREPLACE over a mapping -> EEXIST",
           mmap(h, PAGE, PROT_READ, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED && errno == EEXIST);
    munmap(h, PAGE);
}

static void mremaps(void)
{
    char *p = map(2 * PAGE, PROT_READ | PROT_WRITE, ANON);
    p[0] = 'a';
    p[PAGE] = 'b';
    char *block = map(8 * PAGE, PROT_NONE, ANON); /* somewhere free to move to */
    munmap(block, 8 * PAGE);
    char *q = (char *)SYS(SYS_mremap, p, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, block);
    T_TRUE("mremap MREMAP_FIXED moves to the address", q == block);
    T_TRUE("mremap MREMAP_FIXED: contents moved", q[0] == 'a' && q[PAGE] == 'b');
    unsigned char v;
    T_TRUE("mremap MREMAP_FIXED: the old range is gone", mincore(p, PAGE, &v) == -1 && errno == ENOMEM);
    T_ERR("mremap MREMAP_FIXED without MREMAP_MAYMOVE", SYS(SYS_mremap, q, PAGE, PAGE, MREMAP_FIXED, p), EINVAL);
    T_ERR("mremap MREMAP_FIXED onto an unaligned address",
          SYS(SYS_mremap, q, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, p + 1), EINVAL);
    T_ERR("mremap MREMAP_FIXED onto an overlapping range",
          SYS(SYS_mremap, q, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, q + PAGE), EINVAL);
    char *r = (char *)SYS(SYS_mremap, q, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
    T_TRUE("mremap MREMAP_DONTUNMAP moves the pages", r != MAP_FAILED && r != q && r[0] == 'a');
    T_TRUE("mremap MREMAP_DONTUNMAP: the old range stays mapped, empty", q[0] == 0 && q[PAGE] == 0);
    T_ERR("mremap MREMAP_DONTUNMAP with a new size", SYS(SYS_mremap, r, 2 * PAGE, 3 * PAGE,
          MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0), EINVAL);
    T_ERR("mremap MREMAP_DONTUNMAP without MREMAP_MAYMOVE", SYS(SYS_mremap, r, 2 * PAGE, 2 * PAGE,
          MREMAP_DONTUNMAP, 0), EINVAL);
    T_ERR("mremap an unknown flag", SYS(SYS_mremap, r, PAGE, PAGE, 0x80), EINVAL);
    T_ERR("mremap an unaligned address", SYS(SYS_mremap, r + 1, PAGE, PAGE, 0), EINVAL);
    T_ERR("mremap an unmapped range", SYS(SYS_mremap, BADUPTR, PAGE, PAGE, 0), EFAULT);
    T_ERR("mremap growing in place into a mapping", SYS(SYS_mremap, q, PAGE, 2 * PAGE, 0), ENOMEM);
    munmap(q, 2 * PAGE);
    munmap(r, 2 * PAGE);
}

static void madvises(void)
{
    char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, ANON);
    memset(p, 7, 4 * PAGE);
    static const struct { int adv; const char *name; } ok[] = {
        { MADV_RANDOM, "madvise MADV_RANDOM" }, { MADV_SEQUENTIAL, "madvise MADV_SEQUENTIAL" },
        { MADV_DONTFORK, "madvise MADV_DONTFORK" }, { MADV_DOFORK, "madvise MADV_DOFORK" },
        { MADV_DONTDUMP, "madvise MADV_DONTDUMP" }, { MADV_DODUMP, "madvise MADV_DODUMP" },
        { MADV_COLD, "madvise MADV_COLD" }, { MADV_PAGEOUT, "madvise MADV_PAGEOUT" },
        { MADV_POPULATE_READ, "madvise MADV_POPULATE_READ" },
        { MADV_POPULATE_WRITE, "madvise MADV_POPULATE_WRITE" },
        { MADV_NOHUGEPAGE, "madvise MADV_NOHUGEPAGE" },
    };
    for (unsigned i = 0; i < sizeof ok / sizeof ok[0]; i++)
        T_OK(ok[i].name, SYS(SYS_madvise, p, 4 * PAGE, ok[i].adv), 0);
    T_TRUE("madvise: the contents survive those advices", p[0] == 7 && p[3 * PAGE] == 7);
    T_OK("madvise MADV_FREE", SYS(SYS_madvise, p, PAGE, MADV_FREE), 0);
    T_OK("madvise MADV_WIPEONFORK on private anonymous memory", SYS(SYS_madvise, p, PAGE, MADV_WIPEONFORK), 0);
    T_OK("madvise MADV_KEEPONFORK", SYS(SYS_madvise, p, PAGE, MADV_KEEPONFORK), 0);
    T_OK("madvise MADV_REMOVE on private memory -> EINVAL", SYS(SYS_madvise, p, PAGE, MADV_REMOVE) == -1 &&
         errno == EINVAL, 1);
    char *s = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    T_ERR("madvise MADV_WIPEONFORK on shared memory", SYS(SYS_madvise, s, PAGE, MADV_WIPEONFORK), EINVAL);
    s[0] = 5;
    T_OK("madvise MADV_REMOVE on shared anonymous memory", SYS(SYS_madvise, s, PAGE, MADV_REMOVE), 0);
    T_TRUE("madvise MADV_REMOVE: the page reads zeros", s[0] == 0);
    munmap(s, PAGE);
    char *ro = map(PAGE, PROT_READ, ANON);
    T_ERR("madvise MADV_POPULATE_WRITE on a read-only mapping", SYS(SYS_madvise, ro, PAGE, MADV_POPULATE_WRITE),
          EINVAL);
    munmap(ro, PAGE);
    T_ERR("madvise MADV_POPULATE_READ on an unmapped range", SYS(SYS_madvise, BADUPTR, PAGE, MADV_POPULATE_READ),
          ENOMEM);
    T_ERR("madvise a negative length", SYS(SYS_madvise, p, -PAGE, MADV_NORMAL), EINVAL);
    munmap(p, 4 * PAGE);
    T_ERR("mprotect PROT_GROWSDOWN on an area without MAP_GROWSDOWN",
          SYS(SYS_mprotect, map(PAGE, PROT_READ, ANON), PAGE, PROT_READ | PROT_GROWSDOWN), EINVAL);
    T_ERR("mprotect PROT_GROWSUP (no such areas on x86_64)",
          SYS(SYS_mprotect, map(PAGE, PROT_READ, ANON), PAGE, PROT_READ | PROT_GROWSUP), EINVAL);
    put_file("ro", "data", 4);
    int fd = open("ro", O_RDONLY);
    char *f = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    T_ERR("mprotect PROT_WRITE on a shared mapping of a read-only fd", SYS(SYS_mprotect, f, PAGE,
          PROT_READ | PROT_WRITE), EACCES);
    munmap(f, PAGE);
    close(fd);
}

static void pipes(void)
{
    int p[2];
    struct rlimit old, low;
    getrlimit(RLIMIT_NOFILE, &old);
    low = (struct rlimit){ 4, old.rlim_max }; /* the soft limit only: a lowered hard limit would stay */
    setrlimit(RLIMIT_NOFILE, &low);
    T_ERR("pipe2 with one fd free under RLIMIT_NOFILE", SYS(SYS_pipe2, p, 0), EMFILE);
    setrlimit(RLIMIT_NOFILE, &old);
    T_OK("pipe2 O_NONBLOCK", SYS(SYS_pipe2, p, O_NONBLOCK), 0);
    static char big[70000];
    long n = write(p[1], big, 65536 - 100); /* leave 100 bytes of room */
    T_OK("pipe2 O_NONBLOCK: fill all but 100 bytes", n, 65536 - 100);
    T_ERR("pipe2 O_NONBLOCK: a write of 200 bytes (at most PIPE_BUF) is all or nothing",
          SYS(SYS_write, p[1], big, 200), EAGAIN);
    while (write(p[1], big, 1) == 1)
        ;
    T_ERR("pipe2 O_NONBLOCK: a write past PIPE_BUF to a full pipe", SYS(SYS_write, p[1], big, PIPE_BUF + 1), EAGAIN);
    close(p[0]);
    close(p[1]);
    /* a blocking write larger than the pipe returns when all of it is in (a reader drains it) */
    static char huge[100000];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        long t = 0, r;
        close(p[1]);
        while ((r = read(p[0], big, sizeof big)) > 0)
            t += r;
        _exit(t == sizeof huge ? 0 : 1);
    }
    close(p[0]);
    T_OK("pipe2 a blocking write larger than the pipe completes", SYS(SYS_write, p[1], huge, sizeof huge), sizeof huge);
    close(p[1]);
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("pipe2 a blocking write larger than the pipe: the reader got it all", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    tap_scratch("mmflags");
    mmaps();
    mremaps();
    madvises();
    pipes();
    tap_finish_dir();
    return tap_done();
}
