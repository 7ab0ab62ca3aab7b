/* test/conformance/memadvice.c — the memory flags and advice values whose answer depends on what the kernel
 * was built with and holds (issue 16), as this host's Linux 6.18 gives them: no huge page pool (MAP_HUGETLB:
 * ENOMEM for the 2 MiB size, EINVAL for a size with no pool or on a file that is not on hugetlbfs), no memory
 * failure handling (MADV_HWPOISON, MADV_SOFT_OFFLINE: EINVAL), KSM and THP advice accepted, mmap flags that
 * are ignored (MAP_NONBLOCK, MAP_UNINITIALIZED, MAP_HUGE_2MB without MAP_HUGETLB), mprotect's PROT_SEM (x86
 * accepts it) and PROT_SAO (powerpc only: EINVAL); MADV_POPULATE_* on memory they cannot fault in (EINVAL
 * for PROT_NONE, EFAULT for a file's pages past its end); memfd_create's MFD_ALLOW_SEALING, MFD_HUGE_2MB
 * without MFD_HUGETLB, EMFILE. */
/* covers: mmap madvise mprotect memfd_create fcntl ftruncate */
#include "tap.h"
#include "tap_abi.h"
#include <sys/mman.h>
#include <sys/resource.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB (30 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000
#endif
#define PROT_SEM 0x8
#define PROT_SAO 0x10
#define MADV_HWPOISON 100
#define MADV_SOFT_OFFLINE 101
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21u << 26)
#endif
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static long map(long len, int prot, int flags)
{
    void *p = mmap(0, len, prot, flags, -1, 0);
    return p == MAP_FAILED ? -1 : 0;
}

static void mmaps(void)
{
    T_ERR("mmap MAP_HUGETLB with no huge pages reserved", map(2 << 20, RW, ANON | MAP_HUGETLB), ENOMEM);
    T_ERR("mmap MAP_HUGETLB|MAP_HUGE_2MB with no huge pages reserved", map(2 << 20, RW, ANON | MAP_HUGETLB | MAP_HUGE_2MB),
          ENOMEM);
    T_ERR("mmap MAP_HUGETLB shared, one small page long", map(PAGE, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB), ENOMEM);
    T_ERR("mmap MAP_HUGETLB|MAP_HUGE_1GB: no pool of that size", map(1 << 30, RW, ANON | MAP_HUGETLB | MAP_HUGE_1GB), EINVAL);
    int fd = memfd_create("plain", 0);
    ftruncate(fd, PAGE);
    T_ERR("mmap MAP_HUGETLB of a file not on hugetlbfs", (long)mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, fd, 0),
          EINVAL);
    close(fd);
    T_ERR("mmap MAP_HUGETLB of a closed fd", (long)mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, 999, 0), EBADF);
    char *q = mmap(0, 2 << 20, RW, ANON | MAP_HUGE_2MB, -1, 0);
    T_TRUE("mmap MAP_HUGE_2MB without MAP_HUGETLB: ignored, small pages", q != MAP_FAILED && (q[4096] = 1));
    munmap(q, 2 << 20);
    q = mmap(0, PAGE, RW, ANON | MAP_NONBLOCK, -1, 0);
    T_TRUE("mmap MAP_NONBLOCK alone: ignored, the mapping works", q != MAP_FAILED && (q[0] = 7) && q[1] == 0);
    munmap(q, PAGE);
    q = mmap(0, PAGE, RW, ANON | MAP_POPULATE | MAP_NONBLOCK, -1, 0);
    T_TRUE("mmap MAP_POPULATE|MAP_NONBLOCK: a usable zeroed mapping", q != MAP_FAILED && q[100] == 0);
    munmap(q, PAGE);
    q = mmap(0, PAGE, RW, ANON | MAP_UNINITIALIZED, -1, 0);
    T_TRUE("mmap MAP_UNINITIALIZED: ignored (no CONFIG_MMAP_ALLOW_UNINITIALIZED), the page reads as zeros",
           q != MAP_FAILED && q[0] == 0 && q[4095] == 0);
    T_OK("mprotect PROT_SEM (x86 accepts and ignores it)", mprotect(q, PAGE, PROT_READ | PROT_SEM), 0);
    T_TRUE("mprotect PROT_SEM: the page is still readable", q[10] == 0);
    T_ERR("mprotect PROT_SAO (powerpc only)", mprotect(q, PAGE, PROT_READ | PROT_SAO), EINVAL);
    munmap(q, PAGE);
}

static void advice(void)
{
    char *a = mmap(0, 5 * PAGE, RW, ANON, -1, 0);
    munmap(a + 4 * PAGE, PAGE); /* a hole after the four pages */
    a[0] = 1;
    T_OK("madvise MADV_HUGEPAGE", madvise(a, 4 * PAGE, MADV_HUGEPAGE), 0);
    T_OK("madvise MADV_MERGEABLE (KSM)", madvise(a, 4 * PAGE, MADV_MERGEABLE), 0);
    T_OK("madvise MADV_UNMERGEABLE", madvise(a, 4 * PAGE, MADV_UNMERGEABLE), 0);
    T_TRUE("madvise MADV_MERGEABLE/MADV_UNMERGEABLE: the contents stay", a[0] == 1 && a[PAGE] == 0);
    T_ERR("madvise MADV_MERGEABLE over a hole", madvise(a, 5 * PAGE, MADV_MERGEABLE), ENOMEM);
    T_ERR("madvise MADV_HWPOISON without memory failure support", madvise(a, PAGE, MADV_HWPOISON), EINVAL);
    T_ERR("madvise MADV_SOFT_OFFLINE without memory failure support", madvise(a, PAGE, MADV_SOFT_OFFLINE), EINVAL);
    T_ERR("madvise MADV_COLLAPSE on a mapping too small for a huge page", madvise(a, PAGE, MADV_COLLAPSE), EINVAL);
    munmap(a, 4 * PAGE);
    char *n = mmap(0, PAGE, PROT_NONE, ANON, -1, 0);
    T_ERR("madvise MADV_POPULATE_READ of PROT_NONE memory", madvise(n, PAGE, MADV_POPULATE_READ), EINVAL);
    T_ERR("madvise MADV_POPULATE_WRITE of PROT_NONE memory", madvise(n, PAGE, MADV_POPULATE_WRITE), EINVAL);
    munmap(n, PAGE);
    int fd = memfd_create("short", 0);
    ftruncate(fd, PAGE + 10); /* two pages of file, the second partly */
    char *f = mmap(0, 4 * PAGE, RW, MAP_SHARED, fd, 0);
    T_OK("madvise MADV_POPULATE_READ of a file's pages within its size", madvise(f, 2 * PAGE, MADV_POPULATE_READ), 0);
    T_ERR("madvise MADV_POPULATE_READ of a file's pages past its end (SIGBUS)", madvise(f, 3 * PAGE, MADV_POPULATE_READ),
          EFAULT);
    T_ERR("madvise MADV_POPULATE_WRITE of a file's pages past its end", madvise(f + 2 * PAGE, 2 * PAGE, MADV_POPULATE_WRITE),
          EFAULT);
    T_TRUE("madvise: the file did not grow", lseek(fd, 0, SEEK_END) == PAGE + 10);
    munmap(f, 4 * PAGE);
    close(fd);
}

static void memfds(void)
{
    int fd = memfd_create("sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    T_TRUE("memfd_create MFD_ALLOW_SEALING", fd >= 0);
    T_OK("fcntl F_GET_SEALS of a MFD_ALLOW_SEALING memfd: no seal yet", fcntl(fd, F_GET_SEALS), 0);
    T_OK("fcntl F_ADD_SEALS F_SEAL_GROW on a MFD_ALLOW_SEALING memfd", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0);
    T_ERR("ftruncate growing a memfd past its F_SEAL_GROW seal", ftruncate(fd, PAGE), EPERM);
    close(fd);
    fd = memfd_create("unsealed", 0);
    T_OK("fcntl F_GET_SEALS of a memfd made without MFD_ALLOW_SEALING: F_SEAL_SEAL", fcntl(fd, F_GET_SEALS), F_SEAL_SEAL);
    T_ERR("fcntl F_ADD_SEALS on a memfd made without MFD_ALLOW_SEALING", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    close(fd);
    T_ERR("memfd_create MFD_HUGE_2MB without MFD_HUGETLB", memfd_create("h", MFD_HUGE_2MB), EINVAL);
    /* MFD_HUGETLB: a hugetlbfs file; this host has no huge pages reserved, so nothing can be mapped */
    fd = memfd_create("huge", MFD_HUGETLB);
    T_TRUE("memfd_create MFD_HUGETLB", fd >= 0);
    T_ERR("write to a MFD_HUGETLB memfd (hugetlbfs has no write)", write(fd, "x", 1), EINVAL);
    T_ERR("ftruncate a MFD_HUGETLB memfd to a size that is not whole huge pages", ftruncate(fd, PAGE), EINVAL);
    T_OK("ftruncate a MFD_HUGETLB memfd to 2 MiB", ftruncate(fd, 2 << 20), 0);
    char z = 1;
    T_TRUE("pread64 of a MFD_HUGETLB memfd: zeros", pread(fd, &z, 1, 4096) == 1 && z == 0);
    T_ERR("mmap of a MFD_HUGETLB memfd with no huge page to reserve", (long)mmap(0, 2 << 20, PROT_READ | PROT_WRITE,
          MAP_SHARED, fd, 0), ENOMEM);
    T_ERR("mmap MAP_HUGETLB of a MFD_HUGETLB memfd", (long)mmap(0, 2 << 20, PROT_READ, MAP_SHARED | MAP_HUGETLB,
          fd, 0), ENOMEM);
    T_OK("fcntl F_GET_SEALS of a MFD_HUGETLB memfd made without MFD_ALLOW_SEALING", fcntl(fd, F_GET_SEALS), F_SEAL_SEAL);
    close(fd);
    fd = memfd_create("huge2", MFD_HUGETLB | MFD_HUGE_2MB | MFD_ALLOW_SEALING);
    T_TRUE("memfd_create MFD_HUGETLB|MFD_HUGE_2MB|MFD_ALLOW_SEALING (sealing works on hugetlbfs since 4.16)", fd >= 0);
    ftruncate(fd, 2 << 20);
    T_OK("fcntl F_ADD_SEALS on a MFD_HUGETLB|MFD_ALLOW_SEALING memfd", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
    T_ERR("ftruncate shrinking a sealed MFD_HUGETLB memfd", ftruncate(fd, 0), EPERM);
    close(fd);
    T_ERR("memfd_create MFD_HUGETLB|MFD_HUGE_1GB: no pool of that size", memfd_create("g", MFD_HUGETLB | (30u << 26)),
          ENODEV);
    struct rlimit old, rl;
    getrlimit(RLIMIT_NOFILE, &old);
    int hi = dup(0);
    rl.rlim_cur = hi + 1;
    rl.rlim_max = old.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl); /* fd hi is the last one allowed, and it is taken */
    T_ERR("memfd_create with every descriptor taken", memfd_create("x", 0), EMFILE);
    setrlimit(RLIMIT_NOFILE, &old);
    close(hi);
}

int main(void)
{
    mmaps();
    advice();
    memfds();
    return tap_done();
}
