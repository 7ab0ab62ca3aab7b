/* test/conformance/sigcodes.c — the si_code of each signal a program can be sent or can cause, and the
 * sigaction flags that shape delivery: SI_USER, SI_TKILL, SI_QUEUE, SI_TIMER; SIGCHLD's CLD_EXITED, CLD_KILLED,
 * CLD_STOPPED and CLD_CONTINUED (with SA_NOCLDSTOP and SA_NOCLDWAIT); SIGIO's POLL_IN, POLL_OUT and POLL_HUP
 * (F_SETSIG); SIGBUS BUS_ADRERR past the end of a mapped file; the x87 exceptions FPE_FLTINV, FPE_FLTOVF,
 * FPE_FLTUND and FPE_FLTRES; SIGSYS SYS_SECCOMP; SA_SIGINFO, SA_ONSTACK, SA_RESTART, SA_RESTORER and what an
 * unknown flag (SA_UNSUPPORTED, SA_EXPOSE_TAGBITS) reads back as. */
/* covers: rt_sigaction */
#include "tap.h"
#include <setjmp.h>
#include <signal.h>
#include <poll.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <time.h>

#define SA_UNSUPPORTED_K 0x00000400
#define SA_EXPOSE_TAGBITS_K 0x00000800
#define SA_RESTORER_K 0x04000000

static volatile int got_sig, got_code, got_count;
static volatile long got_band;
static void *volatile got_addr;
static sigjmp_buf env;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig, got_code = si->si_code, got_addr = si->si_addr, got_band = si->si_band;
    got_count++;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    on_info(sig, si, uc);
    siglongjmp(env, 1);
}

static void catch_sig(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void reset(void) { got_sig = got_code = got_count = 0, got_addr = NULL, got_band = 0; }

static void senders(void)
{
    catch_sig(SIGUSR1, on_info, 0);
    reset();
    kill(getpid(), SIGUSR1);
    T_COVERS("SI_USER SA_SIGINFO");
    T_EQ("rt_sigaction kill: si_code SI_USER", got_code, SI_USER);
    reset();
    syscall(SYS_tgkill, getpid(), (int)syscall(SYS_gettid), SIGUSR1);
    T_COVERS("SI_TKILL");
    T_EQ("rt_sigaction tgkill: si_code SI_TKILL", got_code, SI_TKILL);
    reset();
    union sigval v = { .sival_int = 7 };
    sigqueue(getpid(), SIGUSR1, v);
    T_COVERS("SI_QUEUE");
    T_EQ("rt_sigaction sigqueue: si_code SI_QUEUE", got_code, SI_QUEUE);
    reset();
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    timer_t t;
    struct itimerspec its = { { 0, 0 }, { 0, 1000000 } };
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) == 0 && timer_settime(t, 0, &its, NULL) == 0)
        tap_wait_flag(&got_count, SIGUSR1);
    T_COVERS("SI_TIMER");
    T_EQ("rt_sigaction a POSIX timer's signal: si_code SI_TIMER", got_code, SI_TIMER);
    timer_delete(t);
    signal(SIGUSR1, SIG_DFL);
}

/* SIGCHLD for a child that exits, is killed, stops and continues; its si_code, in order. */
static volatile int cld[8], ncld;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    if (ncld < 8)
        cld[ncld++] = si->si_code;
}

static void wait_cld(int n)
{
    for (int i = 0; i < 2000 && ncld < n; i++)
        usleep(1000);
}

static void children(void)
{
    catch_sig(SIGCHLD, on_chld, 0);
    ncld = 0;
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    wait_cld(1);
    waitpid(c, NULL, 0);
    T_COVERS("CLD_EXITED");
    T_EQ("rt_sigaction SIGCHLD of an exit: CLD_EXITED", ncld >= 1 ? cld[0] : -1, CLD_EXITED);
    ncld = 0;
    c = fork();
    if (c == 0)
        for (;;)
            pause();
    kill(c, SIGSTOP);
    wait_cld(1);
    kill(c, SIGCONT);
    wait_cld(2);
    kill(c, SIGKILL);
    wait_cld(3);
    waitpid(c, NULL, 0);
    T_COVERS("CLD_STOPPED");
    T_EQ("rt_sigaction SIGCHLD of a stop: CLD_STOPPED", ncld >= 1 ? cld[0] : -1, CLD_STOPPED);
    T_COVERS("CLD_CONTINUED");
    T_EQ("rt_sigaction SIGCHLD of a continue: CLD_CONTINUED", ncld >= 2 ? cld[1] : -1, CLD_CONTINUED);
    T_COVERS("CLD_KILLED");
    T_EQ("rt_sigaction SIGCHLD of a kill: CLD_KILLED", ncld >= 3 ? cld[2] : -1, CLD_KILLED);
    /* SA_NOCLDSTOP: no SIGCHLD for the stop and the continue, only for the end */
    catch_sig(SIGCHLD, on_chld, SA_NOCLDSTOP);
    ncld = 0;
    c = fork();
    if (c == 0)
        for (;;)
            pause();
    kill(c, SIGSTOP);
    waitpid(c, NULL, WUNTRACED);
    kill(c, SIGCONT);
    kill(c, SIGKILL);
    wait_cld(1);
    waitpid(c, NULL, 0);
    T_COVERS("SA_NOCLDSTOP CLD_KILLED");
    T_TRUE("rt_sigaction SA_NOCLDSTOP: one SIGCHLD, for the kill", ncld == 1 && cld[0] == CLD_KILLED);
    /* SA_NOCLDWAIT: an ended child leaves no zombie: wait finds none */
    catch_sig(SIGCHLD, on_chld, SA_NOCLDWAIT);
    c = fork();
    if (c == 0)
        _exit(0);
    errno = 0;
    long w = waitpid(c, NULL, 0);
    int e = errno;
    T_COVERS("SA_NOCLDWAIT");
    T_TRUE("rt_sigaction SA_NOCLDWAIT: waitpid finds no zombie -> ECHILD", w == -1 && e == ECHILD);
    /* SIGCHLD ignored: the same, and a waitpid for all children waits for the live one to end */
    signal(SIGCHLD, SIG_IGN);
    c = fork();
    if (c == 0)
        _exit(0);
    pid_t slow = fork();
    if (slow == 0) {
        usleep(200000);
        _exit(0);
    }
    usleep(50000);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)c);
    for (int i = 0; i < 100 && access(path, F_OK) == 0; i++)
        usleep(10000);
    T_TRUE("rt_sigaction SIGCHLD ignored: an ended child is gone from /proc at once", access(path, F_OK) == -1);
    errno = 0;
    w = waitpid(-1, NULL, 0);
    e = errno;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)slow);
    T_TRUE("rt_sigaction SIGCHLD ignored: waitpid(-1) waits for the live child, then -> ECHILD",
           w == -1 && e == ECHILD && access(path, F_OK) == -1);
    signal(SIGCHLD, SIG_DFL);
}

static volatile int got_fd;
static void on_io(int sig, siginfo_t *si, void *uc)
{
    on_info(sig, si, uc);
    got_fd = si->si_fd;
}

static void sigio(void)
{
    int p[2];
    if (pipe(p))
        return;
    catch_sig(SIGRTMIN + 1, on_io, 0);
    for (int i = 0; i < 2; i++) {
        fcntl(p[i], F_SETOWN, getpid());
        fcntl(p[i], F_SETSIG, SIGRTMIN + 1);
        fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_ASYNC | O_NONBLOCK);
    }
    reset();
    if (write(p[1], "x", 1) != 1)
        return;
    T_COVERS("fcntl: F_SETSIG POLL_IN");
    T_TRUE("rt_sigaction F_SETSIG: data to read gives si_code POLL_IN", got_count >= 1 && got_code == POLL_IN);
    T_TRUE("rt_sigaction F_SETSIG: POLL_IN's si_band has POLLIN, si_fd the reader",
           (got_band & POLLIN) && got_fd == p[0]);
    char b[65536];
    while (write(p[1], b, sizeof b) > 0)
        ;
    reset();
    while (read(p[0], b, sizeof b) > 0)
        ;
    T_COVERS("fcntl: F_SETSIG POLL_OUT");
    T_TRUE("rt_sigaction F_SETSIG: room to write gives si_code POLL_OUT", got_count >= 1 && got_code == POLL_OUT);
    reset();
    close(p[1]);
    T_COVERS("fcntl: F_SETSIG POLL_HUP");
    T_TRUE("rt_sigaction F_SETSIG: the writer gone gives si_code POLL_IN or POLL_HUP to the reader",
           got_count >= 1 && (got_code == POLL_IN || got_code == POLL_HUP));
    close(p[0]);
    signal(SIGRTMIN + 1, SIG_DFL);
    /* plain SIGIO (no F_SETSIG) on a socket: SI_KERNEL */
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        return;
    catch_sig(SIGIO, on_info, 0);
    fcntl(sv[0], F_SETOWN, getpid());
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_ASYNC);
    reset();
    if (write(sv[1], "z", 1) != 1)
        return;
    for (int i = 0; i < 100 && !got_count; i++)
        usleep(1000);
    T_COVERS("fcntl: O_ASYNC SI_KERNEL");
    T_TRUE("rt_sigaction O_ASYNC on a socket: data gives SIGIO with si_code SI_KERNEL",
           got_sig == SIGIO && got_code == SI_KERNEL);
    close(sv[0]);
    close(sv[1]);
    signal(SIGIO, SIG_DFL);
}

static char *tail_map;
static void bus_past_eof(void) { *(volatile char *)(tail_map + 4096); }

static void bus(void)
{
    char name[] = "sigcodes-XXXXXX";
    int fd = mkstemp(name);
    unlink(name);
    if (fd < 0 || ftruncate(fd, 100))
        return;
    tail_map = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    catch_sig(SIGBUS, on_fault, 0);
    reset();
    if (!sigsetjmp(env, 1))
        bus_past_eof();
    T_COVERS("BUS_ADRERR");
    T_TRUE("rt_sigaction SIGBUS past the end of a mapped file: BUS_ADRERR at the address",
           got_sig == SIGBUS && got_code == BUS_ADRERR && got_addr == tail_map + 4096);
    munmap(tail_map, 8192);
    close(fd);
    signal(SIGBUS, SIG_DFL);
}

/* x87 with one exception unmasked: the SIGFPE's si_code names it */
static unsigned short cw;
static double big = 1e300, tiny = 1e-300, three = 3;
static void x87_invalid(void) { __asm__ volatile("fninit; fldcw %0; fldz; fldz; fdivrp; fwait" : : "m"(cw)); }
static void x87_overflow(void)
{
    __asm__ volatile("fninit; fldcw %0; fldl %1; fldl %1; fmulp; fstpl %1; fwait" : : "m"(cw), "m"(big));
}
static void x87_underflow(void)
{
    __asm__ volatile("fninit; fldcw %0; fldl %1; fldl %1; fmulp; fstpl %1; fwait" : : "m"(cw), "m"(tiny));
}
static void x87_inexact(void) { __asm__ volatile("fninit; fldcw %0; fld1; fldl %1; fdivrp; fwait" : : "m"(cw), "m"(three)); }

static void x87_case(const char *name, const char *code_name, unsigned short unmask, void (*fn)(void), int code)
{
    cw = (unsigned short)(0x037f & ~unmask);
    reset();
    if (!sigsetjmp(env, 1))
        fn();
    __asm__ volatile("fninit");
    T_COVERS(code_name);
    T_TRUE(name, got_sig == SIGFPE && got_code == code);
}

static void x87(void)
{
    catch_sig(SIGFPE, on_fault, 0);
    x87_case("rt_sigaction x87 0/0 with IM unmasked: FPE_FLTINV", "FPE_FLTINV", 0x01, x87_invalid, FPE_FLTINV);
    x87_case("rt_sigaction x87 overflow with OM unmasked: FPE_FLTOVF", "FPE_FLTOVF", 0x08, x87_overflow, FPE_FLTOVF);
    x87_case("rt_sigaction x87 underflow with UM unmasked: FPE_FLTUND", "FPE_FLTUND", 0x10, x87_underflow,
             FPE_FLTUND);
    x87_case("rt_sigaction x87 1/3 with PM unmasked: FPE_FLTRES", "FPE_FLTRES", 0x20, x87_inexact, FPE_FLTRES);
    signal(SIGFPE, SIG_DFL);
}

static volatile int restarted_reads;
static void on_usr2(int sig) { (void)sig; }

/* SA_RESTART: a read interrupted by the handler goes on; without it, EINTR */
static int interrupted_read(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr2;
    sa.sa_flags = flags;
    sigaction(SIGUSR2, &sa, NULL);
    int p[2];
    if (pipe(p))
        return -2;
    pid_t parent = getpid(), c = fork();
    if (c == 0) {
        usleep(100000);
        kill(parent, SIGUSR2);
        usleep(100000);
        _exit(write(p[1], "y", 1) == 1 ? 0 : 1);
    }
    char b;
    errno = 0;
    long r = read(p[0], &b, 1);
    int e = errno;
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
    signal(SIGUSR2, SIG_DFL);
    return r == 1 ? 1 : r == -1 && e == EINTR ? 0 : -1;
}

static volatile uintptr_t handler_sp;
static void on_stack(int sig)
{
    (void)sig;
    handler_sp = (uintptr_t)__builtin_frame_address(0);
}

static void flags(void)
{
    T_COVERS("SA_RESTART");
    T_EQ("rt_sigaction SA_RESTART: a read interrupted by the handler goes on", interrupted_read(SA_RESTART), 1);
    T_EQ("rt_sigaction without SA_RESTART: the read fails with EINTR", interrupted_read(0), 0);
    static char alt[65536];
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stack;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    T_COVERS("SA_ONSTACK");
    T_TRUE("rt_sigaction SA_ONSTACK: the handler runs on the alternate stack",
           handler_sp >= (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof alt);
    signal(SIGUSR2, SIG_DFL);
    /* the raw call: what comes back of the flags set */
    struct { void *h; unsigned long flags; void *restorer; unsigned long mask; } k, old;
    memset(&k, 0, sizeof k);
    k.h = (void *)on_stack;
    k.flags = SA_RESTORER_K | SA_UNSUPPORTED_K | SA_EXPOSE_TAGBITS_K;
    k.restorer = (void *)on_stack; /* never used: the handler is never run */
    syscall(SYS_rt_sigaction, SIGUSR2, &k, NULL, 8);
    syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8);
    T_COVERS("SA_RESTORER");
    T_TRUE("rt_sigaction SA_RESTORER and its restorer read back", (old.flags & SA_RESTORER_K) &&
                                                                     old.restorer == (void *)on_stack);
    T_COVERS("SA_UNSUPPORTED");
    T_TRUE("rt_sigaction SA_UNSUPPORTED, a flag no kernel knows, reads back clear", !(old.flags & SA_UNSUPPORTED_K));
    T_COVERS("SA_EXPOSE_TAGBITS");
    T_TRUE("rt_sigaction SA_EXPOSE_TAGBITS (known everywhere, used on arm64 only) reads back set",
           old.flags & SA_EXPOSE_TAGBITS_K);
    signal(SIGUSR2, SIG_DFL);
}

static int seccomp_trap(void)
{
    struct { unsigned short code; unsigned char jt, jf; unsigned k; } f[] = {
        { 0x20, 0, 0, 0 }, { 0x15, 0, 1, SYS_getppid }, { 0x06, 0, 0, 0x00030000 }, { 0x06, 0, 0, 0x7fff0000 } };
    struct { unsigned short len; void *filter; } prog = { 4, f };
    catch_sig(SIGSYS, on_info, 0);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (syscall(SYS_seccomp, 1, 0, &prog))
        return 100;
    reset();
    syscall(SYS_getppid);
    return got_sig == SIGSYS && got_code == 1 ? 0 : 1; /* SYS_SECCOMP */
}

static void sys(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(seccomp_trap());
    int st = 0;
    waitpid(c, &st, 0);
    T_COVERS("SYS_SECCOMP");
    T_TRUE("rt_sigaction SIGSYS of a seccomp trap: SYS_SECCOMP", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tap_scratch("sigcodes");
    senders();
    children();
    sigio();
    bus();
    x87();
    flags();
    sys();
    return tap_done();
}
