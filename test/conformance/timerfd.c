/* test/conformance/timerfd.c — timerfd: a one-shot read returns 1, an interval counts the expirations between
 * reads, O_NONBLOCK reads EAGAIN, poll says readable once it fired, gettime counts down, settime returns the
 * old setting; the error paths. Bounds are generous and one-sided. */
/* covers: timerfd_create timerfd_settime timerfd_gettime */
#include "tap.h"
#include <poll.h>
#include <stdint.h>
#include <time.h>
#include <sys/timerfd.h>

static long tset(int fd, int flags, long long value_ns, long long interval_ns, struct itimerspec *old)
{
    struct itimerspec its = { { interval_ns / 1000000000, interval_ns % 1000000000 },
                              { value_ns / 1000000000, value_ns % 1000000000 } };
    return SYS(SYS_timerfd_settime, fd, flags, &its, old);
}

int main(void)
{
    tap_scratch("timerfd");
    int fd = (int)SYS(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
    T_TRUE("timerfd_create CLOCK_MONOTONIC", fd >= 0);
    uint64_t n = 0;
    T_OK("timerfd_settime 10 ms, once", tset(fd, 0, 10000000, 0, NULL), 0);
    T_OK("timerfd_settime: read waits for the expiry", read(fd, &n, 8), 8);
    T_EQ("timerfd_settime: one expiry", n, 1);
    struct itimerspec cur;
    T_OK("timerfd_gettime after a one-shot", SYS(SYS_timerfd_gettime, fd, &cur), 0);
    T_TRUE("timerfd_gettime: disarmed", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    T_OK("timerfd_settime 1 ms interval", tset(fd, 0, 1000000, 1000000, NULL), 0);
    struct timespec nap = { 0, 100000000 };
    nanosleep(&nap, NULL);
    struct pollfd pf = { .fd = fd, .events = POLLIN };
    T_OK("timerfd_settime: poll says readable", poll(&pf, 1, 0), 1);
    T_OK("timerfd_settime interval: read", read(fd, &n, 8), 8);
    T_TRUE("timerfd_settime interval: the expirations since arming (at least 10)", n >= 10);
    struct itimerspec old;
    T_OK("timerfd_settime 10 s, old value returned", tset(fd, 0, 10000000000ll, 0, &old), 0);
    T_TRUE("timerfd_settime: the old interval", old.it_interval.tv_nsec == 1000000 && old.it_interval.tv_sec == 0);
    SYS(SYS_timerfd_gettime, fd, &cur);
    T_TRUE("timerfd_gettime: counting down from 10 s", cur.it_value.tv_sec >= 5 && cur.it_value.tv_sec <= 10);
    T_OK("timerfd_settime with nothing fired: poll says not readable", poll(&pf, 1, 0), 0);
    close(fd);

    int nb = (int)SYS(SYS_timerfd_create, CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    T_TRUE("timerfd_create CLOCK_REALTIME TFD_NONBLOCK|TFD_CLOEXEC", nb >= 0);
    T_TRUE("timerfd_create TFD_CLOEXEC sets FD_CLOEXEC", fcntl(nb, F_GETFD) == FD_CLOEXEC);
    T_ERR("timerfd_create TFD_NONBLOCK: read with nothing fired", read(nb, &n, 8), EAGAIN);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long abs_ns = now.tv_sec * 1000000000ll + now.tv_nsec - 1000000000ll;
    T_OK("timerfd_settime TFD_TIMER_ABSTIME in the past", tset(nb, TFD_TIMER_ABSTIME, abs_ns, 0, NULL), 0);
    pf.fd = nb;
    T_OK("timerfd_settime TFD_TIMER_ABSTIME in the past fires", poll(&pf, 1, 5000), 1);
    T_OK("timerfd_settime TFD_TIMER_ABSTIME: read", read(nb, &n, 8), 8);
    T_ERR("timerfd read into 4 bytes", read(nb, &n, 4), EINVAL);
    T_OK("timerfd_settime TFD_TIMER_CANCEL_ON_SET with an absolute realtime",
         tset(nb, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, abs_ns + 100000000000ll, 0, NULL), 0);

    int p[2];
    pipe(p);
    struct itimerspec z = { { 0, 0 }, { 0, 0 } }, bad = { { 0, 0 }, { 0, 1000000000 } };
    T_ERR("timerfd_create clock 99", SYS(SYS_timerfd_create, 99, 0), EINVAL);
    T_ERR("timerfd_create CLOCK_PROCESS_CPUTIME_ID", SYS(SYS_timerfd_create, CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    T_ERR("timerfd_create flags 1", SYS(SYS_timerfd_create, CLOCK_MONOTONIC, 1), EINVAL);
    T_ERR("timerfd_settime a closed fd", SYS(SYS_timerfd_settime, 999, 0, &z, NULL), EBADF);
    T_ERR("timerfd_settime a pipe", SYS(SYS_timerfd_settime, p[0], 0, &z, NULL), EINVAL);
    T_ERR("timerfd_settime flags 4", SYS(SYS_timerfd_settime, nb, 4, &z, NULL), EINVAL);
    T_ERR("timerfd_settime nsec 1e9", SYS(SYS_timerfd_settime, nb, 0, &bad, NULL), EINVAL);
    T_OK("timerfd_settime TFD_TIMER_CANCEL_ON_SET without TFD_TIMER_ABSTIME is accepted",
         SYS(SYS_timerfd_settime, nb, TFD_TIMER_CANCEL_ON_SET, &z, NULL), 0);
    T_ERR("timerfd_settime from a kernel address", SYS(SYS_timerfd_settime, nb, 0, KADDR, NULL), EFAULT);
    T_ERR("timerfd_gettime a pipe", SYS(SYS_timerfd_gettime, p[0], &cur), EINVAL);
    T_ERR("timerfd_gettime a closed fd", SYS(SYS_timerfd_gettime, 999, &cur), EBADF);
    T_ERR("timerfd_gettime into a kernel address", SYS(SYS_timerfd_gettime, nb, KADDR), EFAULT);
    return tap_done();
}
