/* kernel/ktimer.h — timers on a clock for POSIX timers and timerfd (kernel/ktimer.c). */
#ifndef SKIFF_KTIMER_H
#define SKIFF_KTIMER_H
#include "kernel.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11
/* CPU-time clocks: clock_getcpuclockid and pthread_getcpuclockid encode ~pid << 3 | kind (PROF: user +
 * system, VIRT: user, SCHED: all), with bit 2 for a thread; pid 0 is the caller. glibc and musl pass the
 * CLOCK_*_CPUTIME_ID constants to timer_create and clock_nanosleep as pid 0's encoded clocks. */
#define CPUCLOCK_PROF 0
#define CPUCLOCK_VIRT 1
#define CPUCLOCK_SCHED 2
#define CPUCLOCK_PERTHREAD 4
#define KCLOCK_PROCESS_VIRT (-1) /* the process's user time alone (ITIMER_VIRTUAL); no clockid names it */

struct proc;
struct task;

struct ktimer {
    struct ktimer *next;                        /* the armed list */
    int clock;
    struct proc *proc;                          /* CPU-time clocks: whose time */
    struct task *task;
    u64 expires;                                /* absolute, in the clock's ns; 0: disarmed */
    u64 interval;
    void (*fire)(struct ktimer *k, u64 count);  /* count: 1 + the periods missed */
};

bool ktimer_clock_ok(int clock, bool cpu_clocks);
long ktimer_clock_check(int clock); /* 0, or why timer_create/clock_nanosleep cannot arm it: EINVAL, EOPNOTSUPP */
long ktimer_clock_set(struct ktimer *k, int clock); /* timer_create: k's clock and whose time, from a clockid */
u64 ktimer_now(const struct ktimer *k);
void ktimer_set(struct ktimer *k, u64 expires, u64 interval);
void ktimer_cancel(struct ktimer *k);
u64 ktimer_left(const struct ktimer *k);
bool ktimers_armed(void);
u64 ktimers_next(void);                 /* the earliest wall-clock expiry, in monotonic ns (~0: none) */
void ktimers_run(void);

/* fs/timerfd.c (declared here to keep fs/vfs.h as it is) */
struct file;
struct file *timerfd_create(int clock, u32 flags);
struct ktimer *timerfd_timer(struct file *f, u64 **count); /* NULL: not a timerfd */
void timerfd_cancel_on_set(struct ktimer *k, bool on);
void timerfd_clock_was_set(void);

#endif
