/* test/conformance/mm.c — mmap, munmap, mprotect, madvise, brk. Accessibility is probed without faulting:
 * write(2) from a page fails with EFAULT when the page is not readable, read(2) into it when it is not
 * writable. Addresses the kernel picks are not compared with Linux's, only their properties. */
/* covers: mmap munmap mprotect madvise brk mremap msync */
#include "tap.h"
#include <sys/mman.h>
#include <stdint.h>
#include <sys/wait.h>

static int probe_fd;

static int readable(void *p)
{
    return SYS(SYS_pwrite64, probe_fd, p, 1, 0) == 1;
}

#define writable(p) (SYS(SYS_pread64, probe_fd, (p), 1, 0) == 1)

/* Linux's heuristic overcommit: a writable private mapping larger than RAM and swap together fails at once. */
static void never_backed(void)
{
    unsigned long kb = 0, total = 0;
    char line[128];
    FILE *f = fopen("/proc/meminfo", "r");
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %lu kB", &kb) == 1 || sscanf(line, "SwapTotal: %lu kB", &kb) == 1)
            total += kb;
    if (f)
        fclose(f);
    unsigned long len = (total * 1024 + (1ul << 30)) & ~(PAGE - 1);
    T_ERR("mmap MAP_PRIVATE PROT_WRITE larger than RAM and swap",
          SYS(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
    T_ERR("mmap MAP_SHARED|MAP_ANONYMOUS larger than RAM and swap",
          SYS(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0), ENOMEM);
    long r = SYS(SYS_mmap, 0, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_TRUE("mmap PROT_READ larger than RAM and swap (nothing to back)", r != -1);
    if (r != -1)
        SYS(SYS_munmap, r, len);
    r = SYS(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    T_TRUE("mmap MAP_NORESERVE larger than RAM and swap", r != -1);
    if (r != -1)
        SYS(SYS_munmap, r, len);
}

/* MAP_SHARED|MAP_ANONYMOUS is the same memory in parent and child after fork; MAP_PRIVATE is not. */
static void shared_anon_fork(void)
{
    char *s = (char *)SYS(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *v = (char *)SYS(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_TRUE("mmap MAP_SHARED|MAP_ANONYMOUS", s != MAP_FAILED && v != MAP_FAILED && s[0] == 0 && s[2 * PAGE - 1] == 0);
    if (s == MAP_FAILED || v == MAP_FAILED)
        return;
    s[0] = 1, s[PAGE] = 1, v[0] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        int ok = s[0] == 1 && s[PAGE] == 1 && v[0] == 1;
        s[0] = 42, s[PAGE + 7] = 43, v[0] = 44;
        _exit(ok ? 0 : 3);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    T_TRUE("mmap MAP_SHARED|MAP_ANONYMOUS: the child sees the parent's stores", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    T_EQ("mmap MAP_SHARED|MAP_ANONYMOUS: the parent sees the child's store", s[0], 42);
    T_EQ("mmap MAP_SHARED|MAP_ANONYMOUS: the parent sees the child's store on a page it had not touched",
         s[PAGE + 7], 43);
    T_EQ("mmap MAP_PRIVATE|MAP_ANONYMOUS: the child's store stays in the child", v[0], 1);
    pid = fork();
    if (pid == 0) {
        SYS(SYS_munmap, s, PAGE); /* the child's unmap leaves the parent's mapping and contents */
        s[PAGE] = 45;
        _exit(0);
    }
    waitpid(pid, &st, 0);
    T_TRUE("mmap MAP_SHARED|MAP_ANONYMOUS: munmap in the child leaves the parent's pages",
           s[0] == 42 && s[PAGE] == 45);
    T_OK("munmap MAP_SHARED|MAP_ANONYMOUS", SYS(SYS_munmap, s, 2 * PAGE), 0);
    SYS(SYS_munmap, v, PAGE);
}

int main(void)
{
    tap_scratch("mm");
    probe_fd = open("probe", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(probe_fd, "P", 1);

    /* anonymous mappings */
    char *p = (char *)SYS(SYS_mmap, 0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_TRUE("mmap anonymous 3 pages", p != MAP_FAILED && ((uintptr_t)p & (PAGE - 1)) == 0);
    T_TRUE("mmap anonymous: below the top of user space", (uintptr_t)p < 0x800000000000ul);
    int z = 1;
    for (long i = 0; i < 3 * PAGE; i++)
        z &= p[i] == 0;
    T_TRUE("mmap anonymous: zero-filled", z);
    p[0] = 1, p[3 * PAGE - 1] = 2;
    T_TRUE("mmap anonymous: writable", readable(p) && writable(p + 2 * PAGE));
    char *q = (char *)SYS(SYS_mmap, 0, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_TRUE("mmap 1 byte maps a whole page", q != MAP_FAILED && writable(q + PAGE - 1));
    T_TRUE("mmap: a second mapping does not overlap the first", q + PAGE <= p || q >= p + 3 * PAGE);
    T_OK("munmap 1 byte unmaps the page", SYS(SYS_munmap, q, 1), 0);
    T_TRUE("munmap: the page is gone", !readable(q));

    T_ERR("mmap length 0", SYS(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    T_ERR("mmap neither private nor shared", SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    T_ERR("mmap MAP_FIXED unaligned", SYS(SYS_mmap, p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
          -1, 0), EINVAL);
    T_ERR("mmap length -1", SYS(SYS_mmap, 0, (long)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
    T_ERR("mmap length 1 << 47", SYS(SYS_mmap, 0, 1ul << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          ENOMEM);
    T_ERR("mmap MAP_FIXED at a kernel address",
          SYS(SYS_mmap, KADDR, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM);
    T_ERR("mmap MAP_FIXED straddling the top of user space",
          SYS(SYS_mmap, 0x7ffffffff000ul, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
          ENOMEM);
    T_ERR("mmap a bad fd", SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
    T_ERR("mmap unaligned offset", SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100), EINVAL);

    /* MAP_FIXED replaces; MAP_FIXED_NOREPLACE refuses */
    char *r = (char *)SYS(SYS_mmap, p + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                          -1, 0);
    T_TRUE("mmap MAP_FIXED over an existing mapping returns the address", r == p + PAGE);
    T_TRUE("mmap MAP_FIXED: the replaced page reads zeros", r[0] == 0 && p[0] == 1 && p[3 * PAGE - 1] == 2);
    T_ERR("mmap MAP_FIXED_NOREPLACE over an existing mapping",
          SYS(SYS_mmap, p, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
    T_TRUE("mmap MAP_FIXED_NOREPLACE failure leaves the mapping", p[0] == 1);

    /* file mappings */
    static char data[2 * 4096 + 100];
    for (unsigned i = 0; i < sizeof data; i++)
        data[i] = (char)(i % 251);
    put_file("m", data, sizeof data);
    int fd = open("m", O_RDONLY);
    char *f = (char *)SYS(SYS_mmap, 0, sizeof data, PROT_READ, MAP_PRIVATE, fd, 0);
    T_TRUE("mmap a file privately", f != MAP_FAILED);
    T_TRUE("mmap a file: contents", f != MAP_FAILED && memcmp(f, data, sizeof data) == 0);
    int tailz = 1;
    for (long i = sizeof data; i < 3 * PAGE; i++)
        tailz &= f[i] == 0;
    T_TRUE("mmap a file: the last page is zero past the end", tailz);
    T_OK("munmap the file mapping", SYS(SYS_munmap, f, sizeof data), 0);
    f = (char *)SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    T_TRUE("mmap a file at offset one page", f != MAP_FAILED && memcmp(f, data + PAGE, PAGE) == 0);
    munmap(f, PAGE);
    f = (char *)SYS(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    T_TRUE("mmap PROT_WRITE|MAP_PRIVATE of an O_RDONLY file", f != MAP_FAILED);
    f[0] = 'W';
    char c;
    pread(fd, &c, 1, 0);
    T_TRUE("mmap MAP_PRIVATE: writes do not reach the file", c == data[0] && f[0] == 'W');
    munmap(f, PAGE);
    f = (char *)SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    T_TRUE("mmap MAP_SHARED PROT_READ of a file", f != MAP_FAILED && f[5] == data[5]);
    munmap(f, PAGE);
    T_ERR("mmap MAP_SHARED PROT_WRITE of an O_RDONLY file",
          SYS(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
    int wfd = open("m", O_WRONLY);
    T_ERR("mmap an O_WRONLY file", SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, wfd, 0), EACCES);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    T_ERR("mmap a directory", SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, dfd, 0), ENODEV);
    close(wfd), close(dfd), close(fd);

    /* mprotect */
    T_OK("mprotect PROT_READ", SYS(SYS_mprotect, p, PAGE, PROT_READ), 0);
    T_TRUE("mprotect PROT_READ: readable, not writable", readable(p) && !writable(p));
    T_TRUE("mprotect: the next page keeps its protection", writable(p + PAGE));
    T_OK("mprotect PROT_NONE", SYS(SYS_mprotect, p, PAGE, PROT_NONE), 0);
    T_TRUE("mprotect PROT_NONE: not readable", !readable(p));
    T_OK("mprotect back to read/write", SYS(SYS_mprotect, p, PAGE, PROT_READ | PROT_WRITE), 0);
    T_TRUE("mprotect back: contents kept", p[0] == 1 && writable(p));
    T_OK("mprotect length 0", SYS(SYS_mprotect, p, 0, PROT_READ), 0);
    T_OK("mprotect an unaligned length rounds up", SYS(SYS_mprotect, p, 1, PROT_READ | PROT_WRITE), 0);
    T_ERR("mprotect unaligned address", SYS(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);
    T_ERR("mprotect unknown prot bit", SYS(SYS_mprotect, p, PAGE, 0x40), EINVAL);
    T_ERR("mprotect an unmapped range", SYS(SYS_mprotect, q, PAGE, PROT_READ), ENOMEM);
    char *g = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(g + 3 * PAGE, PAGE);
    T_ERR("mprotect a range running past a mapping", SYS(SYS_mprotect, g, 4 * PAGE, PROT_READ), ENOMEM);
    munmap(g, 3 * PAGE);
    T_ERR("mprotect a kernel address", SYS(SYS_mprotect, KADDR, PAGE, PROT_READ), ENOMEM);

    /* madvise */
    p[2 * PAGE] = 9;
    T_OK("madvise MADV_DONTNEED", SYS(SYS_madvise, p + 2 * PAGE, PAGE, MADV_DONTNEED), 0);
    T_TRUE("madvise MADV_DONTNEED: anonymous page reads zeros", p[2 * PAGE] == 0 && p[3 * PAGE - 1] == 0);
    T_TRUE("madvise MADV_DONTNEED: other pages kept", p[0] == 1);
    T_OK("madvise MADV_NORMAL", SYS(SYS_madvise, p, 3 * PAGE, MADV_NORMAL), 0);
    T_OK("madvise MADV_WILLNEED", SYS(SYS_madvise, p, PAGE, MADV_WILLNEED), 0);
    T_OK("madvise length 0", SYS(SYS_madvise, p, 0, MADV_NORMAL), 0);
    T_ERR("madvise unaligned address", SYS(SYS_madvise, p + 1, PAGE, MADV_NORMAL), EINVAL);
    T_ERR("madvise unknown advice", SYS(SYS_madvise, p, PAGE, 999), EINVAL);
    T_ERR("madvise an unmapped range", SYS(SYS_madvise, q, PAGE, MADV_NORMAL), ENOMEM);
    T_ERR("madvise MADV_DONTNEED on an unmapped range", SYS(SYS_madvise, q, PAGE, MADV_DONTNEED), ENOMEM);

    /* munmap */
    T_OK("munmap the middle page", SYS(SYS_munmap, p + PAGE, PAGE), 0);
    T_TRUE("munmap the middle: neighbours stay", readable(p) && readable(p + 2 * PAGE) && !readable(p + PAGE));
    T_OK("munmap an already unmapped range", SYS(SYS_munmap, p + PAGE, PAGE), 0);
    T_ERR("munmap unaligned", SYS(SYS_munmap, p + 1, PAGE), EINVAL);
    T_ERR("munmap length 0", SYS(SYS_munmap, p, 0), EINVAL);
    T_ERR("munmap a kernel address", SYS(SYS_munmap, KADDR, PAGE), EINVAL);
    T_OK("munmap across a hole", SYS(SYS_munmap, p, 3 * PAGE), 0);
    T_TRUE("munmap across a hole: all gone", !readable(p) && !readable(p + 2 * PAGE));

    /* brk */
    long b0 = SYS(SYS_brk, 0);
    T_TRUE("brk(0) returns the current break", b0 > 0);
    T_OK("brk(0) again: unchanged", SYS(SYS_brk, 0), b0);
    long b1 = SYS(SYS_brk, b0 + 3 * PAGE + 5);
    T_EQ("brk grow by 3 pages + 5", b1, b0 + 3 * PAGE + 5);
    char *h = (char *)b0;
    h[0] = 1, h[3 * PAGE + 4] = 2;
    T_TRUE("brk: the new memory is writable", writable(h + 3 * PAGE));
    T_OK("brk shrink", SYS(SYS_brk, b0 + PAGE), b0 + PAGE);
    T_TRUE("brk shrink: memory above is gone", !readable((char *)((b0 + 2 * PAGE + PAGE - 1) & -PAGE)));
    T_OK("brk below the start fails, returning the break", SYS(SYS_brk, 4096), b0 + PAGE);
    T_OK("brk to a kernel address fails, returning the break", SYS(SYS_brk, KADDR), b0 + PAGE);
    T_OK("brk grow again", SYS(SYS_brk, b0 + 2 * PAGE), b0 + 2 * PAGE);
    T_TRUE("brk grow again: fresh memory reads zeros", h[PAGE + 8] == 0);
    SYS(SYS_brk, b0);

    /* mremap, msync */
    char *m = (char *)SYS(SYS_mmap, NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 'a', m[PAGE] = 'b';
    T_OK("msync MS_SYNC", SYS(SYS_msync, m, 2 * PAGE, MS_SYNC), 0);
    T_OK("msync MS_ASYNC", SYS(SYS_msync, m, PAGE, MS_ASYNC), 0);
    T_ERR("msync MS_SYNC|MS_ASYNC", SYS(SYS_msync, m, PAGE, MS_SYNC | MS_ASYNC), EINVAL);
    T_ERR("msync unaligned", SYS(SYS_msync, m + 1, PAGE, MS_SYNC), EINVAL);
    T_ERR("msync unknown flag", SYS(SYS_msync, m, PAGE, 8), EINVAL);
    T_OK("mremap shrink in place", SYS(SYS_mremap, m, 2 * PAGE, PAGE, 0), (long)m);
    T_TRUE("mremap shrink: the tail is gone", !readable(m + PAGE));
    T_ERR("msync a range with a hole", SYS(SYS_msync, m, 2 * PAGE, MS_SYNC), ENOMEM);
    char *gm = (char *)SYS(SYS_mremap, m, PAGE, 64 * PAGE, MREMAP_MAYMOVE);
    T_TRUE("mremap grow with MREMAP_MAYMOVE", gm != MAP_FAILED && gm[0] == 'a');
    T_TRUE("mremap grow: the new part reads zeros and is writable", gm[63 * PAGE] == 0 && writable(gm + 63 * PAGE));
    T_ERR("mremap unaligned address", SYS(SYS_mremap, gm + 1, PAGE, PAGE, 0), EINVAL);
    T_ERR("mremap new length 0", SYS(SYS_mremap, gm, PAGE, 0, MREMAP_MAYMOVE), EINVAL);
    T_ERR("mremap unknown flag", SYS(SYS_mremap, gm, PAGE, PAGE, 0x100), EINVAL);
    T_ERR("mremap MREMAP_FIXED without MREMAP_MAYMOVE", SYS(SYS_mremap, gm, PAGE, PAGE, MREMAP_FIXED, gm), EINVAL);
    T_ERR("mremap an unmapped range", SYS(SYS_mremap, (void *)0x10000000000ul, PAGE, 2 * PAGE, MREMAP_MAYMOVE),
          EFAULT);
    munmap(gm, 64 * PAGE);
    /* grow in place when the pages after are free; refuse to move without MREMAP_MAYMOVE */
    m = (char *)SYS(SYS_mmap, NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 'c', m[PAGE] = 'd';
    munmap(m + 2 * PAGE, 2 * PAGE);
    T_OK("mremap grow in place into free pages", SYS(SYS_mremap, m, 2 * PAGE, 3 * PAGE, 0), (long)m);
    T_TRUE("mremap grow in place: contents kept, the new page reads zeros and is writable",
           m[0] == 'c' && m[PAGE] == 'd' && m[2 * PAGE] == 0 && writable(m + 2 * PAGE));
    T_TRUE("mremap grow in place: the page after is still unmapped", !readable(m + 3 * PAGE));
    T_ERR("mremap grow into a mapped page without MREMAP_MAYMOVE", SYS(SYS_mremap, m, PAGE, 2 * PAGE, 0), ENOMEM);
    T_TRUE("mremap ENOMEM leaves the mapping", m[0] == 'c' && m[PAGE] == 'd');
    T_ERR("mremap an old range running past its mapping", SYS(SYS_mremap, m, 4 * PAGE, 5 * PAGE, MREMAP_MAYMOVE),
          EFAULT);
    char *to = (char *)SYS(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK("mremap MREMAP_FIXED over another mapping", SYS(SYS_mremap, m + PAGE, PAGE, 2 * PAGE,
         MREMAP_MAYMOVE | MREMAP_FIXED, to), (long)to);
    T_TRUE("mremap MREMAP_FIXED: the page moved, with the old protection, the rest zeros",
           to[0] == 'd' && to[PAGE] == 0 && writable(to) && writable(to + PAGE));
    T_TRUE("mremap MREMAP_FIXED: the old page is gone, its neighbours stay",
           !readable(m + PAGE) && m[0] == 'c' && readable(m + 2 * PAGE));
    T_ERR("mremap MREMAP_FIXED onto an overlapping range",
          SYS(SYS_mremap, to, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to + PAGE), EINVAL);
    T_ERR("mremap MREMAP_FIXED to an unaligned address",
          SYS(SYS_mremap, to, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to + 2 * PAGE + 1), EINVAL);
    T_OK("mremap shrink to the same size is a no-op", SYS(SYS_mremap, to, 2 * PAGE, 2 * PAGE, 0), (long)to);
    munmap(m, 3 * PAGE), munmap(to, 2 * PAGE);

    /* shared file mappings: the mapping is the file */
    int sfd = open("s", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(sfd, data, 2 * PAGE);
    char *sh = (char *)SYS(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
    T_TRUE("mmap MAP_SHARED PROT_WRITE of an O_RDWR file", sh != MAP_FAILED && sh[5] == data[5]);
    if (sh == MAP_FAILED)
        sh = (char *)SYS(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    sh[10] = 'X', sh[PAGE + 1] = 'Y';
    char c2[2] = { 0, 0 };
    pread(sfd, c2, 1, 10), pread(sfd, c2 + 1, 1, PAGE + 1);
    T_TRUE("mmap MAP_SHARED: stores reach the file", c2[0] == 'X' && c2[1] == 'Y');
    pwrite(sfd, "Z", 1, 20);
    T_TRUE("mmap MAP_SHARED: write(2) to the file shows in the mapping", sh[20] == 'Z');
    T_EQ("mmap MAP_SHARED: stores do not change the file size", file_size("s"), 2 * PAGE);
    char *sh2 = (char *)SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_SHARED, sfd, PAGE);
    T_TRUE("mmap MAP_SHARED twice: the second mapping sees the first one's stores", sh2 != MAP_FAILED && sh2[1] == 'Y');
    munmap(sh2, PAGE);
    char *shv = (char *)SYS(SYS_mmap, 0, PAGE, PROT_READ, MAP_SHARED_VALIDATE, sfd, 0);
    T_TRUE("mmap MAP_SHARED_VALIDATE of a file", shv != MAP_FAILED && shv[10] == 'X');
    munmap(shv, PAGE);
    /* the address a wrongful success returns is not printed (it differs between runs): 0 stands for it */
    long sy = SYS(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | 0x80000 /* MAP_SYNC */, sfd, 0);
    int sy_errno = sy == -1 ? errno : 0;
    if (sy != -1)
        munmap((void *)sy, PAGE);
    T_ERR("mmap MAP_SHARED_VALIDATE with MAP_SYNC on a file that is not DAX", (errno = sy_errno, sy == -1 ? -1 : 0),
          EOPNOTSUPP);
    char *sh3 = (char *)SYS(SYS_mmap, 0, 2 * PAGE, PROT_READ, MAP_SHARED, sfd, 0);
    T_TRUE("mremap shrink a shared file mapping", SYS(SYS_mremap, sh3, 2 * PAGE, PAGE, 0) == (long)sh3);
    T_TRUE("mremap shrink a shared file mapping: the first page stays, the second is gone",
           sh3[10] == 'X' && !readable(sh3 + PAGE));
    munmap(sh3, 2 * PAGE);
    T_OK("msync MS_SYNC a shared file mapping", SYS(SYS_msync, sh, 2 * PAGE, MS_SYNC), 0);
    T_OK("msync MS_INVALIDATE", SYS(SYS_msync, sh, PAGE, MS_INVALIDATE), 0);
    T_OK("msync length 0", SYS(SYS_msync, sh, 0, MS_SYNC), 0);
    T_OK("msync an unaligned length rounds up", SYS(SYS_msync, sh, 1, MS_ASYNC), 0);
    T_OK("munmap the second page of a shared file mapping", SYS(SYS_munmap, sh + PAGE, PAGE), 0);
    c2[1] = 0;
    pread(sfd, c2 + 1, 1, PAGE + 1);
    T_TRUE("munmap of part of a shared mapping: the file keeps its stores, the first page stays",
           c2[1] == 'Y' && sh[10] == 'X' && !readable(sh + PAGE));
    T_ERR("msync a range running into the unmapped page", SYS(SYS_msync, sh, 2 * PAGE, MS_SYNC), ENOMEM);
    munmap(sh, PAGE);
    close(sfd);

    shared_anon_fork();
    never_backed();

    close(probe_fd);
    tap_finish_dir();
    return tap_done();
}
