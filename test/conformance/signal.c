/* test/conformance/signal.c — signal state: rt_sigaction, rt_sigprocmask, sigaltstack, and sending
 * signals to ourselves with kill, tkill and tgkill — only signal 0, ignored signals and signals whose
 * default action is to ignore, so that no test can end its own process. Uses the kernel's struct
 * sigaction (handler, flags, restorer, 8-byte mask), not libc's. */
/* covers: rt_sigaction rt_sigprocmask sigaltstack kill tkill tgkill */
#include "tap.h"
#include <signal.h>
#include <stdint.h>

struct ksa { uint64_t handler, flags, restorer, mask; };
#define BIT(s) (1ull << ((s) - 1))
#define SA_RESTORER 0x04000000

int main(void)
{
    struct ksa act = { (uint64_t)SIG_IGN, SA_RESTORER, 0x1234, BIT(SIGUSR2) | BIT(SIGKILL) }, old;
    memset(&old, 0xa5, sizeof old);
    T_OK("rt_sigaction query SIGUSR1", SYS(SYS_rt_sigaction, SIGUSR1, NULL, &old, 8), 0);
    T_TRUE("rt_sigaction: SIGUSR1 starts as SIG_DFL", old.handler == (uint64_t)SIG_DFL && old.mask == 0);
    T_OK("rt_sigaction set SIGUSR1 to SIG_IGN", SYS(SYS_rt_sigaction, SIGUSR1, &act, NULL, 8), 0);
    T_OK("rt_sigaction read back", SYS(SYS_rt_sigaction, SIGUSR1, NULL, &old, 8), 0);
    T_TRUE("rt_sigaction read back: handler, flags, restorer", old.handler == (uint64_t)SIG_IGN &&
           old.flags == SA_RESTORER && old.restorer == 0x1234);
    T_EQ("rt_sigaction read back: SIGKILL dropped from the mask", old.mask, BIT(SIGUSR2));
    struct ksa act2 = { (uint64_t)SIG_DFL, SA_RESTORER, 0x1234, 0 };
    T_OK("rt_sigaction set and get old at once", SYS(SYS_rt_sigaction, SIGUSR1, &act2, &old, 8), 0);
    T_TRUE("rt_sigaction set and get: the old action", old.handler == (uint64_t)SIG_IGN);
    T_ERR("rt_sigaction sigsetsize 4", SYS(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4), EINVAL);
    T_ERR("rt_sigaction sigsetsize 16", SYS(SYS_rt_sigaction, SIGUSR1, NULL, &old, 16), EINVAL);
    T_ERR("rt_sigaction signal 0", SYS(SYS_rt_sigaction, 0, NULL, &old, 8), EINVAL);
    T_ERR("rt_sigaction signal 65", SYS(SYS_rt_sigaction, 65, NULL, &old, 8), EINVAL);
    T_OK("rt_sigaction signal 64", SYS(SYS_rt_sigaction, 64, NULL, &old, 8), 0);
    T_ERR("rt_sigaction set SIGKILL", SYS(SYS_rt_sigaction, SIGKILL, &act, NULL, 8), EINVAL);
    T_ERR("rt_sigaction set SIGSTOP", SYS(SYS_rt_sigaction, SIGSTOP, &act, NULL, 8), EINVAL);
    T_OK("rt_sigaction query SIGKILL", SYS(SYS_rt_sigaction, SIGKILL, NULL, &old, 8), 0);
    T_ERR("rt_sigaction act at a kernel address", SYS(SYS_rt_sigaction, SIGUSR1, KADDR, NULL, 8), EFAULT);
    T_ERR("rt_sigaction oldact at a kernel address", SYS(SYS_rt_sigaction, SIGUSR1, NULL, KADDR, 8), EFAULT);

    /* rt_sigprocmask */
    uint64_t set = BIT(SIGUSR1) | BIT(SIGKILL) | BIT(SIGSTOP), o = 99;
    T_OK("rt_sigprocmask query", SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &o, 8), 0);
    T_EQ("rt_sigprocmask: nothing blocked at start", o, 0);
    T_OK("rt_sigprocmask SIG_BLOCK", SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8), 0);
    SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &o, 8);
    T_EQ("rt_sigprocmask SIG_BLOCK: SIGKILL and SIGSTOP cannot be blocked", o, BIT(SIGUSR1));
    set = BIT(SIGUSR2);
    SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, &o, 8);
    T_EQ("rt_sigprocmask SIG_BLOCK returns the old mask", o, BIT(SIGUSR1));
    set = BIT(SIGUSR1);
    T_OK("rt_sigprocmask SIG_UNBLOCK", SYS(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, &o, 8), 0);
    SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &o, 8);
    T_EQ("rt_sigprocmask SIG_UNBLOCK: mask", o, BIT(SIGUSR2));
    set = BIT(SIGHUP) | BIT(64);
    T_OK("rt_sigprocmask SIG_SETMASK", SYS(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, 8), 0);
    SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &o, 8);
    T_EQ("rt_sigprocmask SIG_SETMASK: mask", o, BIT(SIGHUP) | BIT(64));
    T_ERR("rt_sigprocmask bad how", SYS(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL);
    T_OK("rt_sigprocmask bad how with no set is a query", SYS(SYS_rt_sigprocmask, 7, NULL, &o, 8), 0);
    T_ERR("rt_sigprocmask sigsetsize 4", SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
    T_ERR("rt_sigprocmask set at a kernel address", SYS(SYS_rt_sigprocmask, SIG_BLOCK, KADDR, NULL, 8), EFAULT);
    T_ERR("rt_sigprocmask oldset at a kernel address", SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, KADDR, 8), EFAULT);
    SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &o, 8);
    T_EQ("rt_sigprocmask failures leave the mask", o, BIT(SIGHUP) | BIT(64));
    set = 0;
    SYS(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, 8);

    /* sigaltstack */
    stack_t ss, os;
    memset(&os, 0xa5, sizeof os);
    T_OK("sigaltstack query", SYS(SYS_sigaltstack, NULL, &os), 0);
    T_TRUE("sigaltstack: disabled at start", os.ss_flags == SS_DISABLE && os.ss_size == 0 && os.ss_sp == NULL);
    static char stk[65536];
    ss.ss_sp = stk, ss.ss_size = sizeof stk, ss.ss_flags = 0;
    T_OK("sigaltstack set 64 KiB", SYS(SYS_sigaltstack, &ss, NULL), 0);
    SYS(SYS_sigaltstack, NULL, &os);
    T_TRUE("sigaltstack: read back", os.ss_sp == stk && os.ss_size == sizeof stk && os.ss_flags == 0);
    ss.ss_size = 1024;
    T_ERR("sigaltstack smaller than MINSIGSTKSZ", SYS(SYS_sigaltstack, &ss, NULL), ENOMEM);
    ss.ss_size = sizeof stk, ss.ss_flags = 0x40;
    T_ERR("sigaltstack unknown flag", SYS(SYS_sigaltstack, &ss, NULL), EINVAL);
    SYS(SYS_sigaltstack, NULL, &os);
    T_TRUE("sigaltstack failures leave the old stack", os.ss_sp == stk && os.ss_size == sizeof stk);
    T_ERR("sigaltstack ss at a kernel address", SYS(SYS_sigaltstack, KADDR, NULL), EFAULT);
    T_ERR("sigaltstack old_ss at a kernel address", SYS(SYS_sigaltstack, NULL, KADDR), EFAULT);
    ss.ss_flags = SS_DISABLE, ss.ss_size = 0;
    T_OK("sigaltstack SS_DISABLE", SYS(SYS_sigaltstack, &ss, &os), 0);
    SYS(SYS_sigaltstack, NULL, &os);
    T_TRUE("sigaltstack SS_DISABLE: disabled", os.ss_flags == SS_DISABLE && os.ss_size == 0);

    /* kill, tkill, tgkill: signal 0, ignored signals only */
    long pid = SYS(SYS_getpid), tid = SYS(SYS_gettid);
    T_OK("kill self, signal 0", SYS(SYS_kill, pid, 0), 0);
    T_OK("kill pid 0 (own group), signal 0", SYS(SYS_kill, 0, 0), 0);
    T_ERR("kill a pid that does not exist", SYS(SYS_kill, 0x3fffffff, 0), ESRCH);
    T_ERR("kill self, signal 65", SYS(SYS_kill, pid, 65), EINVAL);
    T_ERR("kill self, signal -1", SYS(SYS_kill, pid, -1), EINVAL);
    act.handler = (uint64_t)SIG_IGN;
    SYS(SYS_rt_sigaction, SIGUSR1, &act, NULL, 8);
    T_OK("kill self with an ignored SIGUSR1", SYS(SYS_kill, pid, SIGUSR1), 0);
    T_OK("kill self with SIGCHLD (ignored by default)", SYS(SYS_kill, pid, SIGCHLD), 0);
    T_OK("kill self with SIGURG (ignored by default)", SYS(SYS_kill, pid, SIGURG), 0);
    T_OK("kill self with SIGWINCH (ignored by default)", SYS(SYS_kill, pid, SIGWINCH), 0);
    T_OK("kill self with SIGCONT", SYS(SYS_kill, pid, SIGCONT), 0);
    T_OK("tkill self, signal 0", SYS(SYS_tkill, tid, 0), 0);
    T_OK("tkill self with an ignored SIGUSR1", SYS(SYS_tkill, tid, SIGUSR1), 0);
    T_ERR("tkill tid 0", SYS(SYS_tkill, 0, 0), EINVAL);
    T_ERR("tkill tid -1", SYS(SYS_tkill, -1, 0), EINVAL);
    T_ERR("tkill a tid that does not exist", SYS(SYS_tkill, 0x3fffffff, 0), ESRCH);
    T_ERR("tkill self, signal 65", SYS(SYS_tkill, tid, 65), EINVAL);
    T_OK("tgkill self, signal 0", SYS(SYS_tgkill, pid, tid, 0), 0);
    T_OK("tgkill self with an ignored SIGUSR1", SYS(SYS_tgkill, pid, tid, SIGUSR1), 0);
    T_ERR("tgkill tgid 0", SYS(SYS_tgkill, 0, tid, 0), EINVAL);
    T_ERR("tgkill tid 0", SYS(SYS_tgkill, pid, 0, 0), EINVAL);
    T_ERR("tgkill a wrong tgid", SYS(SYS_tgkill, 0x3fffffff, tid, 0), ESRCH);
    T_ERR("tgkill self, signal 65", SYS(SYS_tgkill, pid, tid, 65), EINVAL);
    return tap_done();
}
