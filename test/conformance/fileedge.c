/* test/conformance/fileedge.c — the file family's less travelled paths: statx and fstatat flags
 * (AT_SYMLINK_NOFOLLOW, AT_STATX_*, AT_NO_AUTOMOUNT), path errnos of stat, statx and readlink (ELOOP,
 * ENAMETOOLONG, ENOTDIR, and EACCES as nobody behind a directory it cannot search), every d_type getdents64
 * reports, device nodes made by mknod (their driver, or ENXIO), O_DIRECT, RWF_NOWAIT (EAGAIN, EOPNOTSUPP),
 * dup past RLIMIT_NOFILE, O_TMPFILE where the filesystem has none, pwrite64 on a write-sealed memfd, and
 * EINTR from an open of a FIFO and a write to a full pipe that a signal handler installed without
 * SA_RESTART interrupts (the process is alone: the armed timer is what may still end the wait). */
/* covers: stat statx newfstatat readlink getdents64 mknod open preadv2 dup pwrite64 write */
#include "tap.h"
#include "tap_abi.h"
#include <dirent.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>

#ifndef AT_STATX_SYNC_AS_STAT
#define AT_STATX_SYNC_AS_STAT 0
#define AT_STATX_FORCE_SYNC 0x2000
#endif
#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
#endif
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 8
#endif
#define NOBODY 65534

static long sx(int dirfd, const char *path, int flags, struct sx *out)
{
    return SYS(SYS_statx, dirfd, path, flags, 0x7ffu, out);
}

static void statx_flags(void)
{
    struct sx a, b;
    struct stat st;
    T_OK("statx AT_SYMLINK_NOFOLLOW on a symlink", sx(AT_FDCWD, "lnk", AT_SYMLINK_NOFOLLOW, &a), 0);
    T_EQ("statx AT_SYMLINK_NOFOLLOW reports the link itself", a.stx_mode & S_IFMT, S_IFLNK);
    T_OK("statx without AT_SYMLINK_NOFOLLOW follows it", sx(AT_FDCWD, "lnk", 0, &b), 0);
    T_EQ("statx (followed) reports the file", b.stx_mode & S_IFMT, S_IFREG);
    T_OK("statx AT_STATX_FORCE_SYNC", sx(AT_FDCWD, "f", AT_STATX_FORCE_SYNC, &a), 0);
    T_EQ("statx AT_STATX_FORCE_SYNC gives the file's size", a.stx_size, 5);
    T_OK("statx AT_STATX_SYNC_AS_STAT", sx(AT_FDCWD, "f", AT_STATX_SYNC_AS_STAT, &b), 0);
    T_TRUE("statx AT_STATX_SYNC_AS_STAT agrees with FORCE_SYNC", a.stx_ino == b.stx_ino && b.stx_size == 5);
    T_ERR("statx with both AT_STATX_FORCE_SYNC and AT_STATX_DONT_SYNC", sx(AT_FDCWD, "f", 0x6000, &a), EINVAL);
    T_OK("statx AT_NO_AUTOMOUNT on a plain directory", sx(AT_FDCWD, "d", AT_NO_AUTOMOUNT, &a), 0);
    T_EQ("statx AT_NO_AUTOMOUNT reports the directory", a.stx_mode & S_IFMT, S_IFDIR);
    T_OK("newfstatat AT_NO_AUTOMOUNT on a plain directory", fstatat(AT_FDCWD, "d", &st, AT_NO_AUTOMOUNT), 0);
    T_EQ("newfstatat AT_NO_AUTOMOUNT reports the directory", st.st_mode & S_IFMT, S_IFDIR);
}

static void path_errors(void)
{
    struct stat st;
    struct sx x;
    char longname[300], buf[64];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    T_ERR("stat through a symlink loop", stat("loop1", &st), ELOOP);
    T_ERR("newfstatat through a symlink loop", fstatat(AT_FDCWD, "loop1/x", &st, AT_SYMLINK_NOFOLLOW), ELOOP);
    T_ERR("statx through a symlink loop", sx(AT_FDCWD, "loop1", 0, &x), ELOOP);
    T_ERR("statx of a name longer than NAME_MAX", sx(AT_FDCWD, longname, 0, &x), ENAMETOOLONG);
    T_ERR("statx through a regular file", sx(AT_FDCWD, "f/x", 0, &x), ENOTDIR);
    int fd = open("f", O_RDONLY);
    T_ERR("statx relative to a dirfd that is a file", sx(fd, "x", 0, &x), ENOTDIR);
    close(fd);
    T_ERR("readlink through a symlink loop", readlink("loop1/x", buf, sizeof buf), ELOOP);
}

/* As nobody: "closed" (0700, root's) cannot be searched. */
static void as_nobody(void)
{
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
    struct stat st;
    struct sx x;
    char buf[64];
    T_ERR("stat behind a directory without search permission", stat("closed/f", &st), EACCES);
    T_ERR("statx behind a directory without search permission", sx(AT_FDCWD, "closed/f", 0, &x), EACCES);
    T_ERR("readlink behind a directory without search permission", readlink("closed/l", buf, sizeof buf), EACCES);
    T_ERR("readlinkat behind a directory without search permission",
          readlinkat(AT_FDCWD, "closed/l", buf, sizeof buf), EACCES);
}

/* d_type of name in directory fd (read whole with getdents64), or -1 when absent. */
static int dtype_of(const char *dir, const char *name)
{
    char buf[4096];
    int fd = open(dir, O_RDONLY | O_DIRECTORY), type = -1;
    long n;
    while (fd >= 0 && (n = SYS(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long at = 0; at < n;) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            if (!strcmp(d->d_name, name))
                type = d->d_type;
            at += d->d_reclen;
        }
    close(fd);
    return type;
}

static void dtypes(void)
{
    mkdir("types", 0755);
    put_file("types/reg", "x", 1);
    mkdir("types/dir", 0755);
    symlink("reg", "types/lnk");
    mkfifo("types/fifo", 0644);
    mknod("types/chr", S_IFCHR | 0644, makedev(1, 3));
    mknod("types/blk", S_IFBLK | 0644, makedev(7, 200));
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "types/sock");
    bind(s, (struct sockaddr *)&a, sizeof a);
    close(s);
    T_EQ("getdents64 d_type of a regular file: DT_REG", dtype_of("types", "reg"), DT_REG);
    T_EQ("getdents64 d_type of a directory: DT_DIR", dtype_of("types", "dir"), DT_DIR);
    T_EQ("getdents64 d_type of a symlink: DT_LNK", dtype_of("types", "lnk"), DT_LNK);
    T_EQ("getdents64 d_type of a FIFO: DT_FIFO", dtype_of("types", "fifo"), DT_FIFO);
    T_EQ("getdents64 d_type of a character device: DT_CHR", dtype_of("types", "chr"), DT_CHR);
    T_EQ("getdents64 d_type of a block device: DT_BLK", dtype_of("types", "blk"), DT_BLK);
    T_EQ("getdents64 d_type of a socket: DT_SOCK", dtype_of("types", "sock"), DT_SOCK);
}

/* Device nodes made by mknod open their driver by number; a number without one is ENXIO (ENODEV in the misc
 * major, whose driver is there but not the minor's). */
static void device_nodes(void)
{
    struct stat st;
    T_OK("mknod a character device 1:3", mknod("null2", S_IFCHR | 0666, makedev(1, 3)), 0);
    T_OK("stat of the node made by mknod", stat("null2", &st), 0);
    T_TRUE("mknod made a character device 1:3", S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
    int fd = open("null2", O_RDWR);
    T_TRUE("open of a character device 1:3 made by mknod", fd >= 0);
    T_OK("write to the node made by mknod goes to the null device", write(fd, "abc", 3), 3);
    char c;
    T_OK("read from the node made by mknod: end of file", read(fd, &c, 1), 0);
    close(fd);
    mknod("nodev", S_IFCHR | 0644, makedev(1, 200));
    T_ERR("open of a character device number without a driver", open("nodev", O_RDONLY), ENXIO);
    /* the misc major's own open finds no device of that minor: ENODEV (10:99 is no misc device on Linux) */
    mknod("nomisc", S_IFCHR | 0644, makedev(10, 99));
    T_ERR("open of a misc character device minor without a driver", open("nomisc", O_RDONLY), ENODEV);
}

static void direct_io(void)
{
    static char page[4096] __attribute__((aligned(4096)));
    memset(page, 'd', sizeof page);
    int fd = open("direct", O_CREAT | O_RDWR | O_DIRECT, 0644);
    T_TRUE("open O_DIRECT on a regular file", fd >= 0);
    T_TRUE("open O_DIRECT: F_GETFL shows it", (fcntl(fd, F_GETFL) & O_DIRECT) != 0);
    T_OK("write of an aligned page to an O_DIRECT file", write(fd, page, sizeof page), 4096);
    memset(page, 0, sizeof page);
    T_OK("pread64 of an aligned page from an O_DIRECT file", pread(fd, page, sizeof page, 0), 4096);
    T_EQ("pread64 from an O_DIRECT file reads back what was written", page[4095], 'd');
    close(fd);
}

static void nowait(void)
{
    int p[2];
    char c = 'x';
    struct iovec iv = { &c, 1 };
    pipe(p);
    T_ERR("preadv2 RWF_NOWAIT on an empty pipe", SYS(SYS_preadv2, p[0], &iv, 1, -1L, 0L, RWF_NOWAIT), EAGAIN);
    write(p[1], "y", 1);
    T_OK("preadv2 RWF_NOWAIT with data waiting", SYS(SYS_preadv2, p[0], &iv, 1, -1L, 0L, RWF_NOWAIT), 1);
    T_ERR("preadv2 RWF_NOWAIT at an offset of a pipe", SYS(SYS_preadv2, p[0], &iv, 1, 0L, 0L, RWF_NOWAIT), ESPIPE);
    close(p[0]);
    close(p[1]);
    int fd = open("f", O_RDONLY);
    T_OK("preadv2 RWF_NOWAIT on a regular file", SYS(SYS_preadv2, fd, &iv, 1, 0L, 0L, RWF_NOWAIT), 1);
    close(fd);
    fd = open("/proc/self/status", O_RDONLY);
    T_ERR("preadv2 RWF_NOWAIT on a /proc file", SYS(SYS_preadv2, fd, &iv, 1, -1L, 0L, RWF_NOWAIT), EOPNOTSUPP);
    close(fd);
}

static void dup_limit(void)
{
    struct rlimit old, low;
    getrlimit(RLIMIT_NOFILE, &old);
    low = old;
    low.rlim_cur = 16;
    setrlimit(RLIMIT_NOFILE, &low);
    int fds[16], n = 0, last;
    while ((last = dup(0)) >= 0 && n < 16)
        fds[n++] = last;
    T_ERR("dup with every descriptor under RLIMIT_NOFILE in use", dup(0), EMFILE);
    while (n > 0)
        close(fds[--n]);
    setrlimit(RLIMIT_NOFILE, &old);
    T_TRUE("dup works again under the old limit", (last = dup(0)) >= 0);
    close(last);
}

static void misc_errors(void)
{
    T_ERR("open O_TMPFILE in /proc (no tmpfile support)", open("/proc", O_TMPFILE | O_RDWR, 0600), EOPNOTSUPP);
    int m = (int)SYS(SYS_memfd_create, "sealed", 2 /* MFD_ALLOW_SEALING */);
    write(m, "abc", 3);
    fcntl(m, F_ADD_SEALS, F_SEAL_WRITE);
    T_ERR("pwrite64 to a write-sealed memfd", pwrite(m, "z", 1, 0), EPERM);
    close(m);
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* One 50 ms interval timer; the handler has no SA_RESTART, so a blocked call ends with EINTR. */
static void arm(void)
{
    struct itimerval it = { { 0, 0 }, { 0, 50000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void interrupted(void)
{
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    mkfifo("fifo", 0644);
    arm();
    T_ERR("open of a FIFO with no writer, interrupted", open("fifo", O_RDONLY), EINTR);
    int p[2];
    pipe(p);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    char buf[4096];
    memset(buf, 'p', sizeof buf);
    while (write(p[1], buf, sizeof buf) > 0)
        ;
    while (write(p[1], buf, 1) > 0)
        ;
    fcntl(p[1], F_SETFL, 0);
    arm();
    T_ERR("write to a full pipe, interrupted", write(p[1], buf, 1), EINTR);
    close(p[0]);
    close(p[1]);
    signal(SIGALRM, SIG_DFL);
}

int main(void)
{
    tap_scratch("fileedge");
    umask(022);
    put_file("f", "hello", 5);
    symlink("f", "lnk");
    symlink("loop2", "loop1");
    symlink("loop1", "loop2");
    mkdir("d", 0755);
    mkdir("closed", 0700);
    put_file("closed/f", "x", 1);
    symlink("f", "closed/l");
    statx_flags();
    path_errors();
    tap_in_child(as_nobody);
    dtypes();
    device_nodes();
    direct_io();
    nowait();
    dup_limit();
    misc_errors();
    interrupted();
    tap_finish_dir();
    return tap_done();
}
