/* syscalls/signal.c — signal state (rt_sigaction, rt_sigprocmask, sigaltstack) and sending signals to
 * ourselves (kill, tkill, tgkill). What a signal then does is kernel/signal.c's business. */
#include "syscalls.h"
#include "../kernel/boot.h"
#include "../arch/x86_64/arch.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

/* The sigaction flags Linux knows on x86_64 (SA_EXPOSE_TAGBITS is known everywhere, used on arm64 only) */
#define UAPI_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS | SA_RESTORER | SA_ONSTACK | \
                       SA_RESTART | SA_NODEFER | SA_RESETHAND)

SYSCALL(rt_sigaction)
{
    int sig = (int)a0;
    if (a3 != 8 || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (a1 && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct proc *p = current_proc();
    struct k_sigaction act;
    if (a1 && copy_from_user(&act, (const void *)a1, sizeof(act)))
        return -EFAULT;
    if (a2 && copy_to_user((void *)a2, &p->sigactions[sig], sizeof(act)))
        return -EFAULT;
    if (a1) {
        act.mask &= ~UNBLOCKABLE;
        act.flags &= UAPI_SA_FLAGS; /* unknown bits read back clear: how a program probes (SA_UNSUPPORTED) */
        p->sigactions[sig] = act;
        if (signal_ignored_by(p, sig))
            signal_flush(p, SIGBIT(sig)); /* POSIX: setting an ignoring action discards what is pending */
    }
    return 0;
}

SYSCALL(rt_sigprocmask)
{
    if (a3 != 8)
        return -EINVAL;
    u64 old = current->sig_blocked, set;
    if (a1) {
        if (copy_from_user(&set, (const void *)a1, sizeof(set)))
            return -EFAULT;
        switch ((int)a0) {
        case SIG_BLOCK: current->sig_blocked |= set; break;
        case SIG_UNBLOCK: current->sig_blocked &= ~set; break;
        case SIG_SETMASK: current->sig_blocked = set; break;
        default: return -EINVAL;
        }
        current->sig_blocked &= ~UNBLOCKABLE;
    }
    if (a2 && copy_to_user((void *)a2, &old, sizeof(old)))
        return -EFAULT;
    return 0; /* signals it unblocked are delivered on the way out (signal_deliver) */
}

SYSCALL(sigaltstack)
{
    struct k_stack old = current->altstack, ss;
    u64 sp = current->frame->rsp;
    bool on = old.size && sp > old.sp && sp - old.sp <= old.size; /* a handler runs on it now */
    if (!old.size)
        old.flags = SS_DISABLE;
    else if (on)
        old.flags = SS_ONSTACK;
    if (a0) {
        if (copy_from_user(&ss, (const void *)a0, sizeof(ss)))
            return -EFAULT;
        u32 mode = (u32)ss.flags & ~SS_AUTODISARM;
        if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
            return -EINVAL;
        if (mode == SS_DISABLE) {
            ss.sp = 0;
            ss.size = 0;
        } else if (ss.size < MINSIGSTKSZ) {
            return -ENOMEM;
        }
        ss.flags &= (i32)SS_AUTODISARM;
    }
    if (a0 && on)
        return -EPERM; /* the stack in use cannot change under the handler */
    if (a1 && copy_to_user((void *)a1, &old, sizeof(old)))
        return -EFAULT;
    if (a0)
        current->altstack = ss;
    return 0;
}

/* A signal from kill(2) and friends, after the permission check (EPERM). */
static long send_checked(struct task *t, int sig, int code, bool thread)
{
    return cred_may_signal(t, sig) ? signal_send_to(t, sig, code, thread) : -EPERM;
}

/* Every process of a group: 0 when one got it, else the last error (EPERM), ESRCH for an empty group. */
static long kill_pgrp(int pgid, int sig)
{
    long sent = 0, err = -ESRCH;
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        struct task *t = p->zombie || p->pgid != pgid ? NULL : p == current_proc() ? current : proc_first_task(p);
        if (t) {
            err = send_checked(t, sig, SI_USER, false);
            sent |= !err;
        }
    }
    return sent ? 0 : err;
}

/* kill: a pid, a process group (0: ours, -N: group N), or every process but the first and the caller
 * (-1). The signal acts on its target (kernel/signal.c), which may be the caller itself. */
SYSCALL(kill)
{
    int pid = (int)a0, sig = (int)a1;
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    struct proc *me = current_proc();
    if (pid > 0) {
        struct proc *p = proc_by_pid(pid);
        struct task *t = p && !p->zombie ? (p == me ? current : proc_first_task(p)) : NULL;
        return t ? send_checked(t, sig, SI_USER, false) : -ESRCH;
    }
    if (pid == (int)0x80000000)
        return -ESRCH; /* -INT_MIN is no group */
    if (pid != -1)
        return kill_pgrp(pid == 0 ? me->pgid : -pid, sig);
    /* as Linux: processes it may not signal count as found, their EPERM is not reported */
    int found = 0;
    long rc = 0;
    for (struct proc *p = proc_list; p; p = p->next_proc) {
        struct task *t = p->zombie || p->pid == 1 || p == me ? NULL : proc_first_task(p);
        if (!t)
            continue;
        found++;
        long err = send_checked(t, sig, SI_USER, false);
        if (err != -EPERM)
            rc = err;
    }
    return found ? rc : -ESRCH;
}

SYSCALL(tkill)
{
    if ((int)a0 <= 0)
        return -EINVAL;
    struct task *t = task_by_tid((int)a0);
    if (t && (int)a1 >= 0 && (int)a1 <= NSIG && !cred_may_signal(t, (int)a1))
        return -EPERM;
    return t ? signal_send_code(t, (int)a1, SI_TKILL) : -ESRCH;
}

SYSCALL(tgkill)
{
    if ((int)a0 <= 0 || (int)a1 <= 0)
        return -EINVAL;
    struct task *t = task_by_tid((int)a1);
    if (!t || t->proc->pid != (int)a0 || t->proc->zombie)
        return -ESRCH; /* no such thread in that thread group */
    if ((int)a2 >= 0 && (int)a2 <= NSIG && !cred_may_signal(t, (int)a2))
        return -EPERM;
    return signal_send_code(t, (int)a2, SI_TKILL);
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo: a signal with the sender's own siginfo (sigqueue's value). Only a
 * process signalling itself may claim a kernel or kill() origin (si_code >= 0, or SI_TKILL), as on Linux. */
static long queue_info(int tgid, struct task *t, int sig, const void *uinfo, bool thread)
{
    u8 raw[128];
    if (copy_from_user(raw, uinfo, sizeof(raw)))
        return -EFAULT;
    struct k_siginfo info = { .signo = sig };
    memcpy(&info.errnum, raw + 4, 4);
    memcpy(&info.code, raw + 8, 4);
    memcpy(&info.pid, raw + 16, 4);
    memcpy(&info.uid, raw + 20, 4);
    memcpy(&info.value, raw + 24, 8);
    if ((info.code >= 0 || info.code == SI_TKILL) && tgid != current_proc()->pid)
        return -EPERM;
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (!t || t->proc->zombie)
        return -ESRCH;
    if (!cred_may_signal(t, sig))
        return -EPERM;
    return signal_send_info(t, &info, thread);
}

SYSCALL(rt_sigqueueinfo)
{
    struct proc *p = proc_by_pid((int)a0);
    struct task *t = p == current_proc() ? current : p ? proc_first_task(p) : NULL;
    return queue_info((int)a0, t, (int)a1, (const void *)a2, false);
}

SYSCALL(rt_tgsigqueueinfo)
{
    if ((int)a0 <= 0 || (int)a1 <= 0)
        return -EINVAL;
    struct task *t = task_by_tid((int)a1);
    if (t && t->proc->pid != (int)a0)
        t = NULL;
    return queue_info((int)a0, t, (int)a2, (const void *)a3, true);
}

SYSCALL(rt_sigreturn)
{
    current->restart_kind = RESTART_NONE; /* a handler ran: no interrupted wait is left to go on with */
    return sigframe_return(current->frame);
}

#define UNBLOCKABLE_MASK ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* Waits until a signal that is not blocked arrives; it returns EINTR once the handler has run (on the
 * way out). Signals whose action is to be ignored never arrive, as on Linux. */
static long wait_for_signal(void)
{
    while (!signal_pending())
        sched_wait_signal(~0ull);
    return -EINTR;
}

SYSCALL(rt_sigsuspend)
{
    u64 mask;
    if (a1 != 8)
        return -EINVAL;
    if (copy_from_user(&mask, (const void *)a0, sizeof(mask)))
        return -EFAULT;
    current->suspend_mask = current->sig_blocked;
    current->suspend_active = true;
    current->sig_blocked = mask & ~UNBLOCKABLE_MASK;
    return wait_for_signal(); /* the handler's frame then carries the mask from before (signal_deliver) */
}

SYSCALL(pause)
{
    return wait_for_signal();
}

SYSCALL(rt_sigpending)
{
    if (a1 > 8)
        return -EINVAL; /* a smaller size copies that many bytes, as Linux does */
    u64 set = (current_proc()->sig_pending | current->sig_pending_task) & current->sig_blocked;
    return copy_to_user((void *)a0, &set, a1);
}

/* rt_sigtimedwait: takes one of the (blocked) signals in the set, without running a handler. */
SYSCALL(rt_sigtimedwait)
{
    u64 set;
    if (a3 != 8)
        return -EINVAL;
    if (copy_from_user(&set, (const void *)a0, sizeof(set)))
        return -EFAULT;
    set &= ~UNBLOCKABLE_MASK;
    u64 deadline = ~0ull;
    if (a2) {
        i64 ts[2];
        if (copy_from_user(ts, (const void *)a2, sizeof(ts)))
            return -EFAULT;
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
            return -EINVAL;
        deadline = clock_monotonic_ns() + (u64)ts[0] * 1000000000 + (u64)ts[1];
    }
    for (;;) {
        struct k_siginfo info;
        int sig = signal_dequeue(set, &info);
        if (sig) {
            u8 si[128];
            signal_siginfo_user(&info, si);
            if (a1 && copy_to_user((void *)a1, si, sizeof(si)))
                return -EFAULT;
            return sig;
        }
        if (signal_pending())
            return -EINTR; /* another, unblocked signal: its handler runs */
        u64 now = clock_monotonic_ns();
        if (now >= deadline)
            return -EAGAIN;
        sched_wait(deadline == ~0ull ? ~0ull : deadline - now);
    }
}
