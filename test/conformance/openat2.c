/* test/conformance/openat2.c — openat2(2): struct open_how and its size rules (EINVAL below 24 bytes, E2BIG
 * past a page or with a non-zero tail), the flags and modes openat2 refuses where open(2) ignores them, and the
 * RESOLVE_* walk restrictions: NO_XDEV (no mount crossing, down into /proc or up out of it, nor by a magic
 * link), NO_MAGICLINKS (/proc/self/fd/N, exe, cwd: ELOOP, unless not followed), NO_SYMLINKS (any link:
 * ELOOP), BENEATH (no absolute path, no ".." above dirfd, no absolute symlink: EXDEV) and IN_ROOT (dirfd is
 * "/" for the whole walk), and RESOLVE_CACHED's EAGAIN for opens that would create or truncate. */
/* covers: openat2 */
#include "tap.h"
#include <stdint.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

struct how { uint64_t flags, mode, resolve; };
#define R_NO_XDEV 0x01
#define R_NO_MAGICLINKS 0x02
#define R_NO_SYMLINKS 0x04
#define R_BENEATH 0x08
#define R_IN_ROOT 0x10
#define R_CACHED 0x20

static long o2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
    struct how h = { flags, mode, resolve };
    return SYS(SYS_openat2, dirfd, path, &h, sizeof h);
}

/* openat2 that must succeed: 1 when it did and gave a descriptor of the same file as want (a path). */
static int same(long fd, const char *want)
{
    struct stat a, b;
    int ok = fd >= 0 && !fstat((int)fd, &a) && !stat(want, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
    if (fd >= 0)
        close((int)fd);
    return ok;
}

static void test_struct(void)
{
    char big[8192] = { 0 };
    struct how *h = (struct how *)big;
    h->flags = O_RDONLY;
    T_OK("openat2 a 24-byte open_how", same(SYS(SYS_openat2, AT_FDCWD, "f", h, 24), "f"), 1);
    T_ERR("openat2 size 0", SYS(SYS_openat2, AT_FDCWD, "f", h, 0), EINVAL);
    T_ERR("openat2 size 23", SYS(SYS_openat2, AT_FDCWD, "f", h, 23), EINVAL);
    T_OK("openat2 size 32 with a zero tail", same(SYS(SYS_openat2, AT_FDCWD, "f", h, 32), "f"), 1);
    T_OK("openat2 size 4096 with a zero tail", same(SYS(SYS_openat2, AT_FDCWD, "f", h, 4096), "f"), 1);
    T_ERR("openat2 size 4097", SYS(SYS_openat2, AT_FDCWD, "f", h, 4097), E2BIG);
    big[31] = 1;
    T_ERR("openat2 a non-zero byte past the known struct", SYS(SYS_openat2, AT_FDCWD, "f", h, 32), E2BIG);
    T_OK("openat2 the same byte outside the size given", same(SYS(SYS_openat2, AT_FDCWD, "f", h, 24), "f"), 1);
    big[31] = 0;
    T_ERR("openat2 how at a bad address", SYS(SYS_openat2, AT_FDCWD, "f", BADUPTR, 24), EFAULT);
    T_ERR("openat2 how NULL", SYS(SYS_openat2, AT_FDCWD, "f", NULL, 24), EFAULT);
    T_ERR("openat2 path at a bad address", o2(AT_FDCWD, BADUPTR, O_RDONLY, 0, 0), EFAULT);
    T_ERR("openat2 an empty path", o2(AT_FDCWD, "", O_RDONLY, 0, 0), ENOENT);
    T_ERR("openat2 a bad dirfd", o2(999, "f", O_RDONLY, 0, 0), EBADF);
    int fd = open("f", O_RDONLY);
    T_ERR("openat2 a dirfd that is not a directory", o2(fd, "f", O_RDONLY, 0, 0), ENOTDIR);
    close(fd);
}

static void test_flags(void)
{
    T_ERR("openat2 an unknown open flag", o2(AT_FDCWD, "f", 1u << 30, 0, 0), EINVAL);
    T_ERR("openat2 a flag in the upper 32 bits", o2(AT_FDCWD, "f", 1ull << 40, 0, 0), EINVAL);
    T_ERR("openat2 an unknown resolve flag", o2(AT_FDCWD, "f", O_RDONLY, 0, 0x40), EINVAL);
    T_ERR("openat2 a resolve flag in the upper bits", o2(AT_FDCWD, "f", O_RDONLY, 0, 1ull << 33), EINVAL);
    T_ERR("openat2 RESOLVE_BENEATH with RESOLVE_IN_ROOT", o2(AT_FDCWD, "f", O_RDONLY, 0, R_BENEATH | R_IN_ROOT),
          EINVAL);
    T_ERR("openat2 a mode without O_CREAT", o2(AT_FDCWD, "f", O_RDONLY, 0644, 0), EINVAL);
    T_ERR("openat2 O_CREAT with a mode past 07777", o2(AT_FDCWD, "g", O_CREAT | O_WRONLY, 010644, 0), EINVAL);
    T_ERR("openat2 O_CREAT with a mode in the upper bits", o2(AT_FDCWD, "g", O_CREAT | O_WRONLY, 1ull << 35, 0),
          EINVAL);
    T_ERR("openat2 O_CREAT|O_DIRECTORY", o2(AT_FDCWD, "g", O_CREAT | O_DIRECTORY, 0644, 0), EINVAL);
    long fd = o2(AT_FDCWD, "g", O_CREAT | O_WRONLY | O_EXCL, 07777, 0);
    T_TRUE("openat2 O_CREAT with mode 07777 makes the file", fd >= 0);
    struct stat st;
    T_EQ("openat2 O_CREAT: the mode less the umask", stat("g", &st) ? -1 : (long)(st.st_mode & 07777),
         07777 & ~022);
    if (fd >= 0)
        close((int)fd);
    T_ERR("openat2 O_CREAT|O_EXCL of an existing file", o2(AT_FDCWD, "g", O_CREAT | O_EXCL | O_WRONLY, 0, 0),
          EEXIST);
    T_ERR("openat2 O_PATH with O_RDWR", o2(AT_FDCWD, "f", O_PATH | O_RDWR, 0, 0), EINVAL);
    T_ERR("openat2 O_PATH with O_APPEND", o2(AT_FDCWD, "f", O_PATH | O_APPEND, 0, 0), EINVAL);
    T_ERR("openat2 O_PATH with O_CREAT", o2(AT_FDCWD, "f", O_PATH | O_CREAT, 0, 0), EINVAL);
    fd = o2(AT_FDCWD, "f", O_PATH | O_CLOEXEC | O_NOFOLLOW, 0, 0);
    T_TRUE("openat2 O_PATH|O_CLOEXEC|O_NOFOLLOW", fd >= 0);
    T_OK("openat2 O_PATH: F_GETFL", fcntl((int)fd, F_GETFL), O_PATH | O_NOFOLLOW);
    T_OK("openat2 O_CLOEXEC: F_GETFD", fcntl((int)fd, F_GETFD), FD_CLOEXEC);
    close((int)fd);
    fd = o2(AT_FDCWD, "f", O_RDWR | O_APPEND, 0, 0);
    T_OK("openat2 O_RDWR|O_APPEND: F_GETFL", fcntl((int)fd, F_GETFL), O_RDWR | O_APPEND | 0100000);
    T_OK("openat2 without O_CLOEXEC: F_GETFD", fcntl((int)fd, F_GETFD), 0);
    close((int)fd);
    T_ERR("openat2 O_TMPFILE read-only", o2(AT_FDCWD, ".", O_TMPFILE | O_RDONLY, 0600, 0), EINVAL);
    T_ERR("openat2 O_TMPFILE's bit without O_DIRECTORY", o2(AT_FDCWD, ".", 020000000 | O_RDWR, 0600, 0), EINVAL);
    T_ERR("openat2 O_TMPFILE with a bad mode", o2(AT_FDCWD, ".", O_TMPFILE | O_RDWR, 0100600, 0), EINVAL);
    T_ERR("openat2 ENOENT", o2(AT_FDCWD, "nothing", O_RDONLY, 0, 0), ENOENT);
    T_ERR("openat2 O_DIRECTORY of a file", o2(AT_FDCWD, "f", O_DIRECTORY, 0, 0), ENOTDIR);
    T_ERR("openat2 a directory for writing", o2(AT_FDCWD, "d", O_WRONLY, 0, 0), EISDIR);
    T_ERR("openat2 O_NOFOLLOW of a symlink", o2(AT_FDCWD, "in", O_RDONLY | O_NOFOLLOW, 0, 0), ELOOP);
    T_OK("openat2 follows a symlink", same(o2(AT_FDCWD, "in", O_RDONLY, 0, 0), "d/file"), 1);
}

static void test_cached(void)
{
    T_ERR("openat2 RESOLVE_CACHED with O_CREAT", o2(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644, R_CACHED), EAGAIN);
    T_ERR("openat2 RESOLVE_CACHED with O_TRUNC", o2(AT_FDCWD, "f", O_TRUNC | O_RDWR, 0, R_CACHED), EAGAIN);
    T_ERR("openat2 RESOLVE_CACHED with O_TMPFILE", o2(AT_FDCWD, ".", O_TMPFILE | O_RDWR, 0600, R_CACHED), EAGAIN);
    T_ERR("openat2 RESOLVE_CACHED: a bad mode is EINVAL first", o2(AT_FDCWD, "f", O_CREAT | O_RDWR, 010000,
          R_CACHED), EINVAL);
    struct stat st;
    stat("f", &st); /* now in the dentry cache */
    T_OK("openat2 RESOLVE_CACHED of a file just looked up", same(o2(AT_FDCWD, "f", O_RDONLY, 0, R_CACHED), "f"), 1);
}

static void test_symlinks(void)
{
    T_ERR("openat2 RESOLVE_NO_SYMLINKS: a trailing symlink", o2(AT_FDCWD, "in", O_RDONLY, 0, R_NO_SYMLINKS), ELOOP);
    T_ERR("openat2 RESOLVE_NO_SYMLINKS: a symlink in the middle", o2(AT_FDCWD, "dl/file", O_RDONLY, 0,
          R_NO_SYMLINKS), ELOOP);
    long fd = o2(AT_FDCWD, "in", O_PATH | O_NOFOLLOW, 0, R_NO_SYMLINKS);
    struct stat st;
    T_TRUE("openat2 RESOLVE_NO_SYMLINKS: O_PATH|O_NOFOLLOW opens the link itself",
           fd >= 0 && !fstat((int)fd, &st) && S_ISLNK(st.st_mode));
    if (fd >= 0)
        close((int)fd);
    T_OK("openat2 RESOLVE_NO_SYMLINKS: no symlink on the way", same(o2(AT_FDCWD, "d/file", O_RDONLY, 0,
         R_NO_SYMLINKS), "d/file"), 1);
    T_ERR("openat2 RESOLVE_NO_SYMLINKS: /proc/self", o2(AT_FDCWD, "/proc/self/status", O_RDONLY, 0, R_NO_SYMLINKS),
          ELOOP);
    T_OK("openat2 RESOLVE_NO_MAGICLINKS: /proc/self is an ordinary symlink",
         same(o2(AT_FDCWD, "/proc/self/status", O_RDONLY, 0, R_NO_MAGICLINKS), "/proc/self/status"), 1);
    T_OK("openat2 RESOLVE_NO_MAGICLINKS: an ordinary symlink", same(o2(AT_FDCWD, "in", O_RDONLY, 0,
         R_NO_MAGICLINKS), "d/file"), 1);
    int f = open("f", O_RDONLY);
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", f);
    T_ERR("openat2 RESOLVE_NO_MAGICLINKS: /proc/self/fd/N", o2(AT_FDCWD, p, O_RDONLY, 0, R_NO_MAGICLINKS), ELOOP);
    T_ERR("openat2 RESOLVE_NO_SYMLINKS: /proc/self/fd/N", o2(AT_FDCWD, p, O_RDONLY, 0, R_NO_SYMLINKS), ELOOP);
    T_OK("openat2 without RESOLVE_NO_MAGICLINKS: /proc/self/fd/N", same(o2(AT_FDCWD, p, O_RDONLY, 0, 0), "f"), 1);
    fd = o2(AT_FDCWD, p, O_PATH | O_NOFOLLOW, 0, R_NO_MAGICLINKS);
    T_TRUE("openat2 RESOLVE_NO_MAGICLINKS: O_PATH|O_NOFOLLOW of a magic link opens the link",
           fd >= 0 && !fstat((int)fd, &st) && S_ISLNK(st.st_mode));
    if (fd >= 0)
        close((int)fd);
    T_ERR("openat2 RESOLVE_NO_MAGICLINKS: /proc/self/cwd in the middle", o2(AT_FDCWD, "/proc/self/cwd/f", O_RDONLY,
          0, R_NO_MAGICLINKS), ELOOP);
    T_ERR("openat2 RESOLVE_NO_MAGICLINKS: /proc/self/exe", o2(AT_FDCWD, "/proc/self/exe", O_RDONLY, 0,
          R_NO_MAGICLINKS), ELOOP);
    T_OK("openat2 without RESOLVE_NO_MAGICLINKS: /proc/self/cwd/f", same(o2(AT_FDCWD, "/proc/self/cwd/f", O_RDONLY,
         0, 0), "f"), 1);
    close(f);
}

static void test_xdev(void)
{
    int proc = open("/proc", O_RDONLY | O_DIRECTORY), root = open("/", O_RDONLY | O_DIRECTORY);
    int pfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    T_ERR("openat2 RESOLVE_NO_XDEV: down into /proc", o2(root, "proc/self/status", O_RDONLY, 0, R_NO_XDEV), EXDEV);
    T_ERR("openat2 RESOLVE_NO_XDEV: up out of /proc", o2(proc, "../proc", O_RDONLY, 0, R_NO_XDEV), EXDEV);
    T_ERR("openat2 RESOLVE_NO_XDEV: up out of /proc, dirfd itself", o2(proc, "..", O_RDONLY, 0, R_NO_XDEV), EXDEV);
    T_OK("openat2 RESOLVE_NO_XDEV: inside /proc", same(o2(proc, "self/status", O_RDONLY, 0, R_NO_XDEV),
         "/proc/self/status"), 1);
    T_OK("openat2 RESOLVE_NO_XDEV: an absolute path starts on the root's mount",
         same(o2(proc, "/", O_RDONLY | O_DIRECTORY, 0, R_NO_XDEV), "/"), 1);
    T_ERR("openat2 RESOLVE_NO_XDEV: an absolute path into /proc", o2(proc, "/proc/self", O_RDONLY, 0, R_NO_XDEV),
          EXDEV);
    T_OK("openat2 RESOLVE_NO_XDEV: the dirfd itself", same(o2(proc, ".", O_RDONLY, 0, R_NO_XDEV), "/proc"), 1);
    int f = open("f", O_RDONLY), st = open("/proc/self/status", O_RDONLY);
    char n[16];
    snprintf(n, sizeof n, "%d", f);
    T_ERR("openat2 RESOLVE_NO_XDEV: a magic link to another mount", o2(pfd, n, O_RDONLY, 0, R_NO_XDEV), EXDEV);
    snprintf(n, sizeof n, "%d", st);
    T_OK("openat2 RESOLVE_NO_XDEV: a magic link within /proc", same(o2(pfd, n, O_RDONLY, 0, R_NO_XDEV),
         "/proc/self/status"), 1);
    T_ERR("openat2 RESOLVE_NO_XDEV: a symlink to /", o2(proc, "self/root", O_RDONLY, 0, R_NO_XDEV), EXDEV);
    close(f);
    close(st);
    close(proc);
    close(root);
    close(pfd);
}

static void test_beneath(int dfd)
{
    int d = open("d", O_RDONLY | O_DIRECTORY);
    T_OK("openat2 RESOLVE_BENEATH: a file below", same(o2(dfd, "d/file", O_RDONLY, 0, R_BENEATH), "d/file"), 1);
    T_OK("openat2 RESOLVE_BENEATH: .. that stays below", same(o2(dfd, "d/../d/file", O_RDONLY, 0, R_BENEATH),
         "d/file"), 1);
    T_OK("openat2 RESOLVE_BENEATH: the dirfd itself", same(o2(dfd, ".", O_RDONLY, 0, R_BENEATH), "."), 1);
    T_ERR("openat2 RESOLVE_BENEATH: ..", o2(dfd, "..", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: d/../..", o2(dfd, "d/../../x", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: .. of a subdirectory dirfd", o2(d, "../f", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: an absolute path", o2(dfd, "/proc", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: an absolute symlink", o2(dfd, "abs/file", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: a symlink to ..", o2(d, "up/f", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_OK("openat2 RESOLVE_BENEATH: a relative symlink below", same(o2(dfd, "in", O_RDONLY, 0, R_BENEATH),
         "d/file"), 1);
    T_OK("openat2 RESOLVE_BENEATH: a symlink to .. from below", same(o2(dfd, "d/up/f", O_RDONLY, 0, R_BENEATH),
         "f"), 1);
    T_OK("openat2 RESOLVE_BENEATH with AT_FDCWD", same(o2(AT_FDCWD, "d/file", O_RDONLY, 0, R_BENEATH), "d/file"),
         1);
    T_ERR("openat2 RESOLVE_BENEATH with AT_FDCWD: ..", o2(AT_FDCWD, "../x", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: .. escaping, the rest missing", o2(dfd, "../nothing/x", O_RDONLY, 0, R_BENEATH),
          EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: a missing name", o2(dfd, "nothing", O_RDONLY, 0, R_BENEATH), ENOENT);
    long fd = o2(dfd, "new", O_CREAT | O_WRONLY, 0600, R_BENEATH);
    T_TRUE("openat2 RESOLVE_BENEATH with O_CREAT", fd >= 0 && file_size("new") == 0);
    if (fd >= 0)
        close((int)fd);
    T_ERR("openat2 RESOLVE_BENEATH with O_CREAT through an absolute symlink", o2(dfd, "abs/new", O_CREAT | O_WRONLY,
          0600, R_BENEATH), EXDEV);
    int self = open("/proc/self", O_RDONLY | O_DIRECTORY);
    T_ERR("openat2 RESOLVE_BENEATH: a magic link", o2(self, "cwd", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_ERR("openat2 RESOLVE_BENEATH: a magic link in the middle", o2(self, "cwd/f", O_RDONLY, 0, R_BENEATH), EXDEV);
    T_OK("openat2 RESOLVE_BENEATH: a magic link not followed", fcntl((int)(fd = o2(self, "cwd", O_PATH | O_NOFOLLOW,
         0, R_BENEATH)), F_GETFL) > 0, 1);
    if (fd >= 0)
        close((int)fd);
    close(self);
    close(d);
}

static void test_in_root(int dfd)
{
    int d = open("d", O_RDONLY | O_DIRECTORY);
    T_OK("openat2 RESOLVE_IN_ROOT: an absolute path is below dirfd", same(o2(dfd, "/d/file", O_RDONLY, 0,
         R_IN_ROOT), "d/file"), 1);
    T_OK("openat2 RESOLVE_IN_ROOT: .. of dirfd is dirfd", same(o2(dfd, "../../f", O_RDONLY, 0, R_IN_ROOT), "f"), 1);
    T_OK("openat2 RESOLVE_IN_ROOT: / is dirfd", same(o2(dfd, "/", O_RDONLY, 0, R_IN_ROOT), "."), 1);
    T_OK("openat2 RESOLVE_IN_ROOT: an absolute symlink", same(o2(dfd, "abs/file", O_RDONLY, 0, R_IN_ROOT),
         "d/file"), 1);
    T_OK("openat2 RESOLVE_IN_ROOT: a subdirectory dirfd", same(o2(d, "/file", O_RDONLY, 0, R_IN_ROOT), "d/file"),
         1);
    T_OK("openat2 RESOLVE_IN_ROOT: .. above a subdirectory dirfd", same(o2(d, "../file", O_RDONLY, 0, R_IN_ROOT),
         "d/file"), 1);
    T_OK("openat2 RESOLVE_IN_ROOT: a symlink to ..", same(o2(d, "up/file", O_RDONLY, 0, R_IN_ROOT), "d/file"), 1);
    T_ERR("openat2 RESOLVE_IN_ROOT: /proc does not exist below dirfd", o2(dfd, "/proc", O_RDONLY, 0, R_IN_ROOT),
          ENOENT);
    int self = open("/proc/self", O_RDONLY | O_DIRECTORY);
    T_ERR("openat2 RESOLVE_IN_ROOT: a magic link", o2(self, "cwd", O_RDONLY, 0, R_IN_ROOT), EXDEV);
    close(self);
    close(d);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("openat2");
    umask(022);
    /* f; d/file; in -> d/file; dl -> d; d/up -> ..; abs -> /<scratch>/d (absolute) */
    char abs[300];
    snprintf(abs, sizeof abs, "%s/d", tap_dir);
    if (put_file("f", "x", 1) || mkdir("d", 0755) || put_file("d/file", "y", 1) || symlink("d/file", "in") ||
        symlink("d", "dl") || symlink("..", "d/up") || symlink(abs, "abs")) {
        printf("Bail out! cannot set up\n");
        return 2;
    }
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    test_struct();
    test_flags();
    test_cached();
    test_symlinks();
    test_xdev();
    test_beneath(dfd);
    /* IN_ROOT's absolute symlink: abs -> /d, read as dirfd's d */
    unlink("abs");
    symlink("/d", "abs");
    test_in_root(dfd);
    close(dfd);
    tap_finish_dir();
    return tap_done();
}
