/* test/conformance/seccomp.c — seccomp(2) and prctl(PR_SET_SECCOMP): strict mode (read/write/_exit allowed,
 * anything else SIGKILL), filter programs (what the checker refuses, how the interpreter computes), every return
 * action (ERRNO, TRAP's SIGSYS and its siginfo, KILL_THREAD/KILL_PROCESS, TRACE without a tracer, LOG, ALLOW),
 * precedence between filters, inheritance over fork and execve, TSYNC, the 32768-instruction limit,
 * SECCOMP_GET_ACTION_AVAIL and /proc/PID/status. A filter cannot be removed: each case runs in a child. */
/* covers: seccomp prctl */
#include "tap.h"
#include <signal.h>
#include <pthread.h>
#include <stdint.h>
#include <ucontext.h>
#include <sys/prctl.h>

struct sf { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct fprog { unsigned short len; struct sf *filter; };

#define STMT(c, k) { (uint16_t)(c), 0, 0, (uint32_t)(k) }
#define JUMP(c, k, t, f) { (uint16_t)(c), (t), (f), (uint32_t)(k) }
#define LD_ABS 0x20
#define LD_LEN 0x80
#define LD_MEM 0x60
#define LDX_IMM 0x01
#define ST 0x02
#define ALU_K(op) (0x04 | (op))
#define ALU_X(op) (0x0c | (op))
#define JEQ_K 0x15
#define RET_K 0x06
#define RET_A 0x16
#define TXA 0x87
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG0 16
#define ARCH_X86_64 0xc000003eu

#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD 0u
#define RET_TRAP 0x00030000u
#define RET_ERRNO 0x00050000u
#define RET_USER_NOTIF 0x7fc00000u
#define RET_TRACE 0x7ff00000u
#define RET_LOG 0x7ffc0000u
#define RET_ALLOW 0x7fff0000u

#define SET_STRICT 0
#define SET_FILTER 1
#define ACTION_AVAIL 2
#define FLAG_TSYNC 1
#define FLAG_LOG 2
#define FLAG_TSYNC_ESRCH 16
#define MODE_STRICT 1
#define MODE_FILTER 2

static long sc(int op, unsigned flags, void *args) { return syscall(SYS_seccomp, op, flags, args); }

static long install(struct sf *f, int n, unsigned flags)
{
    struct fprog p = { (unsigned short)n, f };
    return sc(SET_FILTER, flags, &p);
}

/* A filter: action for call nr, everything else allowed. */
static long on_call(long nr, uint32_t action, unsigned flags)
{
    struct sf f[] = { STMT(LD_ABS, OFF_NR), JUMP(JEQ_K, nr, 0, 1), STMT(RET_K, action), STMT(RET_K, RET_ALLOW) };
    return install(f, 4, flags);
}

/* Runs fn in a child with no_new_privs set: its exit status, or 1000 + the signal that ended it. */
static int in_child(int (*fn)(void))
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        _exit(fn());
    }
    int st = 0;
    if (waitpid(c, &st, 0) != c)
        return -1;
    return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}

/* Filter program checks: the errno installing f gives (0: installed). */
static struct sf *chk_f;
static int chk_n;
static int chk(void) { return install(chk_f, chk_n, 0) ? errno : 0; }
static int check_prog(struct sf *f, int n) { chk_f = f, chk_n = n; return in_child(chk); }

static void program_checks(void)
{
    struct sf ok[] = { STMT(RET_K, RET_ALLOW) };
    struct sf noret[] = { STMT(LD_ABS, 0) };
    struct sf unaligned[] = { STMT(LD_ABS, 2), STMT(RET_K, RET_ALLOW) };
    struct sf past[] = { STMT(LD_ABS, 64), STMT(RET_K, RET_ALLOW) };
    struct sf byte[] = { STMT(0x30, 0), STMT(RET_K, RET_ALLOW) };                  /* BPF_LD|BPF_B|BPF_ABS */
    struct sf mod[] = { STMT(ALU_K(0x90), 3), STMT(RET_K, RET_ALLOW) };
    struct sf divz[] = { STMT(ALU_K(0x30), 0), STMT(RET_K, RET_ALLOW) };
    struct sf lsh[] = { STMT(ALU_K(0x60), 32), STMT(RET_K, RET_ALLOW) };
    struct sf retx[] = { STMT(0x0e, 0), STMT(RET_K, RET_ALLOW) };
    struct sf uninit[] = { STMT(LD_MEM, 3), STMT(RET_K, RET_ALLOW) };
    struct sf memidx[] = { STMT(ST, 16), STMT(RET_K, RET_ALLOW) };
    struct sf jout[] = { JUMP(JEQ_K, 0, 0, 5), STMT(RET_K, RET_ALLOW) };
    struct sf jaout[] = { STMT(0x05, 1), STMT(RET_K, RET_ALLOW) };
    /* memory written on one branch only, read after they join */
    struct sf onepath[] = { STMT(LD_ABS, 0), JUMP(JEQ_K, 1, 0, 1), STMT(ST, 2), STMT(LD_MEM, 2),
                            STMT(RET_K, RET_ALLOW) };
    struct sf bothpaths[] = { STMT(LD_ABS, 0), JUMP(JEQ_K, 1, 0, 2), STMT(ST, 2), STMT(0x05, 1), STMT(ST, 2),
                              STMT(LD_MEM, 2), STMT(RET_K, RET_ALLOW) };
    T_COVERS("SECCOMP_SET_MODE_FILTER");
    T_EQ("seccomp a one-instruction filter installs", check_prog(ok, 1), 0);
    T_EQ("seccomp a filter of length 0 -> EINVAL", check_prog(ok, 0), EINVAL);
    static struct sf big[4097];
    for (int i = 0; i < 4097; i++)
        big[i] = (struct sf)STMT(RET_K, RET_ALLOW);
    T_EQ("seccomp a filter of 4097 instructions (BPF_MAXINSNS+1) -> EINVAL", check_prog(big, 4097), EINVAL);
    T_EQ("seccomp a filter of 4096 instructions installs", check_prog(big, 4096), 0);
    T_EQ("seccomp a filter not ending in RET -> EINVAL", check_prog(noret, 1), EINVAL);
    T_EQ("seccomp BPF_ABS at an unaligned offset -> EINVAL", check_prog(unaligned, 2), EINVAL);
    T_EQ("seccomp BPF_ABS past struct seccomp_data -> EINVAL", check_prog(past, 2), EINVAL);
    T_EQ("seccomp a byte load -> EINVAL", check_prog(byte, 2), EINVAL);
    T_EQ("seccomp BPF_MOD -> EINVAL", check_prog(mod, 2), EINVAL);
    T_EQ("seccomp a division by constant 0 -> EINVAL", check_prog(divz, 2), EINVAL);
    T_EQ("seccomp a shift by 32 -> EINVAL", check_prog(lsh, 2), EINVAL);
    T_EQ("seccomp RET X -> EINVAL", check_prog(retx, 2), EINVAL);
    T_EQ("seccomp scratch memory read before written -> EINVAL", check_prog(uninit, 2), EINVAL);
    T_EQ("seccomp scratch word 16 -> EINVAL", check_prog(memidx, 2), EINVAL);
    T_EQ("seccomp a jump past the end -> EINVAL", check_prog(jout, 2), EINVAL);
    T_EQ("seccomp BPF_JA past the end -> EINVAL", check_prog(jaout, 2), EINVAL);
    T_EQ("seccomp memory written on one path only -> EINVAL", check_prog(onepath, 5), EINVAL);
    T_EQ("seccomp memory written on both paths installs", check_prog(bothpaths, 7), 0);
}

static int bad_args(void)
{
    struct fprog p = { 1, (struct sf *)KADDR };
    int r = 0;
    r |= (sc(SET_FILTER, 0, KADDR) == -1 && errno == EFAULT) << 0;
    r |= (sc(SET_FILTER, 0, &p) == -1 && errno == EFAULT) << 1;
    r |= (sc(SET_FILTER, 0x40000, &p) == -1 && errno == EINVAL) << 2;
    r |= (sc(99, 0, NULL) == -1 && errno == EINVAL) << 3;
    r |= (sc(SET_STRICT, 1, NULL) == -1 && errno == EINVAL) << 4;
    r |= (sc(SET_STRICT, 0, &p) == -1 && errno == EINVAL) << 5;
    r |= (prctl(PR_SET_SECCOMP, 7, 0, 0, 0) == -1 && errno == EINVAL) << 6;
    r |= (prctl(PR_SET_SECCOMP, MODE_FILTER, KADDR, 0, 0) == -1 && errno == EFAULT) << 7;
    return r;
}

/* Without no_new_privs and without CAP_SYS_ADMIN a filter is refused. */
static int unprivileged(void)
{
    if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
        return 100;
    int r = 0;
    r |= (on_call(SYS_getppid, RET_ERRNO | 1, 0) == -1 && errno == EACCES) << 0;
    struct sf f[] = { STMT(RET_K, RET_ALLOW) };
    struct fprog p = { 1, f };
    r |= (prctl(PR_SET_SECCOMP, MODE_FILTER, &p, 0, 0) == -1 && errno == EACCES) << 1;
    r |= (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && on_call(SYS_getppid, RET_ERRNO | 1, 0) == 0) << 2;
    return r;
}

static void nnp_child(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(unprivileged());
    int st = 0;
    waitpid(c, &st, 0);
    int r = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    T_COVERS("SECCOMP_SET_MODE_FILTER");
    T_TRUE("seccomp a filter without no_new_privs or CAP_SYS_ADMIN -> EACCES", r >= 0 && (r & 1));
    T_COVERS("prctl: PR_SET_SECCOMP SECCOMP_MODE_FILTER EACCES");
    T_TRUE("prctl PR_SET_SECCOMP filter without no_new_privs -> EACCES", r >= 0 && (r & 2));
    T_TRUE("seccomp the same after PR_SET_NO_NEW_PRIVS installs", r >= 0 && (r & 4));
}

static int errno_action(void)
{
    if (on_call(SYS_getppid, RET_ERRNO | ENOTDIR, 0))
        return 100;
    long a = syscall(SYS_getppid);
    int e = errno;
    return a == -1 && e == ENOTDIR && getpid() > 0 && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == MODE_FILTER ? 0 : 1;
}

static int errno_capped(void)
{
    if (on_call(SYS_getppid, RET_ERRNO | 0xffff, 0))
        return 100;
    return syscall(SYS_getppid) == -1 && errno == 4095 ? 0 : 1;
}

static int errno_zero(void)
{
    if (on_call(SYS_kill, RET_ERRNO | 0, 0))
        return 100;
    return syscall(SYS_kill, getpid(), SIGKILL) == 0 ? 0 : 1; /* skipped, "succeeded" */
}

/* The filter sees the arguments: umask(077) refused, any other umask allowed. */
static int args_seen(void)
{
    struct sf f[] = { STMT(LD_ABS, OFF_NR), JUMP(JEQ_K, SYS_umask, 0, 3), STMT(LD_ABS, OFF_ARG0),
                      JUMP(JEQ_K, 077, 0, 1), STMT(RET_K, RET_ERRNO | EPERM), STMT(RET_K, RET_ALLOW) };
    if (install(f, 6, 0))
        return 100;
    long a = syscall(SYS_umask, 077);
    int e = errno;
    long b = syscall(SYS_umask, 022);
    return a == -1 && e == EPERM && b >= 0 ? 0 : 1;
}

/* The arch word and the length of the data (BPF_LEN: 64): getppid fails with errno 64. */
static int arch_and_len(void)
{
    struct sf f[] = { STMT(LD_ABS, OFF_ARCH), JUMP(JEQ_K, ARCH_X86_64, 1, 0), STMT(RET_K, RET_KILL_PROCESS),
                      STMT(LD_ABS, OFF_NR), JUMP(JEQ_K, SYS_getppid, 0, 3), STMT(LD_LEN, 0),
                      STMT(ALU_K(0x40), RET_ERRNO), STMT(RET_A, 0), STMT(RET_K, RET_ALLOW) };
    if (install(f, 9, 0))
        return 100;
    return syscall(SYS_getppid) == -1 && errno == 64 ? 0 : 1;
}

/* The interpreter's arithmetic: errno = ((nr * 3 + 5) ^ 0x55) >> 1, through scratch memory and X. */
static int arithmetic(void)
{
    struct sf f[] = { STMT(LD_ABS, OFF_NR), JUMP(JEQ_K, SYS_getppid, 0, 9), STMT(ALU_K(0x20), 3),
                      STMT(ST, 5), STMT(LDX_IMM, 5), STMT(LD_MEM, 5), STMT(ALU_X(0x00), 0), STMT(ALU_K(0xa0), 0x55),
                      STMT(ALU_K(0x70), 1), STMT(ALU_K(0x40), RET_ERRNO), STMT(RET_A, 0), STMT(RET_K, RET_ALLOW) };
    if (install(f, 12, 0))
        return 100;
    long want = ((SYS_getppid * 3 + 5) ^ 0x55) >> 1;
    return syscall(SYS_getppid) == -1 && errno == want ? 0 : 1;
}

/* A division by X = 0 ends the filter with 0: SECCOMP_RET_KILL_THREAD, the only thread: SIGSYS. */
static int div_by_x_zero(void)
{
    struct sf f[] = { STMT(LD_ABS, OFF_NR), JUMP(JEQ_K, SYS_getppid, 0, 3), STMT(LDX_IMM, 0), STMT(ALU_X(0x30), 0),
                      STMT(RET_K, RET_ERRNO | 1), STMT(RET_K, RET_ALLOW) };
    if (install(f, 6, 0))
        return 100;
    syscall(SYS_getppid);
    return 0;
}

static int kill_process(void) { return on_call(SYS_getppid, RET_KILL_PROCESS, 0) ? 100 : (syscall(SYS_getppid), 0); }
static int kill_thread(void) { return on_call(SYS_getppid, RET_KILL_THREAD, 0) ? 100 : (syscall(SYS_getppid), 0); }
static int unknown_action(void) { return on_call(SYS_getppid, 0x12340000, 0) ? 100 : (syscall(SYS_getppid), 0); }

static int trace_action(void)
{
    if (on_call(SYS_getppid, RET_TRACE | 7, 0))
        return 100;
    return syscall(SYS_getppid) == -1 && errno == ENOSYS ? 0 : 1;
}

static int log_action(void)
{
    if (on_call(SYS_getppid, RET_LOG, FLAG_LOG))
        return 100;
    return syscall(SYS_getppid) == getppid() && syscall(SYS_getppid) > 0 ? 0 : 1;
}

static volatile int t_code, t_call, t_errno, t_rax_is_nr;
static volatile unsigned t_arch;
static volatile void *t_addr;

static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    t_code = si->si_code;
    t_errno = si->si_errno;
    /* si_call_addr, si_syscall and si_arch: the _sigsys member of the union, at offsets 16, 24 and 28 */
    memcpy((void *)&t_addr, (char *)si + 16, 8);
    memcpy((void *)&t_call, (char *)si + 24, 4);
    memcpy((void *)&t_arch, (char *)si + 28, 4);
    t_rax_is_nr = uc->uc_mcontext.gregs[REG_RAX] == SYS_getppid;
    uc->uc_mcontext.gregs[REG_RAX] = -ENOTSUP; /* what the interrupted call returns */
}

static int trap_action(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    if (on_call(SYS_getppid, RET_TRAP | 0x42, 0))
        return 100;
    long r = syscall(SYS_getppid);
    int e = errno;
    int bits = 0;
    bits |= (t_code == 1) << 0; /* SYS_SECCOMP */
    bits |= (t_call == SYS_getppid) << 1;
    bits |= (t_arch == ARCH_X86_64) << 2;
    bits |= (t_errno == 0x42) << 3;
    bits |= (t_addr != NULL) << 4;
    bits |= (t_rax_is_nr) << 5;
    bits |= (r == -1 && e == ENOTSUP) << 6;
    return bits;
}

static int trap_blocked(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGSYS);
    sigprocmask(SIG_BLOCK, &s, NULL);
    if (on_call(SYS_getppid, RET_TRAP, 0))
        return 100;
    syscall(SYS_getppid);
    return 0;
}

/* Two filters: the most restrictive action wins; between equal actions, the newer filter's data. */
static int precedence(void)
{
    if (on_call(SYS_getppid, RET_ERRNO | EPERM, 0) || on_call(SYS_getppid, RET_ALLOW, 0))
        return 100;
    long a = syscall(SYS_getppid);
    int ea = errno;
    if (on_call(SYS_getppid, RET_ERRNO | ENOENT, 0))
        return 101;
    long b = syscall(SYS_getppid);
    int eb = errno;
    if (on_call(SYS_getppid, RET_TRAP, 0) || on_call(SYS_getppid, RET_KILL_PROCESS, 0))
        return 102;
    return a == -1 && ea == EPERM && b == -1 && eb == ENOENT ? (syscall(SYS_getppid), 3) : 1;
}

static int forked_inherit(void)
{
    if (on_call(SYS_getppid, RET_ERRNO | EXDEV, 0))
        return 100;
    pid_t c = fork();
    if (c == 0)
        _exit(syscall(SYS_getppid) == -1 && errno == EXDEV ? 0 : 1);
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

static const char *self_exe;

static int exec_inherit(void)
{
    if (on_call(SYS_getppid, RET_ERRNO | EXDEV, 0) || on_call(SYS_getpgid, RET_ERRNO | EMLINK, 0))
        return 100;
    execl(self_exe, self_exe, "after-exec", (char *)NULL);
    return 101;
}

static int after_exec(void)
{
    char st[4096];
    int ok = syscall(SYS_getppid) == -1 && errno == EXDEV;
    ok &= prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == MODE_FILTER;
    ok &= tap_read_file("/proc/self/status", st, sizeof st) > 0 && strstr(st, "\nSeccomp:\t2\n") &&
          strstr(st, "\nSeccomp_filters:\t2\n") && strstr(st, "\nNoNewPrivs:\t1\n");
    return ok ? 0 : 1;
}

static int strict_mode(void)
{
    if (prctl(PR_SET_SECCOMP, MODE_STRICT, 0, 0, 0))
        return 100;
    if (write(1, "", 0) != 0)
        return 101;
    syscall(SYS_exit, 42); /* _exit would call exit_group: not allowed */
    return 102;
}

static int strict_refuses(void)
{
    if (sc(SET_STRICT, 0, NULL))
        return 100;
    syscall(SYS_getpid);
    syscall(SYS_exit, 43);
    return 101;
}

static int filter_then_strict(void)
{
    if (on_call(SYS_getppid, RET_ERRNO | 1, 0))
        return 100;
    return sc(SET_STRICT, 0, NULL) == -1 && errno == EINVAL && prctl(PR_SET_SECCOMP, MODE_STRICT, 0, 0, 0) == -1 &&
           errno == EINVAL ? 0 : 1;
}

/* 7 filters of 4096 instructions fit in 32768 counting 4 per filter; an 8th does not. (Loads, not returns: Linux
 * counts the instructions of the program it translates a filter into, and a load stays one instruction.) */
static int path_limit(void)
{
    static struct sf big[4096];
    for (int i = 0; i < 4095; i++)
        big[i] = (struct sf)STMT(LD_ABS, OFF_NR);
    big[4095] = (struct sf)STMT(RET_K, RET_ALLOW);
    for (int i = 0; i < 7; i++)
        if (install(big, 4096, 0))
            return 100 + i;
    if (install(big, 4096, 0) != -1 || errno != ENOMEM)
        return 1;
    return install(&big[4095], 1, 0) == 0 ? 0 : 2;
}

static volatile int go, res;

static void *filtered_thread(void *arg)
{
    (void)arg;
    while (!go)
        usleep(1000);
    res = syscall(SYS_getppid) == -1 ? errno : 0;
    return NULL;
}

static int tsync(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, filtered_thread, NULL))
        return 100;
    if (on_call(SYS_getppid, RET_ERRNO | ENOLCK, FLAG_TSYNC))
        return 101;
    go = 1;
    pthread_join(t, NULL);
    return res == ENOLCK ? 0 : 1;
}

static int no_tsync(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, filtered_thread, NULL))
        return 100;
    if (on_call(SYS_getppid, RET_ERRNO | ENOLCK, 0))
        return 101;
    go = 1;
    pthread_join(t, NULL);
    return res == 0 ? 0 : 1;
}

static volatile int other_tid, stage;

static void *own_filter_thread(void *arg)
{
    (void)arg;
    other_tid = (int)syscall(SYS_gettid);
    on_call(SYS_getpgid, RET_ERRNO | EPERM, 0);
    stage = 1;
    while (stage != 2)
        usleep(1000);
    return NULL;
}

/* A thread with a filter of its own cannot be synced: TSYNC returns its tid, TSYNC_ESRCH gives ESRCH. */
static int tsync_conflict(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, own_filter_thread, NULL))
        return 100;
    while (stage != 1)
        usleep(1000);
    long a = on_call(SYS_getppid, RET_ERRNO | 1, FLAG_TSYNC);
    long b = on_call(SYS_getppid, RET_ERRNO | 1, FLAG_TSYNC | FLAG_TSYNC_ESRCH);
    int eb = errno;
    stage = 2;
    pthread_join(t, NULL);
    return (a == other_tid ? 1 : 0) | (b == -1 && eb == ESRCH ? 2 : 0);
}

static void *killed_thread(void *arg)
{
    (void)arg;
    syscall(SYS_getppid);
    return (void *)1;
}

static int threads_now(void)
{
    char st[4096];
    const char *t = tap_read_file("/proc/self/status", st, sizeof st) > 0 ? strstr(st, "\nThreads:\t") : NULL;
    return t ? atoi(t + 10) : -1;
}

/* KILL_THREAD in a process with two threads ends only the caller (watched in /proc: musl's pthread_join would
 * wait for an exit the thread never made). */
static int kill_one_thread(void)
{
    if (on_call(SYS_getppid, RET_KILL_THREAD, 0))
        return 100;
    pthread_t t;
    if (pthread_create(&t, NULL, killed_thread, NULL))
        return 101;
    for (int i = 0; i < 5000 && threads_now() != 1; i++)
        usleep(1000);
    return threads_now() == 1 ? 0 : 1;
}

static int action_avail(void)
{
    unsigned acts[] = { RET_KILL_PROCESS, RET_KILL_THREAD, RET_TRAP, RET_ERRNO, RET_TRACE, RET_LOG, RET_ALLOW };
    int r = 0;
    for (unsigned i = 0; i < sizeof acts / sizeof *acts; i++)
        r |= (sc(ACTION_AVAIL, 0, &acts[i]) == 0) << i;
    return r;
}

static void action_checks(void)
{
    T_COVERS("SECCOMP_SET_MODE_FILTER");
    T_EQ("seccomp SECCOMP_RET_ERRNO: the call fails with its errno, others run", in_child(errno_action), 0);
    T_EQ("seccomp SECCOMP_RET_ERRNO above 4095 is 4095", in_child(errno_capped), 0);
    T_EQ("seccomp SECCOMP_RET_ERRNO 0: the call is skipped and returns 0", in_child(errno_zero), 0);
    T_EQ("seccomp the filter sees the arguments", in_child(args_seen), 0);
    T_EQ("seccomp the filter sees the arch; BPF_LEN is 64", in_child(arch_and_len), 0);
    T_EQ("seccomp ALU, scratch memory and X compute as classic BPF", in_child(arithmetic), 0);
    T_EQ("seccomp a division by X = 0 returns 0 (kill): SIGSYS", in_child(div_by_x_zero), 1000 + SIGSYS);
    T_EQ("seccomp SECCOMP_RET_KILL_PROCESS: SIGSYS", in_child(kill_process), 1000 + SIGSYS);
    T_EQ("seccomp SECCOMP_RET_KILL_THREAD of the only thread: SIGSYS", in_child(kill_thread), 1000 + SIGSYS);
    T_EQ("seccomp an unknown action kills the process: SIGSYS", in_child(unknown_action), 1000 + SIGSYS);
    T_EQ("seccomp SECCOMP_RET_KILL_THREAD with two threads ends only the caller", in_child(kill_one_thread), 0);
    T_EQ("seccomp SECCOMP_RET_TRACE without a tracer -> ENOSYS", in_child(trace_action), 0);
    T_COVERS("SECCOMP_FILTER_FLAG_LOG");
    T_EQ("seccomp SECCOMP_RET_LOG runs the call", in_child(log_action), 0);
    T_EQ("seccomp SECCOMP_RET_TRAP: SIGSYS with SYS_SECCOMP, the call, arch, data, address, rax", in_child(trap_action),
         127);
    T_EQ("seccomp SECCOMP_RET_TRAP with SIGSYS blocked kills: SIGSYS", in_child(trap_blocked), 1000 + SIGSYS);
    T_EQ("seccomp the most restrictive of two filters wins, then the newest", in_child(precedence), 1000 + SIGSYS);
    T_EQ("seccomp a fork child has the filter", in_child(forked_inherit), 0);
    T_EQ("seccomp filters survive execve (and /proc/self/status says so)", in_child(exec_inherit), 0);
    T_COVERS("SECCOMP_FILTER_FLAG_TSYNC");
    T_EQ("seccomp TSYNC gives the filter to the other threads", in_child(tsync), 0);
    T_EQ("seccomp without TSYNC other threads are not filtered", in_child(no_tsync), 0);
    T_COVERS("SECCOMP_FILTER_FLAG_TSYNC ESRCH");
    T_EQ("seccomp TSYNC with a thread of other filters: its tid; with TSYNC_ESRCH -> ESRCH", in_child(tsync_conflict),
         3);
    T_COVERS("SECCOMP_SET_MODE_FILTER");
    T_EQ("seccomp past 32768 instructions on the path -> ENOMEM", in_child(path_limit), 0);
    T_COVERS("prctl: PR_SET_SECCOMP SECCOMP_MODE_STRICT");
    T_EQ("prctl PR_SET_SECCOMP strict: write and _exit still work", in_child(strict_mode), 42);
    T_COVERS("SECCOMP_SET_MODE_STRICT");
    T_EQ("seccomp strict mode: any other call is SIGKILL", in_child(strict_refuses), 1000 + SIGKILL);
    T_COVERS("SECCOMP_SET_MODE_STRICT");
    T_EQ("seccomp strict after a filter -> EINVAL", in_child(filter_then_strict), 0);
    T_COVERS("SECCOMP_GET_ACTION_AVAIL");
    T_EQ("seccomp SECCOMP_GET_ACTION_AVAIL: the seven actions", in_child(action_avail), 127);
    unsigned bogus = 0x12340000;
    T_COVERS("SECCOMP_GET_ACTION_AVAIL");
    T_ERR("seccomp SECCOMP_GET_ACTION_AVAIL of an unknown action", sc(ACTION_AVAIL, 0, &bogus), EOPNOTSUPP);
    T_ERR("seccomp SECCOMP_GET_ACTION_AVAIL with flags", sc(ACTION_AVAIL, 1, &bogus), EINVAL);
    T_ERR("seccomp SECCOMP_GET_ACTION_AVAIL at a bad address", sc(ACTION_AVAIL, 0, KADDR), EFAULT);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "after-exec"))
        return after_exec();
    static char exe[4096];
    long n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    self_exe = exe;
    setvbuf(stdout, NULL, _IOLBF, 0);
    program_checks();
    int r = in_child(bad_args);
    T_TRUE("seccomp args at a bad address -> EFAULT", r >= 0 && r < 1000 && (r & 1));
    T_TRUE("seccomp a filter program at a bad address -> EFAULT", r >= 0 && r < 1000 && (r & 2));
    T_TRUE("seccomp unknown flags -> EINVAL", r >= 0 && r < 1000 && (r & 4));
    T_TRUE("seccomp an unknown operation -> EINVAL", r >= 0 && r < 1000 && (r & 8));
    T_COVERS("SECCOMP_SET_MODE_STRICT");
    T_TRUE("seccomp SECCOMP_SET_MODE_STRICT with flags -> EINVAL", r >= 0 && r < 1000 && (r & 16));
    T_COVERS("SECCOMP_SET_MODE_STRICT");
    T_TRUE("seccomp SECCOMP_SET_MODE_STRICT with args -> EINVAL", r >= 0 && r < 1000 && (r & 32));
    T_TRUE("prctl PR_SET_SECCOMP of an unknown mode -> EINVAL", r >= 0 && r < 1000 && (r & 64));
    T_TRUE("prctl PR_SET_SECCOMP filter at a bad address -> EFAULT", r >= 0 && r < 1000 && (r & 128));
    nnp_child();
    action_checks();
    return tap_done();
}
