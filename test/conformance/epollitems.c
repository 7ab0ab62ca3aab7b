/* test/conformance/epollitems.c — the life of an epoll item as Linux keeps it: keyed by (file, fd), so dup'ed fds
 * are two items; an item lives while its file is open (closing one of two fds of a file keeps reporting it,
 * epoll(7)'s "Q6"), and goes with the file's last close; an epoll inside an epoll reports its readiness and
 * loses it when drained; loops are refused (ELOOP); EPOLLEXCLUSIVE's rules; level-triggered items that stay ready
 * are all reported across calls with a small maxevents (none starves). */
/* covers: epoll_ctl epoll_wait */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

static int wait0(int ep, struct epoll_event *out, int max)
{
    return epoll_wait(ep, out, max, 0);
}

static void dups(void)
{
    int ep = epoll_create1(0), p[2];
    T_OK("pipe", pipe(p), 0);
    int d = dup(p[0]);
    struct epoll_event e = { .events = EPOLLIN, .data.u64 = 1 }, out[4];
    T_OK("epoll_ctl ADD a pipe's read end", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e), 0);
    e.data.u64 = 2;
    T_OK("epoll_ctl ADD its dup: another item", epoll_ctl(ep, EPOLL_CTL_ADD, d, &e), 0);
    T_ERR("epoll_ctl ADD the dup again", epoll_ctl(ep, EPOLL_CTL_ADD, d, &e), EEXIST);
    T_OK("write", write(p[1], "x", 1), 1);
    T_OK("both items report", wait0(ep, out, 4), 2);
    close(p[0]);
    int n = wait0(ep, out, 4);
    T_OK("closing one fd of the file keeps both items (the file is open)", n, 2);
    T_ERR("epoll_ctl DEL the closed fd", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
    T_OK("epoll_ctl MOD the dup", epoll_ctl(ep, EPOLL_CTL_MOD, d, &e), 0);
    close(d);
    T_OK("the file's last close removes its items", wait0(ep, out, 4), 0);
    int q[2];
    T_OK("pipe", pipe(q), 0);
    e.data.u64 = 3;
    T_OK("a new file at the closed fd's number is added", epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &e), 0);
    T_OK("write to the new pipe", write(q[1], "y", 1), 1);
    n = wait0(ep, out, 4);
    T_TRUE("the new file's item reports with its own data", n == 1 && out[0].data.u64 == 3);
    write(p[1], "z", 1);
    n = wait0(ep, out, 4);
    T_TRUE("the old pipe reports nothing any more", n == 1 && out[0].data.u64 == 3);
    close(q[0]);
    close(q[1]);
    close(p[1]);
    close(ep);
}

static void nested(void)
{
    int inner = epoll_create1(0), outer = epoll_create1(0), e1 = eventfd(0, EFD_NONBLOCK);
    struct epoll_event e = { .events = EPOLLIN, .data.u64 = 5 }, out[4];
    epoll_ctl(inner, EPOLL_CTL_ADD, e1, &e);
    e.data.u64 = 6;
    T_OK("epoll_ctl ADD an epoll to an epoll", epoll_ctl(outer, EPOLL_CTL_ADD, inner, &e), 0);
    T_OK("the outer epoll: nothing while the inner one has nothing", wait0(outer, out, 4), 0);
    uint64_t one = 1;
    write(e1, &one, 8);
    int n = wait0(outer, out, 4);
    T_TRUE("the outer epoll reports the inner one readable",
           n == 1 && out[0].data.u64 == 6 && out[0].events == EPOLLIN);
    struct pollfd pf = { inner, POLLIN, 0 };
    T_OK("poll on the inner epoll: readable", poll(&pf, 1, 0), 1);
    read(e1, &one, 8);
    T_OK("drained: the outer epoll reports nothing", wait0(outer, out, 4), 0);
    T_OK("drained: poll on the inner epoll says nothing", poll(&pf, 1, 0), 0);
    e.data.u64 = 7;
    T_ERR("epoll_ctl ADD the outer epoll to the inner one: a loop", epoll_ctl(inner, EPOLL_CTL_ADD, outer, &e), ELOOP);
    T_ERR("epoll_ctl ADD an epoll to itself", epoll_ctl(inner, EPOLL_CTL_ADD, inner, &e), EINVAL);
    int third = epoll_create1(0);
    T_OK("epoll_ctl ADD the outer epoll to a third", epoll_ctl(third, EPOLL_CTL_ADD, outer, &e), 0);
    T_ERR("epoll_ctl ADD the third to the inner one: a longer loop", epoll_ctl(inner, EPOLL_CTL_ADD, third, &e), ELOOP);
    write(e1, &one, 8);
    n = wait0(third, out, 4);
    T_TRUE("two levels up: the third epoll reports the outer one", n == 1 && out[0].data.u64 == 7);
    close(third);
    close(inner);
    T_OK("the inner epoll closed: the outer one has nothing", wait0(outer, out, 4), 0);
    close(outer);
    close(e1);
}

static void exclusive(void)
{
    int ep = epoll_create1(0), ep2 = epoll_create1(0), e1 = eventfd(0, 0);
    struct epoll_event e = { .events = EPOLLIN | EPOLLEXCLUSIVE }, out[2];
    T_OK("epoll_ctl ADD EPOLLIN|EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_ADD, e1, &e), 0);
    T_ERR("epoll_ctl MOD with EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_MOD, e1, &e), EINVAL);
    e.events = EPOLLIN;
    T_ERR("epoll_ctl MOD of an item added with EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_MOD, e1, &e), EINVAL);
    uint64_t one = 1;
    write(e1, &one, 8);
    T_OK("the exclusive item reports", wait0(ep, out, 2), 1);
    T_OK("epoll_ctl DEL it", epoll_ctl(ep, EPOLL_CTL_DEL, e1, NULL), 0);
    e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    T_ERR("epoll_ctl ADD EPOLLEXCLUSIVE|EPOLLONESHOT", epoll_ctl(ep, EPOLL_CTL_ADD, e1, &e), EINVAL);
    e.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP;
    T_ERR("epoll_ctl ADD EPOLLEXCLUSIVE|EPOLLRDHUP", epoll_ctl(ep, EPOLL_CTL_ADD, e1, &e), EINVAL);
    e.events = EPOLLIN | EPOLLEXCLUSIVE;
    T_ERR("epoll_ctl ADD an epoll with EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &e), EINVAL);
    e.events = EPOLLOUT | EPOLLET | EPOLLEXCLUSIVE | EPOLLERR | EPOLLHUP;
    T_OK("epoll_ctl ADD EPOLLOUT|EPOLLET|EPOLLERR|EPOLLHUP|EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_ADD, e1, &e), 0);
    close(ep);
    close(ep2);
    close(e1);
}

/* Ten level-triggered eventfds that stay ready, collected two at a time: every one comes in turn. */
static void no_starving(void)
{
    int ep = epoll_create1(0), fds[10];
    for (int i = 0; i < 10; i++) {
        fds[i] = eventfd(1, 0);
        struct epoll_event e = { .events = EPOLLIN, .data.u64 = (unsigned)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e);
    }
    unsigned seen = 0;
    for (int r = 0; r < 5; r++) {
        struct epoll_event out[2];
        int n = wait0(ep, out, 2);
        for (int i = 0; i < n; i++)
            seen |= 1u << out[i].data.u64;
    }
    T_EQ("ten ready items, five calls of two: each is reported", seen, 0x3ff);
    for (int i = 0; i < 10; i++)
        close(fds[i]);
    close(ep);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    dups();
    nested();
    exclusive();
    no_starving();
    return tap_done();
}
