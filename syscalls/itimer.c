/* syscalls/itimer.c — alarm, setitimer and getitimer: ITIMER_REAL (SIGALRM at a deadline on the monotonic
 * clock, checked on every timer tick, which runs while any alarm is armed), ITIMER_VIRTUAL (SIGVTALRM after
 * that much user time) and ITIMER_PROF (SIGPROF after that much user + system time) on the process's CPU time
 * (kernel/cputime.c, kernel/ktimer.c). */
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
    alarm_set(p, value_ns ? clock_monotonic_ns() + value_ns : 0, value_ns ? interval_ns : 0);
}

static void cpu_fire(struct ktimer *k, u64 count)
{
    (void)count; /* one signal however many periods passed, as Linux */
    struct task *t = proc_first_task(k->proc);
    if (t)
        signal_send_to(t, k == &k->proc->itimer_cpu[0] ? 26 /* SIGVTALRM */ : 27 /* SIGPROF */, SI_KERNEL, false);
}

/* RLIMIT_CPU (getrlimit(2)): at the soft limit of CPU seconds (user + system) SIGXCPU, and as Linux does the
 * soft limit moves up a second for the next one while it is below the hard limit; at the hard limit SIGKILL.
 * An infinite soft limit checks nothing, whatever the hard one. */
static u64 cpu_secs_ns(u64 s) { return s >= ~0ull / NSEC ? ~0ull : s * NSEC; }

static void rlimit_cpu_fire(struct ktimer *k, u64 count)
{
    (void)count;
    struct proc *p = k->proc;
    struct rlimit64 *r = &p->rlimits[RLIMIT_CPU];
    struct task *t = proc_first_task(p);
    u64 now = ktimer_now(k);
    if (!t)
        return;
    if (now >= cpu_secs_ns(r->max)) {
        signal_send_to(t, 9 /* SIGKILL */, SI_KERNEL, false);
        return;
    }
    if (now >= cpu_secs_ns(r->cur)) {
        signal_send_to(t, 24 /* SIGXCPU */, SI_KERNEL, false);
        if (r->cur < r->max)
            r->cur++;
    }
    rlimit_cpu_arm(p);
}

void rlimit_cpu_arm(struct proc *p)
{
    struct ktimer *k = &p->rlimit_cpu;
    const struct rlimit64 *r = &p->rlimits[RLIMIT_CPU];
    k->clock = CLOCK_PROCESS_CPUTIME_ID;
    k->proc = p;
    k->fire = rlimit_cpu_fire;
    u64 soft = cpu_secs_ns(r->cur);
    ktimer_set(k, soft == ~0ull ? 0 : MAX(MIN(soft, cpu_secs_ns(r->max)), 1), 0);
}

static struct ktimer *cpu_timer(struct proc *p, int which)
{
    struct ktimer *k = &p->itimer_cpu[which - ITIMER_VIRTUAL];
    k->clock = which == ITIMER_VIRTUAL ? KCLOCK_PROCESS_VIRT : CLOCK_PROCESS_CPUTIME_ID;
    k->proc = p;
    k->fire = cpu_fire;
    return k;
}

static void cpu_value(struct ktimer *k, struct itimerval_k *out)
{
    out->value = ns_tv(ktimer_left(k));
    out->interval = ns_tv(k->interval);
}

SYSCALL(setitimer)
{
    int which = (int)a0;
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    struct itimerval_k nv = { { 0, 0 }, { 0, 0 } }, old;
    if (a1 && copy_from_user(&nv, (const void *)a1, sizeof(nv)))
        return -EFAULT;
    if (nv.value.sec < 0 || nv.value.usec < 0 || nv.value.usec >= 1000000 || nv.interval.sec < 0 ||
        nv.interval.usec < 0 || nv.interval.usec >= 1000000)
        return -EINVAL;
    struct proc *p = current_proc();
    struct ktimer *k = which == ITIMER_REAL ? NULL : cpu_timer(p, which);
    if (k)
        cpu_value(k, &old);
    else
        current_value(p, &old);
    if (a2 && copy_to_user((void *)a2, &old, sizeof(old)))
        return -EFAULT;
    u64 value = tv_ns(&nv.value), interval = tv_ns(&nv.interval);
    if (k)
        ktimer_set(k, value ? ktimer_now(k) + value : 0, interval);
    else
        arm(p, value, interval);
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
    else
        cpu_value(cpu_timer(current_proc(), which), &v);
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
