/* syscalls/time.c — clocks and sleeping: clock_gettime, clock_getres, gettimeofday, time, nanosleep,
 * clock_nanosleep. The CPU-time clocks read the time since boot: with one process and no other work that is
 * what the program has used, less time spent waiting. */
#include "syscalls.h"
#include "../kernel/boot.h"
#include "../kernel/ktimer.h"

#define TIMER_ABSTIME 1
#define NSEC 1000000000ll

struct timespec_k { i64 sec, nsec; };
struct timeval_k { i64 sec, usec; };


static long cpu_clock_read(int kind, int id, u64 *ns)
{
    u64 un, sn;
    if ((kind & 3) == 3)
        return -EINVAL;
    if (kind & CPUCLOCK_PERTHREAD) {
        struct task *t = id == 0 ? current : task_by_tid(id);
        if (!t || t->proc != current_proc())
            return -EINVAL; /* Linux: a thread clock of the caller's own process only */
        acct_task(t, &un, &sn);
    } else {
        struct proc *p = id == 0 ? current_proc() : proc_by_pid(id);
        if (!p || p->zombie)
            return -EINVAL;
        acct_proc(p, &un, &sn);
    }
    *ns = (kind & 3) == CPUCLOCK_VIRT ? un : un + sn;
    return 0;
}

static long clock_read(int clk, u64 *ns)
{
    switch (clk) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI:
        *ns = clock_realtime_ns();
        return 0;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
        *ns = clock_monotonic_ns();
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        return cpu_clock_read(clk == CLOCK_PROCESS_CPUTIME_ID ? CPUCLOCK_SCHED : CPUCLOCK_SCHED | CPUCLOCK_PERTHREAD,
                              clk == CLOCK_PROCESS_CPUTIME_ID ? current_proc()->pid : current->tid, ns);
    default:
        return clk < 0 ? cpu_clock_read(clk & 7, ~(clk >> 3), ns) : -EINVAL;
    }
}

/* For clock_settime and clock_adjtime (syscalls/clockset.c): 0 when clk names a clock that can be read. */
long clock_id_check(int clk)
{
    u64 ns;
    return clock_read(clk, &ns);
}

static struct timespec_k to_ts(u64 ns) { return (struct timespec_k){ ns / NSEC, ns % NSEC }; }

SYSCALL(clock_gettime)
{
    u64 ns;
    long rc = clock_read((int)a0, &ns);
    if (rc)
        return rc;
    struct timespec_k ts = to_ts(ns);
    return copy_to_user((void *)a1, &ts, sizeof(ts));
}

SYSCALL(clock_getres)
{
    u64 ns;
    int clk = (int)a0;
    long rc = clock_read(clk, &ns);
    if (rc)
        return rc;
    bool coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
    struct timespec_k res = { 0, coarse ? 4000000 : 1 };
    return a1 ? copy_to_user((void *)a1, &res, sizeof(res)) : 0;
}

SYSCALL(gettimeofday)
{
    if (a0) {
        u64 ns = clock_realtime_ns();
        struct timeval_k tv = { ns / NSEC, (ns % NSEC) / 1000 };
        if (copy_to_user((void *)a0, &tv, sizeof(tv)))
            return -EFAULT;
    }
    if (a1) {
        int tz[2];
        clock_get_tz(&tz[0], &tz[1]); /* what settimeofday set; UTC, no DST until then */
        if (copy_to_user((void *)a1, tz, sizeof(tz)))
            return -EFAULT;
    }
    return 0;
}

SYSCALL(time)
{
    i64 t = clock_realtime_ns() / NSEC;
    if (a0 && copy_to_user((void *)a0, &t, sizeof(t)))
        return -EFAULT;
    return t;
}

static long read_ts(const void *u, struct timespec_k *ts)
{
    if (copy_from_user(ts, u, sizeof(*ts)))
        return -EFAULT;
    if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= NSEC)
        return -EINVAL;
    return 0;
}

static u64 ts_ns(const struct timespec_k *ts)
{
    return (u64)ts->sec > (~0ull / NSEC) - 1 ? ~0ull : (u64)ts->sec * NSEC + ts->nsec;
}

/* A relative sleep a signal cut short: the time left in *urem when given, and -ERESTART_RESTARTBLOCK: EINTR
 * when a handler runs, else (a stop and SIGCONT) restart_syscall sleeps for what was left, as on Linux. */
static long sleep_rem(u64 left, void *urem)
{
    if (!left)
        return 0;
    struct timespec_k rem = to_ts(left);
    if (urem && copy_to_user(urem, &rem, sizeof(rem)))
        return -EFAULT;
    current->restart_kind = RESTART_SLEEP;
    current->restart_deadline = clock_monotonic_ns() + left;
    current->restart_urem = (u64)urem;
    return -ERESTART_RESTARTBLOCK;
}

/* A timed wait a stop (or a signal without a handler) interrupted goes on until the end it had. */
SYSCALL(restart_syscall)
{
    int kind = current->restart_kind;
    current->restart_kind = RESTART_NONE;
    switch (kind) {
    case RESTART_SLEEP: {
        u64 end = current->restart_deadline, now = clock_monotonic_ns();
        return sleep_rem(clock_sleep_ns(end > now ? end - now : 0), (void *)current->restart_urem);
    }
    case RESTART_FUTEX:
        return futex_restart();
    case RESTART_POLL:
        return poll_restart();
    default:
        return -EINTR; /* nothing to go on with: what Linux answers too */
    }
}

SYSCALL(nanosleep)
{
    struct timespec_k req;
    long rc = read_ts((const void *)a0, &req);
    if (rc)
        return rc;
    return sleep_rem(clock_sleep_ns(ts_ns(&req)), (void *)a1);
}

SYSCALL(clock_nanosleep)
{
    int clk = (int)a0;
    u64 now;
    if (clk == CLOCK_THREAD_CPUTIME_ID || (clk < 0 && (clk & CPUCLOCK_PERTHREAD)))
        return -EINVAL; /* no sleeping on a thread's own CPU time */
    long bad = clk < 0 ? 0 : ktimer_clock_check(clk);
    if (bad)
        return bad; /* before the timespec is read, as Linux */
    if (clock_read(clk, &now))
        return -EINVAL;
    /* flag bits other than TIMER_ABSTIME are ignored, as on Linux */
    struct timespec_k req;
    long rc = read_ts((const void *)a2, &req);
    if (rc)
        return rc;
    u64 want = ts_ns(&req);
    if (a1 & TIMER_ABSTIME)
        want = want > now ? want - now : 0;
    u64 left = clock_sleep_ns(want);
    return (a1 & TIMER_ABSTIME) ? (left ? -EINTR : 0) : sleep_rem(left, (void *)a3);
}
