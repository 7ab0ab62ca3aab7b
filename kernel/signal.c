/* kernel/signal.c — signals sent to the program. Dispositions and masks are recorded (rt_sigaction,
 * rt_sigprocmask); a signal whose action is the default acts as on Linux: ignored (SIGCHLD, SIGURG, SIGWINCH,
 * SIGCONT) or the end of the program with status 128+N and one line on stderr. Running user handlers needs
 * signal frames, which come with threads: until then such a signal stays pending and the log says so. */
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
    proc_diag("skiff: %s: killed by %s\n", prog_name(), signal_name(sig));
    proc_exit(128 + sig);
}

int signal_send(struct task *t, int sig)
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
    if ((t->sig_blocked >> (sig - 1)) & 1 || handler != SIG_DFL) {
        p->sig_pending |= 1ull << (sig - 1);
        if (handler != SIG_DFL)
            kerr("skiff: %s left pending: running signal handlers is not implemented yet\n", signal_name(sig));
        return 0;
    }
    terminate(sig);
}

noreturn void signal_fault(struct regs *r, int sig, u64 addr, int access, const char *what)
{
    if (sig == SIGSEGV && access) {
        const char *kind = access == VM_WRITE ? "write" : access == VM_EXEC ? "exec" : "read";
        proc_diag("skiff: %s: SIGSEGV: %s at address %#lx, rip %#lx (%s)\n", prog_name(), kind, addr, r->rip,
                  what);
    } else {
        proc_diag("skiff: %s: %s: %s at rip %#lx\n", prog_name(), signal_name(sig), what, r->rip);
    }
    if (current && current->proc->sigactions[sig].handler > SIG_IGN)
        kerr("skiff: the program's %s handler was not run: signal handlers are not implemented yet\n",
             signal_name(sig));
    proc_exit(128 + sig);
}
