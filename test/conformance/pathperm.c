/* test/conformance/pathperm.c — the path errnos of link(2), unlink(2), rmdir(2), rename(2), truncate(2),
 * mkdir(2) and symlink(2) that need another user or an odd path: as nobody (uid and gid 65534, no groups),
 * EACCES for a new link or name in a directory it cannot write or search, EPERM in a sticky directory for
 * what it does not own (rmdir, rename, unlink); ENOTDIR for a path through a file; ELOOP and ENAMETOOLONG;
 * EFBIG past RLIMIT_FSIZE (SIGXFSZ ignored) for truncate and ftruncate; sparse sizes far past the data. */
/* covers: link linkat unlink unlinkat rmdir rename renameat truncate ftruncate mkdir mkdirat symlink symlinkat */
#include "tap.h"
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define NOBODY 65534

static void mk(const char *path, int mode, unsigned uid, int dir)
{
    if ((dir ? mkdir(path, 0700) : put_file(path, "data", 4)) || chown(path, uid, uid) || chmod(path, mode)) {
        printf("Bail out! cannot make %s\n", path);
        exit(2);
    }
}

static void setup(void)
{
    mk("ro", 0755, 0, 1);
    mk("ro/f", 0644, 0, 0);
    mk("ro/sub", 0777, 0, 1);
    mk("noexec", 0666, 0, 1);
    mk("mine", 0644, NOBODY, 0);
    mk("sticky", 01777, 0, 1);
    mk("sticky/rootdir", 0777, 0, 1);
    mk("sticky/rootfile", 0666, 0, 0);
    mk("sticky/mydir", 0755, NOBODY, 1);
    mk("open", 0777, 0, 1);
}

static void as_nobody(void)
{
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
    T_ERR("link into a directory without write permission", link("mine", "ro/mine"), EACCES);
    T_ERR("linkat into a directory without search permission", linkat(AT_FDCWD, "mine", AT_FDCWD, "noexec/x", 0),
          EACCES);
    T_ERR("link from a directory without search permission", link("noexec/f", "open/f"), EACCES);
    T_ERR("symlink into a directory without write permission", symlink("x", "ro/l"), EACCES);
    T_ERR("mkdir in a directory without write permission", mkdir("ro/d", 0755), EACCES);
    T_ERR("mkdirat in a directory without search permission", mkdirat(AT_FDCWD, "noexec/d", 0755), EACCES);
    T_ERR("unlink in a directory without write permission", unlink("ro/f"), EACCES);
    T_ERR("rmdir in a directory without write permission", rmdir("ro/sub"), EACCES);
    T_ERR("rename out of a directory without write permission", rename("ro/f", "open/f"), EACCES);
    T_ERR("rename into a directory without write permission", rename("mine", "ro/mine"), EACCES);
    T_ERR("truncate a file without write permission", truncate("ro/f", 0), EACCES);
    T_ERR("rmdir another user's directory in a sticky directory", rmdir("sticky/rootdir"), EPERM);
    T_ERR("unlink another user's file in a sticky directory", unlink("sticky/rootfile"), EPERM);
    T_ERR("rename another user's file out of a sticky directory", rename("sticky/rootfile", "open/x"), EPERM);
    T_OK("rmdir our own directory in a sticky directory", rmdir("sticky/mydir"), 0);
    T_OK("link our own file into an open directory", link("mine", "open/mine"), 0);
    T_ERR("rename onto another user's file in a sticky directory", rename("open/mine", "sticky/rootfile"), EPERM);
    T_OK("unlink it again", unlink("open/mine"), 0);
}

static void test_paths(void)
{
    char longname[NAME_MAX + 2];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    put_file("file", "x", 1);
    mkdir("dir", 0755);
    symlink("loop1", "loop2");
    symlink("loop2", "loop1");
    T_ERR("link with a file as a directory in the old path", link("file/x", "y"), ENOTDIR);
    T_ERR("link with a file as a directory in the new path", link("file", "file/y"), ENOTDIR);
    T_ERR("linkat with a file as a directory", linkat(AT_FDCWD, "file", AT_FDCWD, "file/y", 0), ENOTDIR);
    T_ERR("unlink with a file as a directory", unlink("file/x"), ENOTDIR);
    T_ERR("rmdir a file", rmdir("file"), ENOTDIR);
    T_ERR("rename a directory onto a file", rename("dir", "file"), ENOTDIR);
    T_ERR("rename a file onto a directory", rename("file", "dir"), EISDIR);
    T_ERR("truncate with a file as a directory", truncate("file/x", 0), ENOTDIR);
    T_ERR("symlink with a file as a directory", symlink("t", "file/l"), ENOTDIR);
    T_ERR("mkdir with a file as a directory", mkdir("file/d", 0755), ENOTDIR);
    T_ERR("link through a symlink loop", link("loop1/x", "z"), ELOOP);
    T_ERR("linkat AT_SYMLINK_FOLLOW of a symlink loop", linkat(AT_FDCWD, "loop1", AT_FDCWD, "z", AT_SYMLINK_FOLLOW),
          ELOOP);
    T_OK("linkat of a symlink loop itself (no follow)", linkat(AT_FDCWD, "loop1", AT_FDCWD, "z", 0), 0);
    T_ERR("truncate through a symlink loop", truncate("loop1", 0), ELOOP);
    T_ERR("unlink through a symlink loop", unlink("loop1/x"), ELOOP);
    T_ERR("mkdir through a symlink loop", mkdir("loop1/d", 0755), ELOOP);
    T_ERR("link to a name longer than NAME_MAX", link("file", longname), ENAMETOOLONG);
    T_ERR("unlink a name longer than NAME_MAX", unlink(longname), ENAMETOOLONG);
    T_ERR("rmdir a name longer than NAME_MAX", rmdir(longname), ENAMETOOLONG);
    T_ERR("rename to a name longer than NAME_MAX", rename("file", longname), ENAMETOOLONG);
    T_ERR("truncate a name longer than NAME_MAX", truncate(longname, 0), ENAMETOOLONG);
    T_ERR("mkdir a name longer than NAME_MAX", mkdir(longname, 0755), ENAMETOOLONG);
    T_ERR("symlink a name longer than NAME_MAX", symlink("t", longname), ENAMETOOLONG);
    T_ERR("unlink the empty path", unlink(""), ENOENT);
    T_ERR("link from the empty path", link("", "e"), ENOENT);
    T_ERR("rename from the empty path", rename("", "e"), ENOENT);
    T_ERR("rmdir a dot", rmdir("dir/."), EINVAL);
    T_ERR("rmdir a dot-dot", rmdir("dir/.."), ENOTEMPTY);
    T_ERR("rename a directory into itself", rename("dir", "dir/sub"), EINVAL);
    T_ERR("mkdir of an existing directory with a trailing slash", mkdir("dir/", 0755), EEXIST);
}

static void test_sizes(void)
{
    signal(SIGXFSZ, SIG_IGN);
    int fd = open("big", O_RDWR | O_CREAT, 0644);
    T_OK("ftruncate to 1 TiB: a sparse file", ftruncate(fd, 1L << 40), 0);
    T_EQ("ftruncate 1 TiB: the size", file_size("big"), 1L << 40);
    char b = 1;
    T_OK("pread past the data of a sparse file", pread(fd, &b, 1, (1L << 40) - 1), 1);
    T_EQ("pread a hole reads zero", b, 0);
    T_OK("truncate back to 0", truncate("big", 0), 0);
    T_ERR("ftruncate to a negative length", ftruncate(fd, -1), EINVAL);
    T_ERR("truncate to a negative length", truncate("big", -1), EINVAL);
    struct rlimit rl = { 4096, 4096 };
    setrlimit(RLIMIT_FSIZE, &rl);
    T_ERR("ftruncate past RLIMIT_FSIZE", ftruncate(fd, 8192), EFBIG);
    T_ERR("truncate past RLIMIT_FSIZE", truncate("big", 8192), EFBIG);
    T_OK("truncate up to RLIMIT_FSIZE", truncate("big", 4096), 0);
    T_OK("ftruncate down below RLIMIT_FSIZE", ftruncate(fd, 100), 0);
    T_ERR("fallocate past RLIMIT_FSIZE", fallocate(fd, 0, 0, 8192), EFBIG);
    T_OK("fallocate up to RLIMIT_FSIZE", fallocate(fd, 0, 0, 4096), 0);
    sigset_t xfsz, pending;
    sigemptyset(&xfsz);
    sigaddset(&xfsz, SIGXFSZ);
    signal(SIGXFSZ, SIG_DFL);
    sigprocmask(SIG_BLOCK, &xfsz, NULL); /* held pending, so that it can be seen */
    T_ERR("fallocate past RLIMIT_FSIZE (SIGXFSZ blocked)", fallocate(fd, 0, 4096, 4096), EFBIG);
    sigpending(&pending);
    T_EQ("fallocate past RLIMIT_FSIZE raises SIGXFSZ", sigismember(&pending, SIGXFSZ), 1);
    struct timespec zero = { 0, 0 };
    sigtimedwait(&xfsz, NULL, &zero);
    sigprocmask(SIG_UNBLOCK, &xfsz, NULL);
    signal(SIGXFSZ, SIG_IGN);
    rl.rlim_cur = rl.rlim_max = RLIM_INFINITY;
    setrlimit(RLIMIT_FSIZE, &rl);
    close(fd);
    T_ERR("ftruncate an fd opened read-only", ftruncate(open("big", O_RDONLY), 0), EINVAL);
    T_ERR("ftruncate a directory fd", ftruncate(open(".", O_RDONLY), 0), EINVAL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("pathperm");
    chmod(tap_dir, 0755);
    setup();
    put_file("noexec/f", "data", 4);
    chmod("noexec", 0666);
    tap_in_child(as_nobody);
    test_paths();
    test_sizes();
    tap_finish_dir();
    return tap_done();
}
