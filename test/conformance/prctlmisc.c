/* test/conformance/prctlmisc.c — prctl(2)'s plain process attributes: dumpable (set, get, EINVAL, and what a
 * change of the effective uid makes it: fs.suid_dumpable), timer slack (set, reset to the default, inherited by
 * a child as its default), PR_GET_TID_ADDRESS (set_tid_address's pointer), THP disable (set, get, inherited,
 * EINVAL for stray arguments), PR_GET_SECCOMP (0 outside seccomp) and process timing. */
/* covers: prctl */
#include "tap.h"
#include <sys/prctl.h>
#include <sys/wait.h>

/* Runs fn in a child; its exit status (fn's result), or -1. */
static int in_child(int (*fn)(void))
{
    pid_t c = fork();
    if (c == 0)
        _exit(fn());
    int st = 0;
    return waitpid(c, &st, 0) == c && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long suid_dumpable(void)
{
    char b[16] = "";
    int fd = open("/proc/sys/fs/suid_dumpable", O_RDONLY);
    long n = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
    if (fd >= 0)
        close(fd);
    return n > 0 ? strtol(b, NULL, 10) : -1;
}

static int dumpable_after_seteuid(void)
{
    if (seteuid(65534))
        return 100;
    return (int)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}

static int dumpable_in_child(void) { return (int)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

/* /proc/self's owner follows dumpable: root's while the process is not dumpable, its euid's once it is again
 * (Linux's task_dump_owner). Bit 0: right while undumpable, bit 1: right after PR_SET_DUMPABLE 1. */
static int proc_owner_in_child(void)
{
    if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
        return 100;
    struct stat st;
    int r = 0, d = (int)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    if (stat("/proc/self/status", &st) == 0 && st.st_uid == (d ? 1000u : 0u) && st.st_gid == (d ? 1000u : 0u))
        r |= 1;
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (stat("/proc/self/status", &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000)
        r |= 2;
    return r;
}

static int slack_in_child(void)
{
    /* the parent set 123456: that is this child's current slack and its default (a reset keeps it) */
    long cur = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0);
    long def = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    return cur == 123456 && def == 123456 ? 0 : 1;
}

static int thp_in_child(void) { return (int)prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0); }

static void test_dumpable(void)
{
    T_OK("prctl PR_GET_DUMPABLE: a process starts dumpable", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    T_OK("prctl PR_SET_DUMPABLE 0", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), 0);
    T_OK("prctl PR_GET_DUMPABLE after setting 0", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    T_EQ("prctl PR_GET_DUMPABLE: a fork child inherits 0", in_child(dumpable_in_child), 0);
    T_OK("prctl PR_SET_DUMPABLE 1", prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
    T_OK("prctl PR_GET_DUMPABLE after setting 1", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    T_ERR("prctl PR_SET_DUMPABLE 2", prctl(PR_SET_DUMPABLE, 2, 0, 0, 0), EINVAL);
    T_ERR("prctl PR_SET_DUMPABLE -1", prctl(PR_SET_DUMPABLE, -1L, 0, 0, 0), EINVAL);
    long sd = suid_dumpable();
    T_TRUE("prctl: /proc/sys/fs/suid_dumpable reads 0, 1 or 2", sd >= 0 && sd <= 2);
    T_EQ("prctl PR_GET_DUMPABLE after seteuid: fs.suid_dumpable", in_child(dumpable_after_seteuid), sd);
    T_EQ("prctl: /proc/self owned by root while not dumpable, by the euid once PR_SET_DUMPABLE 1",
         in_child(proc_owner_in_child), 3);
}

static void test_timerslack(void)
{
    long s0 = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    T_TRUE("prctl PR_GET_TIMERSLACK: a positive number of ns", s0 > 0);
    T_OK("prctl PR_SET_TIMERSLACK 123456", prctl(PR_SET_TIMERSLACK, 123456, 0, 0, 0), 0);
    T_OK("prctl PR_GET_TIMERSLACK after setting", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 123456);
    T_EQ("prctl PR_SET_TIMERSLACK: a child's current and default slack are the parent's",
         in_child(slack_in_child), 0);
    T_OK("prctl PR_SET_TIMERSLACK 0 resets it", prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0), 0);
    T_OK("prctl PR_GET_TIMERSLACK after a reset: the default again", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), s0);
}

static void test_tid_address(void)
{
    static int word;
    long tid = syscall(SYS_set_tid_address, &word);
    T_TRUE("prctl: set_tid_address returns the caller's tid", tid == syscall(SYS_gettid));
    int *got = NULL;
    T_OK("prctl PR_GET_TID_ADDRESS", prctl(PR_GET_TID_ADDRESS, &got, 0, 0, 0), 0);
    T_TRUE("prctl PR_GET_TID_ADDRESS: set_tid_address's pointer", got == &word);
    T_ERR("prctl PR_GET_TID_ADDRESS into a kernel address", prctl(PR_GET_TID_ADDRESS, KADDR, 0, 0, 0), EFAULT);
}

static void test_thp(void)
{
    T_OK("prctl PR_GET_THP_DISABLE: clear at start", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0);
    T_OK("prctl PR_SET_THP_DISABLE 1", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0), 0);
    T_OK("prctl PR_GET_THP_DISABLE after setting", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
    T_EQ("prctl PR_GET_THP_DISABLE: a fork child inherits it", in_child(thp_in_child), 1);
    T_ERR("prctl PR_SET_THP_DISABLE with arg3 set", prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0), EINVAL);
    T_ERR("prctl PR_GET_THP_DISABLE with arg2 set", prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0), EINVAL);
    T_OK("prctl PR_SET_THP_DISABLE 0", prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0);
    T_OK("prctl PR_GET_THP_DISABLE after clearing", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 0);
}

int main(void)
{
    test_dumpable();
    test_timerslack();
    test_tid_address();
    test_thp();
    T_OK("prctl PR_GET_SECCOMP outside seccomp", prctl(PR_GET_SECCOMP, 0, 0, 0, 0), 0);
    T_OK("prctl PR_GET_TIMING: statistical", prctl(PR_GET_TIMING, 0, 0, 0, 0), PR_TIMING_STATISTICAL);
    T_OK("prctl PR_SET_TIMING statistical", prctl(PR_SET_TIMING, PR_TIMING_STATISTICAL, 0, 0, 0), 0);
    T_ERR("prctl PR_SET_TIMING timestamp (never implemented)", prctl(PR_SET_TIMING, PR_TIMING_TIMESTAMP, 0, 0, 0),
          EINVAL);
    return tap_done();
}
