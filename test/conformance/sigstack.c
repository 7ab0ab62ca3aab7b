/* test/conformance/sigstack.c — sigaltstack(2) in depth: the initial state (SS_DISABLE), setting and reading
 * back a stack, its errnos (ENOMEM below MINSIGSTKSZ, EINVAL for unknown flags, EFAULT, EPERM while running on
 * it), a SA_ONSTACK handler running on it (SS_ONSTACK reported, locals inside it), SS_AUTODISARM (the stack is
 * disarmed while the handler runs and back afterwards), what a handler sets lasting only until it returns
 * (rt_sigreturn puts back the saved stack), SS_DISABLE, and fork keeping it. */
/* covers: sigaltstack rt_sigaction */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char stack1[65536] __attribute__((aligned(16)));
static volatile int in_flags = -1, on_it = -1, eperm = -1, try_set = 1;
static char stack2[65536] __attribute__((aligned(16)));

static void handler(int sig)
{
    (void)sig;
    stack_t cur, other = { .ss_sp = try_set == 2 ? stack2 : stack1, .ss_size = sizeof stack1, .ss_flags = 0 };
    int local;
    sigaltstack(NULL, &cur);
    in_flags = cur.ss_flags;
    on_it = (char *)&local >= stack1 && (char *)&local < stack1 + sizeof stack1;
    errno = 0;
    if (try_set)
        eperm = sigaltstack(&other, NULL) == -1 ? errno : 0;
}

static long alt(const stack_t *ss, stack_t *old) { return SYS(SYS_sigaltstack, ss, old); }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    stack_t ss, old;
    memset(&old, 0x55, sizeof old);
    T_OK("sigaltstack read the initial state", alt(NULL, &old), 0);
    T_TRUE("sigaltstack initially SS_DISABLE, no stack", old.ss_flags == SS_DISABLE && old.ss_sp == NULL &&
           old.ss_size == 0);
    ss = (stack_t){ .ss_sp = stack1, .ss_size = 1024, .ss_flags = 0 };
    T_ERR("sigaltstack a stack below MINSIGSTKSZ", alt(&ss, NULL), ENOMEM);
    ss.ss_size = sizeof stack1;
    ss.ss_flags = 0x1234;
    T_ERR("sigaltstack unknown flags", alt(&ss, NULL), EINVAL);
    ss.ss_flags = SS_ONSTACK;
    T_OK("sigaltstack SS_ONSTACK as the flag to set (taken as 0)", alt(&ss, NULL), 0);
    alt(NULL, &old);
    T_EQ("sigaltstack SS_ONSTACK set: read back as 0", old.ss_flags, 0);
    T_ERR("sigaltstack from a bad pointer", alt(BADUPTR, NULL), EFAULT);
    T_ERR("sigaltstack into a bad pointer", alt(NULL, BADUPTR), EFAULT);
    ss.ss_flags = 0;
    T_OK("sigaltstack set a 64 KiB stack", alt(&ss, NULL), 0);
    memset(&old, 0, sizeof old);
    T_OK("sigaltstack read it back", alt(NULL, &old), 0);
    T_TRUE("sigaltstack: the same stack, flags 0", old.ss_sp == stack1 && old.ss_size == sizeof stack1 &&
           old.ss_flags == 0);
    stack_t none = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    T_OK("sigaltstack old and new in one call", alt(&ss, &old), 0);
    T_TRUE("sigaltstack the old one came back", old.ss_sp == stack1 && old.ss_flags == 0);

    struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    T_EQ("sigaltstack SA_ONSTACK: the handler sees SS_ONSTACK", in_flags, SS_ONSTACK);
    T_EQ("sigaltstack SA_ONSTACK: the handler's locals are on the stack", on_it, 1);
    T_EQ("sigaltstack while on it -> EPERM", eperm, EPERM);
    alt(NULL, &old);
    T_EQ("sigaltstack after the handler: flags 0 again", old.ss_flags, 0);

    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        stack_t k;
        alt(NULL, &k);
        _exit(k.ss_sp == stack1 && k.ss_flags == 0 ? 0 : 1);
    }
    int st = 0;
    waitpid(c, &st, 0);
    T_TRUE("sigaltstack a forked child keeps it", WIFEXITED(st) && WEXITSTATUS(st) == 0);

    ss.ss_flags = SS_AUTODISARM;
    T_OK("sigaltstack SS_AUTODISARM", alt(&ss, NULL), 0);
    alt(NULL, &old);
    T_EQ("sigaltstack SS_AUTODISARM reads back", (unsigned)old.ss_flags, SS_AUTODISARM);
    in_flags = -1;
    eperm = -1;
    try_set = 0;
    raise(SIGUSR1);
    T_EQ("sigaltstack SS_AUTODISARM: disabled while the handler runs", in_flags, SS_DISABLE);
    T_EQ("sigaltstack SS_AUTODISARM: the handler still ran on it", on_it, 1);
    alt(NULL, &old);
    T_TRUE("sigaltstack SS_AUTODISARM: restored after the handler", old.ss_sp == stack1 &&
           (unsigned)old.ss_flags == SS_AUTODISARM);

    try_set = 2;
    raise(SIGUSR1);
    T_EQ("sigaltstack SS_AUTODISARM: on it, the handler may set another", eperm, 0);
    alt(NULL, &old);
    T_TRUE("sigaltstack the handler's stack lasts until it returns", old.ss_sp == stack1 &&
           (unsigned)old.ss_flags == SS_AUTODISARM);
    ss.ss_flags = 0;
    alt(&ss, NULL);
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    alt(NULL, &old);
    T_TRUE("sigaltstack set by a handler on the normal stack is undone at its return", old.ss_sp == stack1);
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    try_set = 0;
    T_OK("sigaltstack SS_DISABLE", alt(&none, NULL), 0);
    alt(NULL, &old);
    T_EQ("sigaltstack SS_DISABLE reads back", old.ss_flags, SS_DISABLE);
    in_flags = -1;
    raise(SIGUSR1);
    T_EQ("sigaltstack disabled: the handler runs on the normal stack", on_it, 0);
    T_EQ("sigaltstack disabled: the handler sees SS_DISABLE", in_flags, SS_DISABLE);
    return tap_done();
}
