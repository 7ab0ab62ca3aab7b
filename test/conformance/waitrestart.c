/* test/conformance/waitrestart.c — a timed wait that a stop and SIGCONT interrupt: futex and poll go on
 * through restart_syscall only until the deadline they had, not for their whole timeout again; ppoll, select
 * and pselect6 are restarted with the time that was left when the stop came (Linux writes it back into the
 * caller's timeout: the time stopped does not count for them), and that write-back is checked on its own.
 * The waiter is a child (under skiff the test is the first process, which a stop does not stop). A helper
 * stops it once /proc shows it asleep, lets its deadline pass while it is stopped, then continues it: a futex
 * or poll must then end at once with its timeout result. Restarted with the whole timeout it would take the
 * whole timeout (1 s) again, so "less than 1 s after SIGCONT" separates the two without a tight bound. */
/* covers: futex poll ppoll select pselect6 restart_syscall */
#include "tap.h"
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>

#define FUTEX_WAIT 0
#define TIMEOUT_NS 1000000000ll

static volatile long long *cont_at; /* shared with the helper: when it sent SIGCONT */

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* In the waiter, before it waits: a helper that stops it while it sleeps, waits for deadline to pass, and
 * continues it. */
static pid_t helper(long long deadline)
{
    pid_t waiter = getpid();
    pid_t h = fork();
    if (h == 0) {
        while (state_of(waiter) != 'S')
            sched_yield();
        kill(waiter, SIGSTOP);
        while (state_of(waiter) != 'T')
            sched_yield();
        while (now_ns() < deadline + 100000000ll) {
            struct timespec ts = { 0, 50000000 };
            nanosleep(&ts, NULL);
        }
        *cont_at = now_ns();
        kill(waiter, SIGCONT);
        _exit(0);
    }
    return h;
}

static int word;

/* The timed call under test, by number: its result (-errno on failure). */
static long timed_call(int which)
{
    int p[2];
    if (pipe(p))
        return -1000;
    struct pollfd pfd = { .fd = p[0], .events = POLLIN };
    struct timespec ts = { 1, 0 };
    struct timeval tv = { 1, 0 };
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    long rc;
    switch (which) {
    case 0: rc = SYS(SYS_futex, &word, FUTEX_WAIT, 0, &ts, NULL, 0); break;
    case 1: rc = SYS(SYS_poll, &pfd, 1, 1000); break;
    case 2: rc = SYS(SYS_ppoll, &pfd, 1, &ts, NULL, 8); break;
    case 3: rc = SYS(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv); break;
    default: rc = SYS(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &ts, NULL); break;
    }
    return rc < 0 ? -errno : rc;
}

/* Exit code of the waiter: 0 the call ended as a timeout (less than the timeout after SIGCONT when timed),
 * 1 it ended otherwise, 2 it took the whole timeout again. */
static int waiter(int which, long want, int timed)
{
    long long deadline = now_ns() + TIMEOUT_NS;
    pid_t h = helper(deadline);
    long rc = timed_call(which);
    long long after = now_ns() - *cont_at;
    int st;
    waitpid(h, &st, 0);
    if (rc != want)
        return 1;
    return !timed || after < TIMEOUT_NS ? 0 : 2;
}

static void run(int which, long want, int timed, const char *name)
{
    pid_t c = fork();
    if (c == 0)
        _exit(waiter(which, want, timed));
    int st = 0;
    waitpid(c, &st, 0);
    char d[200];
    snprintf(d, sizeof d, "waiter exit status %d (1: wrong result, 2: waited the whole timeout again)",
             WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    tap_result(WIFEXITED(st) && WEXITSTATUS(st) == 0, name, d);
}

static void on_usr1(int sig) { (void)sig; }

/* The time left written back: after a ready fd, and after a handler's EINTR. */
static void test_write_back(void)
{
    int p[2];
    pipe(p);
    write(p[1], "x", 1);
    struct timeval tv = { 10, 0 };
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    T_OK("select a ready pipe with a 10 s timeout", SYS(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv), 1);
    T_TRUE("select writes back the time left (below 10 s, above 5 s)",
           tv.tv_sec * 1000000 + tv.tv_usec < 10000000 && tv.tv_sec >= 5);
    struct pollfd pfd = { .fd = p[0], .events = POLLIN };
    struct timespec ts = { 10, 0 };
    T_OK("ppoll a ready pipe with a 10 s timeout", SYS(SYS_ppoll, &pfd, 1, &ts, NULL, 8), 1);
    T_TRUE("ppoll writes back the time left (below 10 s, above 5 s)",
           ts.tv_sec < 10 && ts.tv_sec >= 5);
    struct timespec zero = { 0, 0 };
    T_OK("ppoll with a zero timeout", SYS(SYS_ppoll, &pfd, 1, &zero, NULL, 8), 1);
    T_TRUE("ppoll leaves a zero timeout as it was", zero.tv_sec == 0 && zero.tv_nsec == 0);
    char b;
    read(p[0], &b, 1);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t me = getpid(), c = fork();
    if (c == 0) {
        while (state_of(me) != 'S')
            sched_yield();
        kill(me, SIGUSR1);
        _exit(0);
    }
    struct timespec ts2 = { 100, 0 };
    T_ERR("ppoll interrupted by a handler", SYS(SYS_ppoll, &pfd, 1, &ts2, NULL, 8), EINTR);
    T_TRUE("ppoll interrupted: the time left is written back", ts2.tv_sec < 100 && ts2.tv_sec >= 50);
    int st;
    waitpid(c, &st, 0);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    cont_at = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    test_write_back();
    run(0, -ETIMEDOUT, 1, "futex a timed FUTEX_WAIT a stop interrupts ends at its deadline, not a whole timeout later");
    run(1, 0, 1, "poll a timed poll a stop interrupts ends at its deadline, not a whole timeout later");
    run(2, 0, 0, "ppoll a timed ppoll a stop interrupts is restarted and times out");
    run(3, 0, 0, "select a timed select a stop interrupts is restarted and times out");
    run(4, 0, 0, "pselect6 a timed pselect6 a stop interrupts is restarted and times out");
    return tap_done();
}
