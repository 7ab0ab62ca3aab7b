/* test/conformance/rofs.c — a read-only filesystem (a tmpfs filled, then remounted MS_RDONLY): every call
 * that would change it fails with EROFS, as each one's man page lists it (open for writing, creat, O_TRUNC,
 * truncate, mkdir, mknod, symlink, link, unlink, rmdir, rename, chmod, chown, utimensat, access W_OK,
 * setxattr), while reading, opening for reading and changing another filesystem still work; a remount
 * read-only while a file is open for writing is EBUSY; statfs reports ST_RDONLY and the other mount flags
 * (MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_NOATIME...), and MS_NOEXEC refuses execve and PROT_EXEC mappings. */
/* covers: open openat creat truncate ftruncate mkdir mkdirat mknod mknodat symlink symlinkat link linkat unlink unlinkat rmdir rename renameat renameat2 chmod fchmod fchmodat chown fchown lchown fchownat utimensat utime utimes access faccessat setxattr statfs fstatfs execve mount umount2 */
#include "tap.h"
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <utime.h>

static char mnt[512];
/* the f_flags bits the checks look at (ST_VALID and the rest are left out) */
#define FLAGS (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_SYNCHRONOUS | ST_NOATIME | ST_NODIRATIME | ST_RELATIME)

static void fill(void)
{
    if (mkdir("m", 0755) || mount("skifftest", "m", "tmpfs", 0, "mode=0755")) {
        printf("Bail out! cannot mount a tmpfs\n");
        exit(2);
    }
    snprintf(mnt, sizeof mnt, "%s/m", tap_dir);
    put_file("m/f", "data", 4);
    put_file("m/x", "#!/bin/sh\n", 10);
    chmod("m/x", 0755);
    mkdir("m/d", 0755);
    mkdir("m/e", 0755);
    symlink("f", "m/l");
}

static void test_busy(void)
{
    int fd = open("m/f", O_WRONLY);
    T_ERR("mount MS_REMOUNT|MS_RDONLY with a file open for writing", mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY,
                                                                          NULL), EBUSY);
    close(fd);
    fd = open("m/f", O_RDONLY);
    T_OK("mount MS_REMOUNT|MS_RDONLY with a file open for reading", mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY,
                                                                         NULL), 0);
    close(fd);
}

static void test_erofs(void)
{
    char buf[8];
    struct timespec ts[2] = { { 1, 0 }, { 2, 0 } };
    T_ERR("open O_WRONLY on a read-only filesystem", open("m/f", O_WRONLY), EROFS);
    T_ERR("open O_RDWR on a read-only filesystem", open("m/f", O_RDWR), EROFS);
    T_ERR("open O_RDONLY|O_TRUNC on a read-only filesystem", open("m/f", O_RDONLY | O_TRUNC), EROFS);
    T_ERR("open O_CREAT of a new name on a read-only filesystem", open("m/new", O_WRONLY | O_CREAT, 0644), EROFS);
    T_ERR("open O_CREAT|O_RDONLY of a new name on a read-only filesystem", open("m/new", O_RDONLY | O_CREAT, 0644),
          EROFS);
    T_ERR("creat on a read-only filesystem", creat("m/f", 0644), EROFS);
    T_ERR("openat O_WRONLY through a symlink on a read-only filesystem", openat(AT_FDCWD, "m/l", O_WRONLY), EROFS);
    int fd = open("m/f", O_RDONLY);
    T_TRUE("open O_RDONLY on a read-only filesystem", fd >= 0);
    T_OK("read on a read-only filesystem", read(fd, buf, sizeof buf), 4);
    T_ERR("ftruncate of a read-only fd", ftruncate(fd, 0), EINVAL);
    T_ERR("fchmod on a read-only filesystem", fchmod(fd, 0600), EROFS);
    T_ERR("fchown on a read-only filesystem", fchown(fd, 1, 1), EROFS);
    T_ERR("fsetxattr on a read-only filesystem", fsetxattr(fd, "user.k", "v", 1, 0), EROFS);
    close(fd);
    fd = open("m/d", O_RDONLY | O_DIRECTORY);
    T_TRUE("open a directory on a read-only filesystem", fd >= 0);
    T_ERR("mkdirat on a read-only filesystem", mkdirat(fd, "n", 0755), EROFS);
    T_ERR("unlinkat AT_REMOVEDIR on a read-only filesystem", unlinkat(AT_FDCWD, "m/e", AT_REMOVEDIR), EROFS);
    close(fd);
    T_ERR("truncate on a read-only filesystem", truncate("m/f", 0), EROFS);
    T_ERR("mkdir on a read-only filesystem", mkdir("m/n", 0755), EROFS);
    T_ERR("mkdir of an existing name on a read-only filesystem", mkdir("m/d", 0755), EEXIST);
    T_ERR("mknod S_IFIFO on a read-only filesystem", mknod("m/p", S_IFIFO | 0644, 0), EROFS);
    T_ERR("symlink on a read-only filesystem", symlink("f", "m/s"), EROFS);
    T_ERR("link on a read-only filesystem", link("m/f", "m/h"), EROFS);
    T_ERR("linkat on a read-only filesystem", linkat(AT_FDCWD, "m/f", AT_FDCWD, "m/h", 0), EROFS);
    T_ERR("unlink on a read-only filesystem", unlink("m/f"), EROFS);
    T_ERR("unlink of a missing name on a read-only filesystem", unlink("m/missing"), EROFS);
    T_ERR("rmdir on a read-only filesystem", rmdir("m/e"), EROFS);
    T_ERR("rename on a read-only filesystem", rename("m/f", "m/g"), EROFS);
    T_ERR("renameat2 RENAME_NOREPLACE on a read-only filesystem",
          SYS(SYS_renameat2, AT_FDCWD, "m/d", AT_FDCWD, "m/n", 1), EROFS);
    T_ERR("rename of a missing name on a read-only filesystem", rename("m/missing", "m/n"), EROFS);
    T_ERR("rmdir of a missing name on a read-only filesystem", rmdir("m/missing"), EROFS);
    T_ERR("chmod on a read-only filesystem", chmod("m/f", 0600), EROFS);
    T_ERR("fchmodat on a read-only filesystem", fchmodat(AT_FDCWD, "m/d", 0700, 0), EROFS);
    T_ERR("chown on a read-only filesystem", chown("m/f", 1, 1), EROFS);
    T_ERR("lchown on a read-only filesystem", lchown("m/l", 1, 1), EROFS);
    T_ERR("utimensat on a read-only filesystem", utimensat(AT_FDCWD, "m/f", ts, 0), EROFS);
    T_ERR("utimensat UTIME_NOW on a read-only filesystem", utimensat(AT_FDCWD, "m/f", NULL, 0), EROFS);
    T_ERR("utime on a read-only filesystem", utime("m/f", NULL), EROFS);
    T_ERR("utimes on a read-only filesystem", utimes("m/f", NULL), EROFS);
    T_ERR("access W_OK on a read-only filesystem", access("m/f", W_OK), EROFS);
    T_ERR("faccessat W_OK of a directory on a read-only filesystem", faccessat(AT_FDCWD, "m/d", W_OK, 0), EROFS);
    T_OK("access R_OK on a read-only filesystem", access("m/f", R_OK), 0);
    T_OK("access X_OK on a read-only filesystem", access("m/x", X_OK), 0);
    T_ERR("setxattr on a read-only filesystem", setxattr("m/f", "user.k", "v", 1, 0), EROFS);
    T_ERR("removexattr on a read-only filesystem", removexattr("m/f", "user.k"), EROFS);
    struct statfs sf;
    T_OK("statfs of a read-only filesystem", statfs("m", &sf), 0);
    T_TRUE("statfs ST_RDONLY in f_flags", (sf.f_flags & ST_RDONLY) != 0);
    struct statvfs sv;
    T_OK("statfs (statvfs) of a read-only filesystem", statvfs("m/f", &sv), 0);
    T_TRUE("statfs statvfs ST_RDONLY in f_flag", (sv.f_flag & ST_RDONLY) != 0);
    T_OK("mkdir on another filesystem still works", mkdir("other", 0755), 0);
}

static void test_flags(void)
{
    struct statfs sf;
    T_OK("mount MS_REMOUNT read-write with MS_NOSUID|MS_NODEV|MS_NOEXEC",
         mount(NULL, "m", NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), 0);
    T_OK("statfs after the remount", statfs("m/f", &sf), 0);
    T_TRUE("statfs ST_NOSUID ST_NODEV ST_NOEXEC, not ST_RDONLY",
           (sf.f_flags & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RDONLY)) == (ST_NOSUID | ST_NODEV | ST_NOEXEC));
    T_OK("open O_WRONLY after the remount read-write", close(open("m/f", O_WRONLY)), 0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        char *argv[] = { "x", NULL };
        execv("m/x", argv);
        _exit(errno);
    }
    int st = 0;
    waitpid(c, &st, 0);
    T_EQ("execve from a MS_NOEXEC filesystem -> EACCES", WIFEXITED(st) ? WEXITSTATUS(st) : -1, EACCES);
    T_ERR("access X_OK on a MS_NOEXEC filesystem", access("m/x", X_OK), EACCES);
    int fd = open("m/f", O_RDONLY);
    T_ERR("mmap PROT_EXEC of a file on a MS_NOEXEC filesystem", (long)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
                                                                           MAP_PRIVATE, fd, 0), EPERM);
    void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    T_TRUE("mmap PROT_READ of a file on a MS_NOEXEC filesystem", p != MAP_FAILED);
    T_ERR("mprotect PROT_EXEC of it", mprotect(p, 4096, PROT_READ | PROT_EXEC), EACCES);
    munmap(p, 4096);
    close(fd);
    T_OK("mount MS_REMOUNT with MS_NOATIME|MS_NODIRATIME", mount(NULL, "m", NULL, MS_REMOUNT | MS_NOATIME |
                                                                  MS_NODIRATIME, NULL), 0);
    statfs("m", &sf);
    T_TRUE("statfs ST_NOATIME ST_NODIRATIME, the others gone",
           (sf.f_flags & (ST_NOATIME | ST_NODIRATIME | ST_NOEXEC)) == (ST_NOATIME | ST_NODIRATIME));
    /* a remount that names no atime flag keeps the mount's atime setting; the others are replaced */
    T_OK("mount MS_REMOUNT with MS_SYNCHRONOUS", mount(NULL, "m", NULL, MS_REMOUNT | MS_SYNCHRONOUS, NULL), 0);
    statfs("m", &sf);
    T_EQ("statfs ST_SYNCHRONOUS, ST_NOATIME kept", sf.f_flags & FLAGS, ST_SYNCHRONOUS | ST_NOATIME | ST_NODIRATIME);
    T_OK("mount MS_REMOUNT with MS_RELATIME", mount(NULL, "m", NULL, MS_REMOUNT | MS_RELATIME, NULL), 0);
    statfs("m", &sf);
    T_EQ("statfs ST_RELATIME alone", sf.f_flags & FLAGS, ST_RELATIME);
    T_OK("mount MS_REMOUNT with no flags", mount(NULL, "m", NULL, MS_REMOUNT, NULL), 0);
    statfs("m", &sf);
    T_EQ("statfs ST_RELATIME kept", sf.f_flags & FLAGS, ST_RELATIME);
    T_OK("mount MS_REMOUNT with MS_STRICTATIME", mount(NULL, "m", NULL, MS_REMOUNT | MS_STRICTATIME, NULL), 0);
    statfs("m", &sf);
    T_EQ("statfs no atime flag after MS_STRICTATIME", sf.f_flags & FLAGS, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("rofs");
    fill();
    test_busy();
    test_erofs();
    test_flags();
    T_OK("umount2", umount2(mnt, 0), 0);
    tap_finish_dir();
    return tap_done();
}
