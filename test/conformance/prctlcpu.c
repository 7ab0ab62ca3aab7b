/* test/conformance/prctlcpu.c — prctl(2)'s CPU and machine options: PR_GET/SET_TSC (rdtsc faults with SIGSEGV,
 * inherited by fork), the speculation controls (checked for consistency with what the CPU reports, not for one
 * CPU's answer), PR_MCE_KILL/PR_MCE_KILL_GET, PR_SET/GET_IO_FLUSHER (without CAP_SYS_RESOURCE), perf events,
 * PR_SET_PTRACER, syscall user dispatch (SIGSYS with SYS_USER_DISPATCH, the selector, the region, fork), and the
 * options of other architectures, which x86_64 refuses. */
/* covers: prctl */
#include "tap.h"
#include <signal.h>
#include <stdint.h>
#include <ucontext.h>
#include <sys/prctl.h>

#define P_GET_UNALIGN 5
#define P_SET_UNALIGN 6
#define P_GET_FPEMU 9
#define P_SET_FPEMU 10
#define P_GET_FPEXC 11
#define P_SET_FPEXC 12
#define P_GET_ENDIAN 19
#define P_SET_ENDIAN 20
#define P_GET_TSC 25
#define P_SET_TSC 26
#define P_PERF_DISABLE 31
#define P_PERF_ENABLE 32
#define P_MCE_KILL 33
#define P_MCE_KILL_GET 34
#define P_MPX_ENABLE 43
#define P_MPX_DISABLE 44
#define P_SET_FP_MODE 45
#define P_GET_FP_MODE 46
#define P_SVE_SET_VL 50
#define P_SVE_GET_VL 51
#define P_GET_SPEC 52
#define P_SET_SPEC 53
#define P_PAC_RESET_KEYS 54
#define P_SET_TAGGED 55
#define P_GET_TAGGED 56
#define P_SET_IO_FLUSHER 57
#define P_GET_IO_FLUSHER 58
#define P_SET_SUD 59
#define P_SET_PTRACER 0x59616d61

static long pr(long o, unsigned long a, unsigned long b, unsigned long c, unsigned long d)
{
    return syscall(SYS_prctl, o, a, b, c, d);
}

static void other_arch(void)
{
    static const struct { long opt; const char *name; unsigned long a; } o[] = {
        { P_GET_UNALIGN, "PR_GET_UNALIGN", 0 }, { P_SET_UNALIGN, "PR_SET_UNALIGN", 1 },
        { P_GET_FPEMU, "PR_GET_FPEMU", 0 }, { P_SET_FPEMU, "PR_SET_FPEMU", 1 },
        { P_GET_FPEXC, "PR_GET_FPEXC", 0 }, { P_SET_FPEXC, "PR_SET_FPEXC", 0 },
        { P_GET_ENDIAN, "PR_GET_ENDIAN", 0 }, { P_SET_ENDIAN, "PR_SET_ENDIAN", 0 },
        { P_MPX_ENABLE, "PR_MPX_ENABLE_MANAGEMENT", 0 }, { P_MPX_DISABLE, "PR_MPX_DISABLE_MANAGEMENT", 0 },
        { P_SET_FP_MODE, "PR_SET_FP_MODE PR_FP_MODE_FR", 1 }, { P_SET_FP_MODE, "PR_SET_FP_MODE PR_FP_MODE_FRE", 2 },
        { P_GET_FP_MODE, "PR_GET_FP_MODE", 0 }, { P_SVE_SET_VL, "PR_SVE_SET_VL PR_SVE_SET_VL_ONEXEC", 1ul << 18 },
        { P_SVE_SET_VL, "PR_SVE_SET_VL PR_SVE_VL_INHERIT", 1ul << 17 }, { P_SVE_GET_VL, "PR_SVE_GET_VL", 0 },
        { P_PAC_RESET_KEYS, "PR_PAC_RESET_KEYS PR_PAC_APIAKEY", 1 },
        { P_PAC_RESET_KEYS, "PR_PAC_RESET_KEYS PR_PAC_APIBKEY", 2 },
        { P_PAC_RESET_KEYS, "PR_PAC_RESET_KEYS PR_PAC_APDAKEY", 4 },
        { P_PAC_RESET_KEYS, "PR_PAC_RESET_KEYS PR_PAC_APDBKEY", 8 },
        { P_PAC_RESET_KEYS, "PR_PAC_RESET_KEYS PR_PAC_APGAKEY", 16 },
        { P_SET_TAGGED, "PR_SET_TAGGED_ADDR_CTRL PR_TAGGED_ADDR_ENABLE", 1 },
        { P_GET_TAGGED, "PR_GET_TAGGED_ADDR_CTRL", 0 },
    };
    char name[160];
    for (unsigned i = 0; i < sizeof o / sizeof *o; i++) {
        snprintf(name, sizeof name, "prctl %s (another architecture's)", o[i].name);
        T_ERR(name, pr(o[i].opt, o[i].a, 0, 0, 0), EINVAL);
    }
}

/* Whether rdtsc then faults is not checked here: on this suite's host (itself a VM) it does not, though CR4.TSD is
 * set; test/guest checks skiff's SIGSEGV. */
static int tsc_child(void)
{
    int v = 0, r = 0;
    r |= (pr(P_SET_TSC, 2, 0, 0, 0) == 0) << 0;                          /* PR_TSC_SIGSEGV */
    r |= (pr(P_GET_TSC, (unsigned long)&v, 0, 0, 0) == 0 && v == 2) << 1;
    pid_t c = fork();
    if (c == 0) {
        v = 0;
        _exit(pr(P_GET_TSC, (unsigned long)&v, 0, 0, 0) == 0 && v == 2);
    }
    int st = 0;
    waitpid(c, &st, 0);
    r |= (WIFEXITED(st) && WEXITSTATUS(st) == 1) << 2;
    r |= (pr(P_SET_TSC, 1, 0, 0, 0) == 0 && pr(P_GET_TSC, (unsigned long)&v, 0, 0, 0) == 0 && v == 1) << 3;
    return r;
}

static void tsc(void)
{
    int v = 0;
    T_COVERS("PR_TSC_ENABLE");
    T_OK("prctl PR_GET_TSC", pr(P_GET_TSC, (unsigned long)&v, 0, 0, 0), 0);
    T_EQ("prctl PR_GET_TSC: enabled", v, 1);
    T_ERR("prctl PR_GET_TSC to a bad address", pr(P_GET_TSC, (unsigned long)KADDR, 0, 0, 0), EFAULT);
    T_ERR("prctl PR_SET_TSC 3", pr(P_SET_TSC, 3, 0, 0, 0), EINVAL);
    T_ERR("prctl PR_SET_TSC 0", pr(P_SET_TSC, 0, 0, 0, 0), EINVAL);
    T_OK("prctl PR_SET_TSC PR_TSC_ENABLE", pr(P_SET_TSC, 1, 0, 0, 0), 0);
    int r = tap_child(tsc_child);
    T_COVERS("PR_TSC_SIGSEGV");
    T_EQ("prctl PR_SET_TSC SIGSEGV: get says so, a fork child inherits it, ENABLE undoes", r, 15);
}

static void speculation(void)
{
    long ssb = pr(P_GET_SPEC, 0, 0, 0, 0), ib = pr(P_GET_SPEC, 1, 0, 0, 0), l1d = pr(P_GET_SPEC, 2, 0, 0, 0);
    T_COVERS("PR_SPEC_STORE_BYPASS");
    T_TRUE("prctl PR_GET_SPECULATION_CTRL store bypass: a valid state", ssb >= 0 && (ssb & ~0x1fl) == 0);
    T_COVERS("PR_SPEC_INDIRECT_BRANCH");
    T_TRUE("prctl PR_GET_SPECULATION_CTRL indirect branch: a valid state", ib >= 0 && (ib & ~0x1fl) == 0);
    T_TRUE("prctl PR_GET_SPECULATION_CTRL L1D flush: a valid state", l1d >= 0 && (l1d & ~0x1fl) == 0);
    T_ERR("prctl PR_GET_SPECULATION_CTRL of an unknown misfeature", pr(P_GET_SPEC, 3, 0, 0, 0), ENODEV);
    T_ERR("prctl PR_SET_SPECULATION_CTRL of an unknown misfeature", pr(P_SET_SPEC, 3, 4, 0, 0), ENODEV);
    T_ERR("prctl PR_GET_SPECULATION_CTRL with a stray argument", pr(P_GET_SPEC, 0, 1, 0, 0), EINVAL);
    T_ERR("prctl PR_SET_SPECULATION_CTRL with a stray argument", pr(P_SET_SPEC, 0, 4, 1, 0), EINVAL);
    /* without PR_SPEC_PRCTL in its state, a misfeature's control is not the program's */
    if (!(ssb & 1)) {
        T_COVERS("PR_SPEC_STORE_BYPASS PR_SPEC_DISABLE PR_SPEC_PRCTL");
        T_ERR("prctl PR_SET_SPECULATION_CTRL store bypass without prctl control", pr(P_SET_SPEC, 0, 4, 0, 0), ENXIO);
        T_COVERS("PR_SPEC_STORE_BYPASS PR_SPEC_DISABLE_NOEXEC");
        T_ERR("prctl PR_SET_SPECULATION_CTRL store bypass disable-noexec without prctl control",
              pr(P_SET_SPEC, 0, 16, 0, 0), ENXIO);
    } else {
        T_SKIP("prctl PR_SET_SPECULATION_CTRL store bypass without prctl control", "this CPU lets programs control it");
        T_SKIP("prctl PR_SET_SPECULATION_CTRL store bypass disable-noexec", "this CPU lets programs control it");
    }
    if (ib == 2) { /* enabled and not controllable: enabling is a no-op, disabling is refused */
        T_COVERS("PR_SPEC_INDIRECT_BRANCH PR_SPEC_ENABLE");
        T_OK("prctl PR_SET_SPECULATION_CTRL indirect branch enable when always enabled", pr(P_SET_SPEC, 1, 2, 0, 0), 0);
        T_COVERS("PR_SPEC_INDIRECT_BRANCH PR_SPEC_FORCE_DISABLE");
        T_ERR("prctl PR_SET_SPECULATION_CTRL indirect branch force-disable when always enabled",
              pr(P_SET_SPEC, 1, 8, 0, 0), EPERM);
        T_ERR("prctl PR_SET_SPECULATION_CTRL indirect branch with a value out of range", pr(P_SET_SPEC, 1, 64, 0, 0),
              ERANGE);
    } else {
        T_SKIP("prctl PR_SET_SPECULATION_CTRL indirect branch enable", "not the always-enabled case");
        T_SKIP("prctl PR_SET_SPECULATION_CTRL indirect branch force-disable", "not the always-enabled case");
        T_SKIP("prctl PR_SET_SPECULATION_CTRL indirect branch out of range", "not the always-enabled case");
    }
    char st[4096];
    const char *line = tap_read_file("/proc/self/status", st, sizeof st) > 0 ? strstr(st, "\nSpeculation_Store_Bypass:\t")
                                                                            : NULL;
    T_TRUE("prctl PR_GET_SPECULATION_CTRL store bypass agrees with /proc/self/status",
           line && (ssb == 2) == !strncmp(line + 27, "vulnerable\n", 11));
}

static void mce(void)
{
    T_COVERS("PR_MCE_KILL_GET");
    T_OK("prctl PR_MCE_KILL_GET: the default", pr(P_MCE_KILL_GET, 0, 0, 0, 0), 2);
    T_OK("prctl PR_MCE_KILL set early", pr(P_MCE_KILL, 1, 1, 0, 0), 0);
    T_OK("prctl PR_MCE_KILL_GET: early", pr(P_MCE_KILL_GET, 0, 0, 0, 0), 1);
    T_OK("prctl PR_MCE_KILL set late", pr(P_MCE_KILL, 1, 0, 0, 0), 0);
    T_OK("prctl PR_MCE_KILL_GET: late", pr(P_MCE_KILL_GET, 0, 0, 0, 0), 0);
    T_ERR("prctl PR_MCE_KILL set an unknown policy", pr(P_MCE_KILL, 1, 3, 0, 0), EINVAL);
    T_OK("prctl PR_MCE_KILL_GET after the refused set", pr(P_MCE_KILL_GET, 0, 0, 0, 0), 0);
    T_OK("prctl PR_MCE_KILL set default", pr(P_MCE_KILL, 1, 2, 0, 0), 0);
    T_OK("prctl PR_MCE_KILL_GET: default again", pr(P_MCE_KILL_GET, 0, 0, 0, 0), 2);
    T_OK("prctl PR_MCE_KILL clear", pr(P_MCE_KILL, 0, 0, 0, 0), 0);
    T_ERR("prctl PR_MCE_KILL clear with a policy", pr(P_MCE_KILL, 0, 1, 0, 0), EINVAL);
    T_ERR("prctl PR_MCE_KILL an unknown command", pr(P_MCE_KILL, 2, 0, 0, 0), EINVAL);
    T_ERR("prctl PR_MCE_KILL with a stray argument", pr(P_MCE_KILL, 1, 0, 1, 0), EINVAL);
    T_ERR("prctl PR_MCE_KILL_GET with a stray argument", pr(P_MCE_KILL_GET, 1, 0, 0, 0), EINVAL);
}

/* Without CAP_SYS_RESOURCE (dropped from the effective set) the I/O flusher flag is out of reach. */
static int io_flusher_child(void)
{
    struct { uint32_t version; int pid; } h = { 0x20080522, 0 };
    struct { uint32_t eff, prm, inh; } d[2];
    if (syscall(SYS_capget, &h, d))
        return 100;
    d[0].eff &= ~(1u << 24);
    if (syscall(SYS_capset, &h, d))
        return 101;
    int r = 0;
    r |= (pr(P_SET_IO_FLUSHER, 1, 0, 0, 0) == -1 && errno == EPERM) << 0;
    r |= (pr(P_GET_IO_FLUSHER, 0, 0, 0, 0) == -1 && errno == EPERM) << 1;
    return r;
}

static void misc(void)
{
    T_OK("prctl PR_TASK_PERF_EVENTS_DISABLE", pr(P_PERF_DISABLE, 0, 0, 0, 0), 0);
    T_OK("prctl PR_TASK_PERF_EVENTS_ENABLE", pr(P_PERF_ENABLE, 0, 0, 0, 0), 0);
    int r = tap_child(io_flusher_child);
    T_TRUE("prctl PR_SET_IO_FLUSHER without CAP_SYS_RESOURCE -> EPERM", r >= 0 && r < 100 && (r & 1));
    T_TRUE("prctl PR_GET_IO_FLUSHER without CAP_SYS_RESOURCE -> EPERM", r >= 0 && r < 100 && (r & 2));
    T_ERR("prctl PR_SET_PTRACER (Yama) with a pid that does not exist", pr(P_SET_PTRACER, 999999, 0, 0, 0), EINVAL);
}

/* Syscall user dispatch: the selector byte and what the handler saw. */
static volatile char selector;
static volatile int sud_code, sud_call, sud_errno, sud_rax_nr;
static volatile unsigned sud_arch;

static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    ucontext_t *uc = ucv;
    selector = 0; /* ALLOW: the handler's own calls (and its return) must run */
    sud_code = si->si_code;
    sud_errno = si->si_errno;
    memcpy((void *)&sud_call, (char *)si + 24, 4);
    memcpy((void *)&sud_arch, (char *)si + 28, 4);
    sud_rax_nr = uc->uc_mcontext.gregs[REG_RAX] == SYS_getppid;
    uc->uc_mcontext.gregs[REG_RAX] = 4242; /* the "emulated" call's result */
}

static long raw_getppid_in_region(unsigned long *after)
{
    long r;
    __asm__ volatile("lea 1f(%%rip), %%rcx\n\tmov %%rcx, (%2)\n\tmov %1, %%eax\n\tsyscall\n1:"
                     : "=a"(r) : "i"(SYS_getppid), "r"(after) : "rcx", "r11", "memory");
    return r;
}

static int sud_child(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &sa, NULL);
    unsigned long after = 0;
    raw_getppid_in_region(&after); /* learns where its syscall returns to */
    int r = 0;
    selector = 0;
    if (pr(P_SET_SUD, 1, after, 1, (unsigned long)&selector))
        return 100;
    r |= (syscall(SYS_getppid) == getppid()) << 0; /* ALLOW */
    selector = 1;                                    /* BLOCK */
    long v = syscall(SYS_getppid);
    r |= (v == 4242 && sud_code == 2 && sud_call == SYS_getppid && sud_arch == 0xc000003e && sud_errno == 0) << 1;
    r |= sud_rax_nr << 2;
    selector = 1;
    r |= (raw_getppid_in_region(&after) > 0) << 3; /* from inside the region: runs */
    selector = 0;
    pid_t c = fork();
    if (c == 0) {
        selector = 1; /* the child does not inherit the dispatch: this blocks nothing */
        _exit(syscall(SYS_getppid) > 0 ? 0 : 1);
    }
    int st = 0;
    waitpid(c, &st, 0);
    r |= (WIFEXITED(st) && WEXITSTATUS(st) == 0) << 4;
    r |= (pr(P_SET_SUD, 0, 0, 0, 0) == 0) << 5;
    selector = 1;
    r |= (syscall(SYS_getppid) == getppid()) << 6; /* off */
    return r;
}

static int sud_bad_selector(void)
{
    selector = 7;
    if (pr(P_SET_SUD, 1, 0, 0, (unsigned long)&selector))
        return 100;
    syscall(SYS_getppid);
    return 0;
}

static void sud(void)
{
    T_COVERS("PR_SET_SYSCALL_USER_DISPATCH");
    T_OK("prctl PR_SET_SYSCALL_USER_DISPATCH off", pr(P_SET_SUD, 0, 0, 0, 0), 0);
    T_ERR("prctl PR_SET_SYSCALL_USER_DISPATCH off with a region", pr(P_SET_SUD, 0, 0, 1, 0), EINVAL);
    T_ERR("prctl PR_SET_SYSCALL_USER_DISPATCH an unknown mode", pr(P_SET_SUD, 3, 0, 0, 0), EINVAL);
    T_ERR("prctl PR_SET_SYSCALL_USER_DISPATCH on, a region that wraps", pr(P_SET_SUD, 1, ~0ul - 10, 100, 0), EINVAL);
    T_ERR("prctl PR_SET_SYSCALL_USER_DISPATCH on, a kernel selector", pr(P_SET_SUD, 1, 0, 0, (unsigned long)KADDR),
          EFAULT);
    int r = tap_child(sud_child);
    T_COVERS("PR_SET_SYSCALL_USER_DISPATCH");
    T_EQ("prctl PR_SET_SYSCALL_USER_DISPATCH: ALLOW runs, BLOCK is SIGSYS (SYS_USER_DISPATCH), the region runs, "
         "fork does not inherit, off", r, 127);
    T_COVERS("PR_SET_SYSCALL_USER_DISPATCH");
    T_EQ("prctl PR_SET_SYSCALL_USER_DISPATCH: a selector neither ALLOW nor BLOCK kills with SIGSYS",
         tap_child(sud_bad_selector), 1000 + SIGSYS);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    other_arch();
    tsc();
    speculation();
    mce();
    misc();
    sud();
    return tap_done();
}
