/* kernel/sigdeliver.c — what a pending signal does on the way back to ring 3: its handler runs in a frame on
 * the user stack (arch/x86_64/sigframe.c), or its default action: ignored (SIGCHLD, SIGURG, SIGWINCH,
 * SIGCONT), a stop until SIGCONT (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU), or the end of the process with status
 * 128+N. A syscall a signal interrupted is restarted or fails with EINTR as signal(7) says for that call
 * (SA_RESTART); a restarted sleep goes on for what was left of it (restart_syscall). */
#include "proc.h"
#include "errno.h"
#include "../arch/x86_64/arch.h"

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SYSCALL_INSN_LEN 2 /* 0f 05: rewinding rip by this much runs the syscall again */
#define NR_RESTART_SYSCALL 219

static bool is_stop(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

const char *prog_name(void)
{
    return current && current->proc->exe ? current->proc->exe : "program";
}

static noreturn void terminate(int sig)
{
    /* a child's death is its parent's (the shell's) to report; the timeout's kill says "timed out" instead; and
     * SIGPIPE, the reader of its output gone (`skiff run yes | head -1`), is no news, as shells leave it unsaid */
    /* nor the SIGKILL that takes a thread off its CPU while another thread ends the process (SMP: sched.c) */
    if (current->proc->pid == 1 && !(deadline_hit && sig == SIGKILL) && sig != SIGPIPE && !current->proc->exiting)
        proc_diag("skiff: %s: killed by %s\n", prog_name(), signal_name(sig));
    proc_die(sig);
}

/* signal(7), "Interruption of system calls and library functions by signal handlers": the calls a handler
 * with SA_RESTART restarts, and those that fail with EINTR whatever the flag (those still go on when no
 * handler ran: a stop and SIGCONT). Everything else fails with EINTR (epoll_wait, sigtimedwait, ...). */
long signal_restart_code(u64 nr, long ret)
{
    if (ret != -EINTR)
        return ret;
    switch (nr) {
    case 0: case 1: case 2: case 16: case 17: case 18: case 19: case 20:  /* read write open ioctl p/readv/writev */
    case 40: case 42: case 43: case 44: case 45: case 46: case 47:         /* sendfile connect accept send/recv */
    case 61: case 72: case 73: case 85: case 247: case 257: case 275:      /* wait4 fcntl flock creat waitid openat splice */
    case 276: case 288: case 295: case 296: case 299: case 307: case 318:  /* tee accept4 preadv pwritev r/smmsg getrandom */
    case 327: case 328: case 437:                                          /* preadv2 pwritev2 openat2 */
        return current->intr_no_restart ? -EINTR : -ERESTARTSYS;
    case 7: case 23: case 34: case 35: case 130: case 202:                 /* poll select pause nanosleep sigsuspend futex */
    case 230: case 270: case 271:                                          /* clock_nanosleep pselect6 ppoll */
        return -ERESTARTNOHAND;
    default:
        return -EINTR;
    }
}

static bool is_restart(long rc)
{
    return rc == -ERESTARTSYS || rc == -ERESTARTNOINTR || rc == -ERESTARTNOHAND || rc == -ERESTART_RESTARTBLOCK;
}

static void rewind_syscall(struct regs *r, u64 nr)
{
    r->rax = (long)r->rax == -ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : nr;
    r->rip -= SYSCALL_INSN_LEN;
}

/* A handler is about to run over an interrupted call: EINTR, or the call again once the handler returns. */
static void restart_for_handler(struct regs *r, u64 nr, const struct k_sigaction *act)
{
    long rc = (long)r->rax;
    if (rc == -ERESTARTNOINTR || (rc == -ERESTARTSYS && (act->flags & SA_RESTART)))
        rewind_syscall(r, nr);
    else
        r->rax = (u64)-EINTR;
}

/* A stop signal's default action: the process stops, its parent hears of it, and this thread waits (its
 * other threads stop on their own way out) until SIGCONT or SIGKILL. */
static void stop_here(int sig)
{
    struct proc *p = current->proc;
    if (p->pid == 1) {
        klog("skiff: %s ignored: the first process is not stopped (nothing could continue it)\n", signal_name(sig));
        return;
    }
    if (!p->stopped) {
        p->stopped = true;
        p->stop_sig = sig;
        p->wait_report = WR_STOPPED;
        for (struct task *t = p->threads; t; t = t->proc_next)
            if (t != current)
                sched_interrupt(t);
        signal_notify_parent(p, CLD_STOPPED, sig);
    }
}

static void stop_wait(void)
{
    struct proc *p = current->proc;
    while (p->stopped && !(p->sig_pending & SIGBIT(SIGKILL)))
        sched_block((u64)p);
}

static void run_handler(struct regs *r, int sig, struct k_sigaction *act, const struct k_siginfo *info)
{
    /* After sigsuspend the handler's return restores the mask from before it, not the temporary one. */
    u64 restore = current->suspend_active ? current->suspend_mask : current->sig_blocked;
    current->suspend_active = false;
    rseq_signal(r); /* the handler returns to the section's abort_ip, not into the section */
    if (sigframe_setup(r, sig, act, info, restore) != 0) {
        proc_diag("skiff: %s: could not write the %s frame on the stack: SIGSEGV\n", prog_name(), signal_name(sig));
        proc_die(SIGSEGV);
    }
    current->sig_blocked |= act->mask | ((act->flags & SA_NODEFER) ? 0 : SIGBIT(sig));
    current->sig_blocked &= ~UNBLOCKABLE;
    if (act->flags & SA_RESETHAND)
        *act = (struct k_sigaction){ 0 };
}

/* Each pending, unblocked signal runs its handler or takes its default action. As on Linux every deliverable
 * signal gets its frame now, each on top of the last, so the last one set up runs first. nr is the syscall
 * the frame returns from (~0: a trap), whose restart is settled by the first handler or at the end. */
static void deliver(struct regs *r, u64 nr)
{
    struct proc *p = current->proc;
    bool restart = nr != ~0ull && is_restart((long)r->rax);
    for (;;) {
        if (p->sig_pending & SIGBIT(SIGKILL))
            terminate(SIGKILL);
        if (p->stopped) {
            stop_wait();
            continue;
        }
        struct k_siginfo info;
        int sig = signal_dequeue(~current->sig_blocked, &info);
        if (!sig)
            break;
        struct k_sigaction *act = &p->sigactions[sig];
        if (act->handler == SIG_IGN)
            continue;
        if (act->handler == SIG_DFL) {
            if (is_stop(sig) && (sig == SIGSTOP || !proc_pgrp_orphaned(p->pgid)))
                stop_here(sig); /* the terminal's stops do not stop an orphaned group: none could continue it */
            else if (is_stop(sig))
                continue;
            else if (!signal_ignored_by(p, sig))
                terminate(sig);
            continue;
        }
        if (restart) {
            restart_for_handler(r, nr, act);
            restart = false;
        }
        run_handler(r, sig, act, &info);
    }
    if (restart)
        rewind_syscall(r, nr); /* no handler ran: the call goes on as if nothing happened */
    if (current->suspend_active) {
        current->sig_blocked = current->suspend_mask; /* no handler ran: the wait's temporary mask ends here */
        current->suspend_active = false;
    }
}

void signal_deliver(struct regs *r)
{
    deliver(r, ~0ull);
}

void signal_syscall_exit(struct regs *r, u64 nr)
{
    if (signal_pending() || is_restart((long)r->rax))
        deliver(r, nr);
}

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
        signal_send_info(current, &info, true);
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

/* Linux's siginfo_t: signo, errno, code, then the union at offset 16 in the shape the signal uses. */
void signal_siginfo_user(const struct k_siginfo *info, void *out128)
{
    u8 *o = out128;
    memset(o, 0, 128);
    memcpy(o, &info->signo, 4);
    memcpy(o + 4, &info->errnum, 4);
    memcpy(o + 8, &info->code, 4);
    int s = info->signo;
    bool fault = info->code > 0 && info->code < SI_KERNEL &&
                 (s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE || s == SIGTRAP);
    if (fault) {
        memcpy(o + 16, &info->addr, 8);
        return;
    }
    if (info->poll) { /* F_SETSIG: si_band, then si_fd */
        memcpy(o + 16, &info->addr, 8);
        memcpy(o + 24, &info->pid, 4);
        return;
    }
    if (s == SIGSYS && (info->code == 1 || info->code == 2)) { /* SYS_SECCOMP, SYS_USER_DISPATCH: si_call_addr,
                                                                 * then si_syscall and si_arch */
        memcpy(o + 16, &info->addr, 8);
        memcpy(o + 24, &info->value, 8);
        return;
    }
    memcpy(o + 16, &info->pid, 4);     /* si_pid, or si_tid of a POSIX timer */
    memcpy(o + 20, &info->uid, 4);     /* si_uid, or si_overrun */
    memcpy(o + 24, &info->value, 8);   /* si_value, or si_status (an int) of SIGCHLD */
    if (s == SIGCHLD) {
        memcpy(o + 32, &info->utime, 8);
        memcpy(o + 40, &info->stime, 8);
    }
}
