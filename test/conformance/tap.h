/* test/conformance/tap.h — the conformance suite's TAP harness (header-only; glibc and musl).
 *
 * Every result line names the syscall under test as its first word (the runner and docs/syscalls.md rely on
 * this): `ok 3 lseek SEEK_END+0 gives the size`. Error-path checks end with `-> ENAME`, which is how the
 * coverage report tells success tests from error tests. Diagnostics of a failure follow ` # `:
 *   not ok 4 lseek SEEK_END+0 gives the size # got 0 (errno 0), expected 4097
 * Each program ends with the plan line `1..N` and exits 0 when every check passed, 1 otherwise.
 *
 *   T_OK(name, expr, want)    expr (a long: a raw syscall result) == want, errno ignored unless it fails
 *   T_ERR(name, expr, err)    expr == -1 and errno == err (err is an E-constant, named in the output)
 *   T_TRUE(name, cond)        a state check; T_EQ(name, got, want) compares two longs
 *   T_SKIP(name, reason)
 *   T_COVERS(words)           what the next check exercises that its name does not say: flags, commands,
 *                             advice values, errnos (`T_COVERS("MAP_POPULATE")`; "open: O_APPEND" for another
 *                             syscall than the name's first word). Printed after the result as
 *                             `# covers SYSCALL WORD...`; docs/syscalls.md counts a documented errno or flag as
 *                             covered when a check that agrees with Linux names it (in its name: "-> ENOENT",
 *                             "O_EXCL", or in such a line).
 */
#ifndef CONFORMANCE_TAP_H
#define CONFORMANCE_TAP_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <signal.h>

static int tap_n, tap_failed;
static const char *tap_cov; /* T_COVERS: for the next result only */

/* A kernel address: never a valid user pointer. */
#define KADDR ((void *)0xffff800000000000ul)
#define KADDR2 ((void *)0xffffffff81000000ul)
/* A user address nothing is mapped at (below the usual mmap_min_addr). */
#define BADUPTR ((void *)0x1000ul)
#define PAGE 4096l

static const char *tap_errname(int e)
{
    switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD) E(EAGAIN)
    E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL)
    E(ENFILE) E(EMFILE) E(ENOTTY) E(EFBIG) E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK) E(EPIPE) E(ERANGE)
    E(ENAMETOOLONG) E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(EOVERFLOW) E(EOPNOTSUPP) E(ETIMEDOUT)
    E(ENODATA) E(EDOM) E(ENOTSOCK) E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT)
    E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETUNREACH)
    E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS) E(EISCONN) E(ENOTCONN) E(ECONNREFUSED) E(EHOSTUNREACH)
    E(EALREADY) E(EINPROGRESS) E(EDEADLK) E(ETXTBSY) E(ENOLCK) E(ENOPKG) E(ECANCELED)
#undef E
    case 0: return "0";
    default: return "E?";
    }
}

static void tap_result(int ok, const char *name, const char *diag)
{
    tap_n++;
    if (!ok)
        tap_failed++;
    printf("%s %d %s%s%s\n", ok ? "ok" : "not ok", tap_n, name, diag && !ok ? " # " : "", diag && !ok ? diag : "");
    if (tap_cov) {
        const char *c = strchr(tap_cov, ':');
        if (c) /* "syscall: words" */
            printf("# covers %.*s%s\n", (int)(c - tap_cov), tap_cov, c + 1);
        else
            printf("# covers %.*s %s\n", (int)strcspn(name, " "), name, tap_cov);
        tap_cov = 0;
    }
    fflush(stdout);
}

/* A small file (a /proc one) into buf, NUL-terminated: its length, or -1. */
static __attribute__((unused)) int tap_read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return (int)n;
}

/* The whole of path into buf (NUL-terminated): Linux's seq_file may stop one read short of the end. Its length,
 * or -1. */
static __attribute__((unused)) int tap_read_all(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY), n = 0;
    if (fd < 0)
        return -1;
    for (ssize_t r; n < (int)size - 1 && (r = read(fd, buf + n, size - 1 - (size_t)n)) > 0;)
        n += (int)r;
    close(fd);
    buf[n] = 0;
    return n;
}

/* Waits until *flag (set by sig's handler) is non-zero, without the race of `while (!flag) pause();`: a signal
 * that lands after the check but before pause() has already run its handler, and pause() then waits forever (the
 * CI run of 2026-12-07 hung twice so). sig is blocked around the check; sigsuspend opens it atomically. */
static __attribute__((unused)) void tap_wait_flag(volatile int *flag, int sig)
{
    sigset_t block, old, open_;
    sigemptyset(&block);
    sigaddset(&block, sig);
    sigprocmask(SIG_BLOCK, &block, &old);
    open_ = old;
    sigdelset(&open_, sig);
    while (!*flag)
        sigsuspend(&open_);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* clk's time now plus ns: an absolute deadline (FUTEX_CLOCK_REALTIME, futex_waitv, clock_nanosleep) */
static __attribute__((unused)) struct timespec tap_after_ns(clockid_t clk, long ns)
{
    struct timespec t;
    clock_gettime(clk, &t);
    t.tv_nsec += ns;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

/* Runs fn in a child (one that drops privileges, say); its checks print with the parent's numbers and their
 * counts come back by a pipe. */
static __attribute__((unused)) void tap_in_child(void (*fn)(void))
{
    int p[2];
    if (pipe(p))
        exit(2);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        fn();
        int counts[2] = { tap_n, tap_failed };
        if (write(p[1], counts, sizeof counts) != sizeof counts)
            _exit(3);
        _exit(0);
    }
    close(p[1]);
    int counts[2], st = 0;
    long n = read(p[0], counts, sizeof counts);
    close(p[0]);
    waitpid(c, &st, 0);
    if (n != sizeof counts || !WIFEXITED(st) || WEXITSTATUS(st)) {
        tap_result(0, "a child running checks died", "no counts came back");
        return;
    }
    tap_n = counts[0];
    tap_failed = counts[1];
}

/* Runs fn in a child and waits for it: its exit status (0-255), or 1000 + the signal that ended it, or -1. */
static __attribute__((unused)) int tap_child(int (*fn)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(fn());
    int st = 0;
    if (c < 0 || waitpid(c, &st, 0) != c)
        return -1;
    return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

static __attribute__((unused)) void tap_ok_check(const char *name, long got, int err, long want)
{
    char d[200];
    snprintf(d, sizeof d, "got %ld (errno %s), expected %ld", got, tap_errname(err), want);
    tap_result(got == want, name, d);
}

static __attribute__((unused)) void tap_err_check(const char *name, long got, int err, int want, const char *wname)
{
    char n[300], d[200];
    snprintf(n, sizeof n, "%s -> %s", name, wname);
    snprintf(d, sizeof d, "got %ld (errno %s), expected -1 (errno %s)", got, tap_errname(err), wname);
    tap_result(got == -1 && err == want, n, d);
}

#define T_OK(name, expr, want) do { errno = 0; long r_ = (long)(expr); int e_ = errno; \
        tap_ok_check((name), r_, e_, (long)(want)); } while (0)
#define T_ERR(name, expr, err) do { errno = 0; long r_ = (long)(expr); int e_ = errno; \
        tap_err_check((name), r_, e_, (err), #err); } while (0)
#define T_EQ(name, got, want) do { long g_ = (long)(got), w_ = (long)(want); char d_[120]; \
        snprintf(d_, sizeof d_, "got %ld, expected %ld", g_, w_); tap_result(g_ == w_, (name), d_); } while (0)
#define T_TRUE(name, cond) tap_result(!!(cond), (name), "condition false: " #cond)
#define T_COVERS(words) (tap_cov = (words))
#define T_SKIP(name, reason) do { tap_n++; tap_cov = 0; printf("ok %d %s # SKIP %s\n", tap_n, (name), (reason)); \
        fflush(stdout); } while (0)

static int tap_done(void)
{
    printf("1..%d\n", tap_n);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}

/* A private scratch directory under /tmp (made if missing: skiff's root may not have /tmp); the program
 * chdirs into it. Names never appear in test output, so the pid in the name is harmless. */
static char tap_dir[256];
static void tap_cleanup_dir(const char *path);
static __attribute__((unused)) void tap_scratch(const char *family)
{
    /* SKIFF_CONF_SCRATCH: another filesystem to work on (run.sh --volume: a 9P volume under skiff) */
    const char *base = getenv("SKIFF_CONF_SCRATCH");
    if (!base || !*base)
        base = "/tmp";
    mkdir("/tmp", 01777);
    snprintf(tap_dir, sizeof tap_dir, "%s/skiff-conf-%s-%d", base, family, (int)getpid());
    tap_cleanup_dir(tap_dir);
    if (mkdir(tap_dir, 0755) || chdir(tap_dir)) {
        printf("Bail out! cannot make scratch directory %s\n", tap_dir);
        exit(2);
    }
}

#include <dirent.h>
/* rm -r without libc's nftw (kept simple: our trees are small). */
static void tap_cleanup_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    char sub[1024];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        struct stat st;
        if (!lstat(sub, &st) && S_ISDIR(st.st_mode))
            tap_cleanup_dir(sub);
        else
            unlink(sub);
    }
    closedir(d);
    rmdir(path);
}

static __attribute__((unused)) void tap_finish_dir(void)
{
    if (chdir("/") == 0 && tap_dir[0])
        tap_cleanup_dir(tap_dir);
}

/* Helpers for files: write a whole file, read it back. */
static __attribute__((unused)) int put_file(const char *path, const void *buf, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    ssize_t w = n ? write(fd, buf, n) : 0;
    close(fd);
    return w == (ssize_t)n ? 0 : -1;
}

static __attribute__((unused)) long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

#define SYS(...) syscall(__VA_ARGS__)
/* The state letter of process pid (R, S, T, Z ...) as /proc/PID/stat shows it; '?' when unreadable. */
static inline char state_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return '?';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] ? p[2] : '?';
}

#endif
