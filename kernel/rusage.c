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

/* ru_minflt, ru_majflt, ru_nvcsw, ru_nivcsw: the caller's thread (RUSAGE_THREAD), the process's live and ended
 * threads (SELF), what it collected (CHILDREN), or both (wait4's report of a child). One walk for the four. */
void acct_counts(struct proc *p, int who, struct acct_counts *c)
{
    struct acct_counts n = { 0 };
    if (who == RUSAGE_THREAD) {
        n = (struct acct_counts){ current->min_flt, current->maj_flt, current->nvcsw, current->nivcsw };
    } else if (who != RUSAGE_CHILDREN) {
        n = (struct acct_counts){ p->dead_minflt, p->dead_majflt, p->dead_nvcsw, p->dead_nivcsw };
        for (struct task *t = p->threads; t; t = t->proc_next) {
            if (t->state == TASK_DEAD)
                continue;
            n.minflt += t->min_flt, n.majflt += t->maj_flt;
            n.nvcsw += t->nvcsw, n.nivcsw += t->nivcsw;
        }
    }
    if (who == RUSAGE_CHILDREN || who == RUSAGE_BOTH) {
        n.minflt += p->cminflt, n.majflt += p->cmajflt;
        n.nvcsw += p->c_nvcsw, n.nivcsw += p->c_nivcsw;
    }
    *c = n;
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
