/* test/conformance/time.c — clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep.
 * Wall-clock values differ between the host and the guest by design: only relations between calls (order,
 * agreement within a tolerance, sleep lengths) are checked. */
/* covers: clock_gettime clock_getres gettimeofday time nanosleep clock_nanosleep */
#include "tap.h"
#include <time.h>
#include <sys/time.h>

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000ll + t->tv_nsec; }

static long long mono(void)
{
    struct timespec t;
    SYS(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
    return ns(&t);
}

int main(void)
{
    struct timespec a, b;
    static const int clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
                                  CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
                                  CLOCK_TAI };
    char name[120];
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        memset(&a, 0xff, sizeof a);
        snprintf(name, sizeof name, "clock_gettime clock %d", clocks[i]);
        T_OK(name, SYS(SYS_clock_gettime, clocks[i], &a), 0);
        snprintf(name, sizeof name, "clock_gettime clock %d: normalised timespec", clocks[i]);
        T_TRUE(name, a.tv_sec >= 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
        SYS(SYS_clock_gettime, clocks[i], &b);
        snprintf(name, sizeof name, "clock_gettime clock %d: does not go backwards", clocks[i]);
        T_TRUE(name, ns(&b) >= ns(&a));
        snprintf(name, sizeof name, "clock_getres clock %d", clocks[i]);
        T_OK(name, SYS(SYS_clock_getres, clocks[i], &a), 0);
        snprintf(name, sizeof name, "clock_getres clock %d: between 1 ns and 10 ms", clocks[i]);
        T_TRUE(name, a.tv_sec == 0 && a.tv_nsec >= 1 && a.tv_nsec <= 10000000);
    }
    SYS(SYS_clock_getres, CLOCK_MONOTONIC, &a);
    T_EQ("clock_getres CLOCK_MONOTONIC is 1 ns (high resolution)", a.tv_nsec, 1);
    T_OK("clock_getres with NULL res", SYS(SYS_clock_getres, CLOCK_MONOTONIC, NULL), 0);
    T_ERR("clock_gettime unknown clock 100", SYS(SYS_clock_gettime, 100, &a), EINVAL);
    T_ERR("clock_gettime unknown clock 12",
          SYS(SYS_clock_gettime, 12, &a), EINVAL);
    T_ERR("clock_gettime into NULL", SYS(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
    T_ERR("clock_gettime into a kernel address", SYS(SYS_clock_gettime, CLOCK_REALTIME, KADDR), EFAULT);
    T_ERR("clock_getres unknown clock", SYS(SYS_clock_getres, 100, &a), EINVAL);
    T_ERR("clock_getres into a kernel address", SYS(SYS_clock_getres, CLOCK_REALTIME, KADDR), EFAULT);

    struct timeval tv;
    struct timezone tz = { 77, 77 };
    T_OK("gettimeofday", SYS(SYS_gettimeofday, &tv, &tz), 0);
    T_TRUE("gettimeofday: tv_usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    SYS(SYS_clock_gettime, CLOCK_REALTIME, &a);
    T_TRUE("gettimeofday agrees with CLOCK_REALTIME within 1 s", a.tv_sec - tv.tv_sec <= 1 && a.tv_sec >= tv.tv_sec);
    T_OK("gettimeofday with both NULL", SYS(SYS_gettimeofday, NULL, NULL), 0);
    T_ERR("gettimeofday tv at a kernel address", SYS(SYS_gettimeofday, KADDR, NULL), EFAULT);
    T_ERR("gettimeofday tz at a kernel address", SYS(SYS_gettimeofday, &tv, KADDR), EFAULT);

    long t1 = 0;
    long t0 = SYS(SYS_time, &t1);
    T_TRUE("time returns the seconds and stores them", t0 > 0 && t0 == t1);
    SYS(SYS_clock_gettime, CLOCK_REALTIME, &a);
    T_TRUE("time agrees with CLOCK_REALTIME within 1 s", a.tv_sec - t0 <= 1 && a.tv_sec >= t0);
    T_TRUE("time with NULL", SYS(SYS_time, NULL) >= t0);
    T_ERR("time into a kernel address", SYS(SYS_time, KADDR), EFAULT);

    struct timespec req = { 0, 20000000 }, rem = { 99, 99 };
    long long s = mono();
    T_OK("nanosleep 20 ms", SYS(SYS_nanosleep, &req, &rem), 0);
    T_TRUE("nanosleep 20 ms: at least 20 ms passed", mono() - s >= 20000000);
    req.tv_nsec = 0;
    T_OK("nanosleep 0", SYS(SYS_nanosleep, &req, NULL), 0);
    req.tv_nsec = 1000000000;
    T_ERR("nanosleep tv_nsec = 1e9", SYS(SYS_nanosleep, &req, NULL), EINVAL);
    req.tv_nsec = -1;
    T_ERR("nanosleep negative tv_nsec", SYS(SYS_nanosleep, &req, NULL), EINVAL);
    req.tv_sec = -1, req.tv_nsec = 0;
    T_ERR("nanosleep negative tv_sec", SYS(SYS_nanosleep, &req, NULL), EINVAL);
    T_ERR("nanosleep request NULL", SYS(SYS_nanosleep, NULL, NULL), EFAULT);
    T_ERR("nanosleep request at a kernel address", SYS(SYS_nanosleep, KADDR, NULL), EFAULT);

    req.tv_sec = 0, req.tv_nsec = 10000000;
    s = mono();
    T_OK("clock_nanosleep CLOCK_MONOTONIC relative 10 ms", SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL), 0);
    T_TRUE("clock_nanosleep relative: at least 10 ms passed", mono() - s >= 10000000);
    SYS(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
    a.tv_nsec += 15000000;
    if (a.tv_nsec >= 1000000000)
        a.tv_sec++, a.tv_nsec -= 1000000000;
    T_OK("clock_nanosleep TIMER_ABSTIME 15 ms ahead",
         SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &a, NULL), 0);
    T_TRUE("clock_nanosleep TIMER_ABSTIME: the deadline has passed", mono() >= ns(&a));
    s = mono();
    b.tv_sec = s / 2 / 1000000000, b.tv_nsec = s / 2 % 1000000000; /* the clocks start at different times */
    T_OK("clock_nanosleep TIMER_ABSTIME in the past returns at once",
         SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &b, NULL), 0);
    T_TRUE("clock_nanosleep in the past: quick", mono() - s < 500000000);
    T_OK("clock_nanosleep CLOCK_REALTIME relative 1 ms", SYS(SYS_clock_nanosleep, CLOCK_REALTIME, 0,
         &(struct timespec){ 0, 1000000 }, NULL), 0);
    T_OK("clock_nanosleep CLOCK_BOOTTIME relative 1 ms", SYS(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0,
         &(struct timespec){ 0, 1000000 }, NULL), 0);
    /* raw syscalls: the libc wrapper turns errors into a positive return */
    {
        /* EINVAL up to Linux 6.x, EOPNOTSUPP in newer kernels: either is Linux */
        errno = 0;
        long r = SYS(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL);
        T_TRUE("clock_nanosleep CLOCK_THREAD_CPUTIME_ID -> EINVAL or EOPNOTSUPP",
               r == -1 && (errno == EINVAL || errno == EOPNOTSUPP));
    }
    T_ERR("clock_nanosleep unknown clock", SYS(SYS_clock_nanosleep, 100, 0, &req, NULL), EINVAL);
    req.tv_nsec = 1000000000;
    T_ERR("clock_nanosleep tv_nsec = 1e9", SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL), EINVAL);
    T_ERR("clock_nanosleep request at a kernel address", SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, KADDR, NULL),
          EFAULT);
    req.tv_nsec = 1000;
    T_OK("clock_nanosleep unknown flag bits are ignored", SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x10, &req, NULL),
         0);
    return tap_done();
}
