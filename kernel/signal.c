/* kernel/signal.c — signals sent to the program. Dispositions and masks are recorded (rt_sigaction,
 * rt_sigprocmask); a signal whose action is the default acts as on Linux: ignored (SIGCHLD, SIGURG, SIGWINCH,
 * SIGCONT) or the end of the program with status 128+N and one line on stderr; a handler runs in a signal
 * frame on the user stack and returns through rt_sigreturn. */
#include "proc.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"

static const char *const names[] = {
    [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [16] = "SIGSTKFLT",
    [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
    [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ",
    [26] = "SIGVTALRM", [27] = "SIGPROF", [SIGWINCH] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR",
    [31] = "SIGSYS",
};

const char *signal_name(int sig)
{
    if (sig > 0 && sig < (int)ARRAY_SIZE(names) && names[sig])
        return names[sig];
    return sig >= 34 && sig <= NSIG ? "SIGRT" : "signal";
}

static bool default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool is_stop(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static const char *prog_name(void)
{
    return current && current->proc->exe ? current->proc->exe : "program";
}

static noreturn void terminate(int sig)
{
    if (current->proc->pid == 1) /* a child's death is its parent's (the shell's) to report */
        proc_diag("skiff: %s: killed by %s\n", prog_name(), signal_name(sig));
    proc_die(sig);
}

/* Queues sig with its siginfo, for thread t alone (tkill/tgkill, faults) or for the whole process (kill);
 * it acts on the way back to ring 3 (signal_deliver). A sleeping task that could take it wakes up. */
static void queue_to(struct task *t, int sig, const struct k_siginfo *info, bool thread)
{
    u64 bit = 1ull << (sig - 1);
    if (thread)
        t->sig_pending_task |= bit;
    else
        t->proc->sig_pending |= bit;
    t->proc->sig_info[sig] = *info;
    for (struct task *w = thread ? t : task_list; w; w = thread ? NULL : w->next) {
        if (w->proc == t->proc && w->state == TASK_BLOCKED && !(w->sig_blocked & bit)) {
            sched_wake(w);
            break;
        }
    }
}

static void queue(struct task *t, int sig, const struct k_siginfo *info)
{
    queue_to(t, sig, info, true);
}

int signal_send(struct task *t, int sig)
{
    return signal_send_code(t, sig, SI_USER);
}

int signal_send_code(struct task *t, int sig, int code)
{
    return signal_send_to(t, sig, code, code == SI_TKILL);
}

int signal_send_to(struct task *t, int sig, int code, bool thread)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (sig == 0)
        return 0;
    struct proc *p = t->proc;
    u64 handler = p->sigactions[sig].handler;
    if (sig == SIGKILL)
        terminate(sig);
    if (sig == SIGSTOP || (handler == SIG_DFL && is_stop(sig))) {
        klog("skiff: %s ignored: there is no job control\n", signal_name(sig));
        return 0;
    }
    if (handler == SIG_IGN || (handler == SIG_DFL && default_ignored(sig)))
        return 0;
    struct k_siginfo info = { .signo = sig, .code = code, .pid = p->pid, .uid = 0 };
    queue_to(t, sig, &info, thread);
    return 0;
}

/* What happens on the way back to ring 3: each pending, unblocked signal either runs its handler (a frame on
 * the user stack, arch/x86_64/sigframe.c) or takes its default action. As on Linux, every deliverable signal
 * gets its frame now, each on top of the last, so the last one set up runs first. */
void signal_deliver(struct regs *r)
{
    struct proc *p = current->proc;
    for (int sig = 1; sig <= NSIG; sig++) {
        u64 bit = 1ull << (sig - 1);
        if (!((p->sig_pending | current->sig_pending_task) & ~current->sig_blocked & bit))
            continue;
        if (current->sig_pending_task & bit)
            current->sig_pending_task &= ~bit; /* the thread's own first */
        else
            p->sig_pending &= ~bit;
        struct k_sigaction *act = &p->sigactions[sig];
        if (act->handler == SIG_IGN || (act->handler == SIG_DFL && default_ignored(sig)))
            continue;
        if (act->handler == SIG_DFL)
            terminate(sig);
        /* After sigsuspend the handler's return restores the mask from before it, not the temporary one. */
        u64 restore = current->suspend_active ? current->suspend_mask : current->sig_blocked;
        current->suspend_active = false;
        if (sigframe_setup(r, sig, act, &p->sig_info[sig], restore) != 0) {
            proc_diag("skiff: %s: could not write the %s frame on the stack: SIGSEGV\n", prog_name(),
                      signal_name(sig));
            proc_die(SIGSEGV);
        }
        current->sig_blocked |= act->mask | ((act->flags & SA_NODEFER) ? 0 : bit);
        if (act->flags & SA_RESETHAND)
            *act = (struct k_sigaction){ 0 };
        sig = 0; /* frames stack as on Linux: another deliverable signal's handler runs first */
    }
    if (current->suspend_active) {
        current->sig_blocked = current->suspend_mask; /* no handler ran: the wait's temporary mask ends here */
        current->suspend_active = false;
    }
}

#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

/* A wait with a temporary signal mask (pselect6, ppoll, epoll_pwait; sigsuspend is the same idea): the mask
 * is in force while the call waits. When a signal ends the wait (EINTR), the handler's frame carries the
 * caller's own mask, restored when the handler returns, as after sigsuspend; otherwise it is back at once. */
long signal_mask_push(u64 umask, u64 size)
{
    u64 mask;
    if (!umask)
        return 0;
    if (size != 8)
        return -EINVAL;
    if (copy_from_user(&mask, (const void *)umask, 8))
        return -EFAULT;
    current->suspend_mask = current->sig_blocked;
    current->suspend_active = true;
    current->sig_blocked = mask & ~UNBLOCKABLE;
    return 0;
}

void signal_mask_pop(long rc)
{
    if (!current->suspend_active || (rc == -EINTR && signal_pending()))
        return; /* signal_deliver restores it, through the handler's frame */
    current->sig_blocked = current->suspend_mask;
    current->suspend_active = false;
}

/* A synchronous fault: the program's handler runs if it has one and the signal is neither blocked nor
 * ignored (otherwise Linux forces the default, and so do we); the default ends the program with one line. */
void signal_fault(struct regs *r, int sig, int code, u64 addr, int access, const char *what)
{
    struct k_sigaction *act = current ? &current->proc->sigactions[sig] : NULL;
    bool blocked = current && ((current->sig_blocked >> (sig - 1)) & 1);
    if (act && act->handler > SIG_IGN && !blocked) {
        struct k_siginfo info = { .signo = sig, .code = code, .addr = addr,
                                  .trapno = r->vector, .error = r->error };
        queue(current, sig, &info);
        return; /* delivered by the trap return path */
    }
    if (current->proc->pid != 1) {
        /* a child's crash is its parent's to report, as a shell does */
    } else if (sig == SIGSEGV && access) {
        const char *kind = access == VM_WRITE ? "write" : access == VM_EXEC ? "exec" : "read";
        proc_diag("skiff: %s: SIGSEGV: %s at address %#lx, rip %#lx (%s)\n", prog_name(), kind, addr, r->rip,
                  what);
    } else {
        proc_diag("skiff: %s: %s: %s at rip %#lx\n", prog_name(), signal_name(sig), what, r->rip);
    }
    proc_die(sig);
}
