/* test/conformance/schedprio.c — nice values, scheduling policies and CPU affinity as their man pages
 * describe them (setpriority(2), sched_setscheduler(2), sched_setparam(2), sched_setaffinity(2)): a nice
 * value set is read back (clamped to -20..19), inherited by fork, set for a process group; SCHED_BATCH and
 * SCHED_IDLE are recorded and inherited (SCHED_RESET_ON_FORK is not); the errnos of bad policies
 * and priorities; and as nobody (uid 65534) the permission rules: lowering a nice value is EACCES, touching
 * root's processes EPERM, real-time policies without RLIMIT_RTPRIO EPERM. Affinity masks shorter than a
 * long are zero-extended for set and refused for get. */
/* covers: getpriority setpriority sched_setscheduler sched_getscheduler sched_setparam sched_getparam sched_setaffinity sched_getaffinity */
#include "tap.h"
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define NOBODY 65534
#define NOPID 0x3ffffff0
#ifndef SCHED_BATCH
#define SCHED_BATCH 3
#endif
#ifndef SCHED_IDLE
#define SCHED_IDLE 5
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

static long prio(int which, int who) { return SYS(SYS_getpriority, which, who); }
static long setprio(int which, int who, int nice) { return SYS(SYS_setpriority, which, who, nice); }
static long setsched(int pid, int pol, int p)
{
    struct sched_param sp = { .sched_priority = p };
    return SYS(SYS_sched_setscheduler, pid, pol, &sp);
}

/* What a forked child reports: its getpriority and its policy, as an exit status. */
static int child_says(int what)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        _exit(what ? (int)SYS(SYS_sched_getscheduler, 0) : (int)prio(PRIO_PROCESS, 0));
    int st = 0;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_nice(void)
{
    T_OK("setpriority nice 5", setprio(PRIO_PROCESS, 0, 5), 0);
    T_OK("getpriority after nice 5: 20 - 5", prio(PRIO_PROCESS, 0), 15);
    T_OK("getpriority by pid", prio(PRIO_PROCESS, getpid()), 15);
    T_EQ("setpriority a forked child inherits the nice value", child_says(0), 15);
    T_OK("setpriority nice 100 is clamped", setprio(PRIO_PROCESS, 0, 100), 0);
    T_OK("getpriority after a clamped nice: 19", prio(PRIO_PROCESS, 0), 1);
    T_OK("setpriority nice -100 by root is clamped", setprio(PRIO_PROCESS, 0, -100), 0);
    T_OK("getpriority after nice -20", prio(PRIO_PROCESS, 0), 40);
    T_OK("setpriority back to 0", setprio(PRIO_PROCESS, 0, 0), 0);

    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        pause();
        _exit(0);
    }
    setpgid(c, c);
    T_OK("setpriority PRIO_PGRP of a child's group", setprio(PRIO_PGRP, c, 7), 0);
    T_OK("getpriority of the child in that group", prio(PRIO_PROCESS, c), 13);
    T_OK("getpriority PRIO_PGRP of that group", prio(PRIO_PGRP, c), 13);
    T_ERR("setpriority PRIO_PGRP of no group", setprio(PRIO_PGRP, NOPID, 0), ESRCH);
    T_OK("getpriority we kept our own nice", prio(PRIO_PROCESS, 0), 20);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
}

static void test_policy(void)
{
    struct sched_param sp = { 0 };
    T_OK("sched_setscheduler SCHED_BATCH", setsched(0, SCHED_BATCH, 0), 0);
    T_OK("sched_getscheduler after SCHED_BATCH", SYS(SYS_sched_getscheduler, 0), SCHED_BATCH);
    T_EQ("sched_setscheduler a forked child keeps SCHED_BATCH", child_says(1), SCHED_BATCH);
    T_OK("sched_setscheduler SCHED_IDLE", setsched(0, SCHED_IDLE, 0), 0);
    T_OK("sched_getscheduler after SCHED_IDLE", SYS(SYS_sched_getscheduler, 0), SCHED_IDLE);
    T_OK("sched_setscheduler SCHED_BATCH|SCHED_RESET_ON_FORK", setsched(0, SCHED_BATCH | SCHED_RESET_ON_FORK, 0), 0);
    T_OK("sched_getscheduler shows SCHED_RESET_ON_FORK", SYS(SYS_sched_getscheduler, 0),
         SCHED_BATCH | SCHED_RESET_ON_FORK);
    T_EQ("sched_setscheduler SCHED_RESET_ON_FORK: the child keeps SCHED_BATCH, not the flag", child_says(1),
         SCHED_BATCH);
    T_OK("sched_setscheduler SCHED_OTHER", setsched(0, SCHED_OTHER, 0), 0);
    T_OK("sched_getscheduler after SCHED_OTHER", SYS(SYS_sched_getscheduler, 0), SCHED_OTHER);
    T_ERR("sched_setscheduler SCHED_OTHER with priority 1", setsched(0, SCHED_OTHER, 1), EINVAL);
    T_ERR("sched_setscheduler SCHED_BATCH with priority 1", setsched(0, SCHED_BATCH, 1), EINVAL);
    T_ERR("sched_setscheduler SCHED_FIFO with priority 0", setsched(0, SCHED_FIFO, 0), EINVAL);
    T_ERR("sched_setscheduler SCHED_RR with priority 100", setsched(0, SCHED_RR, 100), EINVAL);
    T_ERR("sched_setscheduler an unknown policy", setsched(0, 42, 0), EINVAL);
    T_ERR("sched_setscheduler a NULL param", SYS(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
    T_ERR("sched_setscheduler a negative pid", setsched(-1, SCHED_OTHER, 0), EINVAL);
    T_ERR("sched_setscheduler no such process", setsched(NOPID, SCHED_OTHER, 0), ESRCH);
    T_ERR("sched_setscheduler param at a bad address", SYS(SYS_sched_setscheduler, 0, SCHED_OTHER, BADUPTR), EFAULT);
    T_OK("sched_setparam priority 0 under SCHED_OTHER", SYS(SYS_sched_setparam, 0, &sp), 0);
    sp.sched_priority = 1;
    T_ERR("sched_setparam priority 1 under SCHED_OTHER", SYS(SYS_sched_setparam, 0, &sp), EINVAL);
    T_ERR("sched_setparam no such process", SYS(SYS_sched_setparam, NOPID, &sp), ESRCH);
    T_ERR("sched_setparam a NULL param", SYS(SYS_sched_setparam, 0, NULL), EINVAL);
    T_ERR("sched_setparam a negative pid", SYS(SYS_sched_setparam, -1, &sp), EINVAL);
}

static void test_affinity(void)
{
    unsigned long mask[4] = { 0 };
    unsigned int small = 1;
    fflush(stdout);
    pid_t parent = fork(); /* another process */
    if (parent == 0) {
        pause();
        _exit(0);
    }
    long n = SYS(SYS_sched_getaffinity, parent, sizeof mask, mask);
    T_TRUE("sched_getaffinity of another process: the mask's size in bytes", n >= 8 && n % 8 == 0);
    T_TRUE("sched_getaffinity: CPU 0 is in the mask", mask[0] & 1);
    T_ERR("sched_getaffinity into 4 bytes", SYS(SYS_sched_getaffinity, 0, 4, mask), EINVAL);
    T_ERR("sched_getaffinity into 12 bytes", SYS(SYS_sched_getaffinity, 0, 12, mask), EINVAL);
    T_ERR("sched_getaffinity a short size before the pid", SYS(SYS_sched_getaffinity, NOPID, 4, mask), EINVAL);
    T_ERR("sched_getaffinity no such process", SYS(SYS_sched_getaffinity, NOPID, sizeof mask, mask), ESRCH);
    unsigned long orig[4] = { 0 }, got[4] = { 0 };
    long osz = SYS(SYS_sched_getaffinity, 0, sizeof orig, orig);
    T_OK("sched_setaffinity a 4-byte mask of CPU 0", SYS(SYS_sched_setaffinity, 0, 4, &small), 0);
    /* the mask is kept: read back, obeyed, inherited */
    SYS(SYS_sched_getaffinity, 0, sizeof got, got);
    T_TRUE("sched_getaffinity after pinning to CPU 0: CPU 0 alone", got[0] == 1 && !got[1] && !got[2] && !got[3]);
    int off = 0;
    for (int i = 0; i < 100; i++) { /* a pin not kept shows on another CPU, sooner or later */
        unsigned cpu = 99;
        SYS(SYS_getcpu, &cpu, NULL, NULL);
        off += cpu != 0;
    }
    T_TRUE("getcpu pinned to CPU 0: 0 each time", off == 0);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        unsigned long c[4] = { 0 };
        SYS(SYS_sched_getaffinity, 0, sizeof c, c);
        _exit(c[0] == 1 && !c[1] && !c[2] && !c[3] ? 0 : 1);
    }
    int st = -1;
    waitpid(child, &st, 0);
    T_TRUE("fork: the child inherits the mask", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    T_OK("sched_setaffinity back to every CPU", osz > 0 ? SYS(SYS_sched_setaffinity, 0, osz, orig) : -1, 0);
    memset(got, 0, sizeof got);
    SYS(SYS_sched_getaffinity, 0, sizeof got, got);
    T_TRUE("sched_getaffinity: every CPU again", !memcmp(got, orig, sizeof got));
    mask[0] = 1;
    T_OK("sched_setaffinity of another process", SYS(SYS_sched_setaffinity, parent, 8, mask), 0);
    memset(got, 0, sizeof got);
    SYS(SYS_sched_getaffinity, parent, sizeof got, got);
    T_TRUE("sched_getaffinity of that process: CPU 0 alone", got[0] == 1 && !got[1] && !got[2] && !got[3]);
    mask[0] = 0;
    mask[3] = 1;
    T_ERR("sched_setaffinity a mask of CPU 192 only", SYS(SYS_sched_setaffinity, 0, sizeof mask, mask), EINVAL);
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
}

static void as_nobody(void)
{
    pid_t root = getppid();
    struct rlimit rl = { 0, 0 };
    setrlimit(RLIMIT_RTPRIO, &rl);
    setrlimit(RLIMIT_NICE, &rl);
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
    unsigned long mask[1] = { 1 };
    struct sched_param sp = { 0 };
    T_OK("setpriority raising our own nice value", setprio(PRIO_PROCESS, 0, 10), 0);
    T_ERR("setpriority lowering it without CAP_SYS_NICE", setprio(PRIO_PROCESS, 0, 5), EACCES);
    T_OK("getpriority it stayed 10", prio(PRIO_PROCESS, 0), 10);
    T_OK("setpriority to the same value", setprio(PRIO_PROCESS, 0, 10), 0);
    T_ERR("setpriority of root's process", setprio(PRIO_PROCESS, root, 10), EPERM);
    T_OK("getpriority of root's process", prio(PRIO_PROCESS, root), 20);
    T_ERR("sched_setscheduler of root's process", setsched(root, SCHED_OTHER, 0), EPERM);
    T_ERR("sched_setparam of root's process", SYS(SYS_sched_setparam, root, &sp), EPERM);
    T_ERR("sched_setscheduler SCHED_FIFO without RLIMIT_RTPRIO", setsched(0, SCHED_FIFO, 1), EPERM);
    T_ERR("sched_setscheduler SCHED_RR without RLIMIT_RTPRIO", setsched(0, SCHED_RR, 1), EPERM);
    T_OK("sched_setscheduler SCHED_BATCH of our own", setsched(0, SCHED_BATCH, 0), 0);
    T_OK("sched_setaffinity of our own", SYS(SYS_sched_setaffinity, 0, 8, mask), 0);
    T_ERR("sched_setaffinity of root's process", SYS(SYS_sched_setaffinity, root, 8, mask), EPERM);
    T_OK("sched_getaffinity of root's process", SYS(SYS_sched_getaffinity, root, 8, mask), 8);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_nice();
    test_policy();
    test_affinity();
    tap_in_child(as_nobody);
    return tap_done();
}
