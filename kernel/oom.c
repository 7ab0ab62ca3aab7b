/* kernel/oom.c — out of memory when a program touches a page. As Linux's OOM killer: the process with the
 * highest badness (resident pages and page tables, plus oom_score_adj thousandths of the memory; never one at
 * -1000) gets SIGKILL and one kernel log line names it; the task that faulted tries again once the victim's memory is back. skiff's first
 * process may be chosen (it is the user's program, as a container's init is killable from outside). */
#include "proc.h"
#include "mm.h"

static u64 proc_pages(const struct proc *p)
{
    return p->vm ? pt_count_user(p->vm->pml4) : 0;
}

static u64 total_vm_kb(const struct vm_space *vs)
{
    u64 bytes = 0;
    for (const struct vm_area *a = vs->areas; a; a = a->next)
        bytes += a->end - a->start;
    return bytes / 1024;
}

/* Linux's oom_badness: the pages the process holds, moved by oom_score_adj/1000 of all pages; at least 1 for a
 * process that may be chosen, -1 for one that may not (-1000). */
long oom_badness(const struct proc *p)
{
    if (p->oom_score_adj <= OOM_SCORE_ADJ_MIN || p->zombie || !p->vm)
        return -1;
    long points = (long)proc_pages(p) + (long)p->oom_score_adj * (long)(pmm_total_pages() / 1000);
    return points > 0 ? points : 1;
}

/* The faulting task's page could not be had. Returns when it should try again; ends it when it is the victim. */
void oom_kill(void)
{
    struct proc *victim = NULL;
    u64 best = 0;
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        if (p->zombie || !p->vm)
            continue;
        if (p->oom_killed) {
            victim = p; /* one victim at a time: wait for it to go */
            break;
        }
        long n = oom_badness(p);
        if (n > 0 && (u64)n > best) {
            best = (u64)n;
            victim = p;
        }
    }
    if (!victim)
        victim = current->proc;
    if (!victim->oom_killed) {
        struct task *t = proc_first_task(victim);
        kerr("skiff: Out of memory: Killed process %d (%s) total-vm:%lukB, rss:%lukB\n", victim->pid,
             t ? t->comm : "?", total_vm_kb(victim->vm), (u64)(proc_pages(victim) * (PAGE_SIZE / 1024)));
        victim->oom_killed = true;
        kstat.oom_kills++;
        if (victim != current->proc && t)
            signal_send(t, SIGKILL);
    }
    if (victim == current->proc)
        proc_die(SIGKILL);
    sched_wait(1000000); /* let the victim run to its end; the fault is retried */
}
