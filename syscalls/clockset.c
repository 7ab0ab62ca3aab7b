/* syscalls/clockset.c — setting the wall clock: clock_settime, settimeofday (and its timezone, which
 * gettimeofday gives back), adjtimex and clock_adjtime. Only CLOCK_REALTIME can be set; the monotonic clock
 * never moves (kernel/clock.c clock_realtime_set). adjtimex keeps the NTP discipline's state as Linux reports
 * it (status, frequency, errors, time constant, tick, TAI offset, the PLL and adjtime offsets) and steps the
 * clock for ADJ_SETOFFSET, but never steers its rate: a frequency, tick, PLL offset or adjtime(3) slew is
 * recorded and read back, not applied (test/conformance/partial). Whoever changes anything needs CAP_SYS_TIME. */
#include "syscalls.h"
#include "../kernel/boot.h"
#include "../kernel/cred.h"
#include "../kernel/ktimer.h"

#define NSEC 1000000000ll
#define USEC 1000000ll
/* Linux refuses wall times so late that the monotonic clock could not run 30 years past them in ktime_t */
#define SETTOD_SEC_MAX (9223372036ll - 30ll * 365 * 86400)

/* adjtimex(2) modes and status bits */
#define ADJ_OFFSET 0x0001
#define ADJ_FREQUENCY 0x0002
#define ADJ_MAXERROR 0x0004
#define ADJ_ESTERROR 0x0008
#define ADJ_STATUS 0x0010
#define ADJ_TIMECONST 0x0020
#define ADJ_TAI 0x0080
#define ADJ_SETOFFSET 0x0100
#define ADJ_MICRO 0x1000
#define ADJ_NANO 0x2000
#define ADJ_TICK 0x4000
#define ADJ_ADJTIME 0x8000          /* with ADJ_OFFSET: ADJ_OFFSET_SINGLESHOT, adjtime(3) */
#define ADJ_OFFSET_READONLY 0x2000  /* with ADJ_OFFSET_SINGLESHOT: ADJ_OFFSET_SS_READ */
#define STA_PLL 0x0001
#define STA_PPSFREQ 0x0002
#define STA_PPSTIME 0x0004
#define STA_INS 0x0010
#define STA_DEL 0x0020
#define STA_UNSYNC 0x0040
#define STA_PPSSIGNAL 0x0100
#define STA_PPSJITTER 0x0200
#define STA_PPSWANDER 0x0400
#define STA_PPSERROR 0x0800
#define STA_CLOCKERR 0x1000
#define STA_NANO 0x2000
#define STA_RONLY (STA_PPSSIGNAL | STA_PPSJITTER | STA_PPSWANDER | STA_PPSERROR | STA_CLOCKERR | STA_NANO | 0xc000)
#define TIME_OK 0
#define TIME_INS 1
#define TIME_DEL 2
#define TIME_ERROR 5
#define USER_HZ 100
#define PPM_SCALE 65536000ll        /* ns/s per ppm << 16: the scale of timex.freq inside Linux */
#define MAXFREQ_PPM16 (500ll << 16) /* 500 ppm, the most a frequency may be off */
#define MAXPHASE_NS 500000000ll     /* a PLL offset is clamped to half a second */
#define PHASE_LIMIT_US 16000000ll   /* maxerror's ceiling (16 s): past it the clock is unsynchronised */
#define MAXTC 10

struct timex_k {
    u32 modes;
    i64 offset, freq, maxerror, esterror;
    i32 status;
    i64 constant, precision, tolerance;
    struct { i64 sec, usec; } time;
    i64 tick, ppsfreq, jitter;
    i32 shift;
    i64 stabil, jitcnt, calcnt, errcnt, stbcnt;
    i32 tai;
    i32 reserved[11];
};
_Static_assert(sizeof(struct timex_k) == 208, "struct timex is the kernel ABI's");
_Static_assert(__builtin_offsetof(struct timex_k, time) == 72, "struct timex layout");
_Static_assert(__builtin_offsetof(struct timex_k, tai) == 160, "struct timex layout");

/* The NTP state as adjtimex reports it (written under the kernel lock by syscalls only). */
static struct {
    i32 status;
    i64 freq;        /* ppm << 16 */
    i64 maxerror, esterror; /* µs; maxerror grows 500 µs a second from when it was set */
    u64 maxerror_at; /* monotonic ns of that */
    i64 constant, tick, offset_ns, adjust_us;
    i32 tai;
} ntp = { STA_UNSYNC, 0, PHASE_LIMIT_US, PHASE_LIMIT_US, 0, 2, 1000000 / USER_HZ, 0, 0, 0 };

static bool settod_valid(i64 sec, i64 nsec)
{
    return sec >= 0 && nsec >= 0 && nsec < NSEC && sec < SETTOD_SEC_MAX;
}

/* The wall clock to sec.nsec: never below the monotonic clock (Linux: EINVAL). */
static long set_wall(i64 sec, i64 nsec)
{
    u64 ns = (u64)sec * NSEC + (u64)nsec;
    if (ns < clock_monotonic_ns())
        return -EINVAL;
    clock_realtime_set(ns);
    timerfd_clock_was_set();
    return 0;
}

/* settimeofday and clock_settime(CLOCK_REALTIME), in Linux's order: the time's validity, the capability,
 * the timezone's range, then the time. */
static long settod(const i64 *ts, const int *tz)
{
    if (ts && !settod_valid(ts[0], ts[1]))
        return -EINVAL;
    if (!capable(CAP_SYS_TIME))
        return -EPERM;
    if (tz) {
        if (tz[0] > 15 * 60 || tz[0] < -15 * 60)
            return -EINVAL;
        clock_set_tz(tz[0], tz[1]);
    }
    return ts ? set_wall(ts[0], ts[1]) : 0;
}

SYSCALL(clock_settime)
{
    int clk = (int)a0;
    i64 ts[2];
    bool cpu = clk < 0; /* a process's or thread's CPU clock by id (CLOCK_PROCESS_CPUTIME_ID itself: EINVAL) */
    if (clk != CLOCK_REALTIME && !cpu)
        return -EINVAL; /* the other clocks cannot be set */
    if (copy_from_user(ts, (const void *)a1, sizeof(ts)))
        return -EFAULT;
    if (cpu) { /* Linux: a CPU-time clock that exists refuses with EPERM */
        long rc = clock_id_check(clk);
        return rc ? rc : -EPERM;
    }
    return settod(ts, NULL);
}

SYSCALL(settimeofday)
{
    i64 tv[2], ts[2];
    int tz[2];
    if (a0) {
        if (copy_from_user(tv, (const void *)a0, sizeof(tv)))
            return -EFAULT;
        if (tv[0] < 0 || (u64)tv[1] >= (u64)USEC)
            return -EINVAL;
        ts[0] = tv[0];
        ts[1] = tv[1] * 1000;
    }
    if (a1 && copy_from_user(tz, (const void *)a1, sizeof(tz)))
        return -EFAULT;
    return settod(a0 ? ts : NULL, a1 ? tz : NULL);
}

/* maxerror as of now: 500 µs more for every second since it was set, up to the limit, where the clock is
 * taken as unsynchronised. */
static void ntp_age(void)
{
    u64 now = clock_monotonic_ns(), secs = (now - ntp.maxerror_at) / NSEC;
    if (!secs)
        return;
    ntp.maxerror_at += secs * NSEC;
    ntp.maxerror = ntp.maxerror + (i64)secs * 500 > PHASE_LIMIT_US ? PHASE_LIMIT_US : ntp.maxerror + (i64)secs * 500;
    if (ntp.maxerror >= PHASE_LIMIT_US)
        ntp.status |= STA_UNSYNC;
}

static long adj_check(const struct timex_k *tx)
{
    if (tx->modes & ADJ_ADJTIME) {
        if ((tx->modes & (ADJ_ADJTIME | ADJ_OFFSET)) != (ADJ_ADJTIME | ADJ_OFFSET))
            return -EINVAL; /* the single shot goes with no other mode */
        if (!(tx->modes & ADJ_OFFSET_READONLY) && !capable(CAP_SYS_TIME))
            return -EPERM;
    } else {
        if (tx->modes && !capable(CAP_SYS_TIME))
            return -EPERM;
        if ((tx->modes & ADJ_TICK) && (tx->tick < 900000 / USER_HZ || tx->tick > 1100000 / USER_HZ))
            return -EINVAL;
    }
    if (tx->modes & ADJ_SETOFFSET) {
        if (!capable(CAP_SYS_TIME))
            return -EPERM;
        if (tx->time.usec < 0 || tx->time.usec >= ((tx->modes & ADJ_NANO) ? NSEC : USEC))
            return -EINVAL;
    }
    if ((tx->modes & ADJ_FREQUENCY) && (tx->freq < (-0x7fffffffffffffffll - 1) / PPM_SCALE || tx->freq > 0x7fffffffffffffffll / PPM_SCALE))
        return -EINVAL;
    return 0;
}

static i64 clamp(i64 v, i64 lo, i64 hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ADJ_SETOFFSET: the clock stepped by time (µs or, with ADJ_NANO, ns in its second field). */
static long adj_step(const struct timex_k *tx)
{
    i64 off = tx->time.sec * NSEC + tx->time.usec * ((tx->modes & ADJ_NANO) ? 1 : 1000);
    i64 now = (i64)clock_realtime_ns(), to = now + off;
    if (to < 0 || !settod_valid(to / NSEC, to % NSEC))
        return -EINVAL;
    return set_wall(to / NSEC, to % NSEC);
}

static void adj_modes(const struct timex_k *tx)
{
    u32 m = tx->modes;
    if (m & ADJ_STATUS) {
        if ((ntp.status & STA_PLL) && !(tx->status & STA_PLL))
            ntp.status = STA_UNSYNC; /* the PLL turned off: Linux starts over unsynchronised */
        ntp.status = (ntp.status & STA_RONLY) | (tx->status & ~STA_RONLY);
    }
    if (m & ADJ_NANO)
        ntp.status |= STA_NANO;
    if (m & ADJ_MICRO)
        ntp.status &= ~STA_NANO;
    if (m & ADJ_FREQUENCY)
        ntp.freq = clamp(tx->freq, -MAXFREQ_PPM16, MAXFREQ_PPM16);
    if (m & ADJ_MAXERROR) {
        ntp.maxerror = clamp(tx->maxerror, 0, PHASE_LIMIT_US);
        ntp.maxerror_at = clock_monotonic_ns();
    }
    if (m & ADJ_ESTERROR)
        ntp.esterror = clamp(tx->esterror, 0, PHASE_LIMIT_US);
    if (m & ADJ_TIMECONST)
        ntp.constant = clamp(tx->constant + ((ntp.status & STA_NANO) ? 0 : 4), 0, MAXTC);
    if ((m & ADJ_TAI) && tx->constant >= 0)
        ntp.tai = (i32)tx->constant;
    if ((m & ADJ_OFFSET) && (ntp.status & STA_PLL)) /* without the PLL an offset means nothing */
        ntp.offset_ns = clamp(tx->offset * ((ntp.status & STA_NANO) ? 1 : 1000), -MAXPHASE_NS, MAXPHASE_NS);
    if (m & ADJ_TICK)
        ntp.tick = tx->tick;
}

static bool error_status(i32 s)
{
    return (s & (STA_UNSYNC | STA_CLOCKERR)) || ((s & (STA_PPSFREQ | STA_PPSTIME)) && !(s & STA_PPSSIGNAL)) ||
           ((s & (STA_PPSTIME | STA_PPSJITTER)) == (STA_PPSTIME | STA_PPSJITTER)) ||
           ((s & STA_PPSFREQ) && (s & (STA_PPSWANDER | STA_PPSERROR)));
}

/* Fills tx with the state and returns the clock's state (TIME_ERROR while unsynchronised). */
static long adj_report(struct timex_k *tx)
{
    bool nano = ntp.status & STA_NANO;
    if (!(tx->modes & ADJ_ADJTIME))
        tx->offset = nano ? ntp.offset_ns : ntp.offset_ns / 1000;
    tx->freq = ntp.freq;
    tx->maxerror = ntp.maxerror;
    tx->esterror = ntp.esterror;
    tx->status = ntp.status;
    tx->constant = ntp.constant;
    tx->precision = 1;
    tx->tolerance = MAXFREQ_PPM16;
    tx->tick = ntp.tick;
    tx->tai = ntp.tai;
    tx->ppsfreq = tx->jitter = tx->stabil = tx->jitcnt = tx->calcnt = tx->errcnt = tx->stbcnt = 0;
    tx->shift = 0;
    u64 now = clock_realtime_ns();
    tx->time.sec = (i64)(now / NSEC);
    tx->time.usec = (i64)(now % NSEC) / (nano ? 1 : 1000);
    if (error_status(ntp.status))
        return TIME_ERROR;
    return (ntp.status & STA_INS) ? TIME_INS : (ntp.status & STA_DEL) ? TIME_DEL : TIME_OK;
}

static long do_adjtimex(struct timex_k *tx)
{
    long rc = adj_check(tx);
    if (rc)
        return rc;
    if ((tx->modes & ADJ_SETOFFSET) && (rc = adj_step(tx)))
        return rc;
    ntp_age();
    if (tx->modes & ADJ_ADJTIME) { /* adjtime(3): the previous offset back, the new one kept */
        i64 old = ntp.adjust_us;
        if (!(tx->modes & ADJ_OFFSET_READONLY))
            ntp.adjust_us = tx->offset;
        tx->offset = old;
    } else {
        adj_modes(tx);
    }
    return adj_report(tx);
}

/* Linux's clock table: CLOCK_REALTIME alone can be adjusted; other clocks it knows answer EOPNOTSUPP (the
 * CPU-time clocks whoever's they are), ids it does not know (10, 12-15, fd clocks with no such clock) EINVAL.
 * The struct is read first (EFAULT before the clock's errors), as on Linux. */
static long adjtimex_user(int clk, u64 utx)
{
    struct timex_k tx;
    if (copy_from_user(&tx, (const void *)utx, sizeof(tx)))
        return -EFAULT;
    if (clk != CLOCK_REALTIME) {
        bool known = (clk >= 1 && clk <= 9) || clk == 11 || (clk < 0 && (clk & 7) != 3);
        return known ? -EOPNOTSUPP : -EINVAL;
    }
    long rc = do_adjtimex(&tx);
    if (rc < 0)
        return rc;
    return copy_to_user((void *)utx, &tx, sizeof(tx)) ? -EFAULT : rc;
}

SYSCALL(adjtimex)
{
    return adjtimex_user(CLOCK_REALTIME, a0);
}

SYSCALL(clock_adjtime)
{
    return adjtimex_user((int)a0, a1);
}
