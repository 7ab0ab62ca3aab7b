/* kernel/rusage.c — memory accounting per process, as Linux keeps it for getrusage and /proc: page faults per
 * thread (kernel/vm.c counts them; an ended thread's stay with its process, a collected child's go to its
 * parent, kernel/cputime.c), and the resident set's high-water mark: an address space's own (vm_space's
 * hiwater_rss) while the process uses it, kept in the process when it leaves it by exec or exit, and the
 * largest of its collected children's (theirs included) for RUSAGE_CHILDREN. */
#include "proc.h"
#include "../syscalls/syscalls.h"

void acct_mm_release(struct proc *p, struct vm_space *vs)
{
    if (vs && vs->hiwater_rss > p->maxrss)
        p->maxrss = vs->hiwater_rss;
}

/* ru_minflt and ru_majflt: the caller's thread (RUSAGE_THREAD), the process's live and ended threads (SELF),
 * what it collected (CHILDREN), or both (wait4's report of a child). */
void acct_faults(struct proc *p, int who, u64 *minflt, u64 *majflt)
{
    u64 mi = 0, ma = 0;
    if (who == RUSAGE_THREAD) {
        mi = current->min_flt, ma = current->maj_flt;
    } else if (who != RUSAGE_CHILDREN) {
        mi = p->dead_minflt, ma = p->dead_majflt;
        for (struct task *t = task_list; t; t = t->next)
            if (t->proc == p && t->state != TASK_DEAD)
                mi += t->min_flt, ma += t->maj_flt;
    }
    if (who == RUSAGE_CHILDREN || who == RUSAGE_BOTH)
        mi += p->cminflt, ma += p->cmajflt;
    *minflt = mi;
    *majflt = ma;
}

/* ru_maxrss in pages: for the process (or one of its threads) the largest of the spaces it left and the one it
 * uses; for its children the largest any collected one reached; both for wait4's report. */
u64 acct_maxrss(struct proc *p, int who)
{
    if (who == RUSAGE_CHILDREN)
        return p->cmaxrss;
    u64 m = p->maxrss;
    if (p->vm && p->vm->hiwater_rss > m)
        m = p->vm->hiwater_rss;
    return who == RUSAGE_BOTH ? MAX(m, p->cmaxrss) : m;
}
