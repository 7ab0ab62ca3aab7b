/* test/conformance/misc.c — memory residency and locking (mincore, mlock family), scheduler limits
 * (sched_get_priority_max/min, sched_rr_get_interval), personality, and epoll_pwait2's timespec timeout. */
/* covers: mincore mlock munlock mlock2 mlockall munlockall sched_get_priority_max sched_get_priority_min sched_rr_get_interval personality epoll_pwait2 */
#include "tap.h"
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif
#define ADDR_NO_RANDOMIZE_ 0x0040000
#define NOPID 0x3fffffff

static void residency(void)
{
    char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char vec[8];
    memset(vec, 0xee, sizeof vec);
    p[0] = 1;
    p[2 * PAGE] = 1;
    T_OK("mincore of 4 pages", SYS(SYS_mincore, p, 4 * PAGE, vec), 0);
    T_TRUE("mincore: the touched pages are in, the others not", (vec[0] & 1) && !(vec[1] & 1) && (vec[2] & 1) &&
           !(vec[3] & 1));
    T_OK("mincore of a partial page counts it", SYS(SYS_mincore, p, 1, vec), 0);
    T_ERR("mincore unaligned address", SYS(SYS_mincore, p + 1, PAGE, vec), EINVAL);
    T_ERR("mincore vector at a kernel address", SYS(SYS_mincore, p, PAGE, KADDR), EFAULT);
    munmap(p + 3 * PAGE, PAGE);
    T_ERR("mincore over an unmapped page", SYS(SYS_mincore, p, 4 * PAGE, vec), ENOMEM);
    T_ERR("mincore of kernel addresses", SYS(SYS_mincore, KADDR, PAGE, vec), ENOMEM);

    T_OK("mlock 3 pages", SYS(SYS_mlock, p, 3 * PAGE), 0);
    SYS(SYS_mincore, p, 3 * PAGE, vec);
    T_TRUE("mlock brought every page in", (vec[0] & 1) && (vec[1] & 1) && (vec[2] & 1));
    T_OK("munlock", SYS(SYS_munlock, p, 3 * PAGE), 0);
    T_OK("mlock an unaligned address and length", SYS(SYS_mlock, p + 10, 100), 0);
    T_OK("mlock length 0", SYS(SYS_mlock, p, 0), 0);
    T_ERR("mlock over an unmapped page", SYS(SYS_mlock, p, 4 * PAGE), ENOMEM);
    T_ERR("munlock over an unmapped page", SYS(SYS_munlock, p + 2 * PAGE, 2 * PAGE), ENOMEM);
    T_OK("mlock2 MLOCK_ONFAULT", SYS(SYS_mlock2, p, PAGE, 1), 0);
    T_ERR("mlock2 unknown flag", SYS(SYS_mlock2, p, PAGE, 2), EINVAL);
    SYS(SYS_munlock, p, 3 * PAGE);
    T_OK("mlockall MCL_FUTURE", SYS(SYS_mlockall, MCL_FUTURE), 0);
    T_OK("munlockall", SYS(SYS_munlockall), 0);
    T_ERR("mlockall 0", SYS(SYS_mlockall, 0), EINVAL);
    T_ERR("mlockall MCL_ONFAULT alone", SYS(SYS_mlockall, MCL_ONFAULT), EINVAL);
    T_ERR("mlockall unknown flag", SYS(SYS_mlockall, 8), EINVAL);
    munmap(p, 3 * PAGE);
}

static void scheduling(void)
{
    T_OK("sched_get_priority_max SCHED_FIFO", SYS(SYS_sched_get_priority_max, SCHED_FIFO), 99);
    T_OK("sched_get_priority_min SCHED_RR", SYS(SYS_sched_get_priority_min, SCHED_RR), 1);
    T_OK("sched_get_priority_max SCHED_OTHER", SYS(SYS_sched_get_priority_max, SCHED_OTHER), 0);
    T_OK("sched_get_priority_min SCHED_BATCH", SYS(SYS_sched_get_priority_min, SCHED_BATCH), 0);
    T_ERR("sched_get_priority_max unknown policy", SYS(SYS_sched_get_priority_max, 42), EINVAL);
    T_ERR("sched_get_priority_min negative policy", SYS(SYS_sched_get_priority_min, -1), EINVAL);
    struct timespec ts = { -1, -1 };
    T_OK("sched_rr_get_interval of ourselves", SYS(SYS_sched_rr_get_interval, 0, &ts), 0);
    T_TRUE("sched_rr_get_interval: a valid time", ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    T_ERR("sched_rr_get_interval negative pid", SYS(SYS_sched_rr_get_interval, -1, &ts), EINVAL);
    T_ERR("sched_rr_get_interval of no process", SYS(SYS_sched_rr_get_interval, NOPID, &ts), ESRCH);
    T_ERR("sched_rr_get_interval into a kernel address", SYS(SYS_sched_rr_get_interval, 0, KADDR), EFAULT);

    long p0 = SYS(SYS_personality, 0xffffffffL);
    T_TRUE("personality query", p0 >= 0);
    T_OK("personality set returns the old persona", SYS(SYS_personality, p0 | ADDR_NO_RANDOMIZE_), p0);
    T_OK("personality query reads it back", SYS(SYS_personality, 0xffffffffL), p0 | ADDR_NO_RANDOMIZE_);
    T_OK("personality restore", SYS(SYS_personality, p0), p0 | ADDR_NO_RANDOMIZE_);
}

static void epoll2(void)
{
    int ep = epoll_create1(0), p[2];
    pipe(p);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 5 }, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct timespec zero = { 0, 0 }, ten_ms = { 0, 10000000 }, bad = { 0, 1000000000 };
    T_OK("epoll_pwait2 with a zero timeout on an empty pipe", SYS(SYS_epoll_pwait2, ep, out, 2, &zero, NULL, 8L), 0);
    T_OK("epoll_pwait2 with a 10 ms timeout times out", SYS(SYS_epoll_pwait2, ep, out, 2, &ten_ms, NULL, 8L), 0);
    write(p[1], "x", 1);
    T_OK("epoll_pwait2 with no timeout sees the data", SYS(SYS_epoll_pwait2, ep, out, 2, NULL, NULL, 8L), 1);
    T_EQ("epoll_pwait2: the data given at ADD", (long)out[0].data.u64, 5);
    T_ERR("epoll_pwait2 with a bad timespec", SYS(SYS_epoll_pwait2, ep, out, 2, &bad, NULL, 8L), EINVAL);
    T_ERR("epoll_pwait2 timeout at a kernel address", SYS(SYS_epoll_pwait2, ep, out, 2, KADDR, NULL, 8L), EFAULT);
    T_ERR("epoll_pwait2 on a closed fd", SYS(SYS_epoll_pwait2, 999, out, 2, &zero, NULL, 8L), EBADF);
    close(ep), close(p[0]), close(p[1]);
}

int main(void)
{
    residency();
    scheduling();
    epoll2();
    return tap_done();
}
