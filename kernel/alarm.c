/* kernel/alarm.c — what the timer checks besides time slices: alarm(2)'s SIGALRM per process, the POSIX timers
 * and timerfds (kernel/ktimer.c), and --timeout's deadline for the first process; and whether the 1 kHz tick is
 * needed at all (only while several tasks may run, or something is armed). Runs from the timer interrupt. */
#include "proc.h"
#include "boot.h"
#include "ktimer.h"
#include "../arch/x86_64/arch.h"
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
    if (t)
        signal_send_to(t, SIGKILL, 0x80 /* SI_KERNEL */, false);
    return false;
}

void alarms_fire(void)
{
    u64 now = clock_monotonic_ns();
    bool armed = deadline_fire(now);
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        if (!p->alarm_at || p->zombie)
            continue;
        if (p->alarm_at <= now) {
            p->alarm_at = p->alarm_interval ? now + p->alarm_interval : 0;
            struct task *t = proc_first_task(p);
            if (t)
                signal_send_to(t, SIGALRM, 0x80 /* SI_KERNEL */, false);
        }
        armed |= p->alarm_at != 0;
    }
    ktimers_run(); /* POSIX timers and timerfds */
    armed |= ktimers_armed();
    if (!armed)
        timer_check_needed();
}

void timer_check_needed(void)
{
    bool alarm = deadline_ns && !deadline_hit;
    for (struct proc *p = proc_list; p; p = p->next_proc)
        alarm |= p->alarm_at != 0 && !p->zombie;
    timer_set_periodic(alarm || ktimers_armed() || (task_list && task_list->next) || net_timer_needed());
}
