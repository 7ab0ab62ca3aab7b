/* syscalls/schedattr.c — sched_setattr(2) and sched_getattr(2): the policy, nice value and time slice of a
 * thread through the extensible struct sched_attr, with sched_setscheduler's rules (syscalls/schedprio.c) in
 * Linux's order. skiff's scheduler weighs none of it (docs/tasks.md): a fair policy's nice value and slice
 * (sched_runtime, 0.1..100 ms, 0 for the base slice) are recorded and reported. Real-time and deadline policies
 * are refused with EPERM once Linux's checks pass, as sched_setscheduler refuses them; utilization clamps are
 * EOPNOTSUPP, as on a kernel without CONFIG_UCLAMP_TASK. */
#include "syscalls.h"
#include "../arch/x86_64/smp.h"

#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_ATTR_SIZE_VER1 56
#define F_RESET_ON_FORK 0x01
#define F_KEEP_POLICY 0x08
#define F_KEEP_PARAMS 0x10
#define F_UTIL_CLAMP 0x60
#define F_ALL 0x7f
#define F_SUGOV 0x10000000
#define SLICE_MIN 100000ull      /* a fair task's slice: 0.1 ms .. 100 ms */
#define SLICE_MAX 100000000ull
#define DL_PERIOD_MIN 100000ull  /* kernel.sched_deadline_period_min_us, _max_us: 100 us .. 4.19 s */
#define DL_PERIOD_MAX 4194304000ull

struct sched_attr_k {
    u32 size, policy;
    u64 flags;
    i32 nice;
    u32 priority;
    u64 runtime, deadline, period;
    u32 util_min, util_max;
};
_Static_assert(sizeof(struct sched_attr_k) == SCHED_ATTR_SIZE_VER1, "struct sched_attr");

static bool fair(int policy) { return policy == SCHED_OTHER || policy == SCHED_BATCH; }
static bool rt(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR; }

/* Linux's default slice: 0.7 ms times 1 + log2 of the CPUs (at most 8), as sched_tunable_scaling's log. */
static u64 base_slice(void)
{
    int n = ncpus_online < 8 ? ncpus_online : 8, factor = 1;
    while (n >>= 1)
        factor++;
    return 700000ull * factor;
}

/* sched_copy_attr: size 0 is the first version's; a size Linux cannot take is E2BIG with its own written back. */
static long attr_read(struct sched_attr_k *a, struct sched_attr_k *ua)
{
    u32 size;
    if (copy_from_user(&size, &ua->size, sizeof(size)))
        return -EFAULT;
    if (!size)
        size = SCHED_ATTR_SIZE_VER0;
    long rc = size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE ? -E2BIG : copy_struct_from_user(a, sizeof(*a), ua, size);
    if (rc == -E2BIG) {
        u32 k = sizeof(*a);
        (void)copy_to_user(&ua->size, &k, sizeof(k));
    }
    if (!rc && (a->flags & F_UTIL_CLAMP) && size < SCHED_ATTR_SIZE_VER1)
        return -EINVAL;
    a->nice = a->nice < -20 ? -20 : a->nice > 19 ? 19 : a->nice;
    return rc;
}

/* __checkparam_dl: runtime <= deadline <= period (period 0: the deadline), in range, no sign bits. */
static bool dl_params_ok(const struct sched_attr_k *a)
{
    u64 period = a->period ? a->period : a->deadline;
    if (!a->deadline || a->runtime < 1024 || (a->deadline >> 63) || (a->period >> 63))
        return false;
    return period >= a->deadline && a->deadline >= a->runtime && period >= DL_PERIOD_MIN && period <= DL_PERIOD_MAX;
}

/* user_check_sched_setscheduler: what a caller without CAP_SYS_NICE may not do (EPERM). */
static bool user_may(const struct task *t, const struct sched_attr_k *a, int policy, bool reset)
{
    if (capable(CAP_SYS_NICE))
        return true;
    u64 rtprio = t->proc->rlimits[RLIMIT_RTPRIO].cur;
    if (fair(policy) && a->nice < t->nice && !sched_can_nice(t, a->nice))
        return false;
    if (rt(policy) && ((policy != t->policy && !rtprio) || a->priority > rtprio))
        return false;
    if (policy == SCHED_DEADLINE)
        return false;
    if (t->policy == SCHED_IDLE && policy != SCHED_IDLE && !sched_can_nice(t, t->nice))
        return false;
    return sched_same_owner(t) && (!t->sched_reset_on_fork || reset);
}

/* __sched_setscheduler's checks and the change; policy -1 keeps the thread's (SCHED_FLAG_KEEP_POLICY). */
static long attr_apply(struct task *t, struct sched_attr_k *a, int policy)
{
    bool reset = policy < 0 ? t->sched_reset_on_fork : (a->flags & F_RESET_ON_FORK);
    if (policy < 0)
        policy = t->policy;
    else if (!fair(policy) && !rt(policy) && policy != SCHED_IDLE && policy != SCHED_DEADLINE)
        return -EINVAL;
    if (a->flags & ~(u64)(F_ALL | F_SUGOV))
        return -EINVAL;
    if (a->priority > 99 || (policy == SCHED_DEADLINE && !dl_params_ok(a)) || rt(policy) != (a->priority != 0))
        return -EINVAL;
    if (!user_may(t, a, policy, reset))
        return -EPERM;
    if (a->flags & F_SUGOV)
        return -EINVAL;
    if (a->flags & F_UTIL_CLAMP) {
        kerr("skiff: sched_setattr utilization clamping is not implemented: EOPNOTSUPP\n");
        return -EOPNOTSUPP;
    }
    if (policy == SCHED_DEADLINE) {
        kerr("skiff: deadline scheduling is not implemented: EPERM\n");
        return -EPERM;
    }
    t->sched_reset_on_fork = reset;
    if (a->flags & F_KEEP_PARAMS)
        return 0; /* as Linux 6.18: only the reset-on-fork flag changes */
    sched_set_rt(t, policy, rt(policy) ? (int)a->priority : 0);
    if (fair(policy)) {
        t->nice = (i8)a->nice;
        t->slice_ns = !a->runtime ? 0 : (u32)MIN(MAX(a->runtime, SLICE_MIN), SLICE_MAX);
    }
    return 0;
}

static struct task *attr_task(int pid) { return pid ? task_by_tid(pid) : current; }

SYSCALL(sched_setattr) /* (pid, attr, flags) */
{
    int pid = (int)a0;
    struct sched_attr_k attr;
    if (!a1 || pid < 0 || (u32)a2)
        return -EINVAL;
    long rc = attr_read(&attr, (struct sched_attr_k *)a1);
    if (rc)
        return rc;
    if ((int)attr.policy < 0)
        return -EINVAL;
    int policy = (attr.flags & F_KEEP_POLICY) ? -1 : (int)attr.policy;
    struct task *t = attr_task(pid);
    if (!t || t->state == TASK_DEAD)
        return -ESRCH;
    if (attr.flags & F_KEEP_PARAMS) { /* get_params: the thread's own */
        attr.nice = t->nice;
        attr.priority = 0;
        attr.runtime = t->slice_ns;
    }
    return attr_apply(t, &attr, policy);
}

SYSCALL(sched_getattr) /* (pid, attr, size, flags) */
{
    int pid = (int)a0;
    u64 usize = (u32)a2;
    if (!a1 || pid < 0 || usize > PAGE_SIZE || usize < SCHED_ATTR_SIZE_VER0 || (u32)a3)
        return -EINVAL;
    struct task *t = attr_task(pid);
    if (!t || t->state == TASK_DEAD)
        return -ESRCH;
    struct sched_attr_k k = { .size = (u32)MIN(usize, sizeof(k)), .policy = t->policy, .nice = t->nice,
                              .priority = t->rt_prio };
    k.flags = t->sched_reset_on_fork ? F_RESET_ON_FORK : 0;
    k.runtime = t->slice_ns ? t->slice_ns : base_slice();
    if (copy_to_user((void *)a1, &k, k.size))
        return -EFAULT;
    return usize > sizeof(k) ? clear_user((u8 *)a1 + sizeof(k), usize - sizeof(k)) : 0;
}

#define RR_INTERVAL_NS 100000000ull /* SCHED_RR's round (kernel.sched_rr_timeslice_ms) */
#define JIFFY_NS 4000000ull         /* Linux answers in whole ticks: those of the reference host's CONFIG_HZ=250
                                       (skiff's own timer and /proc/config.gz's CONFIG_HZ are another matter) */

/* sched_rr_get_interval(2) of a thread (0: the caller): Linux's answer for a fair policy is the thread's slice
 * (its sched_runtime, else the base slice) rounded down to whole ticks, so 0 for the base slice of up to 8
 * CPUs; SCHED_RR's is its 100 ms round (kernel/sched.c), SCHED_FIFO's 0. */
SYSCALL(sched_rr_get_interval) /* (pid, struct timespec *) */
{
    if ((int)a0 < 0)
        return -EINVAL;
    struct task *t = attr_task((int)a0);
    if (!t)
        return -ESRCH;
    u64 ns = 0;
    if (t->policy == SCHED_RR)
        ns = RR_INTERVAL_NS;
    else if (t->policy != SCHED_FIFO)
        ns = (t->slice_ns ? t->slice_ns : base_slice()) / JIFFY_NS * JIFFY_NS;
    i64 ts[2] = { (i64)(ns / 1000000000ull), (i64)(ns % 1000000000ull) };
    return copy_to_user((void *)a1, ts, sizeof(ts)) ? -EFAULT : 0;
}
