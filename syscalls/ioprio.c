/* syscalls/ioprio.c — ioprio_set(2) and ioprio_get(2): each thread's I/O scheduling class and data (class << 13 |
 * level and hints, 16 bits), recorded and reported; skiff's block-less I/O (RAM filesystems, 9P) has no queue to
 * weigh them by. As Linux, setting one gives the thread an I/O context (kcmp KCMP_IO), which a fork copies when
 * it holds a class; a thread that never set one reports 0 (IOPRIO_CLASS_NONE) for itself, and counts as the class
 * and level its policy and nice value imply when a group's or a user's best is asked for. */
#include "syscalls.h"

#define WHO_PROCESS 1
#define WHO_PGRP 2
#define WHO_USER 3
#define CLASS_NONE 0
#define CLASS_RT 1
#define CLASS_BE 2
#define CLASS_IDLE 3
#define IOPRIO(c, d) ((u16)((c) << 13 | (d)))

static int prio_class(int v) { return (v >> 13) & 7; }

/* ioprio_check_cap: known classes, a NONE without a level, RT only with CAP_SYS_ADMIN or CAP_SYS_NICE. Also
 * io_submit's IOCB_FLAG_IOPRIO (syscalls/aio_submit.c). */
long ioprio_check(int v)
{
    switch (prio_class(v)) {
    case CLASS_RT: return capable(CAP_SYS_ADMIN) || capable(CAP_SYS_NICE) ? 0 : -EPERM;
    case CLASS_BE:
    case CLASS_IDLE: return 0;
    case CLASS_NONE: return (v & 7) ? -EINVAL : 0;
    default: return -EINVAL;
    }
}

/* What a thread counts as among others: its own class, or the one its policy and nice value imply. */
static int prio_effective(const struct task *t)
{
    if (prio_class(t->ioprio) != CLASS_NONE)
        return t->ioprio;
    int c = t->policy == SCHED_IDLE ? CLASS_IDLE : (t->policy == SCHED_FIFO || t->policy == SCHED_RR) ? CLASS_RT
                                                                                                       : CLASS_BE;
    return IOPRIO(c, (t->nice + 20) / 5);
}

static bool prio_match(const struct task *t, int which, int who)
{
    if (t->state == TASK_DEAD || t->proc->zombie)
        return false;
    return which == WHO_PGRP ? t->proc->pgid == who : t->cred.uid == (u32)who;
}

/* set_task_ioprio: another user's thread needs CAP_SYS_NICE. */
static long prio_set_task(struct task *t, int v)
{
    const struct cred *c = cred_current();
    if (t->cred.uid != c->euid && t->cred.uid != c->uid && !capable(CAP_SYS_NICE))
        return -EPERM;
    t->ioprio = (u16)v;
    t->has_ioc = true;
    return 0;
}

SYSCALL(ioprio_set) /* (which, who, ioprio) */
{
    int which = (int)a0, who = (int)a1, v = (int)a2;
    long rc = ioprio_check(v);
    if (rc)
        return rc;
    if (which == WHO_PROCESS) {
        struct task *t = who ? task_by_tid(who) : current;
        return t && t->state != TASK_DEAD ? prio_set_task(t, v) : -ESRCH;
    }
    if (which != WHO_PGRP && which != WHO_USER)
        return -EINVAL;
    if (!who && which == WHO_PGRP)
        who = current_proc()->pgid; /* WHO_USER 0 is uid 0, as Linux's set loop compares */
    rc = -ESRCH;
    for (struct task *t = task_list; t; t = t->next)
        if (prio_match(t, which, who) && (rc = prio_set_task(t, v)))
            return rc;
    return rc;
}

SYSCALL(ioprio_get) /* (which, who) */
{
    int which = (int)a0, who = (int)a1;
    if (which == WHO_PROCESS) {
        struct task *t = who ? task_by_tid(who) : current;
        return t && t->state != TASK_DEAD ? t->ioprio : -ESRCH;
    }
    if (which != WHO_PGRP && which != WHO_USER)
        return -EINVAL;
    if (!who)
        who = which == WHO_PGRP ? current_proc()->pgid : (int)cred_current()->uid;
    long best = -ESRCH;
    for (struct task *t = task_list; t; t = t->next)
        if (prio_match(t, which, who) && (best < 0 || prio_effective(t) < best))
            best = prio_effective(t);
    return best;
}
