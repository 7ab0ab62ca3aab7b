/* test/conformance/ptimer.c — POSIX timers through the raw syscalls: SIGEV_SIGNAL with its value and timer id
 * in the siginfo, the default sigevent (SIGALRM, value = id), SIGEV_THREAD_ID, SIGEV_NONE, TIMER_ABSTIME,
 * intervals and overruns (si_overrun, timer_getoverrun), timer_gettime, timer_delete, and the error paths.
 * Waits use sigtimedwait on blocked signals; bounds are generous and one-sided. */
/* covers: timer_create timer_settime timer_gettime timer_getoverrun timer_delete */
#include "tap.h"
#include <signal.h>
#include <time.h>

struct ksigevent { union sigval value; int signo, notify, tid; int pad[11]; };

static int tcreate(clockid_t clk, int notify, int signo, int value, int tid)
{
    struct ksigevent ev = { .value.sival_int = value, .signo = signo, .notify = notify, .tid = tid };
    int id = -1;
    return SYS(SYS_timer_create, clk, &ev, &id) == 0 ? id : -1;
}

static long tset(int id, int flags, long long value_ns, long long interval_ns)
{
    struct itimerspec its = { { interval_ns / 1000000000, interval_ns % 1000000000 },
                              { value_ns / 1000000000, value_ns % 1000000000 } };
    return SYS(SYS_timer_settime, id, flags, &its, NULL);
}

static int take(int sig, siginfo_t *si)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    struct timespec ts = { 30, 0 };
    memset(si, 0, sizeof *si);
    return sigtimedwait(&s, si, &ts);
}

int main(void)
{
    tap_scratch("ptimer");
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, SIGUSR1);
    sigaddset(&all, SIGUSR2);
    sigaddset(&all, SIGALRM);
    sigaddset(&all, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &all, NULL);
    siginfo_t si;

    int id = tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 77, 0);
    T_TRUE("timer_create CLOCK_MONOTONIC SIGEV_SIGNAL", id >= 0);
    T_OK("timer_settime 20 ms, once", tset(id, 0, 20000000, 0), 0);
    T_OK("timer_settime: the signal comes", take(SIGUSR1, &si), SIGUSR1);
    T_TRUE("timer_settime: SI_TIMER, the sigevent's value, the timer id",
           si.si_code == SI_TIMER && si.si_value.sival_int == 77 && si.si_timerid == id);
    struct itimerspec cur;
    T_OK("timer_gettime after a one-shot expired", SYS(SYS_timer_gettime, id, &cur), 0);
    T_TRUE("timer_gettime: disarmed", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

    T_OK("timer_settime 1 ms interval", tset(id, 0, 1000000, 1000000), 0);
    struct timespec nap = { 0, 100000000 };
    nanosleep(&nap, NULL);
    T_OK("timer_settime interval: a signal", take(SIGUSR1, &si), SIGUSR1);
    int ov = (int)SYS(SYS_timer_getoverrun, id);
    T_TRUE("timer_getoverrun: the expiries while the signal was queued (at least 10)", ov >= 10);
    T_EQ("timer_getoverrun equals si_overrun", si.si_overrun, ov);
    T_OK("timer_gettime while armed", SYS(SYS_timer_gettime, id, &cur), 0);
    T_TRUE("timer_gettime: interval 1 ms, due within it",
           cur.it_interval.tv_nsec == 1000000 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 1000000);
    struct itimerspec zero = { { 0, 0 }, { 0, 0 } }, old;
    T_OK("timer_settime 0 disarms, old value returned", SYS(SYS_timer_settime, id, 0, &zero, &old), 0);
    T_TRUE("timer_settime: the old interval", old.it_interval.tv_nsec == 1000000);
    struct timespec zt = { 0, 0 };
    sigtimedwait(&all, &si, &zt); /* one may have been queued meanwhile */
    T_OK("timer_delete", SYS(SYS_timer_delete, id), 0);
    T_ERR("timer_delete twice", SYS(SYS_timer_delete, id), EINVAL);

    int dflt = -1;
    T_OK("timer_create with no sigevent", SYS(SYS_timer_create, CLOCK_REALTIME, NULL, &dflt), 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long abs_ns = now.tv_sec * 1000000000ll + now.tv_nsec + 20000000;
    T_OK("timer_settime TIMER_ABSTIME", tset(dflt, TIMER_ABSTIME, abs_ns, 0), 0);
    T_OK("timer_create with no sigevent: SIGALRM", take(SIGALRM, &si), SIGALRM);
    T_TRUE("timer_create with no sigevent: the value is the timer id", si.si_value.sival_int == dflt);
    SYS(SYS_timer_delete, dflt);

    int tid = (int)SYS(SYS_gettid);
    int tt = tcreate(CLOCK_MONOTONIC, SIGEV_THREAD_ID | SIGEV_SIGNAL, SIGRTMIN + 1, 5, tid);
    T_TRUE("timer_create SIGEV_THREAD_ID to our own thread", tt >= 0);
    tset(tt, 0, 10000000, 0);
    T_OK("timer_create SIGEV_THREAD_ID: the signal comes", take(SIGRTMIN + 1, &si), SIGRTMIN + 1);
    SYS(SYS_timer_delete, tt);

    int none = tcreate(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0);
    T_TRUE("timer_create SIGEV_NONE", none >= 0);
    T_OK("timer_settime SIGEV_NONE 10 s", tset(none, 0, 10000000000ll, 0), 0);
    SYS(SYS_timer_gettime, none, &cur);
    T_TRUE("timer_gettime SIGEV_NONE: counting down from 10 s", cur.it_value.tv_sec >= 5 && cur.it_value.tv_sec <= 10);
    int pc = tcreate(CLOCK_PROCESS_CPUTIME_ID, SIGEV_NONE, 0, 0, 0);
    T_TRUE("timer_create CLOCK_PROCESS_CPUTIME_ID", pc >= 0);

    struct ksigevent ev = { .signo = SIGUSR1, .notify = SIGEV_SIGNAL };
    int out;
    T_ERR("timer_create clock 99", SYS(SYS_timer_create, 99, &ev, &out), EINVAL);
    ev.notify = 99;
    T_ERR("timer_create notify 99", SYS(SYS_timer_create, CLOCK_MONOTONIC, &ev, &out), EINVAL);
    ev.notify = SIGEV_SIGNAL, ev.signo = 0;
    T_ERR("timer_create signal 0", SYS(SYS_timer_create, CLOCK_MONOTONIC, &ev, &out), EINVAL);
    ev.signo = 65;
    T_ERR("timer_create signal 65", SYS(SYS_timer_create, CLOCK_MONOTONIC, &ev, &out), EINVAL);
    ev.signo = SIGUSR1, ev.notify = SIGEV_THREAD_ID, ev.tid = 0x3ffffff0;
    T_ERR("timer_create SIGEV_THREAD_ID of no thread of ours", SYS(SYS_timer_create, CLOCK_MONOTONIC, &ev, &out), EINVAL);
    T_ERR("timer_create from a kernel address", SYS(SYS_timer_create, CLOCK_MONOTONIC, KADDR, &out), EFAULT);
    struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
    T_ERR("timer_settime nsec 1e9", SYS(SYS_timer_settime, none, 0, &bad, NULL), EINVAL);
    T_ERR("timer_settime with no new value", SYS(SYS_timer_settime, none, 0, NULL, NULL), EINVAL);
    T_ERR("timer_settime a timer that does not exist", SYS(SYS_timer_settime, 12345, 0, &zero, NULL), EINVAL);
    T_ERR("timer_settime from a kernel address", SYS(SYS_timer_settime, none, 0, KADDR, NULL), EFAULT);
    T_ERR("timer_gettime a timer that does not exist", SYS(SYS_timer_gettime, 12345, &cur), EINVAL);
    T_ERR("timer_gettime into a kernel address", SYS(SYS_timer_gettime, none, KADDR), EFAULT);
    T_ERR("timer_getoverrun a timer that does not exist", SYS(SYS_timer_getoverrun, 12345), EINVAL);
    T_OK("timer_getoverrun of a timer that never fired", SYS(SYS_timer_getoverrun, none), 0);
    return tap_done();
}
