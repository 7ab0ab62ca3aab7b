/* test/conformance/dirs.c — mkdir/mkdirat, rmdir, unlink/unlinkat, rename/renameat/renameat2, getdents64,
 * getcwd, chdir, fchdir, readlink/readlinkat (error paths only: there is no symlink syscall in skiff yet).
 * Directory entry order is filesystem-specific: getdents64 results are compared as sets. */
/* covers: mkdir mkdirat rmdir unlink unlinkat rename renameat renameat2 getdents64 getcwd chdir fchdir readlink readlinkat */
#include "tap.h"
#include <limits.h>
#include <stdint.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

struct d64 { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; };

/* Lists a directory fd with getdents64 into "name:type,..." sorted; returns the entry count. */
static int list(int fd, char *out, size_t outsz, size_t bufsz)
{
    char buf[4096], *names[64];
    int n = 0;
    long r;
    while ((r = SYS(SYS_getdents64, fd, buf, bufsz)) > 0) {
        for (long at = 0; at < r;) {
            struct d64 *d = (struct d64 *)(buf + at);
            if (n < 64) {
                names[n] = malloc(300);
                snprintf(names[n], 300, "%s:%d", d->name, d->type);
                n++;
            }
            at += d->reclen;
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[i], names[j]) > 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        strncat(out, names[i], outsz - strlen(out) - 2);
        strcat(out, ",");
        free(names[i]);
    }
    return r < 0 ? -1 : n;
}

static int isdir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

int main(void)
{
    tap_scratch("dirs");
    umask(022);
    char cwd[PATH_MAX], buf[PATH_MAX];

    /* getcwd, chdir, fchdir */
    long n = SYS(SYS_getcwd, cwd, sizeof cwd);
    T_EQ("getcwd returns the length with the NUL", n, strlen(tap_dir) + 1);
    T_TRUE("getcwd names the scratch directory", strcmp(cwd, tap_dir) == 0);
    T_OK("getcwd buffer of exactly length+1", SYS(SYS_getcwd, buf, strlen(tap_dir) + 1), strlen(tap_dir) + 1);
    T_ERR("getcwd buffer one byte short", SYS(SYS_getcwd, buf, strlen(tap_dir)), ERANGE);
    T_ERR("getcwd size 0", SYS(SYS_getcwd, buf, 0), ERANGE);
    T_ERR("getcwd size 1", SYS(SYS_getcwd, buf, 1), ERANGE);
    T_ERR("getcwd into kernel address", SYS(SYS_getcwd, KADDR, sizeof cwd), EFAULT);
    T_ERR("getcwd into NULL", SYS(SYS_getcwd, NULL, sizeof cwd), EFAULT);

    T_OK("mkdir new", SYS(SYS_mkdir, "a", 0750), 0);
    struct stat st;
    stat("a", &st);
    T_EQ("mkdir mode & ~umask", st.st_mode & 07777, 0750);
    T_EQ("mkdir new directory nlink 2", st.st_nlink, 2);
    T_OK("mkdir with umask applied", (umask(077), SYS(SYS_mkdir, "um", 0777)), 0);
    umask(022);
    stat("um", &st);
    T_EQ("mkdir 0777 under umask 077", st.st_mode & 07777, 0700);
    rmdir("um");
    T_OK("mkdir with a trailing slash", SYS(SYS_mkdir, "b/", 0755), 0);
    T_TRUE("mkdir with a trailing slash made it", isdir("b"));
    T_ERR("mkdir existing directory", SYS(SYS_mkdir, "a", 0755), EEXIST);
    put_file("f", "x", 1);
    T_ERR("mkdir over a file", SYS(SYS_mkdir, "f", 0755), EEXIST);
    T_ERR("mkdir /", SYS(SYS_mkdir, "/", 0755), EEXIST);
    T_ERR("mkdir missing parent", SYS(SYS_mkdir, "nope/x", 0755), ENOENT);
    T_ERR("mkdir under a file", SYS(SYS_mkdir, "f/x", 0755), ENOTDIR);
    T_ERR("mkdir empty path", SYS(SYS_mkdir, "", 0755), ENOENT);
    T_ERR("mkdir kernel-address path", SYS(SYS_mkdir, KADDR, 0755), EFAULT);
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = 0;
    T_ERR("mkdir 256-byte name", SYS(SYS_mkdir, longname, 0755), ENAMETOOLONG);

    int afd = open("a", O_RDONLY | O_DIRECTORY);
    T_OK("mkdirat relative to dirfd", SYS(SYS_mkdirat, afd, "in", 0700), 0);
    T_TRUE("mkdirat made a/in", isdir("a/in"));
    T_ERR("mkdirat bad dirfd", SYS(SYS_mkdirat, 999, "x", 0700), EBADF);
    int ffd = open("f", O_RDONLY);
    T_ERR("mkdirat file as dirfd", SYS(SYS_mkdirat, ffd, "x", 0700), ENOTDIR);
    T_ERR("mkdirat existing", SYS(SYS_mkdirat, afd, "in", 0700), EEXIST);
    stat("a", &st);
    T_EQ("mkdir in a directory adds one to its nlink", st.st_nlink, 3);

    /* chdir / fchdir */
    T_OK("chdir into a subdirectory", SYS(SYS_chdir, "a"), 0);
    SYS(SYS_getcwd, buf, sizeof buf);
    snprintf(cwd, sizeof cwd, "%s/a", tap_dir);
    T_TRUE("chdir: getcwd follows", strcmp(buf, cwd) == 0);
    T_OK("chdir ..", SYS(SYS_chdir, ".."), 0);
    SYS(SYS_getcwd, buf, sizeof buf);
    T_TRUE("chdir ..: back", strcmp(buf, tap_dir) == 0);
    T_ERR("chdir to a file", SYS(SYS_chdir, "f"), ENOTDIR);
    T_ERR("chdir missing", SYS(SYS_chdir, "nope"), ENOENT);
    T_ERR("chdir empty path", SYS(SYS_chdir, ""), ENOENT);
    T_ERR("chdir kernel-address path", SYS(SYS_chdir, KADDR), EFAULT);
    T_OK("fchdir to a directory fd", SYS(SYS_fchdir, afd), 0);
    SYS(SYS_getcwd, buf, sizeof buf);
    T_TRUE("fchdir: getcwd follows", strcmp(buf, cwd) == 0);
    T_ERR("fchdir to a file fd", SYS(SYS_fchdir, ffd), ENOTDIR);
    T_ERR("fchdir bad fd", SYS(SYS_fchdir, 999), EBADF);
    T_OK("chdir /", SYS(SYS_chdir, "/"), 0);
    T_OK("getcwd at /", SYS(SYS_getcwd, buf, sizeof buf), 2);
    chdir(tap_dir);
    mkdir("gone", 0755);
    chdir("gone");
    rmdir("../gone");
    T_ERR("getcwd in a removed directory", SYS(SYS_getcwd, buf, sizeof buf), ENOENT);
    chdir(tap_dir);

    /* getdents64 */
    mkdir("ls", 0755);
    put_file("ls/file", "", 0);
    mkdir("ls/dir", 0755);
    int lfd = open("ls", O_RDONLY | O_DIRECTORY);
    char out[2000];
    T_EQ("getdents64 lists 4 entries", list(lfd, out, sizeof out, 4096), 4);
    T_TRUE("getdents64 names and d_type", strcmp(out, "..:4,.:4,dir:4,file:8,") == 0);
    T_OK("getdents64 at the end returns 0", SYS(SYS_getdents64, lfd, out, sizeof out), 0);
    lseek(lfd, 0, SEEK_SET);
    T_EQ("getdents64 after rewinding, one small buffer at a time", list(lfd, out, sizeof out, 32), 4);
    T_TRUE("getdents64 small buffer: same entries", strcmp(out, "..:4,.:4,dir:4,file:8,") == 0);
    lseek(lfd, 0, SEEK_SET);
    T_ERR("getdents64 buffer too small for one entry", SYS(SYS_getdents64, lfd, out, 10), EINVAL);
    T_ERR("getdents64 buffer size 0", SYS(SYS_getdents64, lfd, out, 0), EINVAL);
    T_ERR("getdents64 into kernel address", SYS(SYS_getdents64, lfd, KADDR, 4096), EFAULT);
    T_ERR("getdents64 bad fd", SYS(SYS_getdents64, 999, out, sizeof out), EBADF);
    T_ERR("getdents64 on a file", SYS(SYS_getdents64, ffd, out, sizeof out), ENOTDIR);
    unlink("ls/file");
    lseek(lfd, 0, SEEK_SET);
    T_EQ("getdents64 after unlink", list(lfd, out, sizeof out, 4096), 3);
    close(lfd);

    /* unlink / unlinkat / rmdir */
    put_file("u", "data", 4);
    int ufd = open("u", O_RDONLY);
    T_OK("unlink a file", SYS(SYS_unlink, "u"), 0);
    T_TRUE("unlink: name gone", !exists("u"));
    char tmp[8] = { 0 };
    T_OK("unlink: an open fd still reads the data", read(ufd, tmp, 8), 4);
    fstat(ufd, &st);
    T_EQ("unlink: fstat nlink 0", st.st_nlink, 0);
    close(ufd);
    T_ERR("unlink again", SYS(SYS_unlink, "u"), ENOENT);
    T_ERR("unlink a directory", SYS(SYS_unlink, "a"), EISDIR);
    T_ERR("unlink file with trailing slash", SYS(SYS_unlink, "f/"), ENOTDIR);
    T_ERR("unlink file/child", SYS(SYS_unlink, "f/x"), ENOTDIR);
    T_ERR("unlink empty path", SYS(SYS_unlink, ""), ENOENT);
    T_ERR("unlink kernel-address path", SYS(SYS_unlink, KADDR), EFAULT);
    put_file("a/uf", "", 0);
    T_OK("unlinkat relative to dirfd", SYS(SYS_unlinkat, afd, "uf", 0), 0);
    T_TRUE("unlinkat: gone", !exists("a/uf"));
    T_ERR("unlinkat a directory without AT_REMOVEDIR", SYS(SYS_unlinkat, afd, "in", 0), EISDIR);
    T_ERR("unlinkat unknown flag", SYS(SYS_unlinkat, afd, "in", 0x1), EINVAL);
    T_ERR("unlinkat bad dirfd", SYS(SYS_unlinkat, 999, "in", 0), EBADF);
    T_ERR("unlinkat AT_REMOVEDIR on a file", SYS(SYS_unlinkat, AT_FDCWD, "f", AT_REMOVEDIR), ENOTDIR);
    T_OK("unlinkat AT_REMOVEDIR", SYS(SYS_unlinkat, afd, "in", AT_REMOVEDIR), 0);
    T_TRUE("unlinkat AT_REMOVEDIR: gone", !exists("a/in"));
    stat("a", &st);
    T_EQ("rmdir a subdirectory takes one from the parent's nlink", st.st_nlink, 2);
    mkdir("a/x", 0755);
    T_ERR("rmdir a non-empty directory", SYS(SYS_rmdir, "a"), ENOTEMPTY);
    T_ERR("rmdir a file", SYS(SYS_rmdir, "f"), ENOTDIR);
    T_ERR("rmdir missing", SYS(SYS_rmdir, "nope"), ENOENT);
    T_ERR("rmdir .", SYS(SYS_rmdir, "a/x/."), EINVAL);
    T_ERR("rmdir ..", SYS(SYS_rmdir, "a/x/.."), ENOTEMPTY);
    T_ERR("rmdir /", SYS(SYS_rmdir, "/"), EBUSY);
    T_ERR("rmdir empty path", SYS(SYS_rmdir, ""), ENOENT);
    T_ERR("rmdir kernel-address path", SYS(SYS_rmdir, KADDR), EFAULT);
    T_OK("rmdir with a trailing slash", SYS(SYS_rmdir, "a/x/"), 0);
    T_TRUE("rmdir: gone", !exists("a/x"));

    /* rename family */
    put_file("r1", "one", 3);
    put_file("r2", "two!", 4);
    T_OK("rename a file to a new name", SYS(SYS_rename, "r1", "r3"), 0);
    T_TRUE("rename: old name gone, new name there", !exists("r1") && file_size("r3") == 3);
    T_OK("rename over an existing file", SYS(SYS_rename, "r3", "r2"), 0);
    T_TRUE("rename over: the target has the source's content", file_size("r2") == 3 && !exists("r3"));
    T_OK("rename to itself", SYS(SYS_rename, "r2", "r2"), 0);
    T_TRUE("rename to itself: still there", file_size("r2") == 3);
    T_OK("rename a file into a subdirectory", SYS(SYS_rename, "r2", "a/r2"), 0);
    T_TRUE("rename into a subdirectory: moved", file_size("a/r2") == 3);
    T_ERR("rename missing source", SYS(SYS_rename, "nope", "x"), ENOENT);
    T_ERR("rename into a missing directory", SYS(SYS_rename, "f", "nope/x"), ENOENT);
    T_ERR("rename a file over a directory", SYS(SYS_rename, "f", "b"), EISDIR);
    T_ERR("rename a directory over a file", SYS(SYS_rename, "b", "f"), ENOTDIR);
    mkdir("full", 0755);
    mkdir("full/x", 0755);
    T_ERR("rename a directory over a non-empty directory", SYS(SYS_rename, "b", "full"), ENOTEMPTY);
    mkdir("empty", 0755);
    T_OK("rename a directory over an empty directory", SYS(SYS_rename, "b", "empty"), 0);
    T_TRUE("rename directory over empty one: moved", isdir("empty") && !exists("b"));
    T_ERR("rename a directory into itself", SYS(SYS_rename, "full", "full/x/y"), EINVAL);
    T_ERR("rename a file to name/ (trailing slash)", SYS(SYS_rename, "f", "newf/"), ENOTDIR);
    T_ERR("rename .", SYS(SYS_rename, ".", "x"), EBUSY);
    T_ERR("rename kernel-address path", SYS(SYS_rename, KADDR, "x"), EFAULT);
    T_ERR("rename empty source", SYS(SYS_rename, "", "x"), ENOENT);
    T_OK("renameat between dirfds", SYS(SYS_renameat, afd, "r2", AT_FDCWD, "r4"), 0);
    T_TRUE("renameat: moved", file_size("r4") == 3 && !exists("a/r2"));
    T_ERR("renameat bad olddirfd", SYS(SYS_renameat, 999, "r4", AT_FDCWD, "r5"), EBADF);
    T_ERR("renameat bad newdirfd", SYS(SYS_renameat, AT_FDCWD, "r4", 999, "r5"), EBADF);
    T_OK("renameat2 flags 0", SYS(SYS_renameat2, AT_FDCWD, "r4", AT_FDCWD, "r5", 0), 0);
    put_file("r6", "six", 3);
    T_ERR("renameat2 RENAME_NOREPLACE onto an existing name",
          SYS(SYS_renameat2, AT_FDCWD, "r5", AT_FDCWD, "r6", RENAME_NOREPLACE), EEXIST);
    T_TRUE("renameat2 RENAME_NOREPLACE failure: both remain", exists("r5") && exists("r6"));
    T_ERR("renameat2 RENAME_NOREPLACE onto itself",
          SYS(SYS_renameat2, AT_FDCWD, "r5", AT_FDCWD, "r5", RENAME_NOREPLACE), EEXIST);
    T_OK("renameat2 RENAME_NOREPLACE to a new name",
         SYS(SYS_renameat2, AT_FDCWD, "r5", AT_FDCWD, "r7", RENAME_NOREPLACE), 0);
    T_ERR("renameat2 unknown flag", SYS(SYS_renameat2, AT_FDCWD, "r7", AT_FDCWD, "r8", 0x10), EINVAL);
    T_ERR("renameat2 NOREPLACE|EXCHANGE",
          SYS(SYS_renameat2, AT_FDCWD, "r7", AT_FDCWD, "r6", RENAME_NOREPLACE | RENAME_EXCHANGE), EINVAL);
    put_file("r7", "seven!!", 7);
    T_OK("renameat2 RENAME_EXCHANGE", SYS(SYS_renameat2, AT_FDCWD, "r7", AT_FDCWD, "r6", RENAME_EXCHANGE), 0);
    T_TRUE("renameat2 RENAME_EXCHANGE swapped the files", file_size("r6") == 7 && file_size("r7") == 3);
    T_ERR("renameat2 RENAME_EXCHANGE with a missing target",
          SYS(SYS_renameat2, AT_FDCWD, "r7", AT_FDCWD, "nope", RENAME_EXCHANGE), ENOENT);

    /* readlink / readlinkat: no symlinks can be made yet, so the error paths */
    T_ERR("readlink on a regular file", SYS(SYS_readlink, "f", buf, sizeof buf), EINVAL);
    T_ERR("readlink on a directory", SYS(SYS_readlink, "a", buf, sizeof buf), EINVAL);
    T_ERR("readlink missing", SYS(SYS_readlink, "nope", buf, sizeof buf), ENOENT);
    T_ERR("readlink bufsiz 0 on a missing path", SYS(SYS_readlink, "nope", buf, 0), EINVAL);
    T_ERR("readlink bufsiz -1", SYS(SYS_readlink, "f", buf, (long)-1), EINVAL);
    T_ERR("readlink kernel-address path", SYS(SYS_readlink, KADDR, buf, sizeof buf), EFAULT);
    T_ERR("readlink empty path", SYS(SYS_readlink, "", buf, sizeof buf), ENOENT);
    T_ERR("readlink file/child", SYS(SYS_readlink, "f/x", buf, sizeof buf), ENOTDIR);
    T_ERR("readlinkat on a regular file", SYS(SYS_readlinkat, AT_FDCWD, "f", buf, sizeof buf), EINVAL);
    T_ERR("readlinkat bad dirfd", SYS(SYS_readlinkat, 999, "f", buf, sizeof buf), EBADF);
    T_ERR("readlinkat missing", SYS(SYS_readlinkat, afd, "nope", buf, sizeof buf), ENOENT);

    close(afd);
    close(ffd);
    tap_finish_dir();
    return tap_done();
}
