/* test/conformance/xfer.c — files made and moved in other ways: creat, O_TMPFILE, memfd_create; sendfile and
 * copy_file_range; fallocate, fadvise64, readahead; preadv/pwritev and their v2 forms; close_range; the
 * utime family. */
/* covers: creat memfd_create sendfile copy_file_range fallocate fadvise64 readahead preadv pwritev preadv2 pwritev2 close_range utime utimes futimesat */
#include "tap.h"
#include <sys/mman.h>
#include <sys/uio.h>
#include <utime.h>
#include <sys/time.h>

#ifndef RWF_APPEND
#define RWF_APPEND 0x10
#endif
#define CLOSE_RANGE_CLOEXEC_ 4
#ifndef FALLOC_FL_KEEP_SIZE /* musl's headers lack the fallocate modes */
#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#endif
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1
#endif

static char buf[8192];

static void make_files(void)
{
    int fd = SYS(SYS_creat, "c", 0640);
    T_TRUE("creat makes a file", fd >= 0);
    struct stat st;
    stat("c", &st);
    T_EQ("creat: mode 0640 & ~umask", st.st_mode & 07777, 0640);
    T_ERR("creat: the fd is write-only", read(fd, buf, 1), EBADF);
    T_OK("creat: writing works", write(fd, "hello", 5), 5);
    close(fd);
    fd = SYS(SYS_creat, "c", 0600);
    T_EQ("creat of an existing file truncates it", file_size("c"), 0);
    close(fd);
    T_ERR("creat in a missing directory", SYS(SYS_creat, "nodir/c", 0644), ENOENT);
    mkdir("d", 0755);
    T_ERR("creat on a directory", SYS(SYS_creat, "d", 0644), EISDIR);
    T_ERR("creat path at a kernel address", SYS(SYS_creat, KADDR, 0644), EFAULT);

    fd = open(".", O_TMPFILE | O_RDWR, 0600);
    T_TRUE("open O_TMPFILE in a directory", fd >= 0);
    T_OK("O_TMPFILE: write", write(fd, "tmp", 3), 3);
    fstat(fd, &st);
    T_TRUE("O_TMPFILE: a regular file with no name (nlink 0), 3 bytes", S_ISREG(st.st_mode) && st.st_nlink == 0 &&
           st.st_size == 3);
    T_OK("O_TMPFILE: pread", pread(fd, buf, 10, 0), 3);
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
    T_OK("linkat names an O_TMPFILE file (through /proc/self/fd)", linkat(AT_FDCWD, fdpath, AT_FDCWD, "named",
                                                                           AT_SYMLINK_FOLLOW), 0);
    close(fd);
    T_EQ("the named O_TMPFILE file keeps its bytes", file_size("named"), 3);
    T_ERR("O_TMPFILE read-only", open(".", O_TMPFILE | O_RDONLY, 0600), EINVAL);
    T_ERR("O_TMPFILE in a missing directory", open("nodir", O_TMPFILE | O_RDWR, 0600), ENOENT);
    T_ERR("O_TMPFILE on a regular file", open("c", O_TMPFILE | O_RDWR, 0600), ENOTDIR);

    fd = SYS(SYS_memfd_create, "conf", 0);
    T_TRUE("memfd_create", fd >= 0);
    T_OK("memfd: write", write(fd, "memory", 6), 6);
    fstat(fd, &st);
    T_TRUE("memfd: a regular file of 6 bytes, no links", S_ISREG(st.st_mode) && st.st_size == 6 && st.st_nlink == 0);
    char link[64], path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    long n = readlink(path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    T_TRUE("memfd: /proc/self/fd names it /memfd:conf (deleted)", !strcmp(link, "/memfd:conf (deleted)"));
    T_OK("memfd: ftruncate to a page", ftruncate(fd, PAGE), 0);
    char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_TRUE("memfd: MAP_SHARED mapping", m != MAP_FAILED);
    if (m != MAP_FAILED) {
        memcpy(m + 100, "shared", 6);
        memset(buf, 0, 16);
        pread(fd, buf, 6, 100);
        T_TRUE("memfd: a store through the mapping reads back with pread", !memcmp(buf, "shared", 6));
        munmap(m, PAGE);
    }
    T_EQ("memfd_create: close-on-exec clear", fcntl(fd, F_GETFD), 0);
    close(fd);
    fd = SYS(SYS_memfd_create, "cloexec", MFD_CLOEXEC);
    T_EQ("memfd_create MFD_CLOEXEC sets FD_CLOEXEC", fcntl(fd, F_GETFD), FD_CLOEXEC);
    close(fd);
    char longname[300];
    memset(longname, 'n', sizeof longname);
    longname[250] = 0;
    T_ERR("memfd_create with a 250-byte name", SYS(SYS_memfd_create, longname, 0), EINVAL);
    longname[249] = 0;
    fd = SYS(SYS_memfd_create, longname, 0);
    T_TRUE("memfd_create with a 249-byte name", fd >= 0);
    close(fd);
    T_ERR("memfd_create with an unknown flag", SYS(SYS_memfd_create, "x", 0x100), EINVAL);
    T_ERR("memfd_create name at a kernel address", SYS(SYS_memfd_create, KADDR, 0), EFAULT);
}

static void transfers(void)
{
    for (int i = 0; i < (int)sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    put_file("src", buf, 5000);
    int src = open("src", O_RDONLY), p[2];
    pipe(p);
    off_t off = 10;
    T_OK("sendfile 100 bytes from offset 10 into a pipe", SYS(SYS_sendfile, p[1], src, &off, 100), 100);
    T_EQ("sendfile: the offset moved to 110", off, 110);
    T_EQ("sendfile with an offset leaves the file position", lseek(src, 0, SEEK_CUR), 0);
    char got[200];
    T_OK("sendfile: the pipe holds the bytes", read(p[0], got, sizeof got), 100);
    T_TRUE("sendfile: the right bytes", !memcmp(got, buf + 10, 100));
    T_OK("sendfile without an offset", SYS(SYS_sendfile, p[1], src, NULL, 50), 50);
    T_EQ("sendfile without an offset moves the file position", lseek(src, 0, SEEK_CUR), 50);
    read(p[0], got, sizeof got);
    off = 5000;
    T_OK("sendfile at the end of the file", SYS(SYS_sendfile, p[1], src, &off, 10), 0);
    off = 4990;
    T_OK("sendfile stops at the end of the file", SYS(SYS_sendfile, p[1], src, &off, 100), 10);
    read(p[0], got, sizeof got);
    int wo = open("wo", O_WRONLY | O_CREAT, 0644), app = open("app", O_WRONLY | O_CREAT | O_APPEND, 0644);
    T_ERR("sendfile from a write-only fd", SYS(SYS_sendfile, p[1], wo, NULL, 10), EBADF);
    T_ERR("sendfile into a read-only fd", SYS(SYS_sendfile, src, src, NULL, 10), EBADF);
    T_ERR("sendfile into an O_APPEND file", SYS(SYS_sendfile, app, src, NULL, 10), EINVAL);
    T_ERR("sendfile from a closed fd", SYS(SYS_sendfile, p[1], 999, NULL, 10), EBADF);
    T_ERR("sendfile with the offset at a kernel address", SYS(SYS_sendfile, p[1], src, KADDR, 10), EFAULT);
    off = -1;
    T_ERR("sendfile from a negative offset", SYS(SYS_sendfile, p[1], src, &off, 10), EINVAL);
    int pf = open("/proc/uptime", O_RDONLY);
    long pn = SYS(SYS_sendfile, p[1], pf, NULL, 4096);
    T_TRUE("sendfile from /proc/uptime sends its text", pn > 5 && read(p[0], got, sizeof got) > 5);
    close(pf);
    int dst = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
    T_OK("sendfile into a regular file", SYS(SYS_sendfile, dst, src, NULL, 1000), 1000);
    T_EQ("sendfile: the destination's position moved", lseek(dst, 0, SEEK_CUR), 1000);

    loff_t oin = 100, oout = 0;
    int cp = open("cp", O_RDWR | O_CREAT | O_TRUNC, 0644);
    T_OK("copy_file_range 300 bytes", SYS(SYS_copy_file_range, src, &oin, cp, &oout, 300, 0L), 300);
    T_TRUE("copy_file_range: both offsets moved", oin == 400 && oout == 300);
    pread(cp, got, 200, 0);
    T_TRUE("copy_file_range: the right bytes", !memcmp(got, buf + 100, 200));
    lseek(src, 4900, SEEK_SET);
    T_OK("copy_file_range from the file positions, stopping at the end", SYS(SYS_copy_file_range, src, NULL, cp, NULL,
                                                                             500, 0L), 100);
    T_EQ("copy_file_range: the source position moved", lseek(src, 0, SEEK_CUR), 5000);
    T_OK("copy_file_range at the end of the source", SYS(SYS_copy_file_range, src, NULL, cp, NULL, 10, 0L), 0);
    T_ERR("copy_file_range with flags", SYS(SYS_copy_file_range, src, NULL, cp, NULL, 10, 1L), EINVAL);
    T_ERR("copy_file_range into an O_APPEND file", SYS(SYS_copy_file_range, src, NULL, app, NULL, 10, 0L), EBADF);
    T_ERR("copy_file_range from a write-only fd", SYS(SYS_copy_file_range, wo, NULL, cp, NULL, 10, 0L), EBADF);
    T_ERR("copy_file_range into a pipe", SYS(SYS_copy_file_range, src, NULL, p[1], NULL, 10, 0L), EINVAL);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    T_ERR("copy_file_range from a directory", SYS(SYS_copy_file_range, dfd, NULL, cp, NULL, 10, 0L), EISDIR);
    oin = 0, oout = 10;
    T_ERR("copy_file_range between overlapping ranges of one file", SYS(SYS_copy_file_range, cp, &oin, cp, &oout,
                                                                        100, 0L), EINVAL);
    T_ERR("copy_file_range offset at a kernel address", SYS(SYS_copy_file_range, src, KADDR, cp, NULL, 10, 0L), EFAULT);
    close(cp), close(dst), close(wo), close(app), close(dfd), close(p[0]), close(p[1]), close(src);
}

static void space(void)
{
    int fd = open("fa", O_RDWR | O_CREAT | O_TRUNC, 0644), p[2];
    pipe(p);
    T_OK("fallocate mode 0 grows the file", SYS(SYS_fallocate, fd, 0, 0, 10000), 0);
    T_EQ("fallocate: the size is offset + len", file_size("fa"), 10000);
    T_OK("fallocate KEEP_SIZE", SYS(SYS_fallocate, fd, FALLOC_FL_KEEP_SIZE, 0, 20000), 0);
    T_EQ("fallocate KEEP_SIZE keeps the size", file_size("fa"), 10000);
    memset(buf, 'x', 8192);
    pwrite(fd, buf, 8192, 0);
    T_OK("fallocate PUNCH_HOLE|KEEP_SIZE", SYS(SYS_fallocate, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 50), 0);
    char got[300];
    pread(fd, got, 300, 0);
    int zeros = 0;
    for (int i = 100; i < 150; i++)
        zeros += got[i] == 0;
    T_TRUE("fallocate PUNCH_HOLE: the range reads as zeros, its neighbours kept", zeros == 50 && got[99] == 'x' &&
           got[150] == 'x');
    T_OK("fallocate ZERO_RANGE past the end grows the file", SYS(SYS_fallocate, fd, FALLOC_FL_ZERO_RANGE, 9000, 2000), 0);
    T_EQ("fallocate ZERO_RANGE: the new size", file_size("fa"), 11000);
    T_ERR("fallocate PUNCH_HOLE without KEEP_SIZE", SYS(SYS_fallocate, fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP);
    T_ERR("fallocate length 0", SYS(SYS_fallocate, fd, 0, 0, 0), EINVAL);
    T_ERR("fallocate negative offset", SYS(SYS_fallocate, fd, 0, -1L, 10), EINVAL);
    T_ERR("fallocate an unknown mode bit", SYS(SYS_fallocate, fd, 0x100, 0, 10), EOPNOTSUPP);
    int ro = open("fa", O_RDONLY);
    T_ERR("fallocate a read-only fd", SYS(SYS_fallocate, ro, 0, 0, 10), EBADF);
    T_ERR("fallocate a pipe", SYS(SYS_fallocate, p[1], 0, 0, 10), ESPIPE);
    T_ERR("fallocate a closed fd", SYS(SYS_fallocate, 999, 0, 0, 10), EBADF);

    T_OK("fadvise64 SEQUENTIAL", SYS(SYS_fadvise64, fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
    static const char *advice[] = { "POSIX_FADV_NORMAL", "POSIX_FADV_RANDOM", "POSIX_FADV_SEQUENTIAL",
                                    "POSIX_FADV_WILLNEED", "POSIX_FADV_DONTNEED", "POSIX_FADV_NOREUSE" };
    for (int a = 0; a < 6; a++) { /* the values 0..5, in this order */
        char an[80];
        snprintf(an, sizeof an, "fadvise64 %s on the whole file", advice[a]);
        T_OK(an, SYS(SYS_fadvise64, fd, 0, 0, a), 0);
    }
    T_OK("fadvise64 DONTNEED on a range", SYS(SYS_fadvise64, fd, 100, 4096, POSIX_FADV_DONTNEED), 0);
    T_EQ("fadvise64 DONTNEED keeps the data", file_size("fa"), 11000);
    T_ERR("fadvise64 unknown advice", SYS(SYS_fadvise64, fd, 0, 0, 99), EINVAL);
    T_ERR("fadvise64 negative length", SYS(SYS_fadvise64, fd, 0, -1L, POSIX_FADV_NORMAL), EINVAL);
    T_ERR("fadvise64 on a pipe", SYS(SYS_fadvise64, p[0], 0, 0, POSIX_FADV_NORMAL), ESPIPE);
    T_ERR("fadvise64 on a closed fd", SYS(SYS_fadvise64, 999, 0, 0, POSIX_FADV_NORMAL), EBADF);
    T_OK("readahead", SYS(SYS_readahead, ro, 0, 4096), 0);
    T_ERR("readahead a pipe", SYS(SYS_readahead, p[0], 0, 10), EINVAL);
    int wo = open("fa", O_WRONLY);
    T_ERR("readahead a write-only fd", SYS(SYS_readahead, wo, 0, 10), EBADF);
    T_ERR("readahead a closed fd", SYS(SYS_readahead, 999, 0, 10), EBADF);
    close(wo), close(ro), close(fd), close(p[0]), close(p[1]);
}

static void vectors(void)
{
    put_file("v", "0123456789abcdefghij", 20);
    int fd = open("v", O_RDWR), p[2];
    pipe(p);
    char a[4], b[6];
    struct iovec iov[2] = { { a, 4 }, { b, 6 } };
    T_OK("preadv 10 bytes at offset 3", SYS(SYS_preadv, fd, iov, 2, 3, 0), 10);
    T_TRUE("preadv: scattered in order", !memcmp(a, "3456", 4) && !memcmp(b, "789abc", 6));
    T_EQ("preadv leaves the file position", lseek(fd, 0, SEEK_CUR), 0);
    struct iovec w[2] = { { "XY", 2 }, { "Z", 1 } };
    T_OK("pwritev 3 bytes at offset 18", SYS(SYS_pwritev, fd, w, 2, 18, 0), 3);
    T_EQ("pwritev grew the file", file_size("v"), 21);
    T_EQ("pwritev leaves the file position", lseek(fd, 0, SEEK_CUR), 0);
    T_ERR("preadv negative offset", SYS(SYS_preadv, fd, iov, 2, -1L, 0), EINVAL);
    T_ERR("preadv on a pipe", SYS(SYS_preadv, p[0], iov, 2, 0, 0), ESPIPE);
    T_ERR("pwritev on a closed fd", SYS(SYS_pwritev, 999, w, 2, 0, 0), EBADF);
    T_ERR("preadv iovec at a kernel address", SYS(SYS_preadv, fd, KADDR, 2, 0, 0), EFAULT);
    lseek(fd, 5, SEEK_SET);
    T_OK("preadv2 at offset -1 reads at the file position", SYS(SYS_preadv2, fd, iov, 1, -1L, 0, (long)0), 4);
    T_TRUE("preadv2 -1: the bytes at 5", !memcmp(a, "5678", 4));
    T_EQ("preadv2 -1 moves the file position", lseek(fd, 0, SEEK_CUR), 9);
    T_OK("preadv2 at an offset", SYS(SYS_preadv2, fd, iov, 1, 0, 0, (long)0), 4);
    T_ERR("preadv2 with an unknown flag", SYS(SYS_preadv2, fd, iov, 1, 0, 0, (long)0x4000), EOPNOTSUPP);
    T_ERR("preadv2 offset -2", SYS(SYS_preadv2, fd, iov, 1, -2L, 0, (long)0), EINVAL);
    struct iovec end[1] = { { "!", 1 } };
    T_OK("pwritev2 RWF_APPEND writes at the end", SYS(SYS_pwritev2, fd, end, 1, 0, 0, (long)RWF_APPEND), 1);
    T_EQ("pwritev2 RWF_APPEND: the file grew by one", file_size("v"), 22);
    T_ERR("pwritev2 on a closed fd", SYS(SYS_pwritev2, 999, end, 1, 0, 0, (long)0), EBADF);
    close(fd), close(p[0]), close(p[1]);
}

static void ranges(void)
{
    int base = open("v", O_RDONLY);
    for (int i = 100; i <= 105; i++)
        dup2(base, i);
    T_OK("close_range 100..102", SYS(SYS_close_range, 100, 102, 0), 0);
    T_ERR("close_range: 101 is closed", fcntl(101, F_GETFD), EBADF);
    T_TRUE("close_range: 103 is still open", fcntl(103, F_GETFD) >= 0);
    T_OK("close_range CLOEXEC 103..105", SYS(SYS_close_range, 103, 105, CLOSE_RANGE_CLOEXEC_), 0);
    T_EQ("close_range CLOEXEC: 104 is close-on-exec", fcntl(104, F_GETFD), FD_CLOEXEC);
    T_OK("close_range up to ~0", SYS(SYS_close_range, 103, ~0u, 0), 0);
    T_ERR("close_range: 105 is closed", fcntl(105, F_GETFD), EBADF);
    T_OK("close_range over nothing open", SYS(SYS_close_range, 500, 600, 0), 0);
    T_ERR("close_range first above last", SYS(SYS_close_range, 10, 5, 0), EINVAL);
    T_ERR("close_range unknown flag", SYS(SYS_close_range, 100, 101, 1), EINVAL);
    close(base);
}

static void times_old(void)
{
    put_file("t", "t", 1);
    struct utimbuf ub = { 100000, 200000 };
    struct stat st;
    T_OK("utime sets both times", SYS(SYS_utime, "t", &ub), 0);
    stat("t", &st);
    T_TRUE("utime: atime and mtime", st.st_atime == 100000 && st.st_mtime == 200000 && st.st_mtim.tv_nsec == 0);
    T_OK("utime NULL: now", SYS(SYS_utime, "t", NULL), 0);
    stat("t", &st);
    T_TRUE("utime NULL: mtime is recent", st.st_mtime > 1600000000);
    T_ERR("utime a missing file", SYS(SYS_utime, "missing", &ub), ENOENT);
    T_ERR("utime buffer at a kernel address", SYS(SYS_utime, "t", KADDR), EFAULT);
    struct timeval tv[2] = { { 300000, 5 }, { 400000, 999999 } };
    T_OK("utimes with microseconds", SYS(SYS_utimes, "t", tv), 0);
    stat("t", &st);
    T_TRUE("utimes: microseconds become nanoseconds", st.st_mtime == 400000 && st.st_mtim.tv_nsec == 999999000 &&
           st.st_atim.tv_nsec == 5000);
    tv[1].tv_usec = 1000000;
    T_ERR("utimes a microsecond value of a second", SYS(SYS_utimes, "t", tv), EINVAL);
    T_ERR("utimes a missing file", SYS(SYS_utimes, "missing", NULL), ENOENT);
    tv[1].tv_usec = 0;
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    T_OK("futimesat relative to a directory fd", SYS(SYS_futimesat, dfd, "t", tv), 0);
    stat("t", &st);
    T_EQ("futimesat: mtime", st.st_mtime, 400000);
    T_ERR("futimesat a missing file", SYS(SYS_futimesat, dfd, "missing", tv), ENOENT);
    T_ERR("futimesat a closed dirfd", SYS(SYS_futimesat, 999, "t", tv), EBADF);
    close(dfd);
}

int main(void)
{
    tap_scratch("xfer");
    umask(022);
    make_files();
    transfers();
    space();
    vectors();
    ranges();
    times_old();
    tap_finish_dir();
    return tap_done();
}
