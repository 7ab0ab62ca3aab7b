/* test/conformance/sigwait.c — waiting for signals: rt_sigpending, rt_sigtimedwait, rt_sigsuspend, pause
 * (woken by a thread that signals the main one), and wait4's error paths (this process has no children:
 * the suite never forks); the temporary signal masks of ppoll, pselect6 and epoll_pwait. */
/* covers: rt_sigpending rt_sigtimedwait rt_sigsuspend pause wait4 ppoll pselect6 epoll_pwait */
#include "tap.h"
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

static volatile sig_atomic_t got;
static pthread_t main_thread;

static void on_sig(int sig)
{
    got = sig;
}

static void *poke(void *arg)
{
    struct timespec ts = { 0, 30000000 };
    nanosleep(&ts, NULL);
    pthread_kill(main_thread, (int)(long)arg);
    return NULL;
}

int main(void)
{
    sigset_t set, old, pend;
    main_thread = pthread_self();
    signal(SIGUSR1, on_sig);
    signal(SIGUSR2, on_sig);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);

    raise(SIGUSR1);
    T_OK("rt_sigpending after raising a blocked signal", SYS(SYS_rt_sigpending, &pend, 8), 0);
    T_TRUE("rt_sigpending: SIGUSR1 is in the set", sigismember(&pend, SIGUSR1));
    T_ERR("rt_sigpending with a size above 8", SYS(SYS_rt_sigpending, &pend, 16), EINVAL);
    T_OK("rt_sigpending with a size of 4 (Linux copies that much)", SYS(SYS_rt_sigpending, &pend, 4), 0);
    T_ERR("rt_sigpending to a kernel address", SYS(SYS_rt_sigpending, KADDR, 8), EFAULT);

    siginfo_t si;
    T_OK("rt_sigtimedwait takes the pending SIGUSR1", SYS(SYS_rt_sigtimedwait, &set, &si, NULL, 8), SIGUSR1);
    T_EQ("rt_sigtimedwait: siginfo's signo", si.si_signo, SIGUSR1);
    T_EQ("rt_sigtimedwait: the handler did not run", got, 0);
    struct timespec zero = { 0, 0 };
    T_ERR("rt_sigtimedwait with nothing pending and no time", SYS(SYS_rt_sigtimedwait, &set, &si, &zero, 8), EAGAIN);
    struct timespec bad = { 0, 1000000000 };
    T_ERR("rt_sigtimedwait with a bad timeout", SYS(SYS_rt_sigtimedwait, &set, &si, &bad, 8), EINVAL);
    T_ERR("rt_sigtimedwait with a bad size", SYS(SYS_rt_sigtimedwait, &set, &si, &zero, 16), EINVAL);

    raise(SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    T_ERR("rt_sigsuspend with the pending signal unblocked: EINTR after the handler", SYS(SYS_rt_sigsuspend, &none, 8), EINTR);
    T_EQ("rt_sigsuspend: the handler ran", got, SIGUSR1);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    T_TRUE("rt_sigsuspend: the old mask is back afterwards", sigismember(&now, SIGUSR1));
    T_ERR("rt_sigsuspend with a bad size", SYS(SYS_rt_sigsuspend, &none, 4), EINVAL);
    T_ERR("rt_sigsuspend with a bad mask pointer", SYS(SYS_rt_sigsuspend, KADDR, 8), EFAULT);

    got = 0;
    pthread_t t;
    pthread_create(&t, NULL, poke, (void *)(long)SIGUSR2);
    T_ERR("pause returns EINTR once a handled signal arrives", SYS(SYS_pause), EINTR);
    T_EQ("pause: the handler ran", got, SIGUSR2);
    pthread_join(t, NULL);

    /* the temporary masks of ppoll, pselect6 and epoll_pwait: SIGUSR1 is blocked, raised, then let in only
     * while the call waits */
    int p[2], ep = epoll_create1(0);
    pipe(p);
    struct pollfd pfd = { p[0], POLLIN, 0 };
    struct timespec ten_ms = { 0, 10000000 };
    struct epoll_event ev = { .events = EPOLLIN }, evs[1];
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    raise(SIGUSR1);
    got = 0;
    T_OK("ppoll with a mask that keeps SIGUSR1 blocked times out", SYS(SYS_ppoll, &pfd, 1, &ten_ms, &set, 8), 0);
    T_EQ("ppoll: the blocked signal stays pending, unhandled", got, 0);
    T_ERR("ppoll with a mask that lets SIGUSR1 in: EINTR", SYS(SYS_ppoll, &pfd, 1, &ten_ms, &none, 8), EINTR);
    T_EQ("ppoll: the handler ran", got, SIGUSR1);
    sigprocmask(SIG_SETMASK, NULL, &now);
    T_TRUE("ppoll: the caller's mask is back afterwards", sigismember(&now, SIGUSR1));
    raise(SIGUSR1);
    got = 0;
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct { const sigset_t *ss; size_t len; } sm = { &none, 8 }, smb = { &none, 4 };
    T_ERR("pselect6 with a mask that lets SIGUSR1 in: EINTR", SYS(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &ten_ms,
                                                                   &sm), EINTR);
    T_EQ("pselect6: the handler ran", got, SIGUSR1);
    sigprocmask(SIG_SETMASK, NULL, &now);
    T_TRUE("pselect6: the caller's mask is back afterwards", sigismember(&now, SIGUSR1));
    T_ERR("pselect6 with a bad mask size", SYS(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &ten_ms, &smb), EINVAL);
    raise(SIGUSR1);
    got = 0;
    T_ERR("epoll_pwait with a mask that lets SIGUSR1 in: EINTR", SYS(SYS_epoll_pwait, ep, evs, 1, 10, &none, 8L), EINTR);
    T_EQ("epoll_pwait: the handler ran", got, SIGUSR1);
    sigprocmask(SIG_SETMASK, NULL, &now);
    T_TRUE("epoll_pwait: the caller's mask is back afterwards", sigismember(&now, SIGUSR1));
    write(p[1], "x", 1);
    T_OK("ppoll with a mask and a ready fd", SYS(SYS_ppoll, &pfd, 1, &ten_ms, &none, 8), 1);
    sigprocmask(SIG_SETMASK, NULL, &now);
    T_TRUE("ppoll with a ready fd: the caller's mask is back", sigismember(&now, SIGUSR1));
    close(p[0]), close(p[1]), close(ep);

    int status;
    T_ERR("wait4 with no children", SYS(SYS_wait4, -1, &status, 0, NULL), ECHILD);
    T_ERR("wait4 WNOHANG with no children", SYS(SYS_wait4, -1, &status, WNOHANG, NULL), ECHILD);
    T_ERR("wait4 for a pid that is not a child", SYS(SYS_wait4, 999999, &status, 0, NULL), ECHILD);
    T_ERR("wait4 with unknown options", SYS(SYS_wait4, -1, &status, 0x10000, NULL), EINVAL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return tap_done();
}
