/* test/conformance/epoll.c — eventfd (counter, semaphore mode, EAGAIN at zero) and epoll on a pipe and an
 * eventfd: readiness, data, EPOLLONESHOT, MOD and DEL, edge triggering (EPOLLET), and the error paths. */
/* covers: eventfd eventfd2 epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait */
#include "tap.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

/* EPOLLET: a report per change, not per look. */
static void edge_triggered(void)
{
    int ep = epoll_create1(0), p[2], e = eventfd(0, EFD_NONBLOCK);
    pipe2(p, O_NONBLOCK);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = 1 }, out[4];
    T_OK("epoll_ctl ADD EPOLLIN|EPOLLET", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    T_OK("EPOLLET: nothing on an empty pipe", epoll_wait(ep, out, 4, 0), 0);
    write(p[1], "a", 1);
    T_OK("EPOLLET: a write is reported", epoll_wait(ep, out, 4, 1000), 1);
    T_OK("EPOLLET: not again while nothing new arrives", epoll_wait(ep, out, 4, 0), 0);
    write(p[1], "b", 1);
    T_OK("EPOLLET: more data while unread data waits is reported", epoll_wait(ep, out, 4, 1000), 1);
    T_OK("EPOLLET: and then not again", epoll_wait(ep, out, 4, 0), 0);
    T_OK("EPOLL_CTL_MOD re-arms an edge-triggered entry", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
    T_OK("EPOLLET: after MOD the ready pipe is reported", epoll_wait(ep, out, 4, 0), 1);
    char buf[65536];
    while (read(p[0], buf, sizeof buf) > 0)
        ;
    T_OK("EPOLLET: a drained pipe reports nothing", epoll_wait(ep, out, 4, 0), 0);
    write(p[1], "c", 1);
    T_OK("EPOLLET: empty -> readable is reported", epoll_wait(ep, out, 4, 1000), 1);

    ev = (struct epoll_event){ .events = EPOLLOUT | EPOLLET, .data.u64 = 2 };
    T_OK("epoll_ctl ADD EPOLLOUT|EPOLLET on the write end", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev), 0);
    read(p[0], buf, sizeof buf);
    int n = epoll_wait(ep, out, 4, 1000);
    T_TRUE("EPOLLET: the writable end is reported once", n == 1 && out[0].data.u64 == 2 && (out[0].events & EPOLLOUT));
    T_OK("EPOLLET: a writable end that stays writable is not reported again", epoll_wait(ep, out, 4, 0), 0);
    while (write(p[1], buf, sizeof buf) > 0)
        ;
    n = epoll_wait(ep, out, 4, 0); /* the read end has news; the write end must not be among them */
    T_TRUE("EPOLLET: a full pipe does not report its write end",
           n >= 0 && !(n >= 1 && out[0].data.u64 == 2) && !(n >= 2 && out[1].data.u64 == 2));
    while (read(p[0], buf, sizeof buf) > 0)
        ;
    n = epoll_wait(ep, out, 4, 1000);
    T_TRUE("EPOLLET: room after full is reported (EPOLLOUT)", n == 1 && out[0].data.u64 == 2);
    T_OK("epoll_ctl DEL the write end", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), 0);
    T_OK("epoll_ctl DEL the read end", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);

    ev = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.u64 = 3 };
    T_OK("epoll_ctl ADD an eventfd EPOLLET", epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev), 0);
    uint64_t one = 1;
    write(e, &one, 8);
    T_OK("EPOLLET eventfd: a write is reported", epoll_wait(ep, out, 4, 1000), 1);
    T_OK("EPOLLET eventfd: not again", epoll_wait(ep, out, 4, 0), 0);
    write(e, &one, 8);
    T_OK("EPOLLET eventfd: another write is reported", epoll_wait(ep, out, 4, 1000), 1);
    close(e);
    close(p[0]);
    close(p[1]);
    close(ep);
}

int main(void)
{
    int efd = eventfd(3, EFD_NONBLOCK);
    T_TRUE("eventfd2 creates a descriptor", efd >= 0);
    uint64_t v = 0;
    T_OK("eventfd read takes the whole count", read(efd, &v, 8), 8);
    T_EQ("eventfd: the count was 3", (long)v, 3);
    T_ERR("eventfd read at zero, non-blocking", read(efd, &v, 8), EAGAIN);
    v = 5;
    T_OK("eventfd write adds", write(efd, &v, 8), 8);
    T_ERR("eventfd read into 4 bytes", read(efd, &v, 4), EINVAL);
    v = UINT64_MAX;
    T_ERR("eventfd write of 2^64-1", write(efd, &v, 8), EINVAL);
    T_ERR("eventfd2 with unknown flags", SYS(SYS_eventfd2, 0, 0x10), EINVAL);
    int sem = SYS(SYS_eventfd2, 2, EFD_SEMAPHORE | EFD_NONBLOCK);
    T_OK("semaphore eventfd: read takes 1", read(sem, &v, 8), 8);
    T_EQ("semaphore eventfd: the value read is 1", (long)v, 1);
    int old = SYS(SYS_eventfd, 0);
    T_TRUE("eventfd (the old call) creates a descriptor", old >= 0);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    T_TRUE("epoll_create1 creates a descriptor", ep >= 0);
    T_TRUE("epoll_create (the old call) with size 1", SYS(SYS_epoll_create, 1) >= 0);
    T_ERR("epoll_create with size 0", SYS(SYS_epoll_create, 0), EINVAL);
    T_ERR("epoll_create1 with unknown flags", epoll_create1(1), EINVAL);
    int p[2];
    pipe(p);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
    T_OK("epoll_ctl EPOLL_CTL_ADD a pipe's read end", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    T_ERR("epoll_ctl ADD it again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    struct epoll_event out[4];
    T_OK("epoll_wait on an empty pipe times out", epoll_wait(ep, out, 4, 10), 0);
    write(p[1], "x", 1);
    T_OK("epoll_wait after a write: one ready", epoll_wait(ep, out, 4, 1000), 1);
    T_EQ("epoll_wait: the data given at ADD", (long)out[0].data.u64, 42);
    T_TRUE("epoll_wait: EPOLLIN", out[0].events & EPOLLIN);
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 7;
    T_OK("epoll_ctl EPOLL_CTL_MOD to EPOLLONESHOT", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
    T_OK("epoll_pwait takes the one shot", SYS(SYS_epoll_pwait, ep, out, 4, 1000, NULL, 8), 1);
    T_OK("epoll_wait: the one-shot entry is disabled now", epoll_wait(ep, out, 4, 10), 0);
    T_OK("epoll_ctl EPOLL_CTL_DEL", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
    T_ERR("epoll_ctl DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    T_ERR("epoll_ctl MOD of an fd not in the set", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
    ev.events = EPOLLIN;
    T_OK("epoll_ctl ADD an eventfd", epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
    T_OK("epoll_wait: the eventfd with count 5 is ready", epoll_wait(ep, out, 4, 1000), 1);
    T_ERR("epoll_ctl on a bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
    T_ERR("epoll_ctl with a non-epoll epfd", epoll_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    T_ERR("epoll_ctl adding the epoll fd to itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    int reg = open("/proc/self/exe", O_RDONLY);
    T_ERR("epoll_ctl adding a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);
    T_ERR("epoll_ctl with an unknown op", epoll_ctl(ep, 9, p[1], &ev), EINVAL);
    T_ERR("epoll_ctl ADD with a kernel-address event", SYS(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[1], KADDR), EFAULT);
    T_ERR("epoll_wait with maxevents 0", epoll_wait(ep, out, 0, 0), EINVAL);
    static struct epoll_event many[10128];
    T_TRUE("epoll_wait with maxevents 10128 (redis's)", SYS(SYS_epoll_wait, ep, many, 10128, 0) >= 0);
    T_ERR("epoll_wait with maxevents above INT_MAX / 12", SYS(SYS_epoll_wait, ep, many, 0x7fffffff / 12 + 1, 0), EINVAL);
    T_ERR("epoll_wait on a bad fd", epoll_wait(999, out, 4, 0), EBADF);
    T_ERR("epoll_wait on a non-epoll fd", epoll_wait(p[0], out, 4, 0), EINVAL);
    T_ERR("epoll_wait into a kernel address", SYS(SYS_epoll_wait, ep, KADDR, 4, 0), EFAULT);
    T_ERR("epoll_pwait with a bad sigset size", SYS(SYS_epoll_pwait, ep, out, 4, 0, &ev, 4), EINVAL);
    edge_triggered();
    return tap_done();
}
