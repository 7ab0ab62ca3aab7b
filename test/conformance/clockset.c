/* test/conformance/clockset.c — setting the wall clock: clock_settime, settimeofday, adjtimex, clock_adjtime.
 * Natively this runs on the host, so nothing here moves the host's clock more than the microseconds a
 * "set it to what it is" takes (the time set is the time read plus what the monotonic clock says passed), and
 * the NTP state is only read, or written with what it held: the errors come first in Linux's order (validity,
 * then CAP_SYS_TIME, then "not below the monotonic clock"), and a child that gave up root checks EPERM.
 * A TFD_TIMER_CANCEL_ON_SET timerfd sees the set. (test/guest t_date moves the clock for real.) */
/* covers: clock_settime settimeofday adjtimex clock_adjtime */
#include "tap.h"
#include <poll.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/timerfd.h>
#include <time.h>

#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif

static long settime(clockid_t c, const void *ts) { return syscall(SYS_clock_settime, c, ts); }
static long adjtimex_k(struct timex *t) { return syscall(SYS_adjtimex, t); }
static long clock_adjtime_k(clockid_t c, struct timex *t) { return syscall(SYS_clock_adjtime, c, t); }

/* The wall clock set to itself: what it read plus what passed since. */
static long set_to_now(void)
{
    struct timespec r, m0, m1;
    clock_gettime(CLOCK_MONOTONIC, &m0);
    clock_gettime(CLOCK_REALTIME, &r);
    clock_gettime(CLOCK_MONOTONIC, &m1);
    long ns = r.tv_nsec + (m1.tv_sec - m0.tv_sec) * 1000000000l + (m1.tv_nsec - m0.tv_nsec);
    r.tv_sec += ns / 1000000000l;
    r.tv_nsec = ns % 1000000000l;
    return settime(CLOCK_REALTIME, &r);
}

static int unprivileged(int half) /* a bit per check that came out as Linux gives it; half 1: the upper five */
{
    if (setresuid(54321, 54321, 54321))
        return 128;
    struct timespec now, bad = { 0, 1000000000 }, zero = { 0, 0 };
    clock_gettime(CLOCK_REALTIME, &now);
    struct timex t = { 0 };
    int r = 0;
    r |= (settime(CLOCK_REALTIME, &now) == -1 && errno == EPERM) << 0;
    r |= (settime(CLOCK_REALTIME, &zero) == -1 && errno == EPERM) << 1;  /* EPERM before "below monotonic" */
    r |= (settime(CLOCK_REALTIME, &bad) == -1 && errno == EINVAL) << 2;  /* EINVAL before EPERM */
    r |= (syscall(SYS_settimeofday, NULL, NULL) == -1 && errno == EPERM) << 3;
    r |= (adjtimex_k(&t) >= 0) << 4;
    t.modes = ADJ_MAXERROR;
    r |= (adjtimex_k(&t) == -1 && errno == EPERM) << 5;
    t.modes = ADJ_OFFSET_SS_READ;
    r |= (adjtimex_k(&t) >= 0) << 6;
    t.modes = ADJ_OFFSET_SINGLESHOT;
    t.offset = 0;
    r |= (adjtimex_k(&t) == -1 && errno == EPERM) << 7;
    t.modes = ADJ_TICK;
    t.tick = 1;
    r |= (adjtimex_k(&t) == -1 && errno == EPERM) << 8; /* the capability before the tick's range */
    t.modes = 0;
    r |= (clock_adjtime_k(CLOCK_REALTIME, &t) >= 0) << 9;
    return half ? r >> 5 : r & 31; /* an exit status holds 7 bits under 128 */
}

static int unprivileged_lo(void) { return unprivileged(0); }
static int unprivileged_hi(void) { return unprivileged(1); }

static void check_unprivileged(void)
{
    int lo = tap_child(unprivileged_lo), hi = tap_child(unprivileged_hi);
    int r = lo >= 0 && lo < 128 && hi >= 0 && hi < 128 ? lo | hi << 5 : -1;
    static const char *what[] = {
        "clock_settime without CAP_SYS_TIME -> EPERM", "clock_settime below the monotonic clock, unprivileged -> EPERM",
        "clock_settime tv_nsec 1e9, unprivileged -> EINVAL", "settimeofday NULL, NULL without CAP_SYS_TIME -> EPERM",
        "adjtimex reading needs no privilege", "adjtimex ADJ_MAXERROR without CAP_SYS_TIME -> EPERM",
        "adjtimex ADJ_OFFSET_SS_READ needs no privilege", "adjtimex ADJ_OFFSET_SINGLESHOT without CAP_SYS_TIME -> EPERM",
        "adjtimex ADJ_TICK out of range without CAP_SYS_TIME -> EPERM", "clock_adjtime reading needs no privilege",
    };
    for (int i = 0; i < 10; i++)
        T_TRUE(what[i], r >= 0 && (r >> i & 1));
}

static void check_settime_errors(void)
{
    struct timespec zero = { 0, 0 }, nsec = { 1, 1000000000 }, neg = { -1, 0 }, now;
    clock_gettime(CLOCK_REALTIME, &now);
    T_ERR("clock_settime CLOCK_REALTIME before the monotonic clock -> EINVAL", settime(CLOCK_REALTIME, &zero), EINVAL);
    T_ERR("clock_settime tv_nsec 1e9 -> EINVAL", settime(CLOCK_REALTIME, &nsec), EINVAL);
    T_ERR("clock_settime a negative tv_sec -> EINVAL", settime(CLOCK_REALTIME, &neg), EINVAL);
    T_ERR("clock_settime a bad pointer -> EFAULT", settime(CLOCK_REALTIME, BADUPTR), EFAULT);
    T_ERR("clock_settime CLOCK_MONOTONIC -> EINVAL", settime(CLOCK_MONOTONIC, &now), EINVAL);
    T_ERR("clock_settime CLOCK_MONOTONIC, a bad pointer -> EINVAL", settime(CLOCK_MONOTONIC, BADUPTR), EINVAL);
    T_ERR("clock_settime CLOCK_BOOTTIME -> EINVAL", settime(CLOCK_BOOTTIME, &now), EINVAL);
    T_ERR("clock_settime CLOCK_TAI -> EINVAL", settime(CLOCK_TAI, &now), EINVAL);
    T_ERR("clock_settime CLOCK_REALTIME_COARSE -> EINVAL", settime(CLOCK_REALTIME_COARSE, &now), EINVAL);
    T_ERR("clock_settime clock 99 -> EINVAL", settime(99, &now), EINVAL);
    T_ERR("clock_settime CLOCK_PROCESS_CPUTIME_ID -> EINVAL", settime(CLOCK_PROCESS_CPUTIME_ID, &now), EINVAL);
    T_ERR("clock_settime CLOCK_THREAD_CPUTIME_ID -> EINVAL", settime(CLOCK_THREAD_CPUTIME_ID, &now), EINVAL);
    T_ERR("clock_settime CLOCK_PROCESS_CPUTIME_ID, a bad pointer -> EINVAL", settime(CLOCK_PROCESS_CPUTIME_ID, BADUPTR), EINVAL);
    clockid_t gone = (clockid_t)((~(clockid_t)999999) * 8 | 2); /* the CPU clock of a pid nobody has */
    T_ERR("clock_settime the CPU clock of no process -> EINVAL", settime(gone, &now), EINVAL);
    clockid_t mine;
    T_OK("clock_settime clock_getcpuclockid", clock_getcpuclockid(getpid(), &mine), 0);
    T_ERR("clock_settime the caller's CPU clock -> EPERM", settime(mine, &now), EPERM);
    T_ERR("clock_settime the caller's CPU clock, a bad pointer -> EFAULT", settime(mine, BADUPTR), EFAULT);
}

static void check_set_and_timerfd(void)
{
    struct timespec before, after, at;
    int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += 100;
    struct itimerspec its = { { 0, 0 }, at };
    T_OK("clock_settime timerfd_settime ABSTIME|CANCEL_ON_SET", timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL), 0);
    int plain = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    timerfd_settime(plain, TFD_TIMER_ABSTIME, &its, NULL);
    int rel = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    struct itimerspec rits = { { 0, 0 }, { 100, 0 } };
    timerfd_settime(rel, TFD_TIMER_CANCEL_ON_SET, &rits, NULL); /* without ABSTIME: not cancelled */
    uint64_t v;
    T_ERR("clock_settime timerfd before any set -> EAGAIN", read(fd, &v, 8), EAGAIN);
    clock_gettime(CLOCK_REALTIME, &before);
    T_OK("clock_settime CLOCK_REALTIME to the time it is", set_to_now(), 0);
    clock_gettime(CLOCK_REALTIME, &after);
    long d = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    T_TRUE("clock_settime the clock reads on from where it was", d >= 0 && d < 1000);
    struct pollfd p = { fd, POLLIN, 0 };
    T_TRUE("clock_settime a CANCEL_ON_SET timerfd becomes readable", poll(&p, 1, 0) == 1 && (p.revents & POLLIN));
    T_COVERS("timerfd_settime: TFD_TIMER_CANCEL_ON_SET");
    T_ERR("clock_settime a CANCEL_ON_SET timerfd's read -> ECANCELED", read(fd, &v, 8), ECANCELED);
    T_ERR("clock_settime the next read waits again -> EAGAIN", read(fd, &v, 8), EAGAIN);
    T_ERR("clock_settime a plain ABSTIME timerfd is not cancelled -> EAGAIN", read(plain, &v, 8), EAGAIN);
    T_ERR("clock_settime a relative CANCEL_ON_SET timerfd is not cancelled -> EAGAIN", read(rel, &v, 8), EAGAIN);
    struct itimerspec cur;
    T_TRUE("clock_settime the cancelled timer is still armed", timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec > 90);
    close(fd);
    close(plain);
    close(rel);
}

static void check_settimeofday(void)
{
    struct timeval tv;
    struct timezone tz0, tz, set = { 60, 0 }, far = { 901, 0 }, farneg = { -901, 0 }, edge = { -900, 3 };
    T_OK("settimeofday gettimeofday's timezone", syscall(SYS_gettimeofday, &tv, &tz0), 0);
    T_OK("settimeofday NULL, NULL", syscall(SYS_settimeofday, NULL, NULL), 0);
    T_ERR("settimeofday tz_minuteswest 901 -> EINVAL", syscall(SYS_settimeofday, NULL, &far), EINVAL);
    T_ERR("settimeofday tz_minuteswest -901 -> EINVAL", syscall(SYS_settimeofday, NULL, &farneg), EINVAL);
    struct timeval busec = { 1, 1000000 }, bsec = { -1, 0 }, tiny = { 0, 0 };
    T_ERR("settimeofday tv_usec 1e6 -> EINVAL", syscall(SYS_settimeofday, &busec, NULL), EINVAL);
    T_ERR("settimeofday a negative tv_sec -> EINVAL", syscall(SYS_settimeofday, &bsec, NULL), EINVAL);
    T_ERR("settimeofday before the monotonic clock -> EINVAL", syscall(SYS_settimeofday, &tiny, NULL), EINVAL);
    T_ERR("settimeofday a bad tv -> EFAULT", syscall(SYS_settimeofday, BADUPTR, NULL), EFAULT);
    T_ERR("settimeofday a bad tz -> EFAULT", syscall(SYS_settimeofday, NULL, BADUPTR), EFAULT);
    T_OK("settimeofday a timezone", syscall(SYS_settimeofday, NULL, &set), 0);
    T_TRUE("settimeofday gettimeofday (syscall) gives it back", syscall(SYS_gettimeofday, NULL, &tz) == 0 &&
           tz.tz_minuteswest == 60 && tz.tz_dsttime == 0);
    memset(&tz, 0, sizeof tz);
#ifdef __GLIBC__
    T_TRUE("settimeofday gettimeofday (libc, the vDSO) gives it back", gettimeofday(&tv, &tz) == 0 &&
           tz.tz_minuteswest == 60);
#else
    T_SKIP("settimeofday gettimeofday (libc, the vDSO) gives it back", "musl's gettimeofday never fills a timezone");
#endif
    T_OK("settimeofday -900 minutes, dsttime 3", syscall(SYS_settimeofday, NULL, &edge), 0);
    T_TRUE("settimeofday gettimeofday gives -900, 3", syscall(SYS_gettimeofday, NULL, &tz) == 0 &&
           tz.tz_minuteswest == -900 && tz.tz_dsttime == 3);
    T_OK("settimeofday the timezone back", syscall(SYS_settimeofday, NULL, &tz0), 0);
}

static void check_adjtimex_read(void)
{
    struct timex t = { 0 };
    struct timespec now;
    long rc = adjtimex_k(&t);
    clock_gettime(CLOCK_REALTIME, &now);
    T_TRUE("adjtimex reading returns a clock state", rc >= TIME_OK && rc <= TIME_ERROR);
    T_TRUE("adjtimex TIME_ERROR exactly when STA_UNSYNC", (rc == TIME_ERROR) == !!(t.status & STA_UNSYNC));
    T_EQ("adjtimex tick is 10000 us (USER_HZ 100)", t.tick, 10000);
    T_EQ("adjtimex precision", t.precision, 1);
    T_EQ("adjtimex tolerance is 500 ppm", t.tolerance, 500l << 16);
    T_TRUE("adjtimex time is the wall clock", labs(t.time.tv_sec - now.tv_sec) <= 1);
    T_TRUE("adjtimex time's fraction is in us unless STA_NANO", t.time.tv_usec >= 0 &&
           t.time.tv_usec < ((t.status & STA_NANO) ? 1000000000 : 1000000));
    T_TRUE("adjtimex no PPS: its fields are 0", t.ppsfreq == 0 && t.jitter == 0 && t.stabil == 0 && t.jitcnt == 0 &&
           t.calcnt == 0 && t.errcnt == 0 && t.stbcnt == 0);
    T_TRUE("adjtimex maxerror within 16 s", t.maxerror >= 0 && t.maxerror <= 16000000);
    T_TRUE("adjtimex constant within 0..10", t.constant >= 0 && t.constant <= 10);
    struct timex c = { 0 };
    T_TRUE("clock_adjtime CLOCK_REALTIME reads what adjtimex reads", clock_adjtime_k(CLOCK_REALTIME, &c) == rc &&
           c.tick == t.tick && c.status == t.status);
    struct timex ss = { .modes = ADJ_OFFSET_SS_READ };
    T_TRUE("adjtimex ADJ_OFFSET_SS_READ: no adjtime slew running here", adjtimex_k(&ss) >= 0 && ss.offset == 0);
}

static void check_adjtimex_writes(void)
{
    struct timex t = { 0 };
    adjtimex_k(&t);
    long keep = t.maxerror;
    struct timex m = { .modes = ADJ_MAXERROR, .maxerror = 12345 };
    T_TRUE("adjtimex ADJ_MAXERROR", adjtimex_k(&m) >= 0 && m.maxerror >= 12345 && m.maxerror <= 13345);
    m = (struct timex){ .modes = ADJ_MAXERROR, .maxerror = keep };
    T_TRUE("adjtimex ADJ_MAXERROR back", adjtimex_k(&m) >= 0);
    struct timex tk = { .modes = ADJ_TICK, .tick = t.tick };
    T_TRUE("adjtimex ADJ_TICK its own value", adjtimex_k(&tk) >= 0 && tk.tick == t.tick);
    struct timex so = { .modes = ADJ_SETOFFSET };
    T_TRUE("adjtimex ADJ_SETOFFSET of nothing", adjtimex_k(&so) >= 0);
    struct timex e = { .modes = ADJ_TICK, .tick = 8999 };
    T_ERR("adjtimex ADJ_TICK 8999 -> EINVAL", adjtimex_k(&e), EINVAL);
    e = (struct timex){ .modes = ADJ_TICK, .tick = 11001 };
    T_ERR("adjtimex ADJ_TICK 11001 -> EINVAL", adjtimex_k(&e), EINVAL);
    e = (struct timex){ .modes = ADJ_SETOFFSET, .time = { 0, -1 } };
    T_ERR("adjtimex ADJ_SETOFFSET usec -1 -> EINVAL", adjtimex_k(&e), EINVAL);
    e = (struct timex){ .modes = ADJ_SETOFFSET, .time = { 0, 1000000 } };
    T_ERR("adjtimex ADJ_SETOFFSET usec 1e6 -> EINVAL", adjtimex_k(&e), EINVAL);
    e = (struct timex){ .modes = ADJ_SETOFFSET | ADJ_NANO, .time = { 0, 1000000000 } };
    T_ERR("adjtimex ADJ_SETOFFSET|ADJ_NANO nsec 1e9 -> EINVAL", adjtimex_k(&e), EINVAL);
    e = (struct timex){ .modes = ADJ_SETOFFSET, .time = { -2000000000, 0 } };
    T_ERR("adjtimex ADJ_SETOFFSET to before the monotonic clock -> EINVAL", adjtimex_k(&e), EINVAL);
    e = (struct timex){ .modes = ADJ_FREQUENCY, .freq = 0x7fffffffffffffffl / 65536000 + 1 };
    T_ERR("adjtimex ADJ_FREQUENCY past what 64 bits scale -> EINVAL", adjtimex_k(&e), EINVAL);
    e = (struct timex){ .modes = 0x8000 };
    T_ERR("adjtimex ADJ_ADJTIME without ADJ_OFFSET -> EINVAL", adjtimex_k(&e), EINVAL);
    T_ERR("adjtimex a bad pointer -> EFAULT", adjtimex_k(BADUPTR), EFAULT);
    struct timex after = { 0 };
    T_TRUE("adjtimex the failures changed nothing", adjtimex_k(&after) >= 0 && after.tick == t.tick &&
           after.freq == t.freq);
}

static void check_clock_adjtime_ids(void)
{
    struct timex t = { 0 };
    int eop[] = { 1, 2, 3, 4, 5, 6, 7, 11 }, inval[] = { 10, 12, 13, 14, 15, 16, 1000 };
    char name[96];
    for (unsigned i = 0; i < sizeof eop / sizeof *eop; i++) {
        snprintf(name, sizeof name, "clock_adjtime clock %d -> EOPNOTSUPP", eop[i]);
        T_ERR(name, clock_adjtime_k(eop[i], &t), EOPNOTSUPP);
    }
    for (unsigned i = 0; i < sizeof inval / sizeof *inval; i++) {
        snprintf(name, sizeof name, "clock_adjtime clock %d -> EINVAL", inval[i]);
        T_ERR(name, clock_adjtime_k(inval[i], &t), EINVAL);
    }
    clockid_t mine;
    clock_getcpuclockid(getpid(), &mine);
    T_ERR("clock_adjtime the caller's CPU clock -> EOPNOTSUPP", clock_adjtime_k(mine, &t), EOPNOTSUPP);
    T_ERR("clock_adjtime a clock fd that is not one -> EINVAL", clock_adjtime_k((clockid_t)((~(clockid_t)999) * 8 | 3), &t), EINVAL);
    T_ERR("clock_adjtime a bad pointer -> EFAULT", clock_adjtime_k(CLOCK_MONOTONIC, BADUPTR), EFAULT);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_settime_errors();
    check_set_and_timerfd();
    check_settimeofday();
    check_adjtimex_read();
    check_adjtimex_writes();
    check_clock_adjtime_ids();
    check_unprivileged();
    return tap_done();
}
