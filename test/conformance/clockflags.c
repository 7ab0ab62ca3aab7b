/* test/conformance/clockflags.c — which clocks timers and sleeps take: timer_create on every clock (the coarse
 * and raw ones cannot be armed: EOPNOTSUPP; the CPU-time ones, which glibc passes encoded, can, and fire on
 * the time the process uses), SIGEV_THREAD, clock_nanosleep's clocks, clock_getres of the coarse and raw
 * clocks, timerfd on CLOCK_BOOTTIME and TFD_IOC_SET_TICKS. The alarm clocks are left out: what they do
 * depends on the host having a wake-up RTC. */
/* covers: timer_create clock_nanosleep clock_getres timerfd_create */
#include "tap.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>

#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)

static volatile int fired, fired_code;
static volatile pid_t thread_tid;

static void on_usr1(int s, siginfo_t *si, void *uc)
{
    (void)s, (void)uc;
    fired_code = si->si_code;
    fired = 1;
}

static void on_thread(union sigval v)
{
    (void)v;
    thread_tid = (pid_t)syscall(SYS_gettid);
}

static long create(clockid_t c)
{
    struct sigevent ev = { .sigev_notify = SIGEV_NONE };
    timer_t t;
    long r = timer_create(c, &ev, &t);
    if (r == 0)
        timer_delete(t);
    return r;
}

static void create_clocks(void)
{
    T_OK("timer_create CLOCK_REALTIME", create(CLOCK_REALTIME), 0);
    T_OK("timer_create CLOCK_BOOTTIME", create(CLOCK_BOOTTIME), 0);
    T_OK("timer_create CLOCK_TAI", create(CLOCK_TAI), 0);
    T_OK("timer_create CLOCK_PROCESS_CPUTIME_ID", create(CLOCK_PROCESS_CPUTIME_ID), 0);
    T_OK("timer_create CLOCK_THREAD_CPUTIME_ID", create(CLOCK_THREAD_CPUTIME_ID), 0);
    clockid_t c;
    clock_getcpuclockid(0, &c);
    T_OK("timer_create on clock_getcpuclockid's clock", create(c), 0);
    pthread_getcpuclockid(pthread_self(), &c);
    T_OK("timer_create on pthread_getcpuclockid's clock", create(c), 0);
    T_ERR("timer_create CLOCK_MONOTONIC_COARSE", create(CLOCK_MONOTONIC_COARSE), EOPNOTSUPP);
    T_ERR("timer_create CLOCK_REALTIME_COARSE", create(CLOCK_REALTIME_COARSE), EOPNOTSUPP);
    T_ERR("timer_create CLOCK_MONOTONIC_RAW", create(CLOCK_MONOTONIC_RAW), EOPNOTSUPP);
    T_ERR("timer_create clock 10 (none)", create(10), EINVAL);
}

/* A timer on the process's CPU time fires once the process has used that much: spin until it does. */
static void cpu_timer_fires(void)
{
    struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
    timer_t t;
    struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };
    long r = timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t);
    if (r == 0)
        timer_settime(t, 0, &its, NULL);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do
        clock_gettime(CLOCK_MONOTONIC, &now);
    while (!fired && now.tv_sec - start.tv_sec < 20);
    T_TRUE("timer_create CLOCK_PROCESS_CPUTIME_ID: fires after 20 ms of the process's CPU time", r == 0 && fired);
    T_EQ("timer_create CLOCK_PROCESS_CPUTIME_ID: si_code SI_TIMER", fired_code, SI_TIMER);
    if (r == 0)
        timer_delete(t);
    signal(SIGUSR1, SIG_DFL);
}

static void sigev_thread(void)
{
    struct sigevent ev = { .sigev_notify = SIGEV_THREAD };
    ev.sigev_notify_function = on_thread;
    timer_t t;
    struct itimerspec its = { { 0, 0 }, { 0, 10000000 } };
    long r = timer_create(CLOCK_MONOTONIC, &ev, &t);
    if (r == 0)
        timer_settime(t, 0, &its, NULL);
    for (int i = 0; i < 500 && !thread_tid; i++) {
        struct timespec ts = { 0, 10000000 };
        nanosleep(&ts, NULL);
    }
    T_TRUE("timer_create SIGEV_THREAD: the function runs in another thread", r == 0 && thread_tid &&
           thread_tid != getpid());
    if (r == 0)
        timer_delete(t);
}

static void sleeps(void)
{
    struct timespec d = { 0, 1000000 }, past = { 0, 1 };
    T_OK("clock_nanosleep CLOCK_TAI 1 ms", clock_nanosleep(CLOCK_TAI, 0, &d, NULL), 0);
    T_OK("clock_nanosleep CLOCK_BOOTTIME 1 ms", clock_nanosleep(CLOCK_BOOTTIME, 0, &d, NULL), 0);
    T_OK("clock_nanosleep CLOCK_PROCESS_CPUTIME_ID TIMER_ABSTIME, a time already used",
         clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &past, NULL), 0);
    /* clock_nanosleep returns the error number itself */
    T_EQ("clock_nanosleep CLOCK_THREAD_CPUTIME_ID -> EINVAL", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL),
         EINVAL);
    T_EQ("clock_nanosleep CLOCK_MONOTONIC_COARSE -> EOPNOTSUPP",
         clock_nanosleep(CLOCK_MONOTONIC_COARSE, 0, &d, NULL), EOPNOTSUPP);
    T_EQ("clock_nanosleep CLOCK_MONOTONIC_RAW -> EOPNOTSUPP", clock_nanosleep(CLOCK_MONOTONIC_RAW, 0, &d, NULL),
         EOPNOTSUPP);
    clockid_t c;
    pthread_getcpuclockid(pthread_self(), &c);
    T_EQ("clock_nanosleep on a thread's CPU clock -> EINVAL", clock_nanosleep(c, 0, &d, NULL), EINVAL);
}

static void resolutions(void)
{
    struct timespec a = { 9, 9 }, b = { 9, 9 }, r = { 9, 9 };
    T_OK("clock_getres CLOCK_MONOTONIC_COARSE", clock_getres(CLOCK_MONOTONIC_COARSE, &a), 0);
    clock_getres(CLOCK_REALTIME_COARSE, &b);
    T_TRUE("clock_getres CLOCK_MONOTONIC_COARSE: a tick (1 to 10 ms), as CLOCK_REALTIME_COARSE's",
           a.tv_sec == 0 && a.tv_nsec >= 1000000 && a.tv_nsec <= 10000000 && a.tv_nsec == b.tv_nsec);
    T_OK("clock_getres CLOCK_MONOTONIC_RAW", clock_getres(CLOCK_MONOTONIC_RAW, &r), 0);
    T_TRUE("clock_getres CLOCK_MONOTONIC_RAW: 1 ns", r.tv_sec == 0 && r.tv_nsec == 1);
}

static void timerfd_flags(void)
{
    int fd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
    T_TRUE("timerfd_create CLOCK_BOOTTIME", fd >= 0);
    struct itimerspec its = { { 0, 0 }, { 0, 5000000 } };
    timerfd_settime(fd, 0, &its, NULL);
    struct timespec ts = { 0, 50000000 };
    nanosleep(&ts, NULL);
    uint64_t v = 0;
    T_OK("timerfd_create CLOCK_BOOTTIME: it expires once", read(fd, &v, 8) == 8 ? (long)v : -1, 1);
    v = 5;
    T_OK("timerfd_create then ioctl TFD_IOC_SET_TICKS 5", ioctl(fd, TFD_IOC_SET_TICKS, &v), 0);
    v = 0;
    T_OK("timerfd_create then read after TFD_IOC_SET_TICKS gives the ticks", read(fd, &v, 8) == 8 ? (long)v : -1, 5);
    v = 0;
    T_ERR("timerfd_create then ioctl TFD_IOC_SET_TICKS 0", ioctl(fd, TFD_IOC_SET_TICKS, &v), EINVAL);
    T_ERR("timerfd_create then ioctl TFD_IOC_SET_TICKS from a bad pointer", ioctl(fd, TFD_IOC_SET_TICKS, BADUPTR), EFAULT);
    T_ERR("timerfd_create then another ioctl", ioctl(fd, _IOW('T', 1, uint64_t), &v), ENOTTY);
    close(fd);
}

int main(void)
{
    create_clocks();
    cpu_timer_fires();
    sigev_thread();
    sleeps();
    resolutions();
    timerfd_flags();
    return tap_done();
}
