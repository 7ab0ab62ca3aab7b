/* test/conformance/fexec.c — execveat(2) by file descriptor: fexecve (AT_EMPTY_PATH on an open program, glibc's
 * only way), a path relative to a directory fd, a memfd holding a program, a script run through /dev/fd/N (and
 * refused when its fd is close-on-exec), and the errors (EBADF, ENOTDIR, EACCES, ENOENT, ELOOP). Each exec'd image is
 * this program again: it writes what it got (its AT_EXECFN, /proc/self/exe, argv) to a pipe named in its argv. */
/* covers: execveat */
#include "tap.h"
#include <sys/auxv.h>
#include <sys/mman.h>

struct report { char execfn[64], exe[256], arg2[64]; int argc; };

static char self_exe[4096];

/* argv: NAME report WFD [FD]; a script's interpreter gets SELF script /dev/fd/N report WFD [FD] */
static int report(int argc, char **argv)
{
    struct report r;
    memset(&r, 0, sizeof r);
    const char *fn = (const char *)getauxval(AT_EXECFN);
    snprintf(r.execfn, sizeof r.execfn, "%s", fn ? fn : "?");
    long n = readlink("/proc/self/exe", r.exe, sizeof r.exe - 1);
    r.exe[n > 0 ? n : 0] = 0;
    int at = !strcmp(argv[1], "script") ? 2 : 0; /* where NAME's "report" sits, minus one */
    snprintf(r.arg2, sizeof r.arg2, "%s", argc > at + 3 ? argv[at + 3] : "");
    r.argc = argc;
    return write(atoi(argv[at + 2]), &r, sizeof r) == sizeof r ? 0 : 1;
}

/* Runs go(pipe write end) in a child that execs; the report, or argc -1 (errno in argc -2 - errno if it failed). */
static struct report run(long (*go)(int wfd))
{
    struct report r;
    memset(&r, 0, sizeof r);
    r.argc = -1;
    int p[2];
    if (pipe(p))
        return r;
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        long rc = go(p[1]);
        struct report f;
        memset(&f, 0, sizeof f);
        f.argc = rc == -1 ? -2 - errno : -1;
        _exit(write(p[1], &f, sizeof f) == sizeof f ? 0 : 1);
    }
    close(p[1]);
    if (read(p[0], &r, sizeof r) != sizeof r)
        r.argc = -1;
    close(p[0]);
    waitpid(c, NULL, 0);
    return r;
}

static char wfd_s[16], fd_s[16];
/* NAME report WFD FD: FD, the descriptor the exec used, for the child to report */
static char *const *args(int wfd, int fd)
{
    static char *av[5];
    snprintf(wfd_s, sizeof wfd_s, "%d", wfd);
    snprintf(fd_s, sizeof fd_s, "%d", fd);
    av[0] = "fexec-child", av[1] = "report", av[2] = wfd_s, av[3] = fd_s, av[4] = NULL;
    return av;
}
static char *const noenv[] = { NULL };

static long by_fd(int wfd)
{
    int fd = open(self_exe, O_RDONLY);
    return syscall(SYS_execveat, fd, "", args(wfd, fd), noenv, AT_EMPTY_PATH);
}

static long by_fd_cloexec(int wfd)
{
    int fd = open(self_exe, O_RDONLY | O_CLOEXEC);
    return fexecve(fd, args(wfd, fd), noenv);
}

static const char *base_name(const char *p)
{
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

static long by_dirfd(int wfd)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", self_exe);
    *strrchr(dir, '/') = 0;
    int d = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
    return syscall(SYS_execveat, d, base_name(self_exe), args(wfd, d), noenv, 0);
}

static long by_memfd(int wfd)
{
    int src = open(self_exe, O_RDONLY), m = (int)syscall(SYS_memfd_create, "fexec", 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(src, buf, sizeof buf)) > 0)
        if (write(m, buf, (size_t)n) != n)
            return -1;
    close(src);
    return syscall(SYS_execveat, m, "", args(wfd, m), noenv, AT_EMPTY_PATH);
}

/* a script whose interpreter is this program: it runs as `self report-script /dev/fd/N report W` */
static int script_fd(int cloexec)
{
    char name[] = "fexec-script-XXXXXX";
    int w = mkstemp(name);
    dprintf(w, "#!%s script\n", self_exe);
    fchmod(w, 0755);
    close(w); /* a file open for writing cannot be executed (ETXTBSY) */
    int fd = open(name, O_RDONLY | (cloexec ? O_CLOEXEC : 0));
    unlink(name);
    return fd;
}

static long script_by_fd(int wfd)
{
    int fd = script_fd(0);
    return syscall(SYS_execveat, fd, "", args(wfd, fd), noenv, AT_EMPTY_PATH);
}

static long script_by_fd_cloexec(int wfd)
{
    int fd = script_fd(1);
    return syscall(SYS_execveat, fd, "", args(wfd, fd), noenv, AT_EMPTY_PATH);
}

static void checks(void)
{
    char want[64];
    struct report r = run(by_fd);
    T_EQ("execveat AT_EMPTY_PATH on an open program runs it", r.argc, 4);
    snprintf(want, sizeof want, "/dev/fd/%s", r.arg2);
    T_COVERS("AT_EMPTY_PATH");
    T_TRUE("execveat AT_EMPTY_PATH: AT_EXECFN is /dev/fd/N", !strcmp(r.execfn, want));
    T_TRUE("execveat AT_EMPTY_PATH: /proc/self/exe is the program's path", !strcmp(r.exe, self_exe));
    r = run(by_fd_cloexec);
    T_EQ("execveat fexecve of a close-on-exec fd runs it", r.argc, 4);
    r = run(by_dirfd);
    T_EQ("execveat a path relative to a directory fd runs it", r.argc, 4);
    snprintf(want, sizeof want, "/dev/fd/%s/%s", r.arg2, base_name(self_exe));
    T_TRUE("execveat relative to a directory fd: AT_EXECFN is /dev/fd/N/NAME", !strcmp(r.execfn, want));
    T_TRUE("execveat relative to a directory fd: /proc/self/exe is the program's path", !strcmp(r.exe, self_exe));
    r = run(by_memfd);
    T_EQ("execveat AT_EMPTY_PATH on a memfd holding the program runs it", r.argc, 4);
    T_TRUE("execveat a memfd: /proc/self/exe names the memfd", !strcmp(r.exe, "/memfd:fexec (deleted)"));
    r = run(script_by_fd);
    snprintf(want, sizeof want, "/dev/fd/%s", r.arg2);
    T_EQ("execveat AT_EMPTY_PATH on a script: its interpreter runs", r.argc, 6);
    T_TRUE("execveat AT_EMPTY_PATH on a script: AT_EXECFN is /dev/fd/N", !strcmp(r.execfn, want));
    r = run(script_by_fd_cloexec);
    T_EQ("execveat AT_EMPTY_PATH on a close-on-exec script -> ENOENT", r.argc, -2 - ENOENT);
}

static void errors(void)
{
    char *const av[] = { "x", NULL };
    T_ERR("execveat AT_EMPTY_PATH on a fd that is not open", syscall(SYS_execveat, 99, "", av, noenv, AT_EMPTY_PATH),
          EBADF);
    T_ERR("execveat a relative path with a fd that is not open", syscall(SYS_execveat, 99, "x", av, noenv, 0), EBADF);
    int f = open(self_exe, O_RDONLY);
    T_ERR("execveat a relative path with a fd of a file", syscall(SYS_execveat, f, "x", av, noenv, 0), ENOTDIR);
    close(f);
    int d = open("/", O_RDONLY | O_DIRECTORY);
    T_ERR("execveat AT_EMPTY_PATH on a directory", syscall(SYS_execveat, d, "", av, noenv, AT_EMPTY_PATH), EACCES);
    T_ERR("execveat an empty path without AT_EMPTY_PATH", syscall(SYS_execveat, d, "", av, noenv, 0), ENOENT);
    close(d);
    symlink(self_exe, "fexec-link");
    T_COVERS("AT_SYMLINK_NOFOLLOW");
    T_ERR("execveat AT_SYMLINK_NOFOLLOW on a symlink",
          syscall(SYS_execveat, AT_FDCWD, "fexec-link", av, noenv, AT_SYMLINK_NOFOLLOW), ELOOP);
    unlink("fexec-link");
    T_ERR("execveat unknown flags", syscall(SYS_execveat, AT_FDCWD, self_exe, av, noenv, 0x4), EINVAL);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "report"))
        return report(argc, argv);
    if (argc >= 5 && !strcmp(argv[1], "script"))
        return report(argc, argv);
    long n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[n > 0 ? n : 0] = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("fexec");
    checks();
    errors();
    return tap_done();
}
