/* test/conformance/openflags.c — open(2)'s flags and errnos as its man page lists them (issue 16): O_APPEND,
 * O_CLOEXEC, O_NOFOLLOW, O_PATH, O_TMPFILE, O_DIRECTORY with O_CREAT, O_SYNC/O_DSYNC, O_NOATIME, O_NOCTTY,
 * O_ASYNC, O_DIRECT, O_LARGEFILE; ELOOP, EMFILE, ENXIO (a socket file), ETXTBSY, EBADF/ENOTDIR of openat's
 * dirfd; creat. Permission errors (EACCES, EPERM) need a second user: not here. */
/* covers: open openat creat */
#include "tap.h"
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#ifndef O_PATH
#define O_PATH 010000000
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

static long getfl(int fd)
{
    return SYS(SYS_fcntl, fd, F_GETFL);
}

static void flags(void)
{
    char buf[64];
    put_file("f", "0123456789", 10);
    int fd = SYS(SYS_open, "f", O_WRONLY | O_APPEND);
    SYS(SYS_lseek, fd, 0, SEEK_SET);
    T_OK("open O_APPEND: a write after lseek 0 goes to the end", SYS(SYS_write, fd, "ab", 2), 2);
    T_EQ("open O_APPEND: the file grew to 12", file_size("f"), 12);
    T_OK("open O_APPEND: the offset is at the new end", SYS(SYS_lseek, fd, 0, SEEK_CUR), 12);
    T_TRUE("open O_APPEND: F_GETFL shows it", getfl(fd) & O_APPEND);
    close(fd);
    fd = SYS(SYS_open, "f", O_RDWR | O_TRUNC);
    T_EQ("open O_TRUNC empties the file", file_size("f"), 0);
    close(fd);
    fd = SYS(SYS_open, "f", O_RDONLY | O_CLOEXEC);
    T_OK("open O_CLOEXEC sets FD_CLOEXEC", SYS(SYS_fcntl, fd, F_GETFD), FD_CLOEXEC);
    T_TRUE("open O_CLOEXEC is not a status flag (F_GETFL)", !(getfl(fd) & O_CLOEXEC));
    close(fd);
    fd = SYS(SYS_open, "f", O_RDONLY);
    T_OK("open without O_CLOEXEC: FD_CLOEXEC clear", SYS(SYS_fcntl, fd, F_GETFD), 0);
    T_TRUE("open O_LARGEFILE is implied on x86_64 (F_GETFL)", getfl(fd) & 0100000);
    close(fd);
    fd = SYS(SYS_open, "f", O_RDWR | O_NONBLOCK);
    T_TRUE("open O_NONBLOCK: F_GETFL shows it", getfl(fd) & O_NONBLOCK);
    close(fd);
    fd = SYS(SYS_open, "f", O_RDWR | O_SYNC);
    T_OK("open O_SYNC: F_GETFL shows O_SYNC (with O_DSYNC)", getfl(fd) & O_SYNC, O_SYNC);
    T_OK("open O_SYNC: a write", SYS(SYS_write, fd, "xy", 2), 2);
    close(fd);
    fd = SYS(SYS_open, "f", O_RDWR | O_DSYNC);
    T_OK("open O_DSYNC: F_GETFL shows O_DSYNC alone", getfl(fd) & O_SYNC, O_DSYNC);
    close(fd);
    fd = SYS(SYS_open, "f", O_RDONLY | O_NOATIME);
    T_TRUE("open O_NOATIME by the owner succeeds", fd >= 0);
    T_TRUE("open O_NOATIME: F_GETFL shows it", getfl(fd) & O_NOATIME);
    close(fd);
    fd = SYS(SYS_open, "/dev/null", O_RDWR | O_NOCTTY);
    T_TRUE("open O_NOCTTY /dev/null succeeds", fd >= 0);
    T_TRUE("open O_NOCTTY is not kept (F_GETFL)", !(getfl(fd) & O_NOCTTY));
    close(fd);
    fd = SYS(SYS_open, "f", O_RDONLY | O_ASYNC);
    T_TRUE("open O_ASYNC succeeds", fd >= 0);
    close(fd);
    T_ERR("open O_CREAT|O_EXCL on an existing file", SYS(SYS_open, "f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    fd = SYS(SYS_open, "g", O_RDWR | O_CREAT | O_EXCL | O_TRUNC, 0600);
    T_TRUE("open O_CREAT|O_EXCL|O_TRUNC makes a new file", fd >= 0);
    close(fd);
    T_ERR("open O_CREAT|O_DIRECTORY", SYS(SYS_open, "h", O_RDWR | O_CREAT | O_DIRECTORY, 0644), EINVAL);
    T_ERR("open O_DIRECTORY on a file", SYS(SYS_open, "f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    (void)buf;
}

static void paths(void)
{
    char buf[16];
    symlink("f", "lnk");
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    T_ERR("open O_NOFOLLOW on a symlink", SYS(SYS_open, "lnk", O_RDONLY | O_NOFOLLOW), ELOOP);
    T_ERR("open a symlink loop", SYS(SYS_open, "loop1", O_RDONLY), ELOOP);
    T_ERR("open O_CREAT through a symlink loop", SYS(SYS_open, "loop1", O_RDWR | O_CREAT, 0644), ELOOP);
    int fd = SYS(SYS_open, "lnk", O_RDONLY | O_NOFOLLOW | O_PATH);
    T_TRUE("open O_PATH|O_NOFOLLOW on a symlink gives an fd", fd >= 0);
    struct stat st;
    T_TRUE("open O_PATH|O_NOFOLLOW: fstat shows the link", fstat(fd, &st) == 0 && S_ISLNK(st.st_mode));
    close(fd);
    fd = SYS(SYS_open, "f", O_RDWR | O_PATH);
    T_TRUE("open O_PATH on a file gives an fd", fd >= 0);
    T_OK("open O_PATH: F_GETFL is O_PATH (access mode dropped)", getfl(fd) & ~0100000, O_PATH);
    T_ERR("open O_PATH: read", SYS(SYS_read, fd, buf, 1), EBADF);
    T_ERR("open O_PATH: write", SYS(SYS_write, fd, "x", 1), EBADF);
    T_TRUE("open O_PATH: fstat works", fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
    T_ERR("open O_PATH: fchmod", SYS(SYS_fchmod, fd, 0600), EBADF);
    int d = SYS(SYS_dup, fd);
    T_TRUE("open O_PATH: dup works", d >= 0);
    close(d);
    close(fd);
    mkdir("dir", 0755);
    put_file("dir/in", "in", 2);
    int dfd = SYS(SYS_open, "dir", O_RDONLY | O_PATH | O_DIRECTORY);
    T_TRUE("open O_PATH|O_DIRECTORY on a directory", dfd >= 0);
    fd = SYS(SYS_openat, dfd, "in", O_RDONLY);
    T_TRUE("openat relative to an O_PATH directory fd", fd >= 0);
    close(fd);
    T_ERR("open O_PATH: getdents64", SYS(SYS_getdents64, dfd, buf, sizeof buf), EBADF);
    T_ERR("open O_PATH: ftruncate", SYS(SYS_ftruncate, dfd, 0), EBADF);
    T_ERR("open O_PATH: fsync", SYS(SYS_fsync, dfd), EBADF);
    T_ERR("open O_PATH: fchown", SYS(SYS_fchown, dfd, 0, 0), EBADF);
    T_OK("open O_PATH|O_DIRECTORY: F_GETFL", getfl(dfd), O_PATH | O_DIRECTORY);
    close(dfd);
    int ffd = SYS(SYS_open, "f", O_RDONLY);
    T_ERR("openat relative to a file fd", SYS(SYS_openat, ffd, "x", O_RDONLY), ENOTDIR);
    close(ffd);
    T_ERR("openat relative to a bad dirfd", SYS(SYS_openat, 999, "x", O_RDONLY), EBADF);
    fd = SYS(SYS_openat, 999, tap_dir, O_RDONLY | O_DIRECTORY);
    T_TRUE("openat with an absolute path ignores a bad dirfd", fd >= 0);
    close(fd);
    T_ERR("open O_TMPFILE without write access", SYS(SYS_open, ".", O_TMPFILE | O_RDONLY, 0600), EINVAL);
    T_ERR("open O_TMPFILE on a file", SYS(SYS_open, "f", O_TMPFILE | O_RDWR, 0600), ENOTDIR);
    fd = SYS(SYS_open, ".", O_TMPFILE | O_RDWR, 0600);
    T_TRUE("open O_TMPFILE in a directory gives an fd", fd >= 0);
    T_OK("open O_TMPFILE: the file is writable", SYS(SYS_write, fd, "tmp", 3), 3);
    T_TRUE("open O_TMPFILE: fstat shows no link", fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 3);
    close(fd);
}

static void errors(void)
{
    /* ENXIO: the file is a UNIX domain socket */
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { AF_UNIX, "sock" };
    bind(s, (struct sockaddr *)&a, sizeof a);
    T_ERR("open a unix socket file", SYS(SYS_open, "sock", O_RDWR), ENXIO);
    close(s);
    /* ETXTBSY: writing to the executable that runs */
    long r;
    T_ERR("open the running executable for writing", (r = SYS(SYS_open, "/proc/self/exe", O_WRONLY)), ETXTBSY);
    if (r >= 0)
        close(r);
    /* EMFILE: the RLIMIT_NOFILE limit */
    struct rlimit old, low;
    getrlimit(RLIMIT_NOFILE, &old);
    low = (struct rlimit){ 5, old.rlim_max }; /* the soft limit only: a lowered hard limit would stay */
    int fds[8], n = 0;
    setrlimit(RLIMIT_NOFILE, &low);
    while (n < 8 && (fds[n] = SYS(SYS_open, "f", O_RDONLY)) >= 0)
        n++;
    T_EQ("open up to RLIMIT_NOFILE 5: fds 3 and 4", n, 2);
    T_ERR("open past RLIMIT_NOFILE", SYS(SYS_open, "f", O_RDONLY), EMFILE);
    T_ERR("creat past RLIMIT_NOFILE", SYS(SYS_creat, "newc", 0644), EMFILE);
    while (n > 0)
        close(fds[--n]);
    setrlimit(RLIMIT_NOFILE, &old);
    /* creat is open(O_CREAT|O_WRONLY|O_TRUNC) */
    put_file("c", "data", 4);
    int fd = SYS(SYS_creat, "c", 0644);
    T_EQ("creat truncates an existing file", file_size("c"), 0);
    T_OK("creat opens write-only", getfl(fd) & O_ACCMODE, O_WRONLY);
    close(fd);
    T_ERR("creat a directory", SYS(SYS_creat, "dir", 0644), EISDIR);
    T_ERR("creat in a missing directory", SYS(SYS_creat, "none/c", 0644), ENOENT);
    T_ERR("creat under a file", SYS(SYS_creat, "f/c", 0644), ENOTDIR);
    T_ERR("creat at a kernel address", SYS(SYS_creat, KADDR, 0644), EFAULT);
    T_ERR("creat through a symlink loop", SYS(SYS_creat, "loop1", 0644), ELOOP);
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = 0;
    T_ERR("creat a 256-byte name", SYS(SYS_creat, longname, 0644), ENAMETOOLONG);
}

int main(void)
{
    tap_scratch("openflags");
    flags();
    paths();
    errors();
    tap_finish_dir();
    return tap_done();
}
