/* test/conformance/sighandler.c — signals that run handlers: kill/tkill to ourselves with a handler installed
 * (libc's sigaction: its restorer calls rt_sigreturn when the handler returns), siginfo contents, delivery order
 * of blocked signals once unblocked, sa_mask deferring a signal raised inside a handler, SA_RESETHAND, and
 * sigaltstack with SA_ONSTACK. Only SIGUSR1/SIGUSR2 are used, each with a handler, so nothing can end us. */
/* covers: rt_sigreturn rt_sigaction rt_sigprocmask sigaltstack kill tkill */
#include "tap.h"
#include <signal.h>
#include <stdint.h>

static volatile int order[8], norder, usr1_count, last_code, last_pid, last_signo, nested_seen;
static volatile uintptr_t handler_sp;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    volatile char here;
    handler_sp = (uintptr_t)&here;
    if (norder < 8)
        order[norder++] = sig;
    if (sig == SIGUSR1)
        usr1_count++;
    last_signo = si->si_signo;
    last_code = si->si_code;
    last_pid = si->si_pid;
}

/* Raises SIGUSR2 (in sa_mask) while running: it must wait until this handler has returned. */
static void raise_inside(int sig, siginfo_t *si, void *uc)
{
    (void)si, (void)uc;
    if (norder < 8)
        order[norder++] = sig;
    kill(getpid(), SIGUSR2);
    nested_seen = norder; /* SIGUSR2 must not have run yet */
    if (norder < 8)
        order[norder++] = -sig; /* marks this handler's end */
}

static void set(int sig, void (*fn)(int, siginfo_t *, void *), int flags, int masked)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (masked)
        sigaddset(&sa.sa_mask, masked);
    sigaction(sig, &sa, NULL);
}

int main(void)
{
    long pid = getpid();
    set(SIGUSR1, on_sig, 0, 0);
    set(SIGUSR2, on_sig, 0, 0);
    volatile long canary = 0x1234567890abcdefL;
    T_OK("kill SIGUSR1 to ourselves with a handler", SYS(SYS_kill, pid, SIGUSR1), 0);
    T_EQ("kill: the handler ran once", usr1_count, 1);
    T_TRUE("rt_sigreturn: back in the interrupted code, locals intact", canary == 0x1234567890abcdefL);
    T_TRUE("kill: siginfo si_signo SIGUSR1, si_code SI_USER, si_pid ours",
           last_signo == SIGUSR1 && last_code == SI_USER && last_pid == pid);
    T_OK("tkill SIGUSR1 with a handler", SYS(SYS_tkill, SYS(SYS_gettid), SIGUSR1), 0);
    T_TRUE("tkill: the handler ran, si_code SI_TKILL", usr1_count == 2 && last_code == SI_TKILL);

    /* blocked signals wait; unblocked, the lower number is delivered first */
    norder = 0;
    sigset_t m, old;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    T_OK("rt_sigprocmask block SIGUSR1 and SIGUSR2", SYS(SYS_rt_sigprocmask, SIG_BLOCK, &m, &old, 8), 0);
    kill(pid, SIGUSR2);
    kill(pid, SIGUSR1);
    kill(pid, SIGUSR1); /* a standard signal pending twice is delivered once */
    T_EQ("rt_sigprocmask: blocked signals do not run", norder, 0);
    T_OK("rt_sigprocmask unblock", SYS(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8), 0);
    T_EQ("rt_sigprocmask unblock: two deliveries", norder, 2);
    T_TRUE("rt_sigprocmask unblock: both signals ran", (order[0] | order[1]) == (SIGUSR1 | SIGUSR2) &&
           order[0] != order[1]);
    /* Linux takes SIGUSR1 first but, before returning to user mode, stacks SIGUSR2's frame on top of it:
     * SIGUSR2's handler starts first, then returns into SIGUSR1's */
    T_TRUE("rt_sigprocmask unblock: frames stacked, SIGUSR2's handler starts first",
           order[0] == SIGUSR2 && order[1] == SIGUSR1);

    /* sa_mask: SIGUSR2 raised inside the SIGUSR1 handler runs after it returns */
    norder = 0;
    set(SIGUSR1, raise_inside, 0, SIGUSR2);
    kill(pid, SIGUSR1);
    T_EQ("rt_sigaction sa_mask defers a signal raised in the handler", nested_seen, 1);
    T_TRUE("rt_sigaction sa_mask: the deferred signal ran after the handler",
           norder == 3 && order[0] == SIGUSR1 && order[1] == -SIGUSR1 && order[2] == SIGUSR2);
    sigprocmask(SIG_BLOCK, NULL, &m);
    T_TRUE("rt_sigreturn restores the signal mask", !sigismember(&m, SIGUSR1) && !sigismember(&m, SIGUSR2));

    /* SA_RESETHAND: one delivery, then SIG_DFL */
    set(SIGUSR1, on_sig, SA_RESETHAND, 0);
    usr1_count = 0;
    kill(pid, SIGUSR1);
    struct sigaction q;
    sigaction(SIGUSR1, NULL, &q);
    T_TRUE("rt_sigaction SA_RESETHAND: ran, then back to SIG_DFL", usr1_count == 1 && q.sa_handler == SIG_DFL);

    /* sigaltstack + SA_ONSTACK */
    static char alt[65536];
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 }, os;
    T_OK("sigaltstack install", SYS(SYS_sigaltstack, &ss, NULL), 0);
    set(SIGUSR1, on_sig, SA_ONSTACK, 0);
    handler_sp = 0;
    kill(pid, SIGUSR1);
    T_TRUE("sigaltstack: an SA_ONSTACK handler runs on the alternate stack",
           handler_sp > (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof alt);
    set(SIGUSR2, on_sig, 0, 0);
    handler_sp = 0;
    kill(pid, SIGUSR2);
    T_TRUE("sigaltstack: a handler without SA_ONSTACK stays on the normal stack",
           handler_sp && !(handler_sp > (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof alt));
    T_OK("sigaltstack query after the handler", SYS(SYS_sigaltstack, NULL, &os), 0);
    T_TRUE("sigaltstack: not on the stack any more", os.ss_flags == 0 && os.ss_sp == alt);
    ss.ss_flags = SS_DISABLE;
    T_OK("sigaltstack disable", SYS(SYS_sigaltstack, &ss, NULL), 0);
    T_ERR("sigaltstack size below MINSIGSTKSZ", SYS(SYS_sigaltstack, &(stack_t){ .ss_sp = alt, .ss_size = 100 },
          NULL), ENOMEM);
    return tap_done();
}
