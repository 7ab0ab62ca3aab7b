/* syscalls/dispatch.c — the C side of the SYSCALL entry: run the handler the generated switch picks, log a
 * missing one once by name, trace when asked, and tell syscall.asm whether SYSRET may be used. */
#include "syscalls.h"
#include "seccomp.h"
#include "../arch/x86_64/arch.h"

#define NR_RT_SIGRETURN 15

static u64 enosys_seen[8]; /* one bit per syscall number below 512 */

static void log_enosys(u64 nr)
{
    if (nr < 512) {
        if (enosys_seen[nr / 64] & (1ull << (nr % 64)))
            return;
        enosys_seen[nr / 64] |= 1ull << (nr % 64);
    }
    const char *name = nr < syscall_count && syscall_names[nr] ? syscall_names[nr] : "(unknown)";
    kerr("skiff: syscall %s (%lu) is not implemented: returned ENOSYS\n", name, nr);
}

/* SYSRET restores rip from rcx and rflags from r11, and faults in ring 0 on a non-canonical rip: only take it
 * when the frame still looks exactly as SYSCALL left it. */
static int sysret_ok(const struct regs *r)
{
    return r->rip < USER_TOP && r->rcx == r->rip && r->r11 == r->rflags && r->cs == SEL_UCODE &&
           r->ss == SEL_UDATA;
}

/* Before the handler, in Linux's order: syscall user dispatch, then seccomp. True: they decided the result. */
static bool entry_work(struct regs *r, u64 nr, long *ret)
{
    if (current->sud_on && sud_syscall(r, nr, ret))
        return true;
    return current->seccomp_mode && seccomp_syscall(r, nr, ret);
}

int syscall_dispatch(struct regs *r)
{
    u64 nr = r->rax;
    current->frame = r;
    acct_charge(true); /* the time since it last entered ring 3 was user time */
    if (strace_on)
        strace_enter(nr, r);
    bool known = true;
    current->intr_no_restart = false;
    long ret;
    if (!(current->sud_on | current->seccomp_mode) || !entry_work(r, nr, &ret)) /* a test of two bytes if neither */
        ret = syscall_invoke(nr, r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9, &known);
    if (!known)
        log_enosys(nr);
    if (nr != NR_RT_SIGRETURN) /* its "result" is the interrupted code's rax */
        ret = signal_restart_code(nr, ret);
    r->rax = ret;
    if (strace_on)
        strace_exit(nr, ret);
    sched_preempt_point(r);
    if (nr != NR_RT_SIGRETURN)
        signal_syscall_exit(r, nr); /* handlers, default actions, and the call's restart */
    else if (signal_pending())
        signal_deliver(r);
    acct_charge(false);
    return sysret_ok(r);
}
