/* test/conformance/schedattr.c — sched_setattr(2) and sched_getattr(2): struct sched_attr's size rules (0 read as
 * 48, E2BIG below 48 or past a page or with a non-zero tail, the kernel's size written back), what getattr
 * reports (policy, SCHED_FLAG_RESET_ON_FORK, nice and the time slice of a fair policy, the size it filled, a
 * larger buffer's tail zeroed), the nice value and slice (sched_runtime, clamped to 0.1..100 ms) of
 * SCHED_OTHER and SCHED_BATCH, SCHED_IDLE keeping both, SCHED_FLAG_KEEP_POLICY and KEEP_PARAMS, fork's
 * inheritance, the errnos of bad policies, priorities, flags and SCHED_DEADLINE parameters, utilization clamps
 * (EOPNOTSUPP, as a kernel without CONFIG_UCLAMP_TASK), and as nobody: lowering nice (EPERM), SCHED_FIFO and
 * SCHED_DEADLINE (EPERM), root's processes (EPERM). */
/* covers: sched_setattr sched_getattr */
#include "tap.h"
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

#define NOPID 0x3ffffff0
#define NOBODY 65534
struct sa {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t prio;
    uint64_t runtime, deadline, period;
    uint32_t umin, umax;
};
#define F_RESET_ON_FORK 0x01
#define F_RECLAIM 0x02
#define F_DL_OVERRUN 0x04
#define F_KEEP_POLICY 0x08
#define F_KEEP_PARAMS 0x10
#define F_UTIL_MIN 0x20
#define F_UTIL_MAX 0x40
#define P_OTHER 0
#define P_FIFO 1
#define P_BATCH 3
#define P_IDLE 5
#define P_DEADLINE 6

static long set(pid_t pid, struct sa a) { return SYS(SYS_sched_setattr, pid, &a, 0); }
static long get(pid_t pid, struct sa *a) { memset(a, 0xee, sizeof *a); return SYS(SYS_sched_getattr, pid, a, sizeof *a, 0); }
static struct sa now(void) { struct sa a; get(0, &a); return a; }
static uint64_t base_slice; /* what a fair task has by default: 0.7 ms scaled by the CPU count */

static void test_get(void)
{
    struct sa a;
    T_OK("sched_getattr of ourselves", get(0, &a), 0);
    T_EQ("sched_getattr size: the kernel's struct", a.size, 56);
    T_EQ("sched_getattr policy SCHED_OTHER", a.policy, P_OTHER);
    T_EQ("sched_getattr no flags", a.flags, 0);
    T_EQ("sched_getattr nice 0", a.nice, 0);
    T_EQ("sched_getattr priority 0", a.prio, 0);
    base_slice = a.runtime;
    T_TRUE("sched_getattr sched_runtime is the base slice, a multiple of 0.7 ms", a.runtime && a.runtime % 700000 == 0);
    T_TRUE("sched_getattr no deadline, no period, no clamps", !a.deadline && !a.period && !a.umin && !a.umax);
    memset(&a, 0xee, sizeof a);
    T_OK("sched_getattr by pid", SYS(SYS_sched_getattr, getpid(), &a, 48, 0), 0);
    T_EQ("sched_getattr size 48: size says 48", a.size, 48);
    T_EQ("sched_getattr size 48: the utilization fields untouched", a.umin, 0xeeeeeeee);
    static char big[4096];
    memset(big, 0x55, sizeof big);
    T_OK("sched_getattr into 4096 bytes", SYS(SYS_sched_getattr, 0, big, 4096, 0), 0);
    T_TRUE("sched_getattr into 4096 bytes: size 56, the rest zeroed", ((struct sa *)big)->size == 56 && !big[56] &&
           !big[4095]);
    T_ERR("sched_getattr size 47", SYS(SYS_sched_getattr, 0, &a, 47, 0), EINVAL);
    T_ERR("sched_getattr size 4097", SYS(SYS_sched_getattr, 0, &a, 4097, 0), EINVAL);
    T_ERR("sched_getattr flags 1", SYS(SYS_sched_getattr, 0, &a, 56, 1), EINVAL);
    T_ERR("sched_getattr NULL", SYS(SYS_sched_getattr, 0, NULL, 56, 0), EINVAL);
    T_ERR("sched_getattr a negative pid", SYS(SYS_sched_getattr, -1, &a, 56, 0), EINVAL);
    T_ERR("sched_getattr no such process", SYS(SYS_sched_getattr, NOPID, &a, 56, 0), ESRCH);
    T_ERR("sched_getattr at a bad address", SYS(SYS_sched_getattr, 0, BADUPTR, 56, 0), EFAULT);
}

static void test_size(void)
{
    struct sa a = { .size = 0, .policy = P_OTHER };
    T_OK("sched_setattr size 0 is read as 48", SYS(SYS_sched_setattr, 0, &a, 0), 0);
    a.size = 47;
    T_ERR("sched_setattr size 47", SYS(SYS_sched_setattr, 0, &a, 0), E2BIG);
    T_EQ("sched_setattr E2BIG writes the kernel's size back", a.size, 56);
    a.size = 4097;
    T_ERR("sched_setattr size 4097", SYS(SYS_sched_setattr, 0, &a, 0), E2BIG);
    static char big[4096];
    ((struct sa *)big)->size = 4096;
    T_OK("sched_setattr size 4096 with a zero tail", SYS(SYS_sched_setattr, 0, big, 0), 0);
    big[100] = 1;
    T_ERR("sched_setattr a non-zero byte past the struct", SYS(SYS_sched_setattr, 0, big, 0), E2BIG);
    T_EQ("sched_setattr E2BIG for the tail writes the size back", ((struct sa *)big)->size, 56);
    T_ERR("sched_setattr at a bad address", SYS(SYS_sched_setattr, 0, BADUPTR, 0), EFAULT);
    T_ERR("sched_setattr NULL", SYS(SYS_sched_setattr, 0, NULL, 0), EINVAL);
    a.size = 48;
    T_ERR("sched_setattr flags 1", SYS(SYS_sched_setattr, 0, &a, 1), EINVAL);
    T_ERR("sched_setattr a negative pid", SYS(SYS_sched_setattr, -1, &a, 0), EINVAL);
    T_ERR("sched_setattr no such process", SYS(SYS_sched_setattr, NOPID, &a, 0), ESRCH);
}

static int child_slice_5ms(void) { return now().runtime == 5000000; }
static int child_reset(void)
{
    struct sa c = now();
    return c.nice == 0 && c.runtime == base_slice && !c.flags;
}

static void test_fair(void)
{
    T_OK("sched_setattr SCHED_OTHER nice 5", set(0, (struct sa){ .size = 48, .nice = 5 }), 0);
    T_EQ("sched_getattr nice 5", now().nice, 5);
    T_OK("getpriority: sched_setattr's nice", getpriority(PRIO_PROCESS, 0), 5);
    T_OK("sched_setattr nice 100 is clamped", set(0, (struct sa){ .size = 48, .nice = 100 }), 0);
    T_EQ("sched_getattr nice 19", now().nice, 19);
    T_OK("sched_setattr nice -100 by root is clamped", set(0, (struct sa){ .size = 48, .nice = -100 }), 0);
    T_EQ("sched_getattr nice -20", now().nice, -20);
    T_OK("sched_setattr sched_runtime 5 ms", set(0, (struct sa){ .size = 48, .runtime = 5000000 }), 0);
    struct sa a = now();
    T_TRUE("sched_getattr the slice and nice 0", a.runtime == 5000000 && a.nice == 0);
    T_EQ("sched_setattr a forked child keeps the slice", tap_child(child_slice_5ms), 1);
    T_OK("sched_setattr sched_runtime 1 ns", set(0, (struct sa){ .size = 48, .runtime = 1 }), 0);
    T_EQ("sched_getattr the slice is at least 0.1 ms", now().runtime, 100000);
    T_OK("sched_setattr sched_runtime 1 s", set(0, (struct sa){ .size = 48, .runtime = 1000000000 }), 0);
    T_EQ("sched_getattr the slice is at most 100 ms", now().runtime, 100000000);
    T_OK("sched_setattr SCHED_BATCH nice 4", set(0, (struct sa){ .size = 48, .policy = P_BATCH, .nice = 4 }), 0);
    a = now();
    T_TRUE("sched_getattr SCHED_BATCH nice 4, the base slice again", a.policy == P_BATCH && a.nice == 4 &&
           a.runtime == base_slice);
    T_OK("sched_getscheduler SCHED_BATCH", SYS(SYS_sched_getscheduler, 0), P_BATCH);
    T_OK("sched_setattr SCHED_IDLE nice 6", set(0, (struct sa){ .size = 48, .policy = P_IDLE, .nice = 6 }), 0);
    a = now();
    T_TRUE("sched_getattr SCHED_IDLE kept nice 4", a.policy == P_IDLE && a.nice == 4);
    T_OK("sched_setattr SCHED_FLAG_KEEP_POLICY nice 3", set(0, (struct sa){ .size = 48, .policy = P_OTHER,
         .flags = F_KEEP_POLICY, .nice = 3 }), 0);
    a = now();
    T_TRUE("sched_getattr KEEP_POLICY: still SCHED_IDLE, nice unchanged", a.policy == P_IDLE && a.nice == 4);
    T_OK("sched_setattr SCHED_OTHER nice 2", set(0, (struct sa){ .size = 48, .nice = 2 }), 0);
    T_OK("sched_setattr SCHED_FLAG_KEEP_POLICY nice 3 under SCHED_OTHER", set(0, (struct sa){ .size = 48,
         .policy = P_BATCH, .flags = F_KEEP_POLICY, .nice = 3 }), 0);
    a = now();
    T_TRUE("sched_getattr KEEP_POLICY: SCHED_OTHER, nice 3", a.policy == P_OTHER && a.nice == 3);
    T_OK("sched_setattr SCHED_FLAG_KEEP_PARAMS", set(0, (struct sa){ .size = 48, .policy = P_BATCH,
         .flags = F_KEEP_PARAMS, .nice = -7 }), 0);
    a = now();
    T_TRUE("sched_getattr KEEP_PARAMS: nice 3 stays", a.nice == 3);
    T_OK("sched_setattr SCHED_FLAG_RESET_ON_FORK nice -5", set(0, (struct sa){ .size = 48, .flags = F_RESET_ON_FORK,
         .nice = -5, .runtime = 2000000 }), 0);
    a = now();
    T_TRUE("sched_getattr shows SCHED_FLAG_RESET_ON_FORK", a.flags == F_RESET_ON_FORK && a.nice == -5);
    T_OK("sched_getscheduler shows SCHED_RESET_ON_FORK", SYS(SYS_sched_getscheduler, 0), 0x40000000);
    T_EQ("sched_setattr RESET_ON_FORK: a child has nice 0, the base slice, no flag",
         tap_child(child_reset), 1);
    T_OK("sched_setattr the DL flags are accepted for SCHED_OTHER", set(0, (struct sa){ .size = 48,
         .flags = F_RECLAIM | F_DL_OVERRUN }), 0);
    T_EQ("sched_getattr does not show them", now().flags, 0);
}

static void test_errors(void)
{
    T_ERR("sched_setattr policy -1", set(0, (struct sa){ .size = 48, .policy = (uint32_t)-1 }), EINVAL);
    T_ERR("sched_setattr policy 7", set(0, (struct sa){ .size = 48, .policy = 7 }), EINVAL);
    T_ERR("sched_setattr SCHED_FIFO priority 0", set(0, (struct sa){ .size = 48, .policy = P_FIFO }), EINVAL);
    T_ERR("sched_setattr SCHED_FIFO priority 100", set(0, (struct sa){ .size = 48, .policy = P_FIFO, .prio = 100 }),
          EINVAL);
    T_ERR("sched_setattr SCHED_OTHER priority 1", set(0, (struct sa){ .size = 48, .prio = 1 }), EINVAL);
    T_ERR("sched_setattr an unknown flag", set(0, (struct sa){ .size = 48, .flags = 0x80 }), EINVAL);
    T_ERR("sched_setattr SCHED_FLAG_SUGOV", set(0, (struct sa){ .size = 48, .flags = 0x10000000 }), EINVAL);
    T_ERR("sched_setattr util clamp in a 48-byte struct", set(0, (struct sa){ .size = 48, .flags = F_UTIL_MIN }),
          EINVAL);
    T_ERR("sched_setattr util clamp: EINVAL before ESRCH", SYS(SYS_sched_setattr, NOPID,
          &(struct sa){ .size = 48, .flags = F_UTIL_MIN }, 0), EINVAL);
    T_ERR("sched_setattr SCHED_FLAG_UTIL_CLAMP_MIN", set(0, (struct sa){ .size = 56, .flags = F_UTIL_MIN, .umin = 10 }),
          EOPNOTSUPP);
    T_ERR("sched_setattr SCHED_FLAG_UTIL_CLAMP_MAX", set(0, (struct sa){ .size = 56, .flags = F_UTIL_MAX,
          .umax = 2000 }), EOPNOTSUPP);
    T_ERR("sched_setattr SCHED_DEADLINE deadline 0", set(0, (struct sa){ .size = 48, .policy = P_DEADLINE,
          .runtime = 1000000 }), EINVAL);
    T_ERR("sched_setattr SCHED_DEADLINE runtime under 1024 ns", set(0, (struct sa){ .size = 48, .policy = P_DEADLINE,
          .runtime = 100, .deadline = 2000000, .period = 3000000 }), EINVAL);
    T_ERR("sched_setattr SCHED_DEADLINE runtime past deadline", set(0, (struct sa){ .size = 48,
          .policy = P_DEADLINE, .runtime = 3000000, .deadline = 2000000 }), EINVAL);
    T_ERR("sched_setattr SCHED_DEADLINE deadline past period", set(0, (struct sa){ .size = 48,
          .policy = P_DEADLINE, .runtime = 1000000, .deadline = 4000000, .period = 3000000 }), EINVAL);
    T_ERR("sched_setattr SCHED_DEADLINE period under 100 us", set(0, (struct sa){ .size = 48,
          .policy = P_DEADLINE, .runtime = 10000, .deadline = 50000 }), EINVAL);
    T_ERR("sched_setattr SCHED_DEADLINE period over 4 s", set(0, (struct sa){ .size = 48,
          .policy = P_DEADLINE, .runtime = 10000, .deadline = 50000, .period = 5000000000ull }), EINVAL);
    T_ERR("sched_setattr SCHED_DEADLINE the sign bit", set(0, (struct sa){ .size = 48, .policy = P_DEADLINE,
          .runtime = 10000, .deadline = 1ull << 63 }), EINVAL);
    T_ERR("sched_setattr SCHED_DEADLINE with a priority", set(0, (struct sa){ .size = 48, .policy = P_DEADLINE,
          .prio = 1, .runtime = 1000000, .deadline = 2000000 }), EINVAL);
}

static void as_nobody(void)
{
    pid_t root = getppid();
    struct rlimit rl = { 0, 0 };
    setrlimit(RLIMIT_RTPRIO, &rl);
    setrlimit(RLIMIT_NICE, &rl);
    set(0, (struct sa){ .size = 48 }); /* nice 0, no reset-on-fork */
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) {
        printf("Bail out! cannot drop to nobody\n");
        exit(2);
    }
    T_OK("sched_setattr as nobody: nice 10", set(0, (struct sa){ .size = 48, .nice = 10 }), 0);
    T_ERR("sched_setattr as nobody: nice 5 is lower", set(0, (struct sa){ .size = 48, .nice = 5 }), EPERM);
    T_OK("sched_setattr as nobody: SCHED_BATCH nice 12", set(0, (struct sa){ .size = 48, .policy = P_BATCH,
         .nice = 12 }), 0);
    T_ERR("sched_setattr as nobody: SCHED_FIFO", set(0, (struct sa){ .size = 48, .policy = P_FIFO, .prio = 1 }), EPERM);
    T_ERR("sched_setattr as nobody: SCHED_DEADLINE", set(0, (struct sa){ .size = 48, .policy = P_DEADLINE,
          .runtime = 1000000, .deadline = 2000000, .period = 3000000 }), EPERM);
    T_ERR("sched_setattr as nobody: bad DEADLINE parameters are EINVAL first", set(0, (struct sa){ .size = 48,
          .policy = P_DEADLINE, .runtime = 1000000 }), EINVAL);
    T_ERR("sched_setattr as nobody: root's process", set(root, (struct sa){ .size = 48, .nice = 1 }), EPERM);
    struct sa a;
    T_OK("sched_getattr as nobody: root's process", get(root, &a), 0);
    T_OK("sched_setattr as nobody: SCHED_IDLE", set(0, (struct sa){ .size = 48, .policy = P_IDLE }), 0);
    T_ERR("sched_setattr as nobody: out of SCHED_IDLE without RLIMIT_NICE room", set(0, (struct sa){ .size = 48,
          .nice = 19 }), EPERM);
    T_OK("sched_setattr as nobody: RESET_ON_FORK", set(0, (struct sa){ .size = 48, .policy = P_IDLE,
         .flags = F_RESET_ON_FORK }), 0);
    T_ERR("sched_setattr as nobody: clearing RESET_ON_FORK", set(0, (struct sa){ .size = 48, .policy = P_IDLE }),
          EPERM);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_get();
    test_size();
    test_fair();
    test_errors();
    tap_in_child(as_nobody);
    return tap_done();
}
