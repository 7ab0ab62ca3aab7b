/* kernel/cputime.c — CPU time, charged to a thread only while it runs: user time from its return to ring 3
 * until the next syscall, trap or interrupt, system time from there until it returns or gives up the CPU. Time
 * the CPU spends halted is nobody's. A process's time is its live threads' plus what its ended threads used;
 * its children's is what the children it collected with wait4/waitid used (theirs included), as on Linux.
 * Also the load average, as Linux computes it: every 5 seconds, the runnable tasks folded into three
 * exponentially decaying averages (1, 5 and 15 minutes) in 11-bit fixed point. */
#include "proc.h"
#include "boot.h"
#include "../arch/x86_64/arch.h"

/* The current thread's time since its last mark goes to user or system time. */
void acct_charge(bool user)
{
    if (!current)
        return;
    u64 now = rdtsc_now(), d = now - current->acct_mark;
    if (current->acct_mark && now > current->acct_mark) {
        if (user)
            current->utime_tsc += d;
        else
            current->stime_tsc += d;
    }
    current->acct_mark = now;
}

/* A thread starts running (after a switch or a halt): from here its time counts. */
void acct_resume(void)
{
    if (current)
        current->acct_mark = rdtsc_now();
}

/* The process's time in ns: live threads (the running one up to now) and ended ones. */
void acct_proc(struct proc *p, u64 *user_ns, u64 *sys_ns)
{
    if (current && current->proc == p)
        acct_charge(false);
    u64 u = p->dead_utime_tsc, s = p->dead_stime_tsc;
    for (struct task *t = p->threads; t; t = t->proc_next) {
        if (t->state != TASK_DEAD) {
            u += t->utime_tsc;
            s += t->stime_tsc;
        }
    }
    *user_ns = clock_tsc_to_ns(u);
    *sys_ns = clock_tsc_to_ns(s);
}

/* The same for a timer on the tick, without charging the running slice (the interrupt does not know whether it
 * was user or system time): user time alone (ITIMER_VIRTUAL), or all of it up to now (ITIMER_PROF, CPU clocks). */
u64 acct_peek(struct proc *p, struct task *only, bool user_only)
{
    u64 sum = only ? 0 : p->dead_utime_tsc + (user_only ? 0 : p->dead_stime_tsc);
    for (struct task *t = p->threads; t; t = t->proc_next) {
        if (t->state == TASK_DEAD || (only && t != only))
            continue;
        sum += t->utime_tsc + (user_only ? 0 : t->stime_tsc);
        if (t == current && !user_only && t->acct_mark)
            sum += rdtsc_now() - t->acct_mark;
    }
    return clock_tsc_to_ns(sum);
}

void acct_task(struct task *t, u64 *user_ns, u64 *sys_ns)
{
    if (t == current)
        acct_charge(false);
    *user_ns = clock_tsc_to_ns(t->utime_tsc);
    *sys_ns = clock_tsc_to_ns(t->stime_tsc);
}

/* A thread ends: its time stays with its process. */
void acct_task_exit(struct task *t)
{
    if (t == current)
        acct_charge(false);
    t->proc->dead_utime_tsc += t->utime_tsc;
    t->proc->dead_stime_tsc += t->stime_tsc;
    t->utime_tsc = t->stime_tsc = 0;
    t->proc->dead_nvcsw += t->nvcsw;
    t->proc->dead_nivcsw += t->nivcsw;
    t->nvcsw = t->nivcsw = 0;
    t->proc->dead_minflt += t->min_flt;
    t->proc->dead_majflt += t->maj_flt;
    t->min_flt = t->maj_flt = 0;
    struct task_io *d = &t->proc->dead_ioac;
    d->rchar += t->ioac.rchar, d->wchar += t->ioac.wchar, d->syscr += t->ioac.syscr, d->syscw += t->ioac.syscw;
    t->ioac = (struct task_io){ 0 };
}

/* The parent collects a child: the child's time and its children's become the parent's children's time. */
void acct_reap(struct proc *parent, struct proc *child)
{
    parent->cutime_tsc += child->dead_utime_tsc + child->cutime_tsc;
    parent->cstime_tsc += child->dead_stime_tsc + child->cstime_tsc;
    parent->c_nvcsw += child->dead_nvcsw + child->c_nvcsw;
    parent->c_nivcsw += child->dead_nivcsw + child->c_nivcsw;
    parent->cminflt += child->dead_minflt + child->cminflt;
    parent->cmajflt += child->dead_majflt + child->cmajflt;
    parent->cmaxrss = MAX(parent->cmaxrss, MAX(child->maxrss, child->cmaxrss));
}

/* Every process's time since boot, the collected ones included (they live on in their reapers' children's
 * time); the running slice counts as system time. */
void acct_system(u64 *user_ns, u64 *sys_ns, int *running)
{
    acct_charge(false);
    u64 u = 0, s = 0;
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        u += p->dead_utime_tsc + p->cutime_tsc;
        s += p->dead_stime_tsc + p->cstime_tsc;
    }
    int n = 0;
    for (struct task *t = task_list; t; t = t->next) {
        u += t->utime_tsc;
        s += t->stime_tsc;
        n += t == current || t->state == TASK_RUNNABLE;
    }
    *user_ns = clock_tsc_to_ns(u);
    *sys_ns = clock_tsc_to_ns(s);
    *running = n;
}

#define FSHIFT 11
#define FIXED_1 (1ul << FSHIFT)
#define LOAD_FREQ_NS 5000000000ull
static const u64 load_exp[3] = { 1884, 2014, 2037 }; /* FIXED_1 / exp(5 s / 1, 5, 15 min) */
static u64 avenrun[3], load_next;

/* Folds in every 5-second boundary passed since the last call, each with the number of runnable tasks at that
 * moment (Linux samples running + uninterruptible at the tick; skiff's waits are all interruptible). The
 * scheduler calls it before every change of that number (kernel/sched.c, interrupt handlers' wake-ups
 * included: one CPU, interrupts off in the kernel; SMP needs a lock), so the count in effect since the last
 * call is the one every boundary in between saw, with no periodic tick: a halted CPU samples 0. */
void acct_load_update(void)
{
    if (!load_next && clock_surely_before_ns(LOAD_FREQ_NS))
        return; /* no sample is due yet: not worth calibrating the clock for (the boot, a program without clocks) */
    u64 now = clock_monotonic_ns();
    if (!load_next)
        load_next = LOAD_FREQ_NS; /* the first sample 5 s after boot, as Linux's */
    if (now < load_next)
        return;
    u64 active = (u64)sched_nr_running() * FIXED_1;
    for (int k = 0; now >= load_next && k < 1000; k++, load_next += LOAD_FREQ_NS)
        for (int i = 0; i < 3; i++)
            avenrun[i] = (avenrun[i] * load_exp[i] + active * (FIXED_1 - load_exp[i]) + FIXED_1 / 2) >> FSHIFT;
    if (now >= load_next)
        load_next = now + LOAD_FREQ_NS; /* a very long gap: the averages have long converged */
}

/* /proc/loadavg: the three averages with two decimals, runnable/total tasks, the last pid handed out. */
int acct_loadavg(char *buf, size_t size)
{
    acct_load_update();
    int total = 0;
    for (struct task *t = task_list; t; t = t->next)
        total++;
    u64 v[3];
    for (int i = 0; i < 3; i++)
        v[i] = avenrun[i] + FIXED_1 / 200; /* rounded to 1/100, as Linux prints it */
    return ksnprintf(buf, size, "%lu.%02lu %lu.%02lu %lu.%02lu %d/%d %d\n", v[0] >> FSHIFT,
                     ((v[0] & (FIXED_1 - 1)) * 100) >> FSHIFT, v[1] >> FSHIFT, ((v[1] & (FIXED_1 - 1)) * 100) >> FSHIFT,
                     v[2] >> FSHIFT, ((v[2] & (FIXED_1 - 1)) * 100) >> FSHIFT, sched_nr_running(), total, id_last());
}
