/* test/conformance/nproc.c — RLIMIT_NPROC as Linux enforces it (getrlimit(2), fork(2), execve(2)): it counts
 * the tasks, processes and threads, of the caller's real user; a fork or thread over it fails with EAGAIN, not
 * for root (real uid 0) nor for a caller with CAP_SYS_RESOURCE; a reaped child gives its place back; set*id to
 * a user over its limit succeeds, but the next execve fails with EAGAIN (before the file is even looked up)
 * while the user stays over, and once under it runs (or fails for its own reasons) again. */
/* covers: fork clone setresuid execve */
#include "tap.h"
#include <pthread.h>
#include <sys/resource.h>

#define UID 54321 /* a user nothing else on the machine runs as */

static int lim(rlim_t n)
{
    struct rlimit rl = { n, n };
    return setrlimit(RLIMIT_NPROC, &rl);
}

static int become(uid_t uid, uid_t euid)
{
    return setresgid(UID, UID, UID) || setresuid(uid, euid, euid);
}

static void *idle(void *arg) { return arg; }

/* 1: a second task fits under 2; 2: a third process EAGAIN; 4: a thread EAGAIN; 8: reaped, fork works again */
static int over_child(void)
{
    int r = 0, p[2];
    if (pipe(p) || lim(2) || become(UID, UID))
        return 128;
    pid_t a = fork();
    if (a == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 0 ? 0 : 1);
    }
    if (a > 0)
        r |= 1;
    errno = 0;
    pid_t b = fork();
    if (b == 0)
        _exit(0);
    if (b < 0 && errno == EAGAIN)
        r |= 2;
    pthread_t th;
    int e = pthread_create(&th, NULL, idle, NULL);
    if (e == EAGAIN)
        r |= 4;
    else if (e == 0)
        pthread_join(th, NULL);
    close(p[1]);
    if (a > 0)
        waitpid(a, NULL, 0);
    if (b > 0)
        waitpid(b, NULL, 0);
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    if (c > 0 && waitpid(c, NULL, 0) == c)
        r |= 8;
    return r;
}

/* 1: root forks at a limit of 0; 2: real uid UID with euid 0 (CAP_SYS_RESOURCE) forks over the limit;
 * 4: the same user without capabilities gets EAGAIN */
static int exempt_child(void)
{
    int r = 0;
    if (lim(0))
        return 128;
    pid_t a = fork();
    if (a == 0)
        _exit(0);
    if (a > 0 && waitpid(a, NULL, 0) == a)
        r |= 1;
    if (become(UID, 0))
        return 128;
    a = fork();
    if (a == 0)
        _exit(0);
    if (a > 0 && waitpid(a, NULL, 0) == a)
        r |= 2;
    if (setresuid(UID, UID, UID))
        return 128;
    errno = 0;
    a = fork();
    if (a == 0)
        _exit(0);
    if (a < 0 && errno == EAGAIN)
        r |= 4;
    return r;
}

/* 1: setresuid to a user already over the limit succeeds; 2: execve then fails with EAGAIN; 4: and again while
 * the user stays over; 8: with the user back under it, execve looks the file up (ENOENT) */
static int exec_child(void)
{
    int r = 0, go[2], ready[2];
    if (pipe(go) || pipe(ready) || lim(1))
        return 128;
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork(); /* root: not limited */
        if (kids[i] == 0) {
            char c = 0;
            close(go[1]);
            if (become(UID, UID) || write(ready[1], &c, 1) != 1)
                _exit(1);
            _exit(read(go[0], &c, 1) == 0 ? 0 : 1);
        }
        if (kids[i] < 0)
            return 128;
    }
    char c;
    if (read(ready[0], &c, 1) != 1 || read(ready[0], &c, 1) != 1)
        return 128;
    char *argv[] = { "x", NULL };
    if (become(UID, UID) == 0)
        r |= 1;
    errno = 0;
    if (execve("/nonexistent/nproc", argv, argv + 1) < 0 && errno == EAGAIN)
        r |= 2;
    errno = 0;
    if (execve("/nonexistent/nproc", argv, argv + 1) < 0 && errno == EAGAIN)
        r |= 4;
    close(go[1]);
    waitpid(kids[0], NULL, 0);
    waitpid(kids[1], NULL, 0);
    errno = 0;
    if (execve("/nonexistent/nproc", argv, argv + 1) < 0 && errno == ENOENT)
        r |= 8;
    return r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int o = tap_child(over_child);
    T_COVERS("RLIMIT_NPROC");
    T_TRUE("fork a second task of a user under RLIMIT_NPROC 2", o >= 0 && o < 128 && (o & 1));
    T_COVERS("RLIMIT_NPROC");
    T_TRUE("fork a third -> EAGAIN", o >= 0 && o < 128 && (o & 2));
    T_COVERS("clone: RLIMIT_NPROC EAGAIN");
    T_TRUE("fork a thread counts too (pthread_create EAGAIN)", o >= 0 && o < 128 && (o & 4));
    T_TRUE("fork again once a child is reaped", o >= 0 && o < 128 && (o & 8));
    int e = tap_child(exempt_child);
    T_TRUE("fork by root at RLIMIT_NPROC 0", e >= 0 && e < 128 && (e & 1));
    T_COVERS("CAP_SYS_RESOURCE");
    T_TRUE("fork over RLIMIT_NPROC with an effective uid of 0", e >= 0 && e < 128 && (e & 2));
    T_TRUE("fork over RLIMIT_NPROC without capabilities -> EAGAIN", e >= 0 && e < 128 && (e & 4));
    int x = tap_child(exec_child);
    T_TRUE("setresuid to a user over RLIMIT_NPROC succeeds", x >= 0 && x < 128 && (x & 1));
    T_TRUE("execve after it -> EAGAIN", x >= 0 && x < 128 && (x & 2));
    T_TRUE("execve while the user stays over -> EAGAIN", x >= 0 && x < 128 && (x & 4));
    T_TRUE("execve once the user is back under the limit looks the file up -> ENOENT", x >= 0 && x < 128 && (x & 8));
    return tap_done();
}
