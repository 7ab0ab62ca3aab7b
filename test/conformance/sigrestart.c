/* test/conformance/sigrestart.c — a syscall a handler interrupts: restarted when the handler has SA_RESTART
 * (wait4, read on a pipe), EINTR without it, EINTR whatever the flag for the calls signal(7) lists as never
 * restarted (nanosleep, epoll_wait, pause), and a sleep that a stop and SIGCONT interrupt going on to its end;
 * SA_RESETHAND. The SIGALRM comes from a child that waits until /proc shows the parent asleep in the call. */
/* covers: rt_sigaction wait4 read nanosleep epoll_wait restart_syscall */
#include "tap.h"
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/wait.h>

static int release_fd = -1, alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
    if (release_fd >= 0)
        write(release_fd, "x", 1);
}

static void set_alarm_handler(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

/* A child that sends sig to us once we sleep in a call, then exits with code. */
static pid_t poke_when_asleep(int sig, int code)
{
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        while (state_of(parent) != 'S')
            sched_yield();
        kill(parent, sig);
        _exit(code);
    }
    return c;
}

/* wait4 for a child that ends only once the handler has run (it writes to the pipe the child reads). */
static void test_wait4(int flags, const char *name_ok, const char *name_st)
{
    int rel[2], st = 0;
    pipe(rel);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        char b;
        close(rel[1]);
        while (state_of(parent) != 'S')
            sched_yield();
        kill(parent, SIGALRM);
        _exit(read(rel[0], &b, 1) == 1 ? 7 : 1);
    }
    close(rel[0]);
    release_fd = rel[1];
    alarms = 0;
    set_alarm_handler(flags);
    if (flags & SA_RESTART) {
        T_OK(name_ok, SYS(SYS_wait4, c, &st, 0, NULL), c);
        T_TRUE(name_st, alarms == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 7);
    } else {
        T_ERR(name_ok, SYS(SYS_wait4, c, &st, 0, NULL), EINTR);
        T_TRUE(name_st, alarms == 1 && SYS(SYS_wait4, c, &st, 0, NULL) == c && WEXITSTATUS(st) == 7);
    }
    release_fd = -1;
    close(rel[1]);
}

static void test_read(int flags, const char *name_ok)
{
    int p[2], st;
    char b = 0;
    pipe(p);
    release_fd = p[1];
    alarms = 0;
    set_alarm_handler(flags);
    pid_t c = poke_when_asleep(SIGALRM, 0);
    if (flags & SA_RESTART)
        T_OK(name_ok, SYS(SYS_read, p[0], &b, 1), 1);
    else
        T_ERR(name_ok, SYS(SYS_read, p[0], &b, 1), EINTR);
    waitpid(c, &st, 0);
    release_fd = -1;
    close(p[0]);
    close(p[1]);
}

static void test_never_restarted(void)
{
    int st;
    set_alarm_handler(SA_RESTART);
    struct timespec ts = { 100, 0 }, rem = { 0, 0 };
    pid_t c = poke_when_asleep(SIGALRM, 0);
    T_ERR("nanosleep with an SA_RESTART handler", SYS(SYS_nanosleep, &ts, &rem), EINTR);
    T_TRUE("nanosleep the time left is in rem", rem.tv_sec > 0 && rem.tv_sec <= 100);
    waitpid(c, &st, 0);
    int ep = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event ev = { .events = EPOLLIN }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    c = poke_when_asleep(SIGALRM, 0);
    T_ERR("epoll_wait with an SA_RESTART handler", SYS(SYS_epoll_wait, ep, &out, 1, -1), EINTR);
    waitpid(c, &st, 0);
    c = poke_when_asleep(SIGALRM, 0);
    T_ERR("pause with an SA_RESTART handler", SYS(SYS_pause), EINTR);
    waitpid(c, &st, 0);
    close(ep);
    close(p[0]);
    close(p[1]);
}

/* No handler runs (a stop, then SIGCONT): the sleep goes on to its end and returns 0. It runs in a child: under
 * skiff the test is the first process, which a stop signal does not stop (as Linux's init). */
static void test_stop_cont(void)
{
    int st = 0;
    pid_t sleeper = fork();
    if (sleeper == 0) {
        pid_t me = getpid();
        pid_t c = fork();
        if (c == 0) {
            while (state_of(me) != 'S')
                sched_yield();
            kill(me, SIGSTOP);
            while (state_of(me) != 'T')
                sched_yield();
            kill(me, SIGCONT);
            _exit(0);
        }
        struct timespec ts = { 0, 300000000 };
        long rc = SYS(SYS_nanosleep, &ts, NULL);
        waitpid(c, &st, 0);
        _exit(rc == 0 ? 0 : 1);
    }
    waitpid(sleeper, &st, 0);
    T_TRUE("restart_syscall a nanosleep a stop and SIGCONT interrupt goes on to its end",
           WIFEXITED(st) && WEXITSTATUS(st) == 0);
    T_ERR("restart_syscall with nothing to restart", SYS(SYS_restart_syscall), EINTR);
}

static int reset_seen, reset_blocked;

static void on_usr1(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    reset_blocked = sigismember(&cur, sig);
    struct sigaction now;
    sigaction(sig, NULL, &now);
    reset_seen = now.sa_handler == SIG_DFL;
}

static void test_resethand(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESETHAND;
    T_OK("rt_sigaction SA_RESETHAND", sigaction(SIGUSR1, &sa, NULL), 0);
    raise(SIGUSR1);
    T_TRUE("rt_sigaction SA_RESETHAND: the action is the default inside the handler", reset_seen);
    T_EQ("rt_sigaction SA_RESETHAND: the signal is blocked in its handler (no SA_NODEFER)", reset_blocked, 1);
    sigaction(SIGUSR1, NULL, &old);
    T_TRUE("rt_sigaction SA_RESETHAND: the action stays the default", old.sa_handler == SIG_DFL);
}

int main(void)
{
    tap_scratch("sigrestart");
    test_wait4(SA_RESTART, "wait4 interrupted by an SA_RESTART handler is restarted",
               "wait4 restarted: the handler ran once, the child's status 7");
    test_wait4(0, "wait4 interrupted by a handler without SA_RESTART",
               "wait4 after EINTR: the handler ran, the child is collected");
    test_read(SA_RESTART, "read on a pipe interrupted by an SA_RESTART handler is restarted (reads its byte)");
    test_read(0, "read on a pipe interrupted by a handler without SA_RESTART");
    test_never_restarted();
    test_stop_cont();
    test_resethand();
    return tap_done();
}
