/* test/conformance/pollwake.c — a sleeping poller is woken by the event it waits for, whatever the object and
 * whatever the way it waits: a child sleeps in poll, select, epoll_wait (level-triggered, EPOLLET, EPOLLONESHOT,
 * EPOLLEXCLUSIVE, or through an epoll inside an epoll) on a pipe, a socketpair, a listener, an eventfd, a timerfd,
 * a signalfd, an inotify instance, a pidfd, TCP and UDP loopback sockets; the parent, once the child sleeps,
 * writes, closes, shuts down, connects, sends a signal, ends a process (or a timer expires). A missed wake-up
 * shows as a child still asleep 20 s later (killed) instead of a hang. Also many fds with one becoming ready. */
/* covers: poll select epoll_wait */
#include "tap.h"
#include "tap_inet.h"
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>

enum { W_POLL, W_SELECT, W_LT, W_ET, W_ONESHOT, W_EXCL, W_NESTED, NWAYS };
static const char *const way_name[NWAYS] = { "poll", "select", "epoll_wait", "epoll_wait EPOLLET",
                                             "epoll_wait EPOLLONESHOT", "epoll_wait EPOLLEXCLUSIVE",
                                             "epoll_wait (epoll in epoll)" };

/* Waits up to ms for ev on fd the given way: the poll bits seen (0: none in time, -1: an error). */
static int wait_way(int way, int fd, short ev, int ms)
{
    if (way == W_POLL) {
        struct pollfd p = { fd, ev, 0 };
        int n = poll(&p, 1, ms);
        return n < 0 ? -1 : n ? p.revents : 0;
    }
    if (way == W_SELECT) {
        fd_set r, w;
        FD_ZERO(&r);
        FD_ZERO(&w);
        if (ev & POLLIN)
            FD_SET(fd, &r);
        if (ev & POLLOUT)
            FD_SET(fd, &w);
        struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
        int n = select(fd + 1, &r, &w, NULL, ms < 0 ? NULL : &tv);
        return n < 0 ? -1 : (FD_ISSET(fd, &r) ? POLLIN : 0) | (FD_ISSET(fd, &w) ? POLLOUT : 0);
    }
    uint32_t extra = way == W_ET ? EPOLLET : way == W_ONESHOT ? EPOLLONESHOT : way == W_EXCL ? EPOLLEXCLUSIVE : 0;
    int ep = epoll_create1(0), wait_on = ep;
    struct epoll_event e = { .events = (uint32_t)ev | extra, .data.u64 = 7 }, out[2];
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e))
        return -1;
    if (way == W_NESTED) {
        wait_on = epoll_create1(0);
        e = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 8 };
        if (epoll_ctl(wait_on, EPOLL_CTL_ADD, ep, &e))
            return -1;
    }
    int n = epoll_wait(wait_on, out, 2, ms);
    if (n > 0 && way == W_NESTED) /* the inner epoll is ready: what it holds */
        n = epoll_wait(ep, out, 2, 0);
    return n < 0 ? -1 : n ? (int)out[0].events : 0;
}

struct wcase {
    const char *name;
    short ev;                       /* what the child waits for */
    short want;                     /* what it must see (any of these bits) */
    void (*setup)(int *wfd, int *act);  /* wfd: what the child waits on; act: what the parent acts on (or -1) */
    void (*act)(int act, pid_t child);
};

static int ign(long r) { return (int)r; }

static void fill(int fd)
{
    static char buf[65536];
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    while (write(fd, buf, sizeof buf) > 0)
        ;
    fcntl(fd, F_SETFL, fl);
}

static void drain(int fd)
{
    static char buf[65536];
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    while (read(fd, buf, sizeof buf) > 0)
        ;
    fcntl(fd, F_SETFL, fl);
}

static void act_write(int fd, pid_t c) { (void)c; ign(write(fd, "x", 1)); }
static void act_close(int fd, pid_t c) { (void)c; close(fd); }
static void act_shut_wr(int fd, pid_t c) { (void)c; shutdown(fd, SHUT_WR); }
static void act_drain(int fd, pid_t c) { (void)c; drain(fd); }
static void act_none(int fd, pid_t c) { (void)fd; (void)c; }
static void act_sig(int fd, pid_t c) { (void)fd; kill(c, SIGUSR1); }
static void act_efd(int fd, pid_t c) { (void)c; uint64_t one = 1; ign(write(fd, &one, 8)); }

static void su_pipe(int *w, int *a) { int p[2]; ign(pipe(p)); *w = p[0]; *a = p[1]; }
static void su_pipe_full(int *w, int *a) { int p[2]; ign(pipe(p)); fill(p[1]); *w = p[1]; *a = p[0]; }
static void su_us(int *w, int *a) { int s[2]; socketpair(AF_UNIX, SOCK_STREAM, 0, s); *w = s[0]; *a = s[1]; }
static void su_us_full(int *w, int *a) { su_us(w, a); fill(*w); }
static void su_ud(int *w, int *a) { int s[2]; socketpair(AF_UNIX, SOCK_DGRAM, 0, s); *w = s[0]; *a = s[1]; }
static void su_efd(int *w, int *a) { *w = eventfd(0, 0); *a = dup(*w); }
static void su_tcp(int *w, int *a) { tap_tcp_pair(w, a); }
static void su_tcp_full(int *w, int *a) { tap_tcp_pair(w, a); fill(*w); }
static void su_udp(int *w, int *a) { tap_udp_pair(w, a); }

/* A listener (the child's) and a socket the parent connects with. */
static struct sockaddr_in lsn_addr;
static void su_tcp_listen(int *w, int *a)
{
    struct sockaddr_in s = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    socklen_t l = sizeof s;
    *w = socket(AF_INET, SOCK_STREAM, 0);
    bind(*w, (struct sockaddr *)&s, sizeof s);
    listen(*w, 4);
    getsockname(*w, (struct sockaddr *)&lsn_addr, &l);
    *a = socket(AF_INET, SOCK_STREAM, 0);
   
}
static void act_connect(int fd, pid_t c) { (void)c; connect(fd, (struct sockaddr *)&lsn_addr, sizeof lsn_addr); }

static struct sockaddr_un un_addr;
static void su_unix_listen(int *w, int *a)
{
    un_addr.sun_family = AF_UNIX;
    snprintf(un_addr.sun_path, sizeof un_addr.sun_path, "/tmp/pollwake-%d", (int)getpid());
    unlink(un_addr.sun_path);
    *w = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(*w, (struct sockaddr *)&un_addr, sizeof un_addr);
    listen(*w, 4);
    *a = socket(AF_UNIX, SOCK_STREAM, 0);
   
}
static void act_uconnect(int fd, pid_t c) { (void)c; connect(fd, (struct sockaddr *)&un_addr, sizeof un_addr); }

/* A non-blocking connect the child waits to complete: the parent accepts (the handshake may end before). */
static int conn_lsn;
static void su_tcp_connecting(int *w, int *a)
{
    struct sockaddr_in s = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    socklen_t l = sizeof s;
    conn_lsn = socket(AF_INET, SOCK_STREAM, 0);
    bind(conn_lsn, (struct sockaddr *)&s, sizeof s);
    listen(conn_lsn, 4);
    getsockname(conn_lsn, (struct sockaddr *)&s, &l);
    *w = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(*w, (struct sockaddr *)&s, sizeof s);
    *a = conn_lsn;
   
}
static void act_accept(int fd, pid_t c) { (void)c; close(accept(fd, NULL, NULL)); }

static void su_timerfd(int *w, int *a)
{
    *w = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = { { 0, 0 }, { 0, 200 * 1000 * 1000 } };
    timerfd_settime(*w, 0, &its, NULL);
    *a = -1;
   
}

static void su_signalfd(int *w, int *a)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    *w = signalfd(-1, &s, 0);
    *a = -1;
   
}

/* A pidfd of a process (the parent's child) that ends when the parent writes to its pipe. */
static pid_t pidfd_target = -1;
static void su_pidfd(int *w, int *a)
{
    int p[2];
    ign(pipe(p));
    pidfd_target = fork();
    if (pidfd_target == 0) {
        char c;
        close(p[1]);
        ign(read(p[0], &c, 1));
        _exit(0);
    }
    close(p[0]);
    *w = (int)syscall(SYS_pidfd_open, pidfd_target, 0);
    *a = p[1];
   
}

static char in_dir[64];
static void su_inotify(int *w, int *a)
{
    snprintf(in_dir, sizeof in_dir, "/tmp/pollwake-in-%d", (int)getpid());
    mkdir(in_dir, 0700);
    *w = inotify_init1(0);
    inotify_add_watch(*w, in_dir, IN_CREATE);
    *a = -1;
   
}
static void act_create(int fd, pid_t c)
{
    (void)fd;
    (void)c;
    char p[96];
    snprintf(p, sizeof p, "%s/f", in_dir);
    close(open(p, O_CREAT | O_WRONLY, 0600));
    unlink(p);
}

static const struct wcase cases[] = {
    { "pipe: a write", POLLIN, POLLIN, su_pipe, act_write },
    { "pipe: the writer's close", POLLIN, POLLHUP | POLLIN, su_pipe, act_close },
    { "full pipe: a read makes room", POLLOUT, POLLOUT, su_pipe_full, act_drain },
    { "full pipe's write end: the reader's close", POLLOUT, POLLERR | POLLOUT, su_pipe_full, act_close },
    { "unix stream: a write", POLLIN, POLLIN, su_us, act_write },
    { "unix stream: shutdown(SHUT_WR)", POLLIN, POLLIN, su_us, act_shut_wr },
    { "unix stream: the peer's close", POLLIN, POLLIN | POLLHUP, su_us, act_close },
    { "full unix stream: the peer reads", POLLOUT, POLLOUT, su_us_full, act_drain },
    { "unix dgram: a send", POLLIN, POLLIN, su_ud, act_write },
    { "unix listener: a connect", POLLIN, POLLIN, su_unix_listen, act_uconnect },
    { "eventfd: a write", POLLIN, POLLIN, su_efd, act_efd },
    { "timerfd: the expiry", POLLIN, POLLIN, su_timerfd, act_none },
    { "signalfd: a signal", POLLIN, POLLIN, su_signalfd, act_sig },
    { "inotify: a file created", POLLIN, POLLIN, su_inotify, act_create },
    { "pidfd: the process ends", POLLIN, POLLIN, su_pidfd, act_write },
    { "tcp: a write", POLLIN, POLLIN, su_tcp, act_write },
    { "tcp: shutdown(SHUT_WR)", POLLIN, POLLIN, su_tcp, act_shut_wr },
    { "tcp: the peer's close", POLLIN, POLLIN | POLLHUP, su_tcp, act_close },
    { "full tcp: the peer reads", POLLOUT, POLLOUT, su_tcp_full, act_drain },
    { "tcp listener: a connect", POLLIN, POLLIN, su_tcp_listen, act_connect },
    { "tcp: a non-blocking connect completes", POLLOUT, POLLOUT, su_tcp_connecting, act_accept },
    { "udp: a datagram", POLLIN, POLLIN, su_udp, act_write },
};

/* The child's end, waited for 20 s at most: a child that sleeps on (a missed wake-up: the waits are untimed, so
 * no last look at a deadline can hide it) is killed and reported as such (status 1). */
static void reap(pid_t c, int *st)
{
    for (int i = 0; i < 20000; i++) {
        if (waitpid(c, st, WNOHANG) == c)
            return;
        usleep(1000);
    }
    kill(c, SIGKILL);
    waitpid(c, st, 0);
    *st = 1 << 8;
}

/* Waits (bounded) until the child sleeps, so that the event finds it asleep. */
static void until_asleep(pid_t c)
{
    char st = '?';
    for (int i = 0; i < 2000 && (st = state_of(c)) != 'S' && st != 'Z'; i++)
        usleep(1000); /* Z: done already (a connect that completed at once) */
    usleep(5000);
}

static void run_case(const struct wcase *k, int way)
{
    int w, a;
    k->setup(&w, &a);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        if (a >= 0 && a != conn_lsn)
            close(a);
        int r = wait_way(way, w, k->ev, -1);
        _exit(r < 0 ? 2 : (r & k->want) ? 0 : 1);
    }
    until_asleep(c);
    k->act(a, c);
    int st = 0;
    reap(c, &st);
    char name[160], diag[80];
    snprintf(name, sizeof name, "%s woken by %s", way_name[way], k->name);
    snprintf(diag, sizeof diag, "child status %d (1: not woken in 20 s, 2: an error)",
             WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    tap_result(WIFEXITED(st) && WEXITSTATUS(st) == 0, name, diag);
    close(w);
    if (a >= 0)
        close(a);
    if (k->setup == su_signalfd) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
    }
    if (k->setup == su_unix_listen)
        unlink(un_addr.sun_path);
    if (k->setup == su_inotify)
        rmdir(in_dir);
    if (k->setup == su_pidfd)
        waitpid(pidfd_target, NULL, 0);
}

/* 300 pipes watched at once, the 200th becomes readable: the sleeper wakes and reports that one alone. */
static void many_fds(int way)
{
    enum { N = 300 };
    int rd[N], wr[N];
    for (int i = 0; i < N; i++) {
        int p[2];
        ign(pipe(p));
        rd[i] = p[0];
        wr[i] = p[1];
    }
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        int bad = 1;
        if (way == W_POLL) {
            static struct pollfd pf[N];
            for (int i = 0; i < N; i++)
                pf[i] = (struct pollfd){ rd[i], POLLIN, 0 };
            bad = !(poll(pf, N, -1) == 1 && pf[199].revents == POLLIN);
        } else if (way == W_SELECT) {
            fd_set r;
            FD_ZERO(&r);
            for (int i = 0; i < N; i++)
                FD_SET(rd[i], &r);
            bad = !(select(rd[N - 1] + 1, &r, NULL, NULL, NULL) == 1 && FD_ISSET(rd[199], &r));
        } else {
            int ep = epoll_create1(0);
            for (int i = 0; i < N; i++) {
                struct epoll_event e = { .events = EPOLLIN | (way == W_ET ? EPOLLET : 0), .data.u64 = (unsigned)i };
                epoll_ctl(ep, EPOLL_CTL_ADD, rd[i], &e);
            }
            struct epoll_event out[8];
            bad = !(epoll_wait(ep, out, 8, -1) == 1 && out[0].data.u64 == 199);
        }
        _exit(bad);
    }
    until_asleep(c);
    ign(write(wr[199], "x", 1));
    int st = 0;
    reap(c, &st);
    char name[120];
    snprintf(name, sizeof name, "%s on 300 pipes woken by a write to one, which alone is reported", way_name[way]);
    T_TRUE(name, WIFEXITED(st) && WEXITSTATUS(st) == 0);
    for (int i = 0; i < N; i++) {
        close(rd[i]);
        close(wr[i]);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int way = 0; way < NWAYS; way++)
            run_case(&cases[k], way);
    many_fds(W_POLL);
    many_fds(W_SELECT);
    many_fds(W_LT);
    many_fds(W_ET);
    return tap_done();
}
