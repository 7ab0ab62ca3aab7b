/* test/conformance/cachestat.c — cachestat(2) (Linux 6.5): the pages of a range in the page cache. A memfd (tmpfs
 * on Linux, a RAM file on skiff) has every page it holds cached and none dirty; holes are not cached; a range is
 * pages from off to off + len - 1 (len 0, or a range past the largest offset: to the end). A regular file after
 * fsync; files without pages (pipe, socket, directory, device, eventfd) answer zeros. Errnos: EBADF (before the
 * range is read), EFAULT, EOPNOTSUPP (hugetlbfs: before the flags), EINVAL (flags), EPERM (a read-only
 * descriptor of another's file the caller may not write). */
/* covers: cachestat */
#include "tap.h"
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 4
#endif

struct cs_range { unsigned long off, len; };
struct cs { unsigned long cache, dirty, writeback, evicted, recently_evicted; };
static struct cs st;

static long cstat(int fd, unsigned long off, unsigned long len, unsigned flags)
{
    memset(&st, 0x55, sizeof st);
    struct cs_range r = { off, len };
    return SYS(SYS_cachestat, fd, &r, &st, flags);
}

/* nr_cache of a range, -1 when the call fails or another count is not 0 */
static long cached(int fd, unsigned long off, unsigned long len)
{
    if (cstat(fd, off, len, 0))
        return -1;
    return st.dirty || st.writeback || st.evicted || st.recently_evicted ? -1 : (long)st.cache;
}

static void test_memfd(void)
{
    int fd = memfd_create("cs", 0);
    static char buf[3 * 4096];
    memset(buf, 1, sizeof buf);
    T_EQ("cachestat an empty memfd", cached(fd, 0, 0), 0);
    write(fd, buf, sizeof buf);
    T_EQ("cachestat three pages written: all cached, none dirty", cached(fd, 0, 0), 3);
    T_EQ("cachestat from page 1 to the end", cached(fd, 4096, 0), 2);
    T_EQ("cachestat page 1 alone", cached(fd, 4096, 4096), 1);
    T_EQ("cachestat two bytes across a page boundary", cached(fd, 4095, 2), 2);
    T_EQ("cachestat one byte", cached(fd, 0, 1), 1);
    T_EQ("cachestat past the end", cached(fd, 100000, 0), 0);
    T_EQ("cachestat len -1: to the end", cached(fd, 0, -1ul), 3);
    T_EQ("cachestat a range that wraps", cached(fd, -4096ul, 8192), 0);
    ftruncate(fd, 10 * 4096);
    T_EQ("cachestat holes are not cached", cached(fd, 0, 0), 3);
    pwrite(fd, buf, 1, 8 * 4096);
    T_EQ("cachestat a byte written in a hole", cached(fd, 0, 0), 4);
    char *m = mmap(NULL, 10 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m[9 * 4096] = 1;
    T_EQ("cachestat a page touched through a shared mapping", cached(fd, 0, 0), 5);
    munmap(m, 10 * 4096);
    ftruncate(fd, 4096);
    T_EQ("cachestat after truncation", cached(fd, 0, 0), 1);
    T_ERR("cachestat flags 1", cstat(fd, 0, 0, 1), EINVAL);
    T_ERR("cachestat a bad range", SYS(SYS_cachestat, fd, BADUPTR, &st, 0), EFAULT);
    T_ERR("cachestat a bad cachestat", SYS(SYS_cachestat, fd, &(struct cs_range){ 0, 0 }, BADUPTR, 0), EFAULT);
    T_ERR("cachestat a kernel cachestat", SYS(SYS_cachestat, fd, &(struct cs_range){ 0, 0 }, KADDR, 0), EFAULT);
    close(fd);
}

static void test_files(void)
{
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    static char buf[3 * 4096];
    write(fd, buf, sizeof buf);
    fsync(fd);
    T_EQ("cachestat a regular file after fsync", cached(fd, 0, 0), 3);
    int p[2];
    pipe(p);
    write(p[1], "x", 1);
    T_EQ("cachestat a pipe", cached(p[0], 0, 0), 0);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    T_EQ("cachestat a socket", cached(s, 0, 0), 0);
    int d = open(".", O_RDONLY);
    T_EQ("cachestat a directory", cached(d, 0, 0), 0);
    int n = open("/dev/null", O_RDONLY);
    T_EQ("cachestat /dev/null", cached(n, 0, 0), 0);
    int e = eventfd(0, 0);
    T_EQ("cachestat an eventfd", cached(e, 0, 0), 0);
    int pa = open("f", O_PATH);
    T_ERR("cachestat an O_PATH descriptor", cstat(pa, 0, 0, 0), EBADF);
    T_ERR("cachestat a closed fd", cstat(999, 0, 0, 0), EBADF);
    T_ERR("cachestat a closed fd before a bad range", SYS(SYS_cachestat, 999, BADUPTR, &st, 0), EBADF);
    int h = memfd_create("h", MFD_HUGETLB);
    T_ERR("cachestat a hugetlbfs file", cstat(h, 0, 0, 0), EOPNOTSUPP);
    T_ERR("cachestat hugetlbfs before the flags", cstat(h, 0, 0, 1), EOPNOTSUPP);
    T_ERR("cachestat a bad range before hugetlbfs", SYS(SYS_cachestat, h, BADUPTR, &st, 0), EFAULT);
    close(fd), close(p[0]), close(p[1]), close(s), close(d), close(n), close(e), close(pa), close(h);
}

static int ro_fd, wo_fd;
static void as_nobody(void)
{
    if (setuid(65534))
        return;
    T_ERR("cachestat read-only, another's file, no write permission", cstat(ro_fd, 0, 0, 0), EPERM);
    T_EQ("cachestat open for writing", cached(wo_fd, 0, 0), 1);
    int m = memfd_create("own", 0);
    write(m, "y", 1);
    T_EQ("cachestat its own memfd", cached(m, 0, 0), 1);
}

int main(void)
{
    tap_scratch("cachestat");
    test_memfd();
    test_files();
    int fd = open("g", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "x", 1);
    fsync(fd);
    chmod(".", 0755);
    ro_fd = open("g", O_RDONLY);
    wo_fd = open("g", O_WRONLY);
    tap_in_child(as_nobody);
    tap_finish_dir();
    return tap_done();
}
