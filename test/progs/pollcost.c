/* test/progs/pollcost.c — poll, select and epoll cost what is ready, not what is registered (issue 15): with
 * 1,000 idle sockets registered and one active one, each epoll_wait examines O(1) items (the kernel's count in
 * /proc/skiff/poll, a number, not a time), level-triggered and edge-triggered, whether the call found the event
 * waiting or slept until a child made it; poll and select on those 1,000 sockets sleep on their channels, not
 * on the queue every I/O event wakes. Prints one line per failed check and "N failed"; exits with the failures. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { IDLE = 1000, ROUNDS = 100 };
static int failed;

static void check(int ok, const char *what, long got)
{
    if (!ok) {
        printf("not ok %s (got %ld)\n", what, got);
        failed++;
    }
}

/* A TCP connection over loopback: *a the accepted end, *c the connecting one. */
static int tcp_pair(int ls, int *a, int *c)
{
    struct sockaddr_in sa;
    socklen_t l = sizeof sa;
    getsockname(ls, (struct sockaddr *)&sa, &l);
    *c = socket(AF_INET, SOCK_STREAM, 0);
    if (*c < 0 || connect(*c, (struct sockaddr *)&sa, sizeof sa))
        return -1;
    *a = accept(ls, NULL, NULL);
    return *a < 0 ? -1 : 0;
}

/* A counter of /proc/skiff/poll by name; -1 if absent. */
static long counter(const char *name)
{
    char buf[512], *p;
    FILE *f = fopen("/proc/skiff/poll", "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    size_t l = strlen(name);
    for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (!strncmp(p, name, l) && p[l] == ' ')
            return atol(p + l + 1);
    return -1;
}

static int idle_a[IDLE], idle_b[IDLE], act[2], ack[2];
static int *idle = idle_a, nidle = IDLE;

/* ROUNDS events on the active socket, each collected by one epoll_wait; sleeping: a child makes each event
 * after the parent asks (the parent sleeps in epoll_wait meanwhile). Returns the items examined per round x 10. */
static long epoll_rounds(unsigned et, int sleeping)
{
    int ep = epoll_create1(0);
    struct epoll_event e = { .events = EPOLLIN | et };
    for (int i = 0; i < nidle; i++) {
        e.data.u32 = (unsigned)i;
        epoll_ctl(ep, EPOLL_CTL_ADD, idle[i], &e);
    }
    e.data.u32 = IDLE;
    epoll_ctl(ep, EPOLL_CTL_ADD, act[0], &e);
    struct epoll_event out[8];
    epoll_wait(ep, out, 8, 0); /* the items added are looked at once (as Linux's insert polls them) */
    pid_t c = -1;
    if (sleeping && (c = fork()) == 0) {
        char x;
        for (int r = 0; r < ROUNDS; r++)
            /* a pause: the parent is asleep in poll/select when the byte comes (written at once, it could be
             * there before the parent's first pass, under load, and nothing would have slept) */
            if (read(ack[0], &x, 1) != 1 || usleep(100000) || write(act[1], "e", 1) != 1)
                _exit(1);
        _exit(0);
    }
    long before = counter("epoll_examined"), good = 0;
    for (int r = 0; r < ROUNDS; r++) {
        if (sleeping)
            (void)!write(ack[1], "a", 1);
        else
            (void)!write(act[1], "e", 1);
        int n = epoll_wait(ep, out, 8, 5000);
        char x;
        good += n == 1 && out[0].data.u32 == IDLE && read(act[0], &x, 1) == 1;
    }
    long after = counter("epoll_examined");
    if (c > 0)
        waitpid(c, NULL, 0);
    close(ep);
    check(good == ROUNDS, "every round reported the active socket alone", good);
    printf("# %d idle, %s%s: %ld items examined over %d rounds\n", nidle, et ? "EPOLLET" : "level-triggered",
           sleeping ? ", sleeping" : "", after - before, ROUNDS);
    return before < 0 || after < 0 ? -1 : (after - before) * 10 / ROUNDS;
}

int main(void)
{
    struct rlimit rl = { 4096, 4096 };
    if (setrlimit(RLIMIT_NOFILE, &rl))
        perror("setrlimit");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, act) || pipe(ack)) /* first: low fds, for select's sets */
        return 1;
    for (int i = 0; i < IDLE; i++) {
        int s[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, s)) {
            printf("not ok socketpair %d: %s\n1 failed\n", i, strerror(errno));
            return 1;
        }
        idle_a[i] = s[0];
        idle_b[i] = s[1];
    }
    check(counter("epoll_examined") >= 0, "/proc/skiff/poll has epoll_examined", counter("epoll_examined"));
    /* Linux's model would examine 1 or 2 per round (the item reported, once more when found drained). */
    long per = epoll_rounds(0, 0);
    check(per >= 0 && per <= 30, "level-triggered: items examined per epoll_wait x10 with 1,000 idle sockets", per);
    per = epoll_rounds(EPOLLET, 0);
    check(per >= 0 && per <= 30, "edge-triggered: items examined per epoll_wait x10", per);
    per = epoll_rounds(0, 1);
    check(per >= 0 && per <= 30, "level-triggered, sleeping until a child writes: items examined per wake x10", per);
    per = epoll_rounds(EPOLLET, 1);
    check(per >= 0 && per <= 30, "edge-triggered, sleeping: items examined per wake x10", per);

    /* poll and select over the 1,000 idle sockets and the active one: they sleep on the sockets' channels. */
    long chan0 = counter("poll_chan_sleeps"), any0 = counter("poll_any_sleeps");
    static struct pollfd pf[IDLE + 1];
    for (int i = 0; i < IDLE; i++)
        pf[i] = (struct pollfd){ idle_a[i], POLLIN, 0 };
    pf[IDLE] = (struct pollfd){ act[0], POLLIN, 0 };
    pid_t c = fork();
    if (c == 0) {
        char x;
        for (int r = 0; r < 2; r++)
            /* a pause: the parent is asleep in poll/select when the byte comes (written at once, it could be
             * there before the parent's first pass, under load, and nothing would have slept) */
            if (read(ack[0], &x, 1) != 1 || usleep(100000) || write(act[1], "e", 1) != 1)
                _exit(1);
        _exit(0);
    }
    char x;
    (void)!write(ack[1], "a", 1);
    int n = poll(pf, IDLE + 1, 5000);
    check(n == 1 && pf[IDLE].revents == POLLIN && read(act[0], &x, 1) == 1, "poll woken by the active socket", n);
    fd_set rs;
    FD_ZERO(&rs);
    for (int i = 0; i < IDLE; i++)
        if (idle_a[i] < FD_SETSIZE) /* about half of them */
            FD_SET(idle_a[i], &rs);
    FD_SET(act[0], &rs);
    (void)!write(ack[1], "a", 1);
    n = select(FD_SETSIZE, &rs, NULL, NULL, &(struct timeval){ 5, 0 });
    check(n == 1 && FD_ISSET(act[0], &rs) && read(act[0], &x, 1) == 1, "select woken by the active socket", n);
    waitpid(c, NULL, 0);
    long chan = counter("poll_chan_sleeps") - chan0, any = counter("poll_any_sleeps") - any0;
    check(chan0 >= 0 && chan >= 1, "poll and select slept on the sockets' channels", chan);
    check(any0 >= 0 && any == 0, "poll and select never slept on the any-event queue", any);

    /* The same with TCP: 100 idle loopback connections and an active one (the counts are TCP's own kicks). */
    enum { NTCP = 100 };
    static int tcp_idle[NTCP], tcp_peer[NTCP];
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    int ok = ls >= 0 && !bind(ls, (struct sockaddr *)&sa, sizeof sa) && !listen(ls, 128);
    for (int i = 0; ok && i < NTCP; i++)
        ok = !tcp_pair(ls, &tcp_idle[i], &tcp_peer[i]);
    close(act[0]);
    close(act[1]);
    ok = ok && !tcp_pair(ls, &act[0], &act[1]);
    check(ok, "100 loopback TCP connections", ok);
    if (ok) {
        idle = tcp_idle;
        nidle = NTCP;
        per = epoll_rounds(0, 1);
        check(per >= 0 && per <= 30, "TCP, level-triggered, sleeping: items examined per wake x10", per);
        per = epoll_rounds(EPOLLET, 1);
        check(per >= 0 && per <= 30, "TCP, edge-triggered, sleeping: items examined per wake x10", per);
    }
    printf("%d failed\n", failed);
    return failed;
}
