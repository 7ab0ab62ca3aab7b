/* kernel/alarm.c — what the timer checks besides time slices: alarm(2)'s SIGALRM per process, the POSIX timers
 * and timerfds (kernel/ktimer.c), and --timeout's deadline for the first process; and whether the 1 kHz tick is
 * needed at all (only while several tasks may run, or something is armed). Runs from the timer interrupt. */
#include "proc.h"
#include "boot.h"
#include "ktimer.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"
#include "../net/net.h"
#include "../syscalls/syscalls.h" /* syscall_names: what a timed-out program was waiting in */

/* `deadline=S` (tools/skiff run --timeout S): at S seconds the first process is killed, so that it ends as
 * any killed program does and the kernel writes back what it holds for host files before powering off
 * (status 124, kernel/fork.c). Set before the first process runs; read and set from the timer interrupt. */
u64 deadline_ns;
bool deadline_hit;

/* What the first process was doing when its time ran out, for the one line that says so: a hang reads
 * differently from a program that was still busy. From the timer interrupt. */
char deadline_note[80];

static void note_timeout(struct task *t)
{
    if (!t)
        return;
    if (t->state == TASK_BLOCKED && t->frame && t->frame->rax < syscall_count && syscall_names[t->frame->rax])
        ksnprintf(deadline_note, sizeof(deadline_note), " (it was waiting in %s)", syscall_names[t->frame->rax]);
    else if (t->state != TASK_BLOCKED)
        ksnprintf(deadline_note, sizeof(deadline_note), " (it was running)");
}

static bool deadline_fire(u64 now)
{
    if (!deadline_ns || deadline_hit)
        return false;
    if (now < deadline_ns)
        return true;
    deadline_hit = true;
    struct proc *p = proc_by_pid(1);
    struct task *t = p ? proc_first_task(p) : NULL;
    note_timeout(t);
    sched_dump(); /* the kernel log says who waited on what (a hang's first clue) */
    if (t)
        signal_send_to(t, SIGKILL, 0x80 /* SI_KERNEL */, false);
    return false;
}

/* The processes whose alarm is armed: the tick looks at them alone, not at every process (a thousand idle
 * ones cost nothing). Changed by setitimer/alarm and exit, and from the timer interrupt (alarms_fire); one
 * CPU with interrupts off in the kernel makes that safe; with SMP it needs the timer's lock. */
static struct proc *alarm_list;

void alarm_set(struct proc *p, u64 at, u64 interval)
{
    bool listed = p->alarm_prev || alarm_list == p;
    if (at && !listed) {
        p->alarm_prev = NULL;
        p->alarm_next = alarm_list;
        if (alarm_list)
            alarm_list->alarm_prev = p;
        alarm_list = p;
    } else if (!at && listed) {
        if (p->alarm_prev)
            p->alarm_prev->alarm_next = p->alarm_next;
        else
            alarm_list = p->alarm_next;
        if (p->alarm_next)
            p->alarm_next->alarm_prev = p->alarm_prev;
        p->alarm_next = p->alarm_prev = NULL;
    }
    p->alarm_at = at;
    p->alarm_interval = at ? interval : 0;
    timer_check_needed();
}

u64 alarms_next(void)
{
    u64 best = deadline_ns && !deadline_hit ? deadline_ns : ~0ull;
    for (struct proc *p = alarm_list; p; p = p->alarm_next)
        best = MIN(best, p->alarm_at);
    return best;
}

void alarms_fire(void)
{
    if (!(deadline_ns && !deadline_hit) && !alarm_list && !ktimers_armed()) {
        timer_check_needed(); /* a one-shot that ended a wait: nothing timed, so no clock to read (or calibrate) */
        return;
    }
    /* --timeout's deadline alone, and no clock read yet: count the ticks (1 kHz, kept while it is armed) rather
     * than calibrate the TSC for a figure in seconds; calibrating here cost the program a 5 ms wait at its
     * first tick. From the timer interrupt, as the rest. */
    static u64 uncalibrated_ticks;
    if (!clock_ready() && !alarm_list && !ktimers_armed()) {
        deadline_fire(++uncalibrated_ticks * 1000000ull);
        return;
    }
    u64 now = clock_monotonic_ns();
    bool armed = deadline_fire(now);
    for (struct proc *p = alarm_list, *next; p; p = next) {
        next = p->alarm_next;
        if (p->alarm_at > now)
            continue;
        struct task *t = proc_first_task(p);
        if (t)
            signal_send_to(t, SIGALRM, 0x80 /* SI_KERNEL */, false);
        if (p->alarm_interval)
            p->alarm_at = now + p->alarm_interval;
        else
            alarm_set(p, 0, 0);
    }
    armed |= alarm_list != NULL;
    ktimers_run(); /* POSIX timers and timerfds */
    armed |= ktimers_armed();
    if (!armed)
        timer_check_needed();
}

void timer_check_needed(void)
{
    bool alarm = (deadline_ns && !deadline_hit) || alarm_list;
    bool timers = alarm || ktimers_armed();
    timer_set_periodic(timers || (task_list && task_list->next) || net_timer_needed());
    if (timers)
        smp_kick_boot_cpu(); /* SMP: one armed on an AP; the boot CPU's idle wait may end after it is due */
}

/* Could a signal still come to p with no other task to send it: an armed ITIMER_REAL, or a POSIX timer (kept
 * simple: any timer it made)? Then a wait that nothing else can end is not a deadlock: the signal ends it with
 * EINTR, as on Linux. */
bool alarm_may_signal(const struct proc *p)
{
    return p->alarm_at || p->ptimers;
}
