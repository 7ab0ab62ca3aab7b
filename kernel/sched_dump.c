/* kernel/sched_dump.c — what every CPU and task was doing, written to the kernel log when --timeout's deadline
 * ends a program (kernel/alarm.c): a hang reads as who waits on what, which CPU runs whom, and whether a CPU is
 * halted or owes a TLB flush. Runs in the boot CPU's timer interrupt with the big lock; it only reads. A program
 * may ask for it too, by writing "dump" to /proc/skiff/smp (test/progs/smpstress does when a worker stalls). */
#include "proc.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"
#include "../arch/x86_64/smp.h"
#include "../syscalls/syscalls.h"

#define DUMP_TASKS 48 /* the kernel log keeps them all; a hang is seldom about the 49th */

static const char *task_state_name(const struct task *t)
{
    return t->state == TASK_RUNNABLE ? "R" : t->state == TASK_BLOCKED ? "B" : "D";
}

static void dump_cpus(void)
{
    for (int i = 0; i < ncpus_online; i++) {
        struct percpu *c = &cpus[i];
        struct task *t = __atomic_load_n(&c->curr, __ATOMIC_RELAXED);
        kerr("skiff: sched: cpu%d task %d halted %d resched %d flush %u tick %d irqs %lu%s\n", i, t ? t->tid : 0,
             c->halted, c->need_resched, c->flush_req - c->flush_done, c->lapic_tick, c->irqs,
             bkl_owner_cpu() == i ? " (holds the lock)" : "");
    }
}

void sched_dump(void)
{
    kerr("skiff: sched: %d runnable; the tasks (tid pid state cpu queue syscall key chan cpus signals pending/blocked):\n", sched_nr_running());
    if (smp_active)
        dump_cpus();
    char line[200];
    int len = 0, n = 0;
    for (const struct task *t = sched_rq_head(); t && len < (int)sizeof(line) - 12; t = t->rq_next)
        len += ksnprintf(line + len, sizeof(line) - (size_t)len, " %d", t->tid);
    kerr("skiff: sched: run queue:%s\n", len ? line : " (empty)");
    for (struct task *t = task_list; t && n < DUMP_TASKS; t = t->next, n++) {
        u64 nr = t->frame ? t->frame->rax : ~0ull;
        const char *sc = nr < syscall_count && syscall_names[nr] ? syscall_names[nr] : "-";
        kerr("skiff: sched: %d %d %s cpu %d rq %d %s key %lx chan %p mask %x sig %lx/%lx%s\n", t->tid, t->proc ? t->proc->pid : 0,
             task_state_name(t), t->running_on - 1, t->on_rq, t->state == TASK_BLOCKED ? sc : "-", t->wait_key,
             t->wait_chan, t->cpus_allowed,
             (t->proc ? t->proc->sig_pending : 0) | t->sig_pending_task, t->sig_blocked, t->wake_deadline != ~0ull && t->state == TASK_BLOCKED ? " (timed)" : "");
    }
}

int sched_dump_set(const char *text, size_t n)
{
    if (n < 4 || memcmp(text, "dump", 4))
        return -EINVAL;
    sched_dump();
    return 0;
}
