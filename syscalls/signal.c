/* syscalls/signal.c — signal state (rt_sigaction, rt_sigprocmask, sigaltstack) and sending signals to
 * ourselves (kill, tkill, tgkill). What a signal then does is kernel/signal.c's business. */
#include "syscalls.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

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
        p->sigactions[sig] = act;
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
    if (!old.size)
        old.flags = SS_DISABLE;
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
    if (a1 && copy_to_user((void *)a1, &old, sizeof(old)))
        return -EFAULT;
    if (a0)
        current->altstack = ss;
    return 0;
}

SYSCALL(kill)
{
    int pid = (int)a0;
    if (pid == current_proc()->pid || pid == 0 || pid == -current_proc()->pgid)
        return signal_send(current, (int)a1);
    return -ESRCH; /* no other process exists (kill(-1) has no one to signal either) */
}

SYSCALL(tkill)
{
    if ((int)a0 <= 0)
        return -EINVAL;
    struct task *t = task_by_tid((int)a0);
    return t ? signal_send_code(t, (int)a1, SI_TKILL) : -ESRCH;
}

SYSCALL(tgkill)
{
    if ((int)a0 <= 0 || (int)a1 <= 0)
        return -EINVAL;
    struct task *t = task_by_tid((int)a1);
    if ((int)a0 != current_proc()->pid || !t)
        return -ESRCH;
    return signal_send_code(t, (int)a2, SI_TKILL);
}

SYSCALL(rt_sigreturn)
{
    return sigframe_return(current->frame);
}
