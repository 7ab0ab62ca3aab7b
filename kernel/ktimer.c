/* kernel/ktimer.c — the timers behind POSIX timers (syscalls/timer.c) and timerfd (fs/timerfd.c): an expiry
 * in some clock's time, an optional interval, and what to do when it passes. They are checked on the scheduler
 * tick, which runs while any is armed (timer_check_needed), so they fire within a tick (1 ms) of their time.
 * An interval timer that fell behind fires once with the count of the periods that passed (overruns). */
#include "errno.h"
#include "proc.h"
#include "boot.h"
#include "ktimer.h"

static struct ktimer *armed; /* touched from the timer interrupt: under a lock once there is SMP */

bool ktimer_clock_ok(int clock, bool cpu_clocks)
{
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI:
        return true;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        return cpu_clocks;
    default:
        return false;
    }
}

/* An encoded CPU-time clock (negative clockid) for k: the caller's process (SCHED and PROF: all its time,
 * VIRT: user time) or one of its threads. Another process's clock is not implemented (EINVAL, logged). */
static long cpu_clock_set(struct ktimer *k, int clock)
{
    int kind = clock & 7, id = ~(clock >> 3);
    if ((kind & 3) == 3)
        return -EINVAL;
    if (kind & CPUCLOCK_PERTHREAD) {
        struct task *t = id == 0 ? current : task_by_tid(id);
        if (!t || t->proc != current_proc())
            return -EINVAL;
        if ((kind & 3) == CPUCLOCK_VIRT) {
            kerr("skiff: timer_create on a thread's user-time clock is not implemented: EINVAL\n");
            return -EINVAL;
        }
        k->clock = CLOCK_THREAD_CPUTIME_ID;
        k->task = t;
        return 0;
    }
    struct proc *p = id == 0 ? current_proc() : proc_by_pid(id);
    if (!p || p->zombie)
        return -EINVAL;
    if (p != current_proc()) {
        kerr("skiff: timer_create on another process's CPU clock is not implemented: EINVAL\n");
        return -EINVAL;
    }
    k->clock = (kind & 3) == CPUCLOCK_VIRT ? KCLOCK_PROCESS_VIRT : CLOCK_PROCESS_CPUTIME_ID;
    return 0;
}

long ktimer_clock_set(struct ktimer *k, int clock)
{
    k->clock = clock;
    k->proc = current_proc();
    k->task = current;
    return clock < 0 ? cpu_clock_set(k, clock) : ktimer_clock_check(clock);
}

/* A clock timer_create or clock_nanosleep cannot use: EOPNOTSUPP for those Linux knows but cannot arm (the raw
 * and coarse clocks have no timers; the alarm clocks need a wake-up RTC, which this machine has not), EINVAL
 * for the rest of what ktimer_clock_ok refuses; 0 if it can be armed. */
long ktimer_clock_check(int clock)
{
    if (ktimer_clock_ok(clock, true))
        return 0;
    switch (clock) {
    case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
}

u64 ktimer_now(const struct ktimer *k)
{
    switch (k->clock) {
    case CLOCK_REALTIME: case CLOCK_TAI:
        return clock_realtime_ns();
    case CLOCK_PROCESS_CPUTIME_ID:
        return acct_peek(k->proc, NULL, false);
    case CLOCK_THREAD_CPUTIME_ID:
        return acct_peek(k->proc, k->task, false);
    case KCLOCK_PROCESS_VIRT:
        return acct_peek(k->proc, NULL, true);
    default:
        return clock_monotonic_ns();
    }
}

static void unlink(struct ktimer *k)
{
    for (struct ktimer **pp = &armed; *pp; pp = &(*pp)->next) {
        if (*pp == k) {
            *pp = k->next;
            break;
        }
    }
    k->next = NULL;
}

/* Arms k for expires (absolute, in its clock; 0 disarms) and then every interval ns (0: once). */
void ktimer_set(struct ktimer *k, u64 expires, u64 interval)
{
    unlink(k);
    k->expires = expires;
    k->interval = expires ? interval : 0;
    if (expires) {
        k->next = armed;
        armed = k;
    }
    timer_check_needed();
}

void ktimer_cancel(struct ktimer *k)
{
    ktimer_set(k, 0, 0);
}

/* Time left until k fires (0: disarmed; 1 ns when it is due, so that an armed timer never reads as 0). */
u64 ktimer_left(const struct ktimer *k)
{
    if (!k->expires)
        return 0;
    u64 now = ktimer_now(k);
    return k->expires > now ? k->expires - now : 1;
}

bool ktimers_armed(void)
{
    return armed != NULL;
}

/* When the next timer on a wall clock fires, in monotonic ns, so that a halted CPU wakes for it rather than at
 * the next tick (timer_create/timerfd of 1 us fired ~1 ms late). CPU-time clocks do not advance while it is
 * halted: not counted. */
u64 ktimers_next(void)
{
    u64 best = ~0ull, mono = clock_monotonic_ns();
    for (struct ktimer *k = armed; k; k = k->next) {
        u64 at;
        if (k->clock == CLOCK_REALTIME || k->clock == CLOCK_TAI) {
            u64 rt = clock_realtime_ns();
            at = k->expires > rt ? mono + (k->expires - rt) : mono;
        } else if (k->clock == CLOCK_MONOTONIC || k->clock == CLOCK_BOOTTIME) {
            at = k->expires;
        } else {
            continue;
        }
        best = MIN(best, at);
    }
    return best;
}

/* Fires every timer whose time has come (the tick, and a one-shot that ended a sleep). */
void ktimers_run(void)
{
    for (struct ktimer *k = armed, *next; k; k = next) {
        next = k->next;
        u64 now = ktimer_now(k);
        if (now < k->expires)
            continue;
        u64 count = 1;
        if (k->interval) {
            u64 behind = (now - k->expires) / k->interval;
            count += behind;
            k->expires += (behind + 1) * k->interval;
        } else {
            unlink(k);
            k->expires = 0;
        }
        k->fire(k, count);
    }
    if (!armed)
        timer_check_needed();
}
