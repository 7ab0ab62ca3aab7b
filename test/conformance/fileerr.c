/* test/conformance/fileerr.c — the errnos the man pages of read, write, pread, readv, lseek, truncate, mkdir,
 * rmdir, unlink, rename, link, symlink and readlink list, where one root process can provoke them (issue 16):
 * EFBIG past RLIMIT_FSIZE, EPIPE, EAGAIN, EINVAL of eventfd/epoll objects, ESPIPE, ENXIO of SEEK_DATA,
 * EXDEV across filesystems, EBUSY of a mount point, EPERM of a sealed memfd, ELOOP and ENAMETOOLONG of
 * every path call, the *at calls' EBADF/ENOTDIR/EINVAL, and the flags AT_REMOVEDIR, AT_SYMLINK_FOLLOW,
 * AT_EMPTY_PATH, RENAME_NOREPLACE, SEEK_DATA/SEEK_HOLE, RWF_*. */
/* covers: read write pread64 pwrite64 readv writev preadv2 pwritev2 lseek truncate ftruncate mkdir mkdirat rmdir unlink unlinkat rename renameat renameat2 link linkat symlink symlinkat readlink readlinkat */
#include "tap.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <limits.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif
#ifndef RWF_HIPRI
#define RWF_HIPRI 1
#define RWF_DSYNC 2
#define RWF_SYNC 4
#define RWF_NOWAIT 8
#define RWF_APPEND 0x10
#endif

static char longname[300], longpath[PATH_MAX + 10];

static void rw(void)
{
    char buf[16];
    int p[2];
    pipe(p);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    T_ERR("read an empty non-blocking pipe", SYS(SYS_read, p[0], buf, 1), EAGAIN);
    T_ERR("read into a kernel address", SYS(SYS_read, p[0], KADDR, 1), EFAULT); /* checked before the wait */
    T_ERR("read a write-only fd", SYS(SYS_read, p[1], buf, 1), EBADF);
    T_ERR("write a read-only fd", SYS(SYS_write, p[0], "x", 1), EBADF);
    T_ERR("pread64 on a pipe", SYS(SYS_pread64, p[0], buf, 1, 0), ESPIPE);
    T_ERR("pwrite64 on a pipe", SYS(SYS_pwrite64, p[1], "x", 1, 0), ESPIPE);
    T_ERR("lseek on a pipe", SYS(SYS_lseek, p[0], 0, SEEK_SET), ESPIPE);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    static char big[1 << 16];
    long total = 0, r;
    while ((r = SYS(SYS_write, p[1], big, sizeof big)) > 0)
        total += r;
    T_ERR("write a full non-blocking pipe", SYS(SYS_write, p[1], big, 1), EAGAIN);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    T_ERR("write a pipe without readers (SIGPIPE ignored)", SYS(SYS_write, p[1], "x", 1), EPIPE);
    close(p[1]);
    int e = eventfd(0, EFD_NONBLOCK);
    T_ERR("read an eventfd with a 4-byte buffer", SYS(SYS_read, e, buf, 4), EINVAL);
    T_ERR("write an eventfd with a 4-byte buffer", SYS(SYS_write, e, buf, 4), EINVAL);
    close(e);
    int ep = epoll_create1(0);
    T_ERR("read an epoll fd", SYS(SYS_read, ep, buf, 8), EINVAL);
    T_ERR("write an epoll fd", SYS(SYS_write, ep, buf, 8), EINVAL);
    close(ep);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    T_ERR("write an unconnected UDP socket", SYS(SYS_write, s, "x", 1), EDESTADDRREQ);
    close(s);
    put_file("f", "0123456789", 10);
    int fd = SYS(SYS_open, "f", O_RDWR);
    T_ERR("pread64 at a negative offset", SYS(SYS_pread64, fd, buf, 1, -1L), EINVAL);
    T_ERR("pwrite64 at a negative offset", SYS(SYS_pwrite64, fd, "x", 1, -1L), EINVAL);
    T_ERR("pread64 into a kernel address", SYS(SYS_pread64, fd, KADDR, 4, 0), EFAULT);
    T_ERR("pwrite64 from a kernel address", SYS(SYS_pwrite64, fd, KADDR, 4, 0), EFAULT);
    T_ERR("pread64 on a bad fd", SYS(SYS_pread64, 999, buf, 1, 0), EBADF);
    mkdir("d", 0755);
    int dfd = SYS(SYS_open, "d", O_RDONLY);
    T_ERR("pread64 on a directory", SYS(SYS_pread64, dfd, buf, 1, 0), EISDIR);
    close(dfd);
    /* RLIMIT_FSIZE: EFBIG (SIGXFSZ ignored) */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim = { 12, RLIM_INFINITY };
    getrlimit(RLIMIT_FSIZE, &old);
    /* the results wait until the limit is gone: it applies to the TAP output too when that is a file */
    setrlimit(RLIMIT_FSIZE, &lim);
    long r1 = SYS(SYS_pwrite64, fd, "x", 1, 12), e1 = errno;
    long r2 = SYS(SYS_pwrite64, fd, "abcd", 4, 10);
    lseek(fd, 12, SEEK_SET);
    long r3 = SYS(SYS_write, fd, "x", 1), e3 = errno;
    setrlimit(RLIMIT_FSIZE, &old);
    T_ERR("pwrite64 at the RLIMIT_FSIZE limit", (errno = e1, r1), EFBIG);
    T_OK("pwrite64 up to RLIMIT_FSIZE writes what fits", r2, 2);
    T_ERR("write at the RLIMIT_FSIZE limit", (errno = e3, r3), EFBIG);
    /* readv/writev and the v2 calls */
    struct iovec iov[2] = { { buf, 4 }, { buf + 4, 4 } };
    T_ERR("readv with a negative count", SYS(SYS_readv, fd, iov, -1), EINVAL);
    T_ERR("readv past IOV_MAX", SYS(SYS_readv, fd, iov, IOV_MAX + 1), EINVAL);
    struct iovec neg = { buf, (size_t)-1 };
    T_ERR("writev a negative length", SYS(SYS_writev, fd, &neg, 1), EINVAL);
    T_ERR("preadv2 an unknown RWF flag", SYS(SYS_preadv2, fd, iov, 1, 0, 0, 0x40000000), EOPNOTSUPP);
    struct iovec one = { "AP", 2 };
    long before = file_size("f");
    T_OK("pwritev2 RWF_APPEND writes at the end", SYS(SYS_pwritev2, fd, &one, 1, 0, 0, RWF_APPEND), 2);
    T_EQ("pwritev2 RWF_APPEND: the file grew by 2", file_size("f"), before + 2);
    T_OK("pwritev2 RWF_DSYNC", SYS(SYS_pwritev2, fd, &one, 1, 0, 0, RWF_DSYNC), 2);
    T_OK("pwritev2 RWF_SYNC", SYS(SYS_pwritev2, fd, &one, 1, 0, 0, RWF_SYNC), 2);
    T_OK("pwritev2 RWF_HIPRI", SYS(SYS_pwritev2, fd, &one, 1, 0, 0, RWF_HIPRI), 2);
    T_OK("preadv2 RWF_HIPRI", SYS(SYS_preadv2, fd, iov, 1, 0, 0, RWF_HIPRI), 4);
    close(fd);
}

static void seeks(void)
{
    int fd = SYS(SYS_open, "f", O_RDWR);
    long size = file_size("f");
    T_OK("lseek SEEK_DATA at 0 of a file without holes", SYS(SYS_lseek, fd, 0, SEEK_DATA), 0);
    T_OK("lseek SEEK_DATA inside the data", SYS(SYS_lseek, fd, 3, SEEK_DATA), 3);
    T_OK("lseek SEEK_HOLE finds the end of the file", SYS(SYS_lseek, fd, 0, SEEK_HOLE), size);
    T_ERR("lseek SEEK_DATA at the end", SYS(SYS_lseek, fd, size, SEEK_DATA), ENXIO);
    T_ERR("lseek SEEK_HOLE past the end", SYS(SYS_lseek, fd, size + 1, SEEK_HOLE), ENXIO);
    T_ERR("lseek SEEK_DATA at a negative offset", SYS(SYS_lseek, fd, -1L, SEEK_DATA), ENXIO);
    T_OK("lseek SEEK_END -1", SYS(SYS_lseek, fd, -1L, SEEK_END), size - 1);
    T_ERR("lseek SEEK_CUR to before 0", SYS(SYS_lseek, fd, -size - 5L, SEEK_CUR), EINVAL);
    T_ERR("lseek whence 5", SYS(SYS_lseek, fd, 0, 5), EINVAL);
    T_ERR("lseek a bad fd", SYS(SYS_lseek, 999, 0, SEEK_SET), EBADF);
    close(fd);
}

static void names(void)
{
    T_ERR("mkdir a 256-byte name", SYS(SYS_mkdir, longname, 0755), ENAMETOOLONG);
    T_ERR("mkdir a path of PATH_MAX bytes", SYS(SYS_mkdir, longpath, 0755), ENAMETOOLONG);
    T_ERR("mkdir through a symlink loop", SYS(SYS_mkdir, "loop1/x", 0755), ELOOP);
    T_ERR("mkdir at a kernel address", SYS(SYS_mkdir, KADDR, 0755), EFAULT);
    T_ERR("mkdirat a bad dirfd", SYS(SYS_mkdirat, 999, "x", 0755), EBADF);
    T_ERR("mkdirat a file dirfd", SYS(SYS_mkdirat, 0, "x", 0755), ENOTDIR);
    T_ERR("rmdir a 256-byte name", SYS(SYS_rmdir, longname), ENAMETOOLONG);
    T_ERR("rmdir .", SYS(SYS_rmdir, "d/."), EINVAL);
    T_ERR("rmdir through a symlink loop", SYS(SYS_rmdir, "loop1/x"), ELOOP);
    T_ERR("rmdir a mount point (/proc)", SYS(SYS_rmdir, "/proc"), EBUSY);
    T_ERR("rmdir at a kernel address", SYS(SYS_rmdir, KADDR), EFAULT);
    T_ERR("unlink a directory", SYS(SYS_unlink, "d"), EISDIR);
    T_ERR("unlink a 256-byte name", SYS(SYS_unlink, longname), ENAMETOOLONG);
    T_ERR("unlink through a symlink loop", SYS(SYS_unlink, "loop1/x"), ELOOP);
    T_ERR("unlinkat an unknown flag", SYS(SYS_unlinkat, AT_FDCWD, "f", 0x1), EINVAL);
    T_ERR("unlinkat a bad dirfd", SYS(SYS_unlinkat, 999, "f", 0), EBADF);
    mkdir("gone", 0755);
    T_OK("unlinkat AT_REMOVEDIR removes a directory", SYS(SYS_unlinkat, AT_FDCWD, "gone", AT_REMOVEDIR), 0);
    T_ERR("unlinkat AT_REMOVEDIR on a file", SYS(SYS_unlinkat, AT_FDCWD, "f", AT_REMOVEDIR), ENOTDIR);
    put_file("r1", "1", 1);
    put_file("r2", "2", 1);
    T_ERR("renameat2 RENAME_NOREPLACE over a file", SYS(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r2", RENAME_NOREPLACE),
          EEXIST);
    T_ERR("renameat2 RENAME_NOREPLACE|RENAME_EXCHANGE", SYS(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r2",
          RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
    T_OK("renameat2 RENAME_NOREPLACE to a new name", SYS(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r3", RENAME_NOREPLACE), 0);
    T_ERR("rename a file over a directory", SYS(SYS_rename, "r2", "d"), EISDIR);
    mkdir("d2", 0755);
    T_ERR("rename a directory over a file", SYS(SYS_rename, "d2", "r2"), ENOTDIR);
    T_ERR("rename a directory into itself", SYS(SYS_rename, "d2", "d2/sub"), EINVAL);
    put_file("d/in", "x", 1);
    T_ERR("rename a directory over a non-empty one", SYS(SYS_rename, "d2", "d"), ENOTEMPTY);
    T_ERR("rename across filesystems (to /dev)", SYS(SYS_rename, "r2", "/dev/skiff-conf-x"), EXDEV);
    T_ERR("rename a 256-byte name", SYS(SYS_rename, longname, "x"), ENAMETOOLONG);
    T_ERR("rename through a symlink loop", SYS(SYS_rename, "loop1/x", "x"), ELOOP);
    T_ERR("rename at a kernel address", SYS(SYS_rename, KADDR, "x"), EFAULT);
    T_ERR("renameat a bad dirfd", SYS(SYS_renameat, 999, "r2", AT_FDCWD, "x"), EBADF);
    T_ERR("link a directory", SYS(SYS_link, "d", "dl"), EPERM);
    T_ERR("link across filesystems (to /dev)", SYS(SYS_link, "r2", "/dev/skiff-conf-x"), EXDEV);
    T_ERR("link a 256-byte name", SYS(SYS_link, "r2", longname), ENAMETOOLONG);
    T_ERR("link through a symlink loop", SYS(SYS_link, "loop1/x", "x"), ELOOP);
    T_ERR("link at a kernel address", SYS(SYS_link, KADDR, "x"), EFAULT);
    T_ERR("linkat an unknown flag", SYS(SYS_linkat, AT_FDCWD, "r2", AT_FDCWD, "x", 0x1), EINVAL);
    T_ERR("linkat a bad dirfd", SYS(SYS_linkat, 999, "r2", AT_FDCWD, "x", 0), EBADF);
    symlink("r2", "sl");
    T_OK("linkat AT_SYMLINK_FOLLOW links the target", SYS(SYS_linkat, AT_FDCWD, "sl", AT_FDCWD, "hl", AT_SYMLINK_FOLLOW), 0);
    struct stat st;
    T_TRUE("linkat AT_SYMLINK_FOLLOW: a regular file", lstat("hl", &st) == 0 && S_ISREG(st.st_mode));
    T_OK("linkat without AT_SYMLINK_FOLLOW links the symlink", SYS(SYS_linkat, AT_FDCWD, "sl", AT_FDCWD, "hl2", 0), 0);
    T_TRUE("linkat without AT_SYMLINK_FOLLOW: a symlink", lstat("hl2", &st) == 0 && S_ISLNK(st.st_mode));
    int fd = SYS(SYS_open, "r2", O_RDONLY);
    T_OK("linkat AT_EMPTY_PATH names an open file", SYS(SYS_linkat, fd, "", AT_FDCWD, "hl3", AT_EMPTY_PATH), 0);
    T_TRUE("linkat AT_EMPTY_PATH: the same inode", stat("hl3", &st) == 0 && st.st_nlink == 3);
    close(fd);
    T_ERR("symlink over an existing name", SYS(SYS_symlink, "x", "r2"), EEXIST);
    T_ERR("symlink an empty target", SYS(SYS_symlink, "", "se"), ENOENT);
    T_ERR("symlink in a missing directory", SYS(SYS_symlink, "x", "none/s"), ENOENT);
    T_ERR("symlink under a file", SYS(SYS_symlink, "x", "r2/s"), ENOTDIR);
    T_ERR("symlink a 256-byte name", SYS(SYS_symlink, "x", longname), ENAMETOOLONG);
    T_ERR("symlink through a symlink loop", SYS(SYS_symlink, "x", "loop1/s"), ELOOP);
    T_ERR("symlink at a kernel address", SYS(SYS_symlink, KADDR, "s"), EFAULT);
    T_ERR("symlinkat a bad dirfd", SYS(SYS_symlinkat, "x", 999, "s"), EBADF);
    char buf[64];
    T_ERR("readlink a regular file", SYS(SYS_readlink, "r2", buf, sizeof buf), EINVAL);
    T_ERR("readlink a buffer of size 0", SYS(SYS_readlink, "sl", buf, 0), EINVAL);
    T_ERR("readlink a 256-byte name", SYS(SYS_readlink, longname, buf, sizeof buf), ENAMETOOLONG);
    T_ERR("readlink through a symlink loop", SYS(SYS_readlink, "loop1/x", buf, sizeof buf), ELOOP);
    T_ERR("readlink under a file", SYS(SYS_readlink, "r2/x", buf, sizeof buf), ENOTDIR);
    T_ERR("readlinkat a bad dirfd", SYS(SYS_readlinkat, 999, "sl", buf, sizeof buf), EBADF);
    T_OK("readlink a truncated result", SYS(SYS_readlink, "sl", buf, 1), 1);
    T_ERR("truncate a directory", SYS(SYS_truncate, "d", 0), EISDIR);
    T_ERR("truncate to a negative length", SYS(SYS_truncate, "r2", -1L), EINVAL);
    T_ERR("truncate a 256-byte name", SYS(SYS_truncate, longname, 0), ENAMETOOLONG);
    T_ERR("truncate through a symlink loop", SYS(SYS_truncate, "loop1", 0), ELOOP);
    T_ERR("truncate in a missing directory", SYS(SYS_truncate, "none/f", 0), ENOENT);
    T_ERR("truncate under a file", SYS(SYS_truncate, "r2/x", 0), ENOTDIR);
    T_ERR("truncate at a kernel address", SYS(SYS_truncate, KADDR, 0), EFAULT);
    fd = SYS(SYS_open, "r2", O_RDONLY);
    T_ERR("ftruncate a read-only fd", SYS(SYS_ftruncate, fd, 0), EINVAL);
    close(fd);
    T_ERR("ftruncate a bad fd", SYS(SYS_ftruncate, 999, 0), EBADF);
}

int main(void)
{
    tap_scratch("fileerr");
    memset(longname, 'n', 256);
    memset(longpath, 'p', sizeof longpath - 1);
    for (int i = 100; i < PATH_MAX; i += 100)
        longpath[i] = '/';
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    rw();
    seeks();
    names();
    tap_finish_dir();
    return tap_done();
}
