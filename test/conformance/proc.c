/* test/conformance/proc.c — identity (getpid getppid gettid get[e]uid get[e]gid), limits (prlimit64
 * getrlimit setrlimit), umask, arch_prctl, sched_getaffinity, sched_yield, set_tid_address, set_robust_list,
 * and exit_group (every program ends with it: the runner checks the status). Pids and default limits are
 * host-dependent: only their relations are checked. The suite runs as root on both sides. */
/* covers: exit getpid getppid gettid getuid geteuid getgid getegid prlimit64 getrlimit setrlimit umask arch_prctl sched_getaffinity sched_yield set_tid_address set_robust_list exit_group futex */
#include "tap.h"
#include <sys/resource.h>
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012
#include <stdint.h>

int main(void)
{
    tap_scratch("proc");
    long pid = SYS(SYS_getpid);
    T_TRUE("getpid is positive", pid > 0);
    T_OK("getpid is stable", SYS(SYS_getpid), pid);
    T_OK("gettid equals getpid in a single-threaded process", SYS(SYS_gettid), pid);
    T_TRUE("getppid is not negative and not ours", SYS(SYS_getppid) >= 0 && SYS(SYS_getppid) != pid);
    T_OK("getuid is root", SYS(SYS_getuid), 0);
    T_OK("geteuid is root", SYS(SYS_geteuid), 0);
    T_OK("getgid is root", SYS(SYS_getgid), 0);
    T_OK("getegid is root", SYS(SYS_getegid), 0);
    T_OK("set_tid_address returns the tid", SYS(SYS_set_tid_address, NULL), pid);
    T_OK("set_robust_list with the right size", SYS(SYS_set_robust_list, NULL, 24), 0);
    T_ERR("set_robust_list with a wrong size", SYS(SYS_set_robust_list, NULL, 23), EINVAL);

    /* umask */
    long old = SYS(SYS_umask, 027);
    T_TRUE("umask returns the previous mask", old >= 0 && old <= 0777);
    T_OK("umask returns what was set", SYS(SYS_umask, 0), 027);
    T_OK("umask keeps only 0777", (SYS(SYS_umask, 017777), SYS(SYS_umask, 022)), 0777);
    SYS(SYS_umask, 077);
    int fd = open("u", O_CREAT | O_RDWR, 0666);
    struct stat st;
    fstat(fd, &st);
    T_EQ("umask applies to open O_CREAT", st.st_mode & 0777, 0600);
    close(fd);
    SYS(SYS_umask, 022);

    /* limits */
    struct rlimit rl, rl2;
    T_OK("getrlimit RLIMIT_NOFILE", SYS(SYS_getrlimit, RLIMIT_NOFILE, &rl), 0);
    T_TRUE("getrlimit RLIMIT_NOFILE: cur <= max, at least 64", rl.rlim_cur <= rl.rlim_max && rl.rlim_cur >= 64);
    T_OK("getrlimit RLIMIT_STACK", SYS(SYS_getrlimit, RLIMIT_STACK, &rl2), 0);
    T_TRUE("getrlimit RLIMIT_STACK: at least 128 KiB", rl2.rlim_cur >= 128 * 1024 && rl2.rlim_cur <= rl2.rlim_max);
    T_ERR("getrlimit resource 16", SYS(SYS_getrlimit, 16, &rl), EINVAL);
    T_ERR("getrlimit resource -1", SYS(SYS_getrlimit, -1, &rl), EINVAL);
    T_ERR("getrlimit into a kernel address", SYS(SYS_getrlimit, RLIMIT_NOFILE, KADDR), EFAULT);
    struct rlimit want = { 100, 200 };
    T_OK("setrlimit RLIMIT_NOFILE {100, 200}", SYS(SYS_setrlimit, RLIMIT_NOFILE, &want), 0);
    SYS(SYS_getrlimit, RLIMIT_NOFILE, &rl);
    T_TRUE("setrlimit: getrlimit reads it back", rl.rlim_cur == 100 && rl.rlim_max == 200);
    T_ERR("setrlimit RLIMIT_NOFILE: dup2 to fd 100 is refused", SYS(SYS_dup2, 0, 100), EBADF);
    T_ERR("setrlimit RLIMIT_NOFILE: F_DUPFD from 100 is refused", SYS(SYS_fcntl, 0, F_DUPFD, 100), EINVAL);
    T_OK("setrlimit RLIMIT_NOFILE: dup2 to fd 99 works", SYS(SYS_dup2, 0, 99), 99);
    close(99);
    struct rlimit bad = { 300, 200 };
    T_ERR("setrlimit cur > max", SYS(SYS_setrlimit, RLIMIT_NOFILE, &bad), EINVAL);
    T_ERR("setrlimit resource 16", SYS(SYS_setrlimit, 16, &want), EINVAL);
    T_ERR("setrlimit from a kernel address", SYS(SYS_setrlimit, RLIMIT_NOFILE, KADDR), EFAULT);
    T_ERR("setrlimit from NULL", SYS(SYS_setrlimit, RLIMIT_NOFILE, NULL), EFAULT);
    struct rlimit64 { uint64_t cur, max; } n64 = { 50, 150 }, o64 = { 1, 1 };
    T_OK("prlimit64 pid 0 set and get", SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, &n64, &o64), 0);
    T_TRUE("prlimit64: old value returned", o64.cur == 100 && o64.max == 200);
    T_OK("prlimit64 own pid, get only", SYS(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &o64), 0);
    T_TRUE("prlimit64: new value set", o64.cur == 50 && o64.max == 150);
    T_OK("prlimit64 with neither new nor old", SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL), 0);
    T_ERR("prlimit64 a pid that does not exist", SYS(SYS_prlimit64, 0x3fffffff, RLIMIT_NOFILE, NULL, &o64), ESRCH);
    T_ERR("prlimit64 resource 99", SYS(SYS_prlimit64, 0, 99, NULL, &o64), EINVAL);
    n64.cur = 200;
    T_ERR("prlimit64 cur > max", SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, &n64, NULL), EINVAL);
    n64.cur = 60, n64.max = 140;
    T_ERR("prlimit64 old at a kernel address", SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, &n64, KADDR), EFAULT);
    SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &o64);
    T_TRUE("prlimit64 with a bad old pointer still set the new limit", o64.cur == 60 && o64.max == 140);
    T_ERR("prlimit64 new at a kernel address", SYS(SYS_prlimit64, 0, RLIMIT_NOFILE, KADDR, NULL), EFAULT);
    /* raise the soft core limit to the hard one: allowed without privilege, whatever hard limit the host set
     * (raising the hard limit to RLIM_INFINITY needs CAP_SYS_RESOURCE, which a CI container may lack) */
    struct rlimit64 core = { 0, 0 };
    SYS(SYS_prlimit64, 0, RLIMIT_CORE, NULL, &core);
    core.cur = core.max;
    T_OK("prlimit64 RLIMIT_CORE soft limit up to the hard one", SYS(SYS_prlimit64, 0, RLIMIT_CORE, &core, NULL), 0);
    SYS(SYS_getrlimit, RLIMIT_CORE, &rl);
    T_TRUE("getrlimit reads the raised soft limit back", rl.rlim_cur == core.max && rl.rlim_max == core.max);

    /* arch_prctl */
    uint64_t fs = 0, gs = 1;
    T_OK("arch_prctl ARCH_GET_FS", SYS(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
    uint64_t self;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(self));
    T_TRUE("arch_prctl ARCH_GET_FS: the TLS block (fs:0 points to itself)", fs != 0 && fs == self);
    T_OK("arch_prctl ARCH_SET_FS to the same value", SYS(SYS_arch_prctl, ARCH_SET_FS, fs), 0);
    T_ERR("arch_prctl ARCH_SET_FS to a kernel address", SYS(SYS_arch_prctl, ARCH_SET_FS, KADDR), EPERM);
    uint64_t fs2 = 0;
    SYS(SYS_arch_prctl, ARCH_GET_FS, &fs2);
    T_TRUE("arch_prctl ARCH_SET_FS failure keeps FS", fs2 == fs);
    T_OK("arch_prctl ARCH_SET_GS", SYS(SYS_arch_prctl, ARCH_SET_GS, 0x12345000), 0);
    T_OK("arch_prctl ARCH_GET_GS", SYS(SYS_arch_prctl, ARCH_GET_GS, &gs), 0);
    T_EQ("arch_prctl ARCH_GET_GS reads back", gs, 0x12345000);
    T_OK("arch_prctl ARCH_SET_GS 0", SYS(SYS_arch_prctl, ARCH_SET_GS, 0), 0);
    T_ERR("arch_prctl ARCH_GET_FS into a kernel address", SYS(SYS_arch_prctl, ARCH_GET_FS, KADDR), EFAULT);
    T_ERR("arch_prctl ARCH_GET_GS into NULL", SYS(SYS_arch_prctl, ARCH_GET_GS, NULL), EFAULT);
    T_ERR("arch_prctl unknown code", SYS(SYS_arch_prctl, 0x9999, 0), EINVAL);
    T_OK("arch_prctl ARCH_GET_CPUID", SYS(SYS_arch_prctl, ARCH_GET_CPUID, 0), 1);
    /* CPUID faulting is the CPU's: ENODEV without it (this host, and skiff, which never offers it); with it the
     * setting takes, and is put back */
    errno = 0;
    long sc = SYS(SYS_arch_prctl, ARCH_SET_CPUID, 0);
    int se = errno;
    int took = sc == 0 && SYS(SYS_arch_prctl, ARCH_GET_CPUID, 0) == 0 && SYS(SYS_arch_prctl, ARCH_SET_CPUID, 1) == 0;
    T_COVERS("ARCH_SET_CPUID");
    T_TRUE("arch_prctl ARCH_SET_CPUID 0: ENODEV without CPUID faulting, else it takes", (sc == -1 && se == ENODEV) || took);

    /* scheduling */
    T_OK("sched_yield", SYS(SYS_sched_yield), 0);
    uint64_t mask[16];
    memset(mask, 0, sizeof mask);
    long r = SYS(SYS_sched_getaffinity, 0, sizeof mask, mask);
    T_TRUE("sched_getaffinity returns a size in bytes, a multiple of 8", r >= 8 && r % 8 == 0 && r <= (long)sizeof mask);
    T_TRUE("sched_getaffinity: at least one CPU", mask[0] != 0);
    T_OK("sched_getaffinity own pid", SYS(SYS_sched_getaffinity, pid, sizeof mask, mask), r);
    T_ERR("sched_getaffinity size not a multiple of 8", SYS(SYS_sched_getaffinity, 0, 12, mask), EINVAL);
    T_ERR("sched_getaffinity size 0", SYS(SYS_sched_getaffinity, 0, 0, mask), EINVAL);
    T_ERR("sched_getaffinity into a kernel address", SYS(SYS_sched_getaffinity, 0, sizeof mask, KADDR), EFAULT);
    T_ERR("sched_getaffinity a pid that does not exist", SYS(SYS_sched_getaffinity, 0x3fffffff, sizeof mask, mask),
          ESRCH);

    /* futex, without a second thread: wakes find no waiter, waits end at once (value mismatch, timeout) */
    static uint32_t fw = 5;
    struct { long sec, nsec; } ts1ms = { 0, 1000000 }, badts = { 0, 1000000000 };
    T_OK("futex FUTEX_WAKE with no waiters", SYS(SYS_futex, &fw, 1 /* WAKE */, 1, NULL, NULL, 0), 0);
    T_OK("futex FUTEX_WAKE|FUTEX_PRIVATE_FLAG", SYS(SYS_futex, &fw, 1 | 128, 10, NULL, NULL, 0), 0);
    T_ERR("futex FUTEX_WAIT on a changed value", SYS(SYS_futex, &fw, 0 /* WAIT */, 4, NULL, NULL, 0), EAGAIN);
    T_ERR("futex FUTEX_WAIT times out", SYS(SYS_futex, &fw, 0 | 128, 5, &ts1ms, NULL, 0), ETIMEDOUT);
    T_ERR("futex FUTEX_WAIT bad timeout", SYS(SYS_futex, &fw, 0, 5, &badts, NULL, 0), EINVAL);
    T_ERR("futex unaligned address", SYS(SYS_futex, (char *)&fw + 1, 0, 5, NULL, NULL, 0), EINVAL);
    T_ERR("futex FUTEX_WAIT at a kernel address", SYS(SYS_futex, KADDR, 0, 5, NULL, NULL, 0), EFAULT);
    T_ERR("futex unknown operation", SYS(SYS_futex, &fw, 99, 0, NULL, NULL, 0), ENOSYS);

    tap_finish_dir();
    /* end with exit (60), not exit_group: in a single-threaded process it ends the process with this status */
    SYS(SYS_exit, tap_done());
    return 99;
}
