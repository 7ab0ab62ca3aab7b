/* test/conformance/wakeups.c — who wakes a waiting process: a process in pause(), in a long nanosleep, or in
 * wait4 for its own child is not run at all while other processes sleep, fork, exit and use pipes (skiff once
 * woke every such waiter at every interrupt: a few hundred pause()rs left no time to run anything else); and
 * getrusage's context switch counts (ru_nvcsw, ru_nivcsw) and /proc/PID/status's voluntary_ctxt_switches that
 * show it. Orderings come from the other process's state in /proc, never from timing. */
/* covers: pause nanosleep wait4 getrusage poll epoll_wait select rt_sigtimedwait */
#include "tap.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* voluntary_ctxt_switches (or nonvoluntary_) of /proc/PID/status; -1 when missing. */
static long status_switches(pid_t pid, const char *which)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char key[64];
    snprintf(key, sizeof key, "\n%s:", which);
    char *p = strstr(buf, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void wait_sleeping(pid_t pid)
{
    for (int i = 0; i < 100000 && state_of(pid) != 'S'; i++)
        sched_yield();
}

/* Sleeps, pipes, a child that comes and goes: the interrupts and I/O events of a busy system. */
static void busy_elsewhere(void)
{
    int p[2];
    char c = 'x';
    if (pipe(p))
        return;
    for (int i = 0; i < 40; i++) {
        usleep(2000);
        if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
            break;
    }
    for (int i = 0; i < 3; i++) {
        pid_t k = fork();
        if (k == 0)
            _exit(0);
        waitpid(k, NULL, 0);
    }
    close(p[0]);
    close(p[1]);
}

static void test_quiet_waiters(void)
{
    pid_t pauser = fork();
    if (pauser == 0)
        for (;;)
            pause();
    pid_t sleeper = fork();
    if (sleeper == 0) {
        struct timespec ts = { 1000, 0 };
        for (;;)
            nanosleep(&ts, NULL);
    }
    pid_t waiter = fork();
    setpgid(waiter, waiter);
    if (waiter == 0) {
        setpgid(0, 0); /* its child goes with it (kill of the group) */
        pid_t g = fork();
        if (g == 0)
            for (;;)
                pause();
        waitpid(g, NULL, 0);
        _exit(0);
    }
    wait_sleeping(pauser);
    wait_sleeping(sleeper);
    wait_sleeping(waiter);
    long p0 = status_switches(pauser, "voluntary_ctxt_switches");
    long s0 = status_switches(sleeper, "voluntary_ctxt_switches");
    long w0 = status_switches(waiter, "voluntary_ctxt_switches");
    T_TRUE("getrusage: /proc/PID/status shows voluntary_ctxt_switches", p0 >= 0 && s0 >= 0 && w0 >= 0);
    T_TRUE("getrusage: /proc/PID/status shows nonvoluntary_ctxt_switches",
           status_switches(pauser, "nonvoluntary_ctxt_switches") >= 0);
    busy_elsewhere();
    long p1 = status_switches(pauser, "voluntary_ctxt_switches");
    long s1 = status_switches(sleeper, "voluntary_ctxt_switches");
    long w1 = status_switches(waiter, "voluntary_ctxt_switches");
    T_TRUE("pause: a process in pause() does not run while others sleep, fork and use pipes", p1 == p0);
    T_TRUE("nanosleep: a process in a long nanosleep does not run while others work", s1 == s0);
    T_TRUE("wait4: a process waiting for its own child does not run when another process's child ends",
           w1 == w0);
    T_EQ("pause: still sleeping afterwards", state_of(pauser), 'S');
    kill(pauser, SIGKILL);
    kill(sleeper, SIGKILL);
    kill(-waiter, SIGKILL);
    waitpid(pauser, NULL, 0);
    waitpid(sleeper, NULL, 0);
    waitpid(waiter, NULL, 0);
}

/* A child that waits for ever in one of the multiplexing calls, on a pipe nobody writes. */
static pid_t child_waiting_in(int how, int rd)
{
    pid_t c = fork();
    if (c)
        return c;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (;;) {
        if (how == 0) {
            struct pollfd pf = { rd, POLLIN, 0 };
            poll(&pf, 1, -1);
        } else if (how == 1) {
            int ep = epoll_create1(0);
            struct epoll_event ev = { .events = EPOLLIN }, out;
            epoll_ctl(ep, EPOLL_CTL_ADD, rd, &ev);
            epoll_wait(ep, &out, 1, -1);
        } else if (how == 2) {
            fd_set r;
            FD_ZERO(&r);
            FD_SET(rd, &r);
            select(rd + 1, &r, NULL, NULL, NULL);
        } else {
            sigwaitinfo(&set, NULL);
        }
    }
}

/* Only time passes (sleeps: timer interrupts, nothing else): an idle server's pollers must not run. */
static void test_idle_pollers(void)
{
    static const char *what[] = { "poll: a process in poll on a quiet pipe does not run while time passes",
                                  "epoll_wait: a process in epoll_wait on a quiet pipe does not run while time passes",
                                  "select: a process in select on a quiet pipe does not run while time passes",
                                  "rt_sigtimedwait: a process in sigwaitinfo does not run while time passes" };
    int p[2];
    if (pipe(p))
        return;
    pid_t c[4];
    long before[4];
    for (int i = 0; i < 4; i++)
        c[i] = child_waiting_in(i, p[0]);
    for (int i = 0; i < 4; i++) {
        wait_sleeping(c[i]);
        before[i] = status_switches(c[i], "voluntary_ctxt_switches");
    }
    for (int i = 0; i < 50; i++)
        usleep(2000);
    long after[4];
    for (int i = 0; i < 4; i++) /* all before any child ends: an end is an event (SIGCHLD, the pipe's close) */
        after[i] = status_switches(c[i], "voluntary_ctxt_switches");
    for (int i = 0; i < 4; i++) {
        T_TRUE(what[i], before[i] >= 0 && after[i] == before[i]);
        kill(c[i], SIGKILL);
        waitpid(c[i], NULL, 0);
    }
    close(p[0]);
    close(p[1]);
}

static void test_rusage(void)
{
    struct rusage a, b;
    T_OK("getrusage RUSAGE_SELF", getrusage(RUSAGE_SELF, &a), 0);
    usleep(1000);
    usleep(1000);
    getrusage(RUSAGE_SELF, &b);
    T_TRUE("getrusage RUSAGE_SELF: two sleeps are two voluntary switches or more", b.ru_nvcsw >= a.ru_nvcsw + 2);
    T_TRUE("getrusage RUSAGE_SELF: involuntary switches never go down", b.ru_nivcsw >= a.ru_nivcsw);
    T_OK("getrusage RUSAGE_THREAD", getrusage(RUSAGE_THREAD, &a), 0);
    usleep(1000);
    getrusage(RUSAGE_THREAD, &b);
    T_TRUE("getrusage RUSAGE_THREAD: a sleep is a voluntary switch", b.ru_nvcsw >= a.ru_nvcsw + 1);

    getrusage(RUSAGE_CHILDREN, &a);
    pid_t c = fork();
    if (c == 0) {
        for (int i = 0; i < 3; i++)
            usleep(1000);
        _exit(0);
    }
    getrusage(RUSAGE_CHILDREN, &b);
    T_EQ("getrusage RUSAGE_CHILDREN: nothing of a child not yet collected", b.ru_nvcsw, a.ru_nvcsw);
    struct rusage w;
    T_OK("wait4 with a struct rusage", wait4(c, NULL, 0, &w), c);
    T_TRUE("wait4: the child's rusage counts its three sleeps", w.ru_nvcsw >= 3);
    getrusage(RUSAGE_CHILDREN, &b);
    T_TRUE("getrusage RUSAGE_CHILDREN: a collected child's sleeps count", b.ru_nvcsw >= a.ru_nvcsw + 3);
}

int main(void)
{
    test_quiet_waiters();
    test_idle_pollers();
    test_rusage();
    return tap_done();
}
