/* test/conformance/schedrr.c — sched_rr_get_interval(2): for a fair policy Linux reports the thread's slice
 * (sched_setattr's sched_runtime, else the base slice) in whole scheduler ticks, so the base slice (under
 * 4 ms for up to 8 CPUs) reads 0 and 5 ms reads 4 ms on a CONFIG_HZ=250 kernel such as this host's; the value
 * is per thread (a tid names one), the same for SCHED_BATCH and SCHED_IDLE (which keeps the slice it had); and its errors in Linux's order:
 * EINVAL for a negative pid, ESRCH for no such thread (before the pointer is looked at), EFAULT. */
/* covers: sched_rr_get_interval */
#include "tap.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>

#define NOPID 999999

struct attr { uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t prio; uint64_t runtime, dl, period; };

static long set_slice(pid_t tid, int policy, uint64_t ns)
{
    struct attr a = { .size = sizeof a, .policy = (uint32_t)policy, .runtime = ns };
    return syscall(SYS_sched_setattr, tid, &a, 0);
}

static long rr_ns(pid_t tid)
{
    struct timespec ts = { -1, -1 };
    if (syscall(SYS_sched_rr_get_interval, tid, &ts))
        return -1;
    return ts.tv_sec * 1000000000l + ts.tv_nsec;
}

static volatile int stop;
static volatile pid_t thread_tid;
/* It spins: Linux answers 0 for a fair task whose CPU has nothing runnable (rq->cfs.load.weight), so a sleeping
 * thread's answer depended on where it slept (the check failed natively now and then). */
static void *idle_thread(void *arg)
{
    (void)arg;
    thread_tid = (pid_t)syscall(SYS_gettid);
    while (!stop)
        ;
    return NULL;
}

int main(void)
{
    struct timespec ts;
    T_EQ("sched_rr_get_interval SCHED_OTHER base slice: 0 ticks", rr_ns(0), 0);
    T_OK("sched_rr_get_interval: sched_setattr a 5 ms slice", set_slice(0, SCHED_OTHER, 5000000), 0);
    T_EQ("sched_rr_get_interval 5 ms slice: one 4 ms tick", rr_ns(0), 4000000);
    T_OK("sched_rr_get_interval: sched_setattr a 20 ms slice", set_slice(0, SCHED_OTHER, 20000000), 0);
    T_EQ("sched_rr_get_interval 20 ms slice: 20 ms", rr_ns(0), 20000000);
    T_EQ("sched_rr_get_interval by our own pid", rr_ns(getpid()), 20000000);
    T_OK("sched_rr_get_interval: sched_setattr 100 ms", set_slice(0, SCHED_OTHER, 100000000), 0);
    T_EQ("sched_rr_get_interval 100 ms slice", rr_ns(0), 100000000);
    T_OK("sched_rr_get_interval: SCHED_BATCH with 20 ms", set_slice(0, SCHED_BATCH, 20000000), 0);
    T_EQ("sched_rr_get_interval SCHED_BATCH", rr_ns(0), 20000000);
    T_OK("sched_rr_get_interval: SCHED_IDLE with 8 ms", set_slice(0, SCHED_IDLE, 8000000), 0);
    T_EQ("sched_rr_get_interval SCHED_IDLE keeps the slice it had (sched_runtime is for OTHER and BATCH)", rr_ns(0),
         20000000);
    T_OK("sched_rr_get_interval: back to SCHED_OTHER and the base slice", set_slice(0, SCHED_OTHER, 0), 0);
    T_EQ("sched_rr_get_interval base slice again", rr_ns(0), 0);

    pthread_t th;
    pthread_create(&th, NULL, idle_thread, NULL);
    while (!thread_tid)
        usleep(1000);
    T_OK("sched_rr_get_interval: a thread's own 12 ms slice", set_slice(thread_tid, SCHED_OTHER, 12000000), 0);
    T_EQ("sched_rr_get_interval of the thread's tid", rr_ns(thread_tid), 12000000);
    T_EQ("sched_rr_get_interval of the caller is still 0", rr_ns(0), 0);
    stop = 1;
    pthread_join(th, NULL);

    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        for (;;) /* runnable, for the reason idle_thread spins */
            ;
    }
    T_OK("sched_rr_get_interval: another process's 40 ms slice", set_slice(c, SCHED_OTHER, 40000000), 0);
    T_EQ("sched_rr_get_interval of another process", rr_ns(c), 40000000);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);

    T_ERR("sched_rr_get_interval a negative pid", syscall(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
    T_ERR("sched_rr_get_interval a negative pid before a bad pointer", syscall(SYS_sched_rr_get_interval, -5, KADDR),
          EINVAL);
    T_ERR("sched_rr_get_interval no such thread", syscall(SYS_sched_rr_get_interval, NOPID, &ts), ESRCH);
    T_ERR("sched_rr_get_interval no such thread before a bad pointer",
          syscall(SYS_sched_rr_get_interval, NOPID, BADUPTR), ESRCH);
    T_ERR("sched_rr_get_interval the reaped child", syscall(SYS_sched_rr_get_interval, c, &ts), ESRCH);
    T_ERR("sched_rr_get_interval into an unmapped address", syscall(SYS_sched_rr_get_interval, 0, BADUPTR), EFAULT);
    T_ERR("sched_rr_get_interval into a kernel address", syscall(SYS_sched_rr_get_interval, 0, KADDR), EFAULT);
    T_ERR("sched_rr_get_interval a NULL pointer", syscall(SYS_sched_rr_get_interval, 0, NULL), EFAULT);
    return tap_done();
}
