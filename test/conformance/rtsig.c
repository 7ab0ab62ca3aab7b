/* test/conformance/rtsig.c — real-time signals queue once per send, in order, with their values (sigqueue is
 * rt_sigqueueinfo), a standard signal at most once; rt_tgsigqueueinfo to a thread; who may claim which si_code;
 * a handler on the alternate stack sees SS_ONSTACK from sigaltstack and may not change it (EPERM). */
/* covers: rt_sigqueueinfo rt_tgsigqueueinfo sigaltstack rt_sigtimedwait */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

static volatile int alt_flags = -1, alt_change = 0;

static void on_alt(int sig)
{
    (void)sig;
    stack_t cur, other = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
    syscall(SYS_sigaltstack, NULL, &cur);
    alt_flags = cur.ss_flags;
    alt_change = syscall(SYS_sigaltstack, &other, NULL) == -1 ? errno : 0;
}

static int qinfo(pid_t pid, int sig, int code, int value)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_value.sival_int = value;
    return (int)SYS(SYS_rt_sigqueueinfo, pid, sig, &si);
}

int main(void)
{
    tap_scratch("rtsig");
    int rt = SIGRTMIN + 2;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pid_t me = getpid();
    T_OK("rt_sigqueueinfo SI_QUEUE value 11", qinfo(me, rt, SI_QUEUE, 11), 0);
    T_OK("rt_sigqueueinfo SI_QUEUE value 22", qinfo(me, rt, SI_QUEUE, 22), 0);
    T_OK("rt_sigqueueinfo SI_QUEUE value 33", qinfo(me, rt, SI_QUEUE, 33), 0);
    union sigval v = { .sival_int = 44 };
    T_OK("rt_sigqueueinfo through sigqueue, value 44", sigqueue(me, rt, v), 0);
    siginfo_t si;
    int vals[4] = { 0 }, codes_ok = 1;
    for (int i = 0; i < 4; i++) {
        struct timespec ts = { 0, 0 };
        memset(&si, 0, sizeof si);
        if (sigtimedwait(&set, &si, &ts) != rt)
            break;
        vals[i] = si.si_value.sival_int;
        codes_ok &= si.si_code == SI_QUEUE && si.si_pid == me;
    }
    T_TRUE("rt_sigtimedwait: four real-time signals queued, in order, with their values",
           vals[0] == 11 && vals[1] == 22 && vals[2] == 33 && vals[3] == 44);
    T_TRUE("rt_sigtimedwait: each with SI_QUEUE and the sender's pid", codes_ok);
    struct timespec zero = { 0, 0 };
    T_ERR("rt_sigtimedwait: none left", sigtimedwait(&set, &si, &zero), EAGAIN);
    kill(me, SIGUSR1);
    kill(me, SIGUSR1);
    T_OK("rt_sigtimedwait: a standard signal sent twice", sigtimedwait(&set, &si, &zero), SIGUSR1);
    T_ERR("rt_sigtimedwait: a standard signal is pending once", sigtimedwait(&set, &si, &zero), EAGAIN);
    qinfo(me, rt, SI_QUEUE, 1);
    kill(me, SIGUSR1);
    T_OK("rt_sigtimedwait: a standard signal goes before a real-time one", sigtimedwait(&set, &si, &zero), SIGUSR1);
    sigtimedwait(&set, &si, &zero);

    T_OK("rt_tgsigqueueinfo to our own thread", ({
        siginfo_t s2;
        memset(&s2, 0, sizeof s2);
        s2.si_code = SI_QUEUE;
        s2.si_value.sival_int = 55;
        SYS(SYS_rt_tgsigqueueinfo, me, SYS(SYS_gettid), rt, &s2);
    }), 0);
    memset(&si, 0, sizeof si);
    T_OK("rt_tgsigqueueinfo: taken by sigtimedwait", sigtimedwait(&set, &si, &zero), rt);
    T_EQ("rt_tgsigqueueinfo: its value", si.si_value.sival_int, 55);
    T_OK("rt_sigqueueinfo SI_USER to ourselves is allowed", qinfo(me, rt, SI_USER, 0), 0);
    sigtimedwait(&set, &si, &zero);

    pid_t c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    T_ERR("rt_sigqueueinfo SI_USER to another process", qinfo(c, SIGTERM, SI_USER, 0), EPERM);
    T_ERR("rt_sigqueueinfo SI_KERNEL to another process", qinfo(c, SIGTERM, SI_KERNEL, 0), EPERM);
    T_ERR("rt_sigqueueinfo SI_TKILL to another process", qinfo(c, SIGTERM, SI_TKILL, 0), EPERM);
    T_OK("rt_sigqueueinfo SI_QUEUE to another process", qinfo(c, SIGTERM, SI_QUEUE, 0), 0);
    int st;
    waitpid(c, &st, 0);
    T_TRUE("rt_sigqueueinfo: the child died of its SIGTERM", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    T_ERR("rt_sigqueueinfo to a pid that does not exist", qinfo(0x3ffffff0, rt, SI_QUEUE, 0), ESRCH);
    T_ERR("rt_sigqueueinfo signal 65", qinfo(me, 65, SI_QUEUE, 0), EINVAL);
    T_ERR("rt_sigqueueinfo from a kernel address", SYS(SYS_rt_sigqueueinfo, me, rt, KADDR), EFAULT);
    T_ERR("rt_tgsigqueueinfo tid 0", SYS(SYS_rt_tgsigqueueinfo, me, 0, rt, &si), EINVAL);
    memset(&si, 0, sizeof si);
    si.si_code = SI_QUEUE;
    T_ERR("rt_tgsigqueueinfo a thread of another group", SYS(SYS_rt_tgsigqueueinfo, 0x3ffffff0, me, rt, &si), ESRCH);

    static char alt[65536];
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
    T_OK("sigaltstack install", SYS(SYS_sigaltstack, &ss, NULL), 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    T_EQ("sigaltstack inside a handler on the alternate stack reports SS_ONSTACK", alt_flags, SS_ONSTACK);
    T_EQ("sigaltstack: changing the stack in use -> EPERM", alt_change, EPERM);
    stack_t now;
    SYS(SYS_sigaltstack, NULL, &now);
    T_EQ("sigaltstack outside the handler: flags 0", now.ss_flags, 0);
    return tap_done();
}
