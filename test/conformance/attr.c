/* test/conformance/attr.c — what stat reports and how to change it: chmod/fchmod/fchmodat,
 * chown/lchown/fchown/fchownat, utimensat, truncate/ftruncate; hard and symbolic links (link, linkat,
 * symlink, symlinkat, readlink, readlinkat); fsync, fdatasync, syncfs, sync; extended attributes.
 * skiff stores no xattrs; the host's filesystem may, so the checks use only what every Linux filesystem
 * answers alike: a user.* attribute that was never set is ENODATA, a name without a known namespace prefix
 * is EOPNOTSUPP, and a new file lists none. Runs as root: ownership changes need no privileges. */
/* covers: chmod fchmod fchmodat chown lchown fchown fchownat utimensat truncate ftruncate link linkat symlink symlinkat readlink readlinkat fsync fdatasync syncfs sync getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr setxattr lsetxattr fsetxattr removexattr lremovexattr fremovexattr */
#include "tap.h"
#include <stdint.h>
#include <sys/xattr.h>

#define UTIME_NOW_ ((1l << 30) - 1)
#define UTIME_OMIT_ ((1l << 30) - 2)

static long mode_of(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -1 : (long)(st.st_mode & 07777);
}

int main(void)
{
    tap_scratch("attr");
    put_file("f", "0123456789", 10);
    mkdir("d", 0755);
    struct stat st;
    char buf[256];

    /* chmod family */
    T_OK("chmod 0600", SYS(SYS_chmod, "f", 0600), 0);
    T_EQ("chmod: stat shows 0600", mode_of("f"), 0600);
    T_OK("chmod keeps only 07777", SYS(SYS_chmod, "f", 0170644), 0);
    T_EQ("chmod: the file type is untouched", mode_of("f"), 0644);
    T_ERR("chmod a missing file", SYS(SYS_chmod, "missing", 0644), ENOENT);
    T_ERR("chmod through a file", SYS(SYS_chmod, "f/x", 0644), ENOTDIR);
    T_ERR("chmod path at a kernel address", SYS(SYS_chmod, KADDR, 0644), EFAULT);
    int fd = open("f", O_RDWR);
    T_OK("fchmod 0640", SYS(SYS_fchmod, fd, 0640), 0);
    T_EQ("fchmod: stat shows 0640", mode_of("f"), 0640);
    T_ERR("fchmod a closed fd", SYS(SYS_fchmod, 999, 0644), EBADF);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    put_file("d/g", "", 0);
    T_OK("fchmodat relative to a directory fd", SYS(SYS_fchmodat, dfd, "g", 0604), 0);
    T_EQ("fchmodat: stat shows 0604", mode_of("d/g"), 0604);
    T_OK("fchmodat AT_FDCWD", SYS(SYS_fchmodat, AT_FDCWD, "f", 0644), 0);
    T_ERR("fchmodat a missing file", SYS(SYS_fchmodat, dfd, "missing", 0644), ENOENT);
    T_ERR("fchmodat a closed dirfd", SYS(SYS_fchmodat, 999, "g", 0644), EBADF);
    T_ERR("fchmodat relative to a file fd", SYS(SYS_fchmodat, fd, "g", 0644), ENOTDIR);
    T_ERR("fchmodat empty path", SYS(SYS_fchmodat, dfd, "", 0644), ENOENT);

    /* chown family */
    symlink("f", "lnk");
    T_OK("chown to 1234:5678", SYS(SYS_chown, "f", 1234, 5678), 0);
    stat("f", &st);
    T_TRUE("chown: stat shows 1234:5678", st.st_uid == 1234 && st.st_gid == 5678);
    T_OK("chown -1 -1 changes nothing", SYS(SYS_chown, "f", -1, -1), 0);
    stat("f", &st);
    T_TRUE("chown -1 -1: still 1234:5678", st.st_uid == 1234 && st.st_gid == 5678);
    T_OK("chown through a symlink", SYS(SYS_chown, "lnk", 0, -1), 0);
    stat("f", &st);
    T_TRUE("chown through a symlink: the target changed", st.st_uid == 0 && st.st_gid == 5678);
    T_ERR("chown a missing file", SYS(SYS_chown, "missing", 0, 0), ENOENT);
    T_ERR("chown path at a kernel address", SYS(SYS_chown, KADDR, 0, 0), EFAULT);
    T_OK("lchown the symlink", SYS(SYS_lchown, "lnk", 42, 43), 0);
    lstat("lnk", &st);
    T_TRUE("lchown: the link is 42:43", st.st_uid == 42 && st.st_gid == 43);
    stat("f", &st);
    T_TRUE("lchown: the target is untouched", st.st_uid == 0 && st.st_gid == 5678);
    T_ERR("lchown a missing file", SYS(SYS_lchown, "missing", 0, 0), ENOENT);
    T_OK("fchown", SYS(SYS_fchown, fd, 7, 8), 0);
    fstat(fd, &st);
    T_TRUE("fchown: fstat shows 7:8", st.st_uid == 7 && st.st_gid == 8);
    T_ERR("fchown a closed fd", SYS(SYS_fchown, 999, 0, 0), EBADF);
    T_OK("fchownat relative to a directory fd", SYS(SYS_fchownat, dfd, "g", 9, 10, 0), 0);
    stat("d/g", &st);
    T_TRUE("fchownat: stat shows 9:10", st.st_uid == 9 && st.st_gid == 10);
    T_OK("fchownat AT_SYMLINK_NOFOLLOW changes the link", SYS(SYS_fchownat, AT_FDCWD, "lnk", 11, 12,
         AT_SYMLINK_NOFOLLOW), 0);
    lstat("lnk", &st);
    T_TRUE("fchownat AT_SYMLINK_NOFOLLOW: the link is 11:12", st.st_uid == 11 && st.st_gid == 12);
    T_OK("fchownat AT_EMPTY_PATH on a file fd", SYS(SYS_fchownat, fd, "", 0, 0, AT_EMPTY_PATH), 0);
    fstat(fd, &st);
    T_TRUE("fchownat AT_EMPTY_PATH: the fd's file is 0:0", st.st_uid == 0 && st.st_gid == 0);
    T_ERR("fchownat empty path without AT_EMPTY_PATH", SYS(SYS_fchownat, fd, "", 0, 0, 0), ENOENT);
    T_ERR("fchownat unknown flag", SYS(SYS_fchownat, AT_FDCWD, "f", 0, 0, 1), EINVAL);
    T_ERR("fchownat a closed dirfd", SYS(SYS_fchownat, 999, "g", 0, 0, 0), EBADF);

    /* utimensat */
    struct timespec ts[2] = { { 1000, 500 }, { 2000, 600 } };
    T_OK("utimensat explicit times", SYS(SYS_utimensat, AT_FDCWD, "f", ts, 0), 0);
    stat("f", &st);
    T_TRUE("utimensat: atime 1000.000000500", st.st_atim.tv_sec == 1000 && st.st_atim.tv_nsec == 500);
    T_TRUE("utimensat: mtime 2000.000000600", st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 600);
    struct timespec omit[2] = { { 0, UTIME_OMIT_ }, { 3000, 0 } };
    T_OK("utimensat UTIME_OMIT for atime", SYS(SYS_utimensat, AT_FDCWD, "f", omit, 0), 0);
    stat("f", &st);
    T_TRUE("utimensat UTIME_OMIT: atime kept, mtime set", st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 3000);
    T_OK("utimensat NULL times: now", SYS(SYS_utimensat, AT_FDCWD, "f", NULL, 0), 0);
    stat("f", &st);
    T_TRUE("utimensat NULL times: mtime is recent", st.st_mtim.tv_sec > 1000000000);
    T_OK("utimensat on a fd with a NULL path (futimens)", SYS(SYS_utimensat, fd, NULL, ts, 0), 0);
    fstat(fd, &st);
    T_EQ("utimensat futimens: mtime", st.st_mtim.tv_sec, 2000);
    struct timespec badns[2] = { { 0, 1000000000 }, { 0, 0 } };
    T_ERR("utimensat tv_nsec 1e9", SYS(SYS_utimensat, AT_FDCWD, "f", badns, 0), EINVAL);
    T_ERR("utimensat unknown flag", SYS(SYS_utimensat, AT_FDCWD, "f", ts, 1), EINVAL);
    T_ERR("utimensat a missing file", SYS(SYS_utimensat, AT_FDCWD, "missing", ts, 0), ENOENT);
    T_ERR("utimensat times at a kernel address", SYS(SYS_utimensat, AT_FDCWD, "f", KADDR, 0), EFAULT);
    T_ERR("utimensat a closed fd with a NULL path", SYS(SYS_utimensat, 999, NULL, ts, 0), EBADF);

    /* truncate, ftruncate */
    T_OK("truncate to 4", SYS(SYS_truncate, "f", 4), 0);
    T_EQ("truncate: the size is 4", file_size("f"), 4);
    T_OK("truncate to 8192: grows", SYS(SYS_truncate, "f", 8192), 0);
    T_EQ("truncate: the size is 8192", file_size("f"), 8192);
    memset(buf, 'x', sizeof buf);
    pread(fd, buf, 8, 4);
    T_TRUE("truncate: the grown part reads as zeros", !memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
    T_ERR("truncate negative length", SYS(SYS_truncate, "f", -1L), EINVAL);
    T_ERR("truncate a missing file", SYS(SYS_truncate, "missing", 0), ENOENT);
    T_ERR("truncate a directory", SYS(SYS_truncate, "d", 0), EISDIR);
    T_ERR("truncate path at a kernel address", SYS(SYS_truncate, KADDR, 0), EFAULT);
    T_OK("ftruncate to 3", SYS(SYS_ftruncate, fd, 3), 0);
    T_EQ("ftruncate: the size is 3", file_size("f"), 3);
    T_ERR("ftruncate negative length", SYS(SYS_ftruncate, fd, -1L), EINVAL);
    int ro = open("f", O_RDONLY);
    T_ERR("ftruncate an O_RDONLY fd", SYS(SYS_ftruncate, ro, 0), EINVAL);
    T_ERR("ftruncate a directory fd", SYS(SYS_ftruncate, dfd, 0), EINVAL);
    T_ERR("ftruncate a closed fd", SYS(SYS_ftruncate, 999, 0), EBADF);

    /* fsync and friends */
    T_OK("fsync a file", SYS(SYS_fsync, fd), 0);
    T_OK("fsync a read-only fd", SYS(SYS_fsync, ro), 0);
    T_ERR("fsync a closed fd", SYS(SYS_fsync, 999), EBADF);
    T_OK("fdatasync a file", SYS(SYS_fdatasync, fd), 0);
    T_ERR("fdatasync a closed fd", SYS(SYS_fdatasync, 999), EBADF);
    T_OK("syncfs", SYS(SYS_syncfs, fd), 0);
    T_ERR("syncfs a closed fd", SYS(SYS_syncfs, 999), EBADF);
    T_OK("sync", SYS(SYS_sync), 0);

    /* link, linkat */
    T_OK("link", SYS(SYS_link, "f", "hard"), 0);
    stat("f", &st);
    T_EQ("link: nlink is 2", st.st_nlink, 2);
    struct stat st2;
    stat("hard", &st2);
    T_TRUE("link: both names are one inode", st.st_ino == st2.st_ino);
    T_ERR("link onto an existing name", SYS(SYS_link, "f", "hard"), EEXIST);
    T_ERR("link a missing file", SYS(SYS_link, "missing", "x"), ENOENT);
    T_ERR("link a directory", SYS(SYS_link, "d", "dd"), EPERM);
    T_ERR("link into a missing directory", SYS(SYS_link, "f", "nodir/x"), ENOENT);
    T_OK("linkat across directory fds", SYS(SYS_linkat, AT_FDCWD, "f", dfd, "hard2", 0), 0);
    stat("f", &st);
    T_EQ("linkat: nlink is 3", st.st_nlink, 3);
    T_OK("linkat a symlink itself (no AT_SYMLINK_FOLLOW)", SYS(SYS_linkat, AT_FDCWD, "lnk", AT_FDCWD, "lnk2", 0), 0);
    lstat("lnk2", &st);
    T_TRUE("linkat: the new name is the symlink", S_ISLNK(st.st_mode));
    T_OK("linkat AT_SYMLINK_FOLLOW links the target", SYS(SYS_linkat, AT_FDCWD, "lnk", AT_FDCWD, "lnk3",
         AT_SYMLINK_FOLLOW), 0);
    lstat("lnk3", &st);
    T_TRUE("linkat AT_SYMLINK_FOLLOW: the new name is a regular file", S_ISREG(st.st_mode));
    T_ERR("linkat unknown flag", SYS(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, "x", 1), EINVAL);
    T_ERR("linkat a closed dirfd", SYS(SYS_linkat, 999, "f", AT_FDCWD, "x", 0), EBADF);
    T_ERR("linkat empty path without AT_EMPTY_PATH", SYS(SYS_linkat, fd, "", AT_FDCWD, "x", 0), ENOENT);

    /* symlink, symlinkat, readlink, readlinkat */
    T_OK("symlink to a missing target", SYS(SYS_symlink, "no/such/target", "dangling"), 0);
    lstat("dangling", &st);
    T_TRUE("symlink: lstat sees a link of the target's length", S_ISLNK(st.st_mode) && st.st_size == 14);
    T_ERR("symlink: stat through it", stat("dangling", &st), ENOENT);
    T_ERR("symlink onto an existing name", SYS(SYS_symlink, "x", "f"), EEXIST);
    T_ERR("symlink empty target", SYS(SYS_symlink, "", "e"), ENOENT);
    T_ERR("symlink in a missing directory", SYS(SYS_symlink, "x", "nodir/e"), ENOENT);
    T_ERR("symlink target at a kernel address", SYS(SYS_symlink, KADDR, "e"), EFAULT);
    T_OK("symlinkat relative to a directory fd", SYS(SYS_symlinkat, "../f", dfd, "up"), 0);
    T_EQ("symlinkat: the link resolves", file_size("d/up"), 3);
    T_ERR("symlinkat a closed dirfd", SYS(SYS_symlinkat, "x", 999, "e"), EBADF);
    T_ERR("symlinkat onto an existing name", SYS(SYS_symlinkat, "x", dfd, "g"), EEXIST);
    memset(buf, 0, sizeof buf);
    T_OK("readlink a symlink", SYS(SYS_readlink, "dangling", buf, sizeof buf), 14);
    T_TRUE("readlink: the target, not NUL-terminated", !memcmp(buf, "no/such/target", 14) && buf[14] == 0);
    memset(buf, 0, sizeof buf);
    T_OK("readlink into a short buffer truncates", SYS(SYS_readlink, "dangling", buf, 5), 5);
    T_TRUE("readlink short: the first 5 bytes", !memcmp(buf, "no/su", 5) && buf[5] == 0);
    T_ERR("readlink a regular file", SYS(SYS_readlink, "f", buf, sizeof buf), EINVAL);
    T_ERR("readlink a missing file", SYS(SYS_readlink, "missing", buf, sizeof buf), ENOENT);
    T_ERR("readlink into a kernel address", SYS(SYS_readlink, "dangling", KADDR, 64), EFAULT);
    T_OK("readlinkat relative to a directory fd", SYS(SYS_readlinkat, dfd, "up", buf, sizeof buf), 4);
    T_TRUE("readlinkat: the target", !memcmp(buf, "../f", 4));
    T_ERR("readlinkat a closed dirfd", SYS(SYS_readlinkat, 999, "up", buf, sizeof buf), EBADF);
    T_ERR("readlinkat bufsiz 0", SYS(SYS_readlinkat, dfd, "up", buf, 0), EINVAL);

    /* extended attributes */
    T_ERR("getxattr an attribute never set", SYS(SYS_getxattr, "f", "user.skiff", buf, sizeof buf), ENODATA);
    T_ERR("getxattr a missing file", SYS(SYS_getxattr, "missing", "user.skiff", buf, sizeof buf), ENOENT);
    T_ERR("lgetxattr an attribute never set", SYS(SYS_lgetxattr, "f", "user.skiff", buf, sizeof buf), ENODATA);
    T_ERR("lgetxattr a missing file", SYS(SYS_lgetxattr, "missing", "user.skiff", buf, sizeof buf), ENOENT);
    T_ERR("fgetxattr an attribute never set", SYS(SYS_fgetxattr, fd, "user.skiff", buf, sizeof buf), ENODATA);
    T_ERR("fgetxattr a closed fd", SYS(SYS_fgetxattr, 999, "user.skiff", buf, sizeof buf), EBADF);
    put_file("new", "", 0);
    int nfd = open("new", O_RDONLY);
    T_OK("listxattr a new file: none", SYS(SYS_listxattr, "new", buf, sizeof buf), 0);
    T_ERR("listxattr a missing file", SYS(SYS_listxattr, "missing", buf, sizeof buf), ENOENT);
    T_OK("llistxattr a new file: none", SYS(SYS_llistxattr, "new", buf, sizeof buf), 0);
    T_ERR("llistxattr a missing file", SYS(SYS_llistxattr, "missing", buf, sizeof buf), ENOENT);
    T_OK("flistxattr a new file: none", SYS(SYS_flistxattr, nfd, buf, sizeof buf), 0);
    T_ERR("flistxattr a closed fd", SYS(SYS_flistxattr, 999, buf, sizeof buf), EBADF);
    T_ERR("setxattr an unknown namespace", SYS(SYS_setxattr, "f", "skiff.x", "v", 1, 0), EOPNOTSUPP);
    T_ERR("setxattr a missing file", SYS(SYS_setxattr, "missing", "user.skiff", "v", 1, 0), ENOENT);
    T_ERR("lsetxattr an unknown namespace", SYS(SYS_lsetxattr, "f", "skiff.x", "v", 1, 0), EOPNOTSUPP);
    T_ERR("lsetxattr a missing file", SYS(SYS_lsetxattr, "missing", "user.skiff", "v", 1, 0), ENOENT);
    T_ERR("fsetxattr an unknown namespace", SYS(SYS_fsetxattr, fd, "skiff.x", "v", 1, 0), EOPNOTSUPP);
    T_ERR("fsetxattr a closed fd", SYS(SYS_fsetxattr, 999, "user.skiff", "v", 1, 0), EBADF);
    T_ERR("removexattr an attribute never set", SYS(SYS_removexattr, "f", "user.skiff"), ENODATA);
    T_ERR("removexattr a missing file", SYS(SYS_removexattr, "missing", "user.skiff"), ENOENT);
    T_ERR("lremovexattr an attribute never set", SYS(SYS_lremovexattr, "f", "user.skiff"), ENODATA);
    T_ERR("lremovexattr a missing file", SYS(SYS_lremovexattr, "missing", "user.skiff"), ENOENT);
    T_ERR("fremovexattr an attribute never set", SYS(SYS_fremovexattr, fd, "user.skiff"), ENODATA);
    T_ERR("fremovexattr a closed fd", SYS(SYS_fremovexattr, 999, "user.skiff"), EBADF);

    close(nfd);
    close(ro);
    close(fd);
    close(dfd);
    tap_finish_dir();
    return tap_done();
}
