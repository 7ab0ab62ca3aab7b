/* syscalls/schedprio.c — nice values, scheduling policies and CPU affinity (setpriority(2),
 * sched_setscheduler(2), sched_setaffinity(2)). Each thread keeps its nice value and policy, fork and
 * clone copy them (kernel/fork.c, syscalls/thread.c: sched_fork_policy), and the permission rules are Linux's:
 * lowering a nice value needs CAP_SYS_NICE or RLIMIT_NICE room (EACCES), another user's thread CAP_SYS_NICE
 * (EPERM). skiff's scheduler gives every fair thread the same turn, so a nice value, SCHED_BATCH and
 * SCHED_IDLE are recorded and reported but weigh nothing; the real-time policies (SCHED_FIFO, SCHED_RR) run
 * before the fair ones by priority (kernel/sched.c). */
#include "syscalls.h"
#include "../arch/x86_64/smp.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2
#define SCHED_RESET_ON_FORK 0x40000000

static struct task *task_of(int pid) { return pid == 0 ? current : pid > 0 ? task_by_tid(pid) : NULL; }

/* Linux's check_same_owner: the caller's euid is the thread's uid or euid. */
bool sched_same_owner(const struct task *t)
{
    u32 euid = cred_current()->euid;
    return euid == t->cred.uid || euid == t->cred.euid;
}

/* can_nice: RLIMIT_NICE (of the thread) allows 20 - nice, or CAP_SYS_NICE. */
bool sched_can_nice(const struct task *t, int nice)
{
    return (u64)(20 - nice) <= t->proc->rlimits[RLIMIT_NICE].cur || capable(CAP_SYS_NICE);
}

static bool prio_match(const struct task *t, int which, int who)
{
    switch (which) {
    case PRIO_PROCESS: return t->tid == who;
    case PRIO_PGRP: return t->proc->pgid == who && !t->proc->zombie;
    default: return t->cred.uid == (u32)who; /* PRIO_USER: the real uid */
    }
}

/* which and who as given: who 0 is the caller, its group, its real uid. -EINVAL for a bad which. */
static int prio_who(int which, int who)
{
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    if (who)
        return who;
    return which == PRIO_PROCESS ? current->tid : which == PRIO_PGRP ? current_proc()->pgid
                                                                     : (int)cred_current()->uid;
}

SYSCALL(getpriority) /* the highest 20 - nice of the threads named */
{
    int which = (int)a0, who = prio_who(which, (int)a1);
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    long best = -ESRCH;
    for (struct task *t = task_list; t; t = t->next)
        if (t->state != TASK_DEAD && prio_match(t, which, who) && 20 - t->nice > best)
            best = 20 - t->nice;
    return best;
}

SYSCALL(setpriority)
{
    int which = (int)a0, who = prio_who(which, (int)a1), nice = (int)a2;
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
    long rc = -ESRCH;
    for (struct task *t = task_list; t; t = t->next) {
        if (t->state == TASK_DEAD || !prio_match(t, which, who))
            continue;
        if (!sched_same_owner(t) && !capable(CAP_SYS_NICE))
            rc = -EPERM;
        else if (nice < t->nice && !sched_can_nice(t, nice))
            rc = -EACCES;
        else {
            t->nice = (i8)nice;
            rc = rc == -ESRCH ? 0 : rc;
        }
    }
    return rc;
}

/* __sched_setscheduler's checks in Linux's order; policy -1 (sched_setparam) keeps the thread's. */
static long set_policy(struct task *t, int policy, int prio)
{
    bool reset = t->sched_reset_on_fork;
    if (policy < 0) {
        policy = t->policy;
    } else {
        reset = policy & SCHED_RESET_ON_FORK;
        policy &= ~SCHED_RESET_ON_FORK;
        if (policy != SCHED_OTHER && policy != SCHED_FIFO && policy != SCHED_RR && policy != SCHED_BATCH &&
            policy != SCHED_IDLE && policy != SCHED_DEADLINE)
            return -EINVAL;
    }
    bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
    if (prio < 0 || prio > 99 || rt != (prio != 0) || policy == SCHED_DEADLINE)
        return -EINVAL; /* SCHED_DEADLINE needs sched_setattr's runtime and period */
    if (!capable(CAP_SYS_NICE)) {
        u64 rtprio = t->proc->rlimits[RLIMIT_RTPRIO].cur;
        if (rt && ((policy != t->policy && !rtprio) || (u64)prio > rtprio))
            return -EPERM;
        if (t->policy == SCHED_IDLE && policy != SCHED_IDLE && !sched_can_nice(t, t->nice))
            return -EPERM;
        if (!sched_same_owner(t) || (t->sched_reset_on_fork && !reset))
            return -EPERM;
    }
    sched_set_rt(t, policy, prio);
    t->sched_reset_on_fork = reset;
    return 0;
}

static long setscheduler(int pid, int policy, const void *uparam)
{
    int prio;
    if (!uparam || pid < 0)
        return -EINVAL;
    if (copy_from_user(&prio, uparam, sizeof(prio)))
        return -EFAULT;
    struct task *t = task_of(pid);
    return t ? set_policy(t, policy, prio) : -ESRCH;
}

SYSCALL(sched_setscheduler)
{
    if ((int)a1 < 0)
        return -EINVAL;
    return setscheduler((int)a0, (int)a1, (const void *)a2);
}

SYSCALL(sched_setparam) { return setscheduler((int)a0, -1, (const void *)a1); }

SYSCALL(sched_getscheduler)
{
    if ((int)a0 < 0)
        return -EINVAL;
    struct task *t = task_of((int)a0);
    if (!t)
        return -ESRCH;
    return t->policy | (t->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

SYSCALL(sched_getparam)
{
    if (!a1 || (int)a0 < 0)
        return -EINVAL;
    struct task *t = task_of((int)a0);
    if (!t)
        return -ESRCH;
    int prio = t->rt_prio;
    return copy_to_user((void *)a1, &prio, sizeof(prio));
}

/* fork and clone: the new thread gets the creator's policy and nice value; with SCHED_RESET_ON_FORK a
 * real-time policy goes back to SCHED_OTHER and a negative nice to 0, and the flag is not inherited. */
void sched_fork_policy(struct task *child, const struct task *parent)
{
    child->nice = parent->nice;
    child->policy = parent->policy;
    child->rt_prio = parent->rt_prio;
    child->rr_start_ns = 0;
    child->cpus_allowed = parent->cpus_allowed; /* Linux: the affinity mask is inherited too */
    child->sched_reset_on_fork = false;
    child->slice_ns = parent->slice_ns;
    /* Linux's copy_io: an I/O context with a class is copied, one without is not made */
    child->has_ioc = parent->has_ioc && (parent->ioprio >> 13);
    child->ioprio = child->has_ioc ? parent->ioprio : 0;
    child->mpol = parent->mpol; /* Linux: the memory policy too (syscalls/mempolicy.c) */
    if (parent->sched_reset_on_fork) {
        child->slice_ns = 0;
        if (child->policy == SCHED_FIFO || child->policy == SCHED_RR) {
            child->policy = SCHED_OTHER;
            child->rt_prio = 0;
        }
        if (child->nice < 0)
            child->nice = 0;
    }
}

/* Linux's order: the size (at least nr_cpu_ids bits, whole longs), then the thread; the CPUs it may run on
 * (sched_setaffinity's mask, as kept: the online CPUs among those asked for). */
SYSCALL(sched_getaffinity)
{
    if (a1 < 8 || (a1 & 7))
        return -EINVAL;
    struct task *t = (int)a0 < 0 ? NULL : task_of((int)a0);
    if (!t)
        return -ESRCH;
    u64 mask = sched_affinity(t);
    return copy_to_user((void *)a2, &mask, sizeof(mask)) ? -EFAULT : 8;
}

/* Linux's order: read the mask (EFAULT; a short one is zero-extended), find the thread (ESRCH), another
 * user's thread needs CAP_SYS_NICE (EPERM), then EINVAL when the mask holds none of the online CPUs. The
 * online CPUs of the mask are kept: the thread runs on those alone from now on (kernel/sched.c), and fork and
 * clone pass the mask on (sched_fork_policy). */
SYSCALL(sched_setaffinity)
{
    u64 mask = 0;
    if (copy_from_user(&mask, (const void *)a2, MIN(a1, sizeof(mask))))
        return -EFAULT;
    struct task *t = (int)a0 < 0 ? NULL : task_of((int)a0);
    if (!t)
        return -ESRCH;
    if (!sched_same_owner(t) && !capable(CAP_SYS_NICE))
        return -EPERM;
    u64 online = (1ull << ncpus_online) - 1;
    if (!(mask & online))
        return -EINVAL;
    sched_set_affinity(t, mask & online);
    return 0;
}
