/* syscalls/itimer.c — alarm, setitimer and getitimer for ITIMER_REAL: SIGALRM at a deadline on the
 * monotonic clock, checked on every timer tick (the tick runs while any alarm is armed). ITIMER_VIRTUAL and
 * ITIMER_PROF (CPU time) return EINVAL and say so: skiff keeps no per-process CPU time. */
#include "syscalls.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/arch.h"

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define NSEC 1000000000ull

struct timeval_k { i64 sec, usec; };
struct itimerval_k { struct timeval_k interval, value; };

static u64 tv_ns(const struct timeval_k *tv) { return (u64)tv->sec * NSEC + (u64)tv->usec * 1000; }
static struct timeval_k ns_tv(u64 ns) { return (struct timeval_k){ (i64)(ns / NSEC), (i64)(ns % NSEC / 1000) }; }

static void current_value(struct proc *p, struct itimerval_k *out)
{
    u64 now = clock_monotonic_ns();
    u64 left = p->alarm_at > now ? p->alarm_at - now : (p->alarm_at ? 1000 : 0);
    out->value = ns_tv(left);
    out->interval = ns_tv(p->alarm_interval);
}

static void arm(struct proc *p, u64 value_ns, u64 interval_ns)
{
    p->alarm_at = value_ns ? clock_monotonic_ns() + value_ns : 0;
    p->alarm_interval = value_ns ? interval_ns : 0;
    timer_check_needed();
}

SYSCALL(setitimer)
{
    int which = (int)a0;
    if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
        kerr("skiff: setitimer ITIMER_VIRTUAL/ITIMER_PROF (CPU time) is not implemented: EINVAL\n");
        return -EINVAL;
    }
    if (which != ITIMER_REAL)
        return -EINVAL;
    struct itimerval_k nv = { { 0, 0 }, { 0, 0 } }, old;
    if (a1 && copy_from_user(&nv, (const void *)a1, sizeof(nv)))
        return -EFAULT;
    if (nv.value.sec < 0 || nv.value.usec < 0 || nv.value.usec >= 1000000 || nv.interval.sec < 0 ||
        nv.interval.usec < 0 || nv.interval.usec >= 1000000)
        return -EINVAL;
    struct proc *p = current_proc();
    current_value(p, &old);
    if (a2 && copy_to_user((void *)a2, &old, sizeof(old)))
        return -EFAULT;
    arm(p, tv_ns(&nv.value), tv_ns(&nv.interval));
    return 0;
}

SYSCALL(getitimer)
{
    int which = (int)a0;
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    struct itimerval_k v = { { 0, 0 }, { 0, 0 } };
    if (which == ITIMER_REAL)
        current_value(current_proc(), &v);
    return copy_to_user((void *)a1, &v, sizeof(v));
}

SYSCALL(alarm)
{
    struct proc *p = current_proc();
    struct itimerval_k old;
    current_value(p, &old);
    arm(p, (u64)(u32)a0 * NSEC, 0);
    return old.value.sec + (old.value.usec >= 500000 || (old.value.sec == 0 && old.value.usec > 0));
}
