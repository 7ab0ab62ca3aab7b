/* syscalls/timerfd.c — timerfd_create, timerfd_settime, timerfd_gettime (fs/timerfd.c holds the file). */
#include "syscalls.h"
#include "../kernel/ktimer.h"

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define NSEC 1000000000ull

struct itimerspec_k { i64 isec, insec, vsec, vnsec; };

SYSCALL(timerfd_create)
{
    int clk = (int)a0;
    u32 flags = (u32)a1;
    if (flags & ~(u32)(O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    if (clk == CLOCK_REALTIME_ALARM || clk == CLOCK_BOOTTIME_ALARM)
        clk = clk == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : CLOCK_BOOTTIME; /* no suspend: the same clocks */
    else if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME)
        return -EINVAL;
    return fd_install_new(timerfd_create(clk, flags), flags & O_CLOEXEC);
}

static long timer_of(int fd, struct ktimer **k, u64 **count)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    *k = timerfd_timer(f, count);
    return *k ? 0 : -EINVAL;
}

static void get_spec(struct ktimer *k, struct itimerspec_k *out)
{
    u64 left = ktimer_left(k);
    *out = (struct itimerspec_k){ k->interval / NSEC, k->interval % NSEC, left / NSEC, left % NSEC };
}

/* timerfd_settime(fd, flags, new, old): as timer_settime; setting it resets the unread count. */
SYSCALL(timerfd_settime)
{
    u32 flags = (u32)a1;
    struct itimerspec_k in, old;
    if (flags & ~(u32)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    if (copy_from_user(&in, (const void *)a2, sizeof(in)))
        return -EFAULT;
    if (in.isec < 0 || in.insec < 0 || in.insec >= (i64)NSEC || in.vsec < 0 || in.vnsec < 0 ||
        in.vnsec >= (i64)NSEC)
        return -EINVAL;
    struct ktimer *k;
    u64 *count;
    long rc = timer_of((int)a0, &k, &count);
    if (rc)
        return rc;
    /* TFD_TIMER_CANCEL_ON_SET: meaningful with TFD_TIMER_ABSTIME on the wall clock, else ignored, as on Linux */
    timerfd_cancel_on_set(k, (flags & (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) ==
                                     (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) && k->clock == CLOCK_REALTIME);
    get_spec(k, &old);
    u64 value = (u64)in.vsec * NSEC + (u64)in.vnsec, interval = (u64)in.isec * NSEC + (u64)in.insec;
    u64 expires = value ? ((flags & TFD_TIMER_ABSTIME) ? MAX(value, 1ull) : ktimer_now(k) + value) : 0;
    *count = 0;
    ktimer_set(k, expires, interval);
    if (a3 && copy_to_user((void *)a3, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

SYSCALL(timerfd_gettime)
{
    struct ktimer *k;
    long rc = timer_of((int)a0, &k, NULL);
    if (rc)
        return rc;
    struct itimerspec_k cur;
    get_spec(k, &cur);
    return copy_to_user((void *)a1, &cur, sizeof(cur)) ? -EFAULT : 0;
}
