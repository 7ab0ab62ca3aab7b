/* test/conformance/chroot.c — chroot(2): "/" and ".." at the new root lead to it for the process and its
 * children, absolute symlinks resolve inside it, the working directory is left where it was; errors in the
 * man page's order (the lookup: ENOENT, ENOTDIR, EFAULT; search permission: EACCES; then CAP_SYS_CHROOT:
 * EPERM). Each chroot runs in a child, which cannot come back out. */
/* covers: chroot */
#include "tap.h"

static char dir[] = "/tmp/chroot.XXXXXX";

static int inside(void) /* bits: what the chrooted child saw */
{
    int r = 0;
    struct stat st;
    if (chroot(dir))
        return 128;
    if (stat("/f", &st) == 0 && st.st_size == 3)
        r |= 1;
    if (stat("/../../f", &st) == 0 && st.st_size == 3)
        r |= 2; /* ".." at the root stays there */
    if (stat(dir, &st) == -1 && errno == ENOENT)
        r |= 4; /* the old path to it means nothing now */
    if (stat("/abs", &st) == 0 && st.st_size == 3)
        r |= 8; /* a symlink to "/f" */
    char cwd[256];
    if (chdir("/") == 0 && chdir("..") == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/"))
        r |= 16;
    if (chdir("sub") == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/sub"))
        r |= 32;
    pid_t c = fork();
    if (c == 0)
        _exit(stat("/f", &st) == 0 && st.st_size == 3 ? 0 : 1);
    int s = 0;
    if (c > 0 && waitpid(c, &s, 0) == c && WIFEXITED(s) && WEXITSTATUS(s) == 0)
        r |= 64; /* a child has the same root */
    return r;
}

static int as_user(void) /* 1: EPERM on an open directory, 2: EACCES on a closed one */
{
    int r = 0;
    char closed[64];
    snprintf(closed, sizeof closed, "%s/closed", dir);
    if (setresgid(54321, 54321, 54321) || setresuid(54321, 54321, 54321))
        return 128;
    errno = 0;
    if (chroot(dir) == -1 && errno == EPERM)
        r |= 1;
    errno = 0;
    if (chroot(closed) == -1 && errno == EACCES)
        r |= 2;
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char path[64];
    if (!mkdtemp(dir) || chmod(dir, 0755))
        return 1;
    snprintf(path, sizeof path, "%s/f", dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || write(fd, "abc", 3) != 3)
        return 1;
    close(fd);
    snprintf(path, sizeof path, "%s/sub", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/closed", dir);
    mkdir(path, 0700);
    mkdir(strcat(path, "/in"), 0755);
    snprintf(path, sizeof path, "%s/abs", dir);
    if (symlink("/f", path))
        return 1;
    int r = tap_child(inside);
    T_TRUE("chroot then /f is the new root's", r >= 0 && r < 128 && (r & 1));
    T_TRUE("chroot .. at the new root stays there", r >= 0 && r < 128 && (r & 2));
    T_TRUE("chroot the old path to the root is gone", r >= 0 && r < 128 && (r & 4));
    T_TRUE("chroot an absolute symlink resolves inside", r >= 0 && r < 128 && (r & 8));
    T_TRUE("chroot chdir .. from / stays at /", r >= 0 && r < 128 && (r & 16));
    T_TRUE("chroot getcwd is relative to the new root", r >= 0 && r < 128 && (r & 32));
    T_TRUE("chroot a child shares the root", r >= 0 && r < 128 && (r & 64));
    char cwd[256];
    T_TRUE("chroot in a child left ours alone", getcwd(cwd, sizeof cwd) && access("/tmp", F_OK) == 0);
    T_ERR("chroot a missing directory", chroot("/nonexistent/dir"), ENOENT);
    snprintf(path, sizeof path, "%s/f", dir);
    T_ERR("chroot a file", chroot(path), ENOTDIR);
    T_ERR("chroot a bad pointer", chroot(BADUPTR), EFAULT);
    int u = tap_child(as_user);
    T_TRUE("chroot without CAP_SYS_CHROOT -> EPERM", u >= 0 && u < 128 && (u & 1));
    T_TRUE("chroot without search permission -> EACCES", u >= 0 && u < 128 && (u & 2));
    snprintf(path, sizeof path, "%s/abs", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/f", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/closed/in", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/closed", dir);
    rmdir(path);
    rmdir(dir);
    return tap_done();
}
