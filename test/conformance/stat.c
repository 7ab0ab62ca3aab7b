/* test/conformance/stat.c — stat, fstat, lstat, newfstatat, statx, access, faccessat, faccessat2.
 * Device numbers, inode numbers, block sizes and directory sizes depend on the filesystem: only their
 * consistency between calls is checked. */
/* covers: stat fstat lstat newfstatat statx access faccessat faccessat2 */
#include "tap.h"
#include "tap_abi.h"
#include <stdint.h>
#define STATX_BASIC_STATS_ 0x7ffu
#include <sys/sysmacros.h>

#ifndef AT_STATX_FORCE_SYNC
#define AT_STATX_FORCE_SYNC 0x2000
#define AT_STATX_DONT_SYNC 0x4000
#endif

static int same(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_mode == b->st_mode &&
           a->st_nlink == b->st_nlink && a->st_size == b->st_size && a->st_uid == b->st_uid;
}

int main(void)
{
    tap_scratch("stat");
    umask(022);
    char data[5000];
    memset(data, 'x', sizeof data);
    put_file("f", data, PAGE + 1);
    chmod("f", 0640);
    mkdir("d", 0751);
    mkdir("d/sub", 0700);

    struct stat st, st2;
    memset(&st, 0xa5, sizeof st);
    T_OK("stat a regular file", SYS(SYS_stat, "f", &st), 0);
    T_TRUE("stat file: S_IFREG", S_ISREG(st.st_mode));
    T_EQ("stat file: permission bits", st.st_mode & 07777, 0640);
    T_EQ("stat file: size", st.st_size, PAGE + 1);
    T_EQ("stat file: nlink", st.st_nlink, 1);
    T_EQ("stat file: uid", st.st_uid, getuid());
    T_EQ("stat file: gid", st.st_gid, getgid());
    T_TRUE("stat file: ino nonzero", st.st_ino != 0);
    T_TRUE("stat file: blksize positive", st.st_blksize > 0);
    T_EQ("stat file: rdev 0", st.st_rdev, 0);
    T_TRUE("stat file: mtime sane", st.st_mtim.tv_sec > 1500000000 && st.st_mtim.tv_nsec >= 0 &&
           st.st_mtim.tv_nsec < 1000000000);
    T_OK("stat a directory", SYS(SYS_stat, "d", &st2), 0);
    T_TRUE("stat directory: S_IFDIR", S_ISDIR(st2.st_mode));
    T_EQ("stat directory: permission bits", st2.st_mode & 07777, 0751);
    T_EQ("stat directory: nlink 2 + subdirectories", st2.st_nlink, 3);
    T_TRUE("stat directory: a different inode", st2.st_ino != st.st_ino && st2.st_dev == st.st_dev);
    T_OK("stat /", SYS(SYS_stat, "/", &st2), 0);
    T_TRUE("stat /: a directory", S_ISDIR(st2.st_mode));
    T_OK("stat with dot components", SYS(SYS_stat, "./d/../f", &st2), 0);
    T_TRUE("stat with dot components: same file", same(&st, &st2));
    T_ERR("stat missing", SYS(SYS_stat, "nope", &st), ENOENT);
    T_ERR("stat empty path", SYS(SYS_stat, "", &st), ENOENT);
    T_ERR("stat file/child", SYS(SYS_stat, "f/x", &st), ENOTDIR);
    T_ERR("stat file with trailing slash", SYS(SYS_stat, "f/", &st), ENOTDIR);
    T_ERR("stat NULL path", SYS(SYS_stat, NULL, &st), EFAULT);
    T_ERR("stat kernel-address path", SYS(SYS_stat, KADDR, &st), EFAULT);
    T_ERR("stat into NULL", SYS(SYS_stat, "f", NULL), EFAULT);
    T_ERR("stat into kernel address", SYS(SYS_stat, "f", KADDR), EFAULT);
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = 0;
    T_ERR("stat 256-byte component", SYS(SYS_stat, longname, &st), ENAMETOOLONG);
    longname[255] = 0;
    T_ERR("stat 255-byte missing component", SYS(SYS_stat, longname, &st), ENOENT);

    T_OK("lstat a regular file", SYS(SYS_lstat, "f", &st2), 0);
    T_TRUE("lstat file: same as stat", same(&st, &st2));
    T_ERR("lstat missing", SYS(SYS_lstat, "nope", &st2), ENOENT);
    T_ERR("lstat into kernel address", SYS(SYS_lstat, "f", KADDR), EFAULT);
    T_ERR("lstat NULL path", SYS(SYS_lstat, NULL, &st2), EFAULT);

    int fd = open("f", O_RDONLY);
    T_OK("fstat an open file", SYS(SYS_fstat, fd, &st2), 0);
    T_TRUE("fstat: same as stat", same(&st, &st2));
    T_ERR("fstat bad fd", SYS(SYS_fstat, 999, &st2), EBADF);
    T_ERR("fstat fd -1", SYS(SYS_fstat, -1, &st2), EBADF);
    T_ERR("fstat into kernel address", SYS(SYS_fstat, fd, KADDR), EFAULT);
    T_ERR("fstat into NULL", SYS(SYS_fstat, fd, NULL), EFAULT);
    write(open("f", O_WRONLY | O_APPEND), "yy", 2);
    SYS(SYS_fstat, fd, &st2);
    T_EQ("fstat sees a size change made through another fd", st2.st_size, PAGE + 3);
    int pfd = open("f", O_PATH);
    T_OK("fstat an O_PATH fd", SYS(SYS_fstat, pfd, &st2), 0);
    T_EQ("fstat O_PATH: size", st2.st_size, PAGE + 3);

    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    T_OK("newfstatat relative to dirfd", SYS(SYS_newfstatat, dfd, "sub", &st2, 0), 0);
    T_TRUE("newfstatat: the subdirectory", S_ISDIR(st2.st_mode) && (st2.st_mode & 07777) == 0700);
    T_OK("newfstatat AT_FDCWD", SYS(SYS_newfstatat, AT_FDCWD, "f", &st2, 0), 0);
    T_EQ("newfstatat AT_FDCWD: size", st2.st_size, PAGE + 3);
    T_OK("newfstatat AT_EMPTY_PATH on a file fd", SYS(SYS_newfstatat, fd, "", &st2, AT_EMPTY_PATH), 0);
    T_EQ("newfstatat AT_EMPTY_PATH: the fd's file", st2.st_ino, st.st_ino);
    T_OK("newfstatat AT_SYMLINK_NOFOLLOW", SYS(SYS_newfstatat, AT_FDCWD, "f", &st2, AT_SYMLINK_NOFOLLOW), 0);
    T_ERR("newfstatat empty path without AT_EMPTY_PATH", SYS(SYS_newfstatat, fd, "", &st2, 0), ENOENT);
    T_ERR("newfstatat AT_EMPTY_PATH bad fd", SYS(SYS_newfstatat, 999, "", &st2, AT_EMPTY_PATH), EBADF);
    T_ERR("newfstatat bad dirfd, relative path", SYS(SYS_newfstatat, 999, "f", &st2, 0), EBADF);
    T_ERR("newfstatat file as dirfd", SYS(SYS_newfstatat, fd, "x", &st2, 0), ENOTDIR);
    T_ERR("newfstatat unknown flag", SYS(SYS_newfstatat, AT_FDCWD, "f", &st2, 0x1), EINVAL);
    T_ERR("newfstatat into kernel address", SYS(SYS_newfstatat, AT_FDCWD, "f", KADDR, 0), EFAULT);
    T_ERR("newfstatat missing", SYS(SYS_newfstatat, dfd, "nope", &st2, 0), ENOENT);

    struct sx sx;
    memset(&sx, 0xa5, sizeof sx);
    T_OK("statx a file", SYS(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS_, &sx), 0);
    T_EQ("statx: basic stats in the mask", sx.stx_mask & STATX_BASIC_STATS_, STATX_BASIC_STATS_);
    T_EQ("statx: size", sx.stx_size, PAGE + 3);
    T_EQ("statx: mode", sx.stx_mode, S_IFREG | 0640);
    T_EQ("statx: nlink", sx.stx_nlink, 1);
    T_EQ("statx: ino as stat", sx.stx_ino, st.st_ino);
    T_TRUE("statx: dev as stat", makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev);
    SYS(SYS_fstat, fd, &st2);
    T_TRUE("statx: mtime as fstat", sx.stx_mtime.tv_sec == st2.st_mtim.tv_sec &&
           sx.stx_mtime.tv_nsec == st2.st_mtim.tv_nsec);
    T_OK("statx AT_EMPTY_PATH on a fd", SYS(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS_, &sx), 0);
    T_EQ("statx AT_EMPTY_PATH: the fd's inode", sx.stx_ino, st.st_ino);
    T_OK("statx a directory relative to dirfd", SYS(SYS_statx, dfd, "sub", 0, STATX_BASIC_STATS_, &sx), 0);
    T_EQ("statx directory: mode", sx.stx_mode, S_IFDIR | 0700);
    T_OK("statx AT_STATX_DONT_SYNC", SYS(SYS_statx, AT_FDCWD, "f", AT_STATX_DONT_SYNC, STATX_BASIC_STATS_, &sx), 0);
    T_ERR("statx FORCE_SYNC|DONT_SYNC together",
          SYS(SYS_statx, AT_FDCWD, "f", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS_, &sx), EINVAL);
    T_ERR("statx reserved mask bit", SYS(SYS_statx, AT_FDCWD, "f", 0, 0x80000000u, &sx), EINVAL);
    T_ERR("statx unknown flag", SYS(SYS_statx, AT_FDCWD, "f", 0x1, STATX_BASIC_STATS_, &sx), EINVAL);
    T_ERR("statx missing", SYS(SYS_statx, AT_FDCWD, "nope", 0, STATX_BASIC_STATS_, &sx), ENOENT);
    T_ERR("statx bad dirfd", SYS(SYS_statx, 999, "f", 0, STATX_BASIC_STATS_, &sx), EBADF);
    T_ERR("statx into kernel address", SYS(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS_, KADDR), EFAULT);
    T_ERR("statx kernel-address path", SYS(SYS_statx, AT_FDCWD, KADDR, 0, STATX_BASIC_STATS_, &sx), EFAULT);

    T_OK("access F_OK existing", SYS(SYS_access, "f", F_OK), 0);
    T_OK("access R_OK|W_OK as root", SYS(SYS_access, "f", R_OK | W_OK), 0);
    T_ERR("access X_OK on a non-executable file as root", SYS(SYS_access, "f", X_OK), EACCES);
    chmod("f", 0650);
    T_OK("access X_OK on a group-executable file as root", SYS(SYS_access, "f", X_OK), 0);
    T_OK("access X_OK on a directory", SYS(SYS_access, "d", X_OK), 0);
    T_ERR("access missing", SYS(SYS_access, "nope", F_OK), ENOENT);
    T_ERR("access mode 8", SYS(SYS_access, "f", 8), EINVAL);
    T_ERR("access kernel-address path", SYS(SYS_access, KADDR, F_OK), EFAULT);
    T_ERR("access file/child", SYS(SYS_access, "f/x", F_OK), ENOTDIR);
    T_OK("faccessat relative to dirfd", SYS(SYS_faccessat, dfd, "sub", F_OK), 0);
    T_ERR("faccessat bad dirfd", SYS(SYS_faccessat, 999, "sub", F_OK), EBADF);
    T_ERR("faccessat missing", SYS(SYS_faccessat, dfd, "nope", F_OK), ENOENT);
    T_OK("faccessat2 AT_EACCESS", SYS(SYS_faccessat2, dfd, "sub", R_OK, AT_EACCESS), 0);
    T_OK("faccessat2 AT_EMPTY_PATH on a fd", SYS(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH), 0);
    T_ERR("faccessat2 unknown flag", SYS(SYS_faccessat2, dfd, "sub", F_OK, 0x1), EINVAL);
    T_ERR("faccessat2 mode 8", SYS(SYS_faccessat2, dfd, "sub", 8, 0), EINVAL);

    tap_finish_dir();
    return tap_done();
}
