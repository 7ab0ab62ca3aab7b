/* test/conformance/ioprio.c — ioprio_set(2) and ioprio_get(2): a process that never set one reports 0
 * (IOPRIO_CLASS_NONE); the value set is read back as given (class << 13 | data, 16 bits); a group or a user
 * reports the best (lowest) of its tasks', each task without a class counted as the class and level its
 * scheduling policy and nice value give (BE, (nice + 20) / 5; IDLE under SCHED_IDLE); fork inherits a class;
 * the errnos: EINVAL for a bad which, class or NONE level, ESRCH, and as nobody EPERM for IOPRIO_CLASS_RT and for
 * another user's process. kcmp KCMP_IO sees the I/O context ioprio_set makes. */
/* covers: ioprio_set ioprio_get */
#include "tap.h"
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>

#define WHO_PROCESS 1
#define WHO_PGRP 2
#define WHO_USER 3
#define CLASS_NONE 0
#define CLASS_RT 1
#define CLASS_BE 2
#define CLASS_IDLE 3
#define V(c, d) (((c) << 13) | (d))
#define NOPID 0x3ffffff0
#define NOBODY 61234 /* a uid no other process on the host has: IOPRIO_WHO_USER counts every task of it */
#ifndef SYS_kcmp
#define SYS_kcmp 312
#endif

static long ioget(int which, int who) { return SYS(SYS_ioprio_get, which, who); }
static long ioset(int which, int who, int prio) { return SYS(SYS_ioprio_set, which, who, prio); }

static pid_t spawn(void)
{
    fflush(stdout);
    pid_t c = fork();
    if (c == 0)
        for (;;)
            pause();
    return c;
}

static int child_prio(void) { return (int)(ioget(WHO_PROCESS, 0) >> 13); }

static void test_process(void)
{
    T_OK("ioprio_get a process that never set one", ioget(WHO_PROCESS, 0), 0);
    T_COVERS("IOPRIO_WHO_PROCESS");
    T_OK("ioprio_get by pid", ioget(WHO_PROCESS, getpid()), 0);
    pid_t other = spawn(), other2 = spawn();
    T_OK("kcmp KCMP_IO: two processes without an I/O context", SYS(SYS_kcmp, other, other2, 5, 0, 0), 0);
    T_OK("ioprio_set IOPRIO_CLASS_BE level 3", ioset(WHO_PROCESS, 0, V(CLASS_BE, 3)), 0);
    T_COVERS("IOPRIO_PRIO_VALUE"); /* V() is its encoding: class << 13 | data */
    T_OK("ioprio_get IOPRIO_CLASS_BE level 3", ioget(WHO_PROCESS, 0), V(CLASS_BE, 3));
    T_TRUE("kcmp KCMP_IO: ioprio_set made us an I/O context", SYS(SYS_kcmp, getpid(), other, 5, 0, 0) > 0);
    T_COVERS("IOPRIO_PRIO_CLASS"); /* child_prio: the class of the child's value (>> 13) */
    T_EQ("ioprio_set a forked child inherits the class", child_prio(), CLASS_BE);
    T_OK("ioprio_set IOPRIO_CLASS_RT level 7 as root", ioset(WHO_PROCESS, 0, V(CLASS_RT, 7)), 0);
    T_OK("ioprio_get IOPRIO_CLASS_RT level 7", ioget(WHO_PROCESS, 0), V(CLASS_RT, 7));
    T_OK("ioprio_set IOPRIO_CLASS_IDLE with data 5", ioset(WHO_PROCESS, 0, V(CLASS_IDLE, 5)), 0);
    T_COVERS("IOPRIO_PRIO_DATA");
    T_OK("ioprio_get IOPRIO_CLASS_IDLE keeps the data", ioget(WHO_PROCESS, 0), V(CLASS_IDLE, 5));
    T_OK("ioprio_set a BE level with hint bits", ioset(WHO_PROCESS, 0, V(CLASS_BE, 0x10)), 0);
    T_OK("ioprio_get the hint bits kept", ioget(WHO_PROCESS, 0), V(CLASS_BE, 0x10));
    T_OK("ioprio_set bits past 16 are dropped", ioset(WHO_PROCESS, 0, 0x10000 | V(CLASS_BE, 1)), 0);
    T_OK("ioprio_get 16 bits", ioget(WHO_PROCESS, 0), V(CLASS_BE, 1));
    T_OK("ioprio_set IOPRIO_CLASS_NONE", ioset(WHO_PROCESS, 0, 0), 0);
    T_OK("ioprio_get after IOPRIO_CLASS_NONE: 0", ioget(WHO_PROCESS, 0), 0);
    T_EQ("ioprio_set IOPRIO_CLASS_NONE: a forked child has none", child_prio(), CLASS_NONE);
    T_OK("ioprio_set IOPRIO_CLASS_NONE with a hint", ioset(WHO_PROCESS, 0, 8), 0);
    T_ERR("ioprio_set IOPRIO_CLASS_NONE with level 1", ioset(WHO_PROCESS, 0, 1), EINVAL);
    T_ERR("ioprio_set class 4", ioset(WHO_PROCESS, 0, V(4, 0)), EINVAL);
    T_ERR("ioprio_set class 7 (IOPRIO_CLASS_INVALID)", ioset(WHO_PROCESS, 0, V(7, 0)), EINVAL);
    T_ERR("ioprio_set -1", ioset(WHO_PROCESS, 0, -1), EINVAL);
    T_ERR("ioprio_set which 0", ioset(0, 0, V(CLASS_BE, 0)), EINVAL);
    T_ERR("ioprio_set which 4", ioset(4, 0, V(CLASS_BE, 0)), EINVAL);
    T_ERR("ioprio_set a bad class before a bad which", ioset(4, 0, V(5, 0)), EINVAL);
    T_ERR("ioprio_set no such process", ioset(WHO_PROCESS, NOPID, V(CLASS_BE, 0)), ESRCH);
    T_ERR("ioprio_get which 0", ioget(0, 0), EINVAL);
    T_ERR("ioprio_get which 4", ioget(4, 0), EINVAL);
    T_ERR("ioprio_get no such process", ioget(WHO_PROCESS, NOPID), ESRCH);
    T_ERR("ioprio_get pid -1", ioget(WHO_PROCESS, -1), ESRCH);
    T_ERR("ioprio_get no such group", ioget(WHO_PGRP, NOPID), ESRCH);
    T_ERR("ioprio_set no such group", ioset(WHO_PGRP, NOPID, V(CLASS_BE, 0)), ESRCH);
    T_OK("ioprio_set another process", ioset(WHO_PROCESS, other, V(CLASS_IDLE, 0)), 0);
    T_OK("ioprio_get another process", ioget(WHO_PROCESS, other), V(CLASS_IDLE, 0));
    kill(other, SIGKILL);
    kill(other2, SIGKILL);
    waitpid(other, NULL, 0);
    waitpid(other2, NULL, 0);
}

/* In a group of its own: two members, then the group's best. */
static int group_checks(void)
{
    setpgid(0, 0);
    int bad = 0;
    bad |= (ioget(WHO_PGRP, 0) != V(CLASS_BE, 4)) << 0;        /* nice 0: BE level 4 */
    setpriority(PRIO_PROCESS, 0, 10);
    bad |= (ioget(WHO_PGRP, 0) != V(CLASS_BE, 6)) << 1;        /* nice 10: level 6 */
    bad |= (ioget(WHO_PROCESS, 0) != 0) << 2;                  /* the process itself: still none */
    pid_t b = spawn();                                           /* nice 10 too */
    bad |= (ioset(WHO_PROCESS, b, V(CLASS_BE, 5)) != 0) << 3;
    bad |= (ioget(WHO_PGRP, 0) != V(CLASS_BE, 5)) << 4;        /* the best of 6 and 5 */
    bad |= (ioget(WHO_PGRP, getpid()) != V(CLASS_BE, 5)) << 5;
    struct sched_param sp = { 0 };
    SYS(SYS_sched_setscheduler, 0, SCHED_IDLE, &sp); /* musl's wrapper is ENOSYS */
    bad |= (ioset(WHO_PROCESS, b, V(CLASS_IDLE, 0)) != 0) << 6;
    bad |= (ioget(WHO_PGRP, 0) != V(CLASS_IDLE, 0)) << 7;      /* SCHED_IDLE counts as IDLE level 6 */
    bad |= (ioset(WHO_PGRP, 0, V(CLASS_RT, 2)) != 0) << 8;
    bad |= (ioget(WHO_PROCESS, b) != V(CLASS_RT, 2)) << 9;
    bad |= (ioget(WHO_PROCESS, 0) != V(CLASS_RT, 2)) << 10;
    kill(b, SIGKILL);
    waitpid(b, NULL, 0);
    return bad;
}

static void as_nobody(void)
{
    pid_t root = getppid();
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
    T_ERR("ioprio_set as nobody: IOPRIO_CLASS_RT", ioset(WHO_PROCESS, 0, V(CLASS_RT, 0)), EPERM);
    T_OK("ioprio_set as nobody: IOPRIO_CLASS_BE", ioset(WHO_PROCESS, 0, V(CLASS_BE, 7)), 0);
    T_ERR("ioprio_set as nobody: root's process", ioset(WHO_PROCESS, root, V(CLASS_BE, 0)), EPERM);
    T_OK("ioprio_get as nobody: root's process", ioget(WHO_PROCESS, root) >= 0, 1);
    T_OK("ioprio_get as nobody: IOPRIO_WHO_USER of our uid", ioget(WHO_USER, NOBODY), V(CLASS_BE, 7));
    T_OK("ioprio_set as nobody: IOPRIO_WHO_USER of our uid", ioset(WHO_USER, NOBODY, V(CLASS_BE, 2)), 0);
    T_OK("ioprio_get as nobody: after IOPRIO_WHO_USER", ioget(WHO_PROCESS, 0), V(CLASS_BE, 2));
    T_OK("ioprio_get as nobody: IOPRIO_WHO_USER 0 is the caller's user", ioget(WHO_USER, 0), V(CLASS_BE, 2));
    T_ERR("ioprio_set as nobody: IOPRIO_WHO_USER 0 is uid 0's tasks", ioset(WHO_USER, 0, V(CLASS_BE, 0)), EPERM);
    T_ERR("ioprio_get as nobody: a user without tasks", ioget(WHO_USER, 12345), ESRCH);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_process();
    T_EQ("ioprio_get IOPRIO_WHO_PGRP: the best of the group's tasks, by nice and policy", tap_child(group_checks), 0);
    tap_in_child(as_nobody);
    return tap_done();
}
