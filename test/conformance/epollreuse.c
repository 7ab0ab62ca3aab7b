/* test/conformance/epollreuse.c — an epoll entry whose file was closed without EPOLL_CTL_DEL is gone (epoll(7):
 * closing the last fd of a file removes it from every interest list): a new file that gets the same fd number
 * can be added (skiff once said EEXIST when the new file sat at the freed one's address: nginx logged
 * "epoll_ctl(1, 3) failed (17: File exists)" and dropped a connection), and its events come with its own data,
 * never the old entry's. Many rounds, so that address reuse happens whatever the allocator does. */
/* covers: epoll_ctl epoll_wait */
#include "tap.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>

int main(void)
{
    int ep = epoll_create1(0);
    T_TRUE("epoll_create1", ep >= 0);
    int eexist = 0, wrong = 0, samefd = 0;
    for (int round = 0; round < 200; round++) {
        int efd = eventfd(0, EFD_NONBLOCK);
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1000 + (unsigned)round };
        if (epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev)) {
            eexist += errno == EEXIST;
            wrong++;
        }
        uint64_t one = 1;
        if (write(efd, &one, sizeof one) != sizeof one)
            wrong++;
        struct epoll_event got[4];
        int n = epoll_wait(ep, got, 4, 0);
        if (n != 1 || got[0].data.u64 != 1000 + (unsigned)round)
            wrong++;
        int prev = efd;
        close(efd); /* no EPOLL_CTL_DEL: closing removes it */
        int again = eventfd(0, EFD_NONBLOCK);
        samefd += again == prev;
        close(again);
    }
    T_EQ("200 rounds: an eventfd added at a reused fd, EEXIST never", eexist, 0);
    T_EQ("each round's epoll_wait reports one event with that round's data", wrong, 0);
    T_TRUE("the fd numbers were reused", samefd == 200);
    struct epoll_event got[4];
    T_OK("with every file closed, nothing is reported", epoll_wait(ep, got, 4, 0), 0);
    close(ep);
    return tap_done();
}
