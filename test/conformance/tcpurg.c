/* test/conformance/tcpurg.c — TCP urgent data (tcp(7) "Urgent data", socket(7) SO_OOBINLINE/SIOCATMARK,
 * send(2)/recv(2) MSG_OOB) over IPv4 and IPv6 loopback: the last byte of a MSG_OOB send is the urgent byte;
 * the receiver keeps it apart (unless SO_OOBINLINE) for recv(MSG_OOB); an ordinary read stops at the mark and
 * passes over the byte; a newer urgent byte makes the older one data (or drops it when the reader stands at
 * it); SIOCATMARK; POLLPRI, select's exceptfds and EPOLLPRI while it is pending; SIGURG to the F_SETOWN owner
 * (a process, a process group, F_SETOWN_EX's thread) for TCP and for AF_UNIX stream MSG_OOB. Errors: MSG_OOB
 * on unconnected and listening sockets, on UDP. */
/* covers: sendto recvfrom recvmsg ioctl poll select epoll_wait fcntl setsockopt */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>

#ifndef F_SETOWN_EX
#define F_SETOWN_EX 15
#define F_OWNER_TID 0
#define F_OWNER_PID 1
#define F_OWNER_PGRP 2
struct f_owner_ex { int type; int pid; };
#endif

static int fam = AF_INET;
static const char *fname = "IPv4";
static char nm[200];

/* the check's name with the family after it */
static const char *N(const char *s)
{
    snprintf(nm, sizeof nm, "%s (%s)", s, fname);
    return nm;
}

static int listener(void)
{
    int l = socket(fam, SOCK_STREAM, 0);
    if (fam == AF_INET) {
        struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
        bind(l, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        bind(l, (struct sockaddr *)&a, sizeof a);
    }
    listen(l, 4);
    return l;
}

/* u bound to a loopback port, v connected to it */
static void udp_pair(int *u, int *v)
{
    struct sockaddr_storage a;
    socklen_t l = sizeof a;
    *u = socket(fam, SOCK_DGRAM, 0);
    *v = socket(fam, SOCK_DGRAM, 0);
    if (fam == AF_INET) {
        struct sockaddr_in a4 = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
        bind(*u, (struct sockaddr *)&a4, sizeof a4);
    } else {
        struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
        bind(*u, (struct sockaddr *)&a6, sizeof a6);
    }
    getsockname(*u, (struct sockaddr *)&a, &l);
    connect(*v, (struct sockaddr *)&a, l);
}

/* a connected pair over loopback: *r the accepted end (the receiver), *w the connecting one */
static void pair(int *r, int *w)
{
    struct sockaddr_storage a;
    socklen_t l = sizeof a;
    int ls = listener();
    getsockname(ls, (struct sockaddr *)&a, &l);
    *w = socket(fam, SOCK_STREAM, 0);
    connect(*w, (struct sockaddr *)&a, l);
    *r = accept(ls, NULL, NULL);
    close(ls);
}

static int inq(int fd)
{
    int n = -1;
    return ioctl(fd, FIONREAD, &n) ? -1 : n;
}

/* until the peer has acknowledged all that w sent (it has it then), at most 2 s: loopback may deliver a
 * moment later */
static void settle(int w)
{
    int n = -1;
    for (int i = 0; i < 2000 && (ioctl(w, TIOCOUTQ, &n) || n > 0); i++)
        usleep(1000);
}

static int atmark(int fd)
{
    int m = -1;
    return ioctl(fd, SIOCATMARK, &m) ? -errno : m;
}

static int revents(int fd)
{
    struct pollfd p = { fd, POLLIN | POLLPRI, 0 };
    return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static char buf[64];

/* a non-blocking receive into buf (NUL-terminated) */
static long rd(int fd, size_t n, int flags)
{
    memset(buf, 0, sizeof buf);
    return recv(fd, buf, n, flags | MSG_DONTWAIT);
}

static void basics(void)
{
    int r, w;
    pair(&r, &w);
    T_ERR(N("recvfrom MSG_OOB with none pending -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    T_OK(N("ioctl SIOCATMARK with no urgent data"), atmark(r), 0);
    T_OK(N("sendto MSG_OOB \"abc\": c is urgent"), send(w, "abc", 3, MSG_OOB), 3);
    settle(w);
    T_OK(N("ioctl FIONREAD counts the bytes up to the mark"), inq(r), 2);
    T_EQ(N("poll POLLIN and POLLPRI with urgent data pending"), revents(r), POLLIN | POLLPRI);
    T_OK(N("ioctl SIOCATMARK 0 before the data ahead of the mark"), atmark(r), 0);
    T_OK(N("recvfrom stops at the mark"), rd(r, 8, 0), 2);
    T_TRUE(N("recvfrom: ab"), !strcmp(buf, "ab"));
    T_OK(N("ioctl SIOCATMARK 1 at the mark"), atmark(r), 1);
    T_EQ(N("poll at the mark: only the urgent byte is left, POLLPRI without POLLIN"), revents(r), POLLPRI);
    T_OK(N("recvfrom MSG_OOB|MSG_PEEK"), rd(r, 8, MSG_OOB | MSG_PEEK), 1);
    T_TRUE(N("recvfrom MSG_OOB|MSG_PEEK: c"), !strcmp(buf, "c"));
    T_OK(N("recvfrom MSG_OOB"), rd(r, 8, MSG_OOB), 1);
    T_TRUE(N("recvfrom MSG_OOB: c"), !strcmp(buf, "c"));
    T_ERR(N("recvfrom MSG_OOB again -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    T_EQ(N("poll once the urgent byte was taken: no POLLPRI"), revents(r), 0);
    T_OK(N("ioctl SIOCATMARK still 1 after recv MSG_OOB"), atmark(r), 1);
    T_OK(N("ioctl FIONREAD at the mark after recv MSG_OOB"), inq(r), 0);
    T_ERR(N("recvfrom at the mark passes over the byte: nothing else -> EAGAIN"), rd(r, 8, 0), EAGAIN);
    T_OK(N("ioctl SIOCATMARK 0 past the mark"), atmark(r), 0);
    T_OK(N("ioctl FIONREAD 0 past the mark"), inq(r), 0);
    T_OK(N("sendto after the urgent data"), send(w, "de", 2, 0), 2);
    settle(w);
    T_OK(N("recvfrom the data after the mark"), rd(r, 8, 0), 2);
    T_TRUE(N("recvfrom: de"), !strcmp(buf, "de"));
    close(r), close(w);
}

/* the urgent byte in the middle of what is pending */
static void middle(void)
{
    int r, w;
    pair(&r, &w);
    send(w, "ab", 2, 0);
    send(w, "cd", 2, MSG_OOB);
    send(w, "ef", 2, 0);
    settle(w);
    T_OK(N("recvfrom with the urgent byte in the middle: up to the mark"), rd(r, 8, 0), 3);
    T_TRUE(N("recvfrom: abc"), !strcmp(buf, "abc"));
    T_OK(N("recvfrom MSG_PEEK at the mark passes over the urgent byte"), rd(r, 8, MSG_PEEK), 2);
    T_TRUE(N("recvfrom MSG_PEEK: ef"), !strcmp(buf, "ef"));
    T_OK(N("recvfrom MSG_OOB in the middle"), rd(r, 8, MSG_OOB), 1);
    T_TRUE(N("recvfrom MSG_OOB: d"), !strcmp(buf, "d"));
    T_OK(N("recvfrom after the mark"), rd(r, 8, 0), 2);
    T_TRUE(N("recvfrom: ef"), !strcmp(buf, "ef"));
    close(r), close(w);

    pair(&r, &w); /* read across without taking it: the byte is passed over and gone */
    send(w, "abc", 3, MSG_OOB);
    send(w, "de", 2, 0);
    settle(w);
    T_OK(N("recvfrom before an untaken urgent byte"), rd(r, 8, 0), 2);
    T_OK(N("recvfrom from the mark passes over the untaken byte"), rd(r, 8, 0), 2);
    T_TRUE(N("recvfrom: de"), !strcmp(buf, "de"));
    T_ERR(N("recvfrom MSG_OOB after the byte was passed over -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    close(r), close(w);

    pair(&r, &w); /* MSG_WAITALL stops at the mark too */
    struct timeval tv = { 2, 0 };
    setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    send(w, "abc", 3, MSG_OOB);
    settle(w);
    memset(buf, 0, sizeof buf);
    T_OK(N("recvfrom MSG_WAITALL stops at the mark"), recv(r, buf, 8, MSG_WAITALL), 2);
    close(r), close(w);
}

/* two urgent sends before a read */
static void twice(void)
{
    int r, w;
    pair(&r, &w);
    send(w, "ab", 2, MSG_OOB);
    settle(w);
    send(w, "cd", 2, MSG_OOB);
    settle(w);
    T_OK(N("recvfrom after two urgent sends: the older byte is data"), rd(r, 8, 0), 3);
    T_TRUE(N("recvfrom: abc"), !strcmp(buf, "abc"));
    T_OK(N("recvfrom MSG_OOB: the newer byte"), rd(r, 8, MSG_OOB), 1);
    T_TRUE(N("recvfrom MSG_OOB: d"), !strcmp(buf, "d"));
    close(r), close(w);

    pair(&r, &w); /* the reader stands at the older byte when the newer comes: the older is dropped */
    send(w, "a", 1, MSG_OOB);
    settle(w);
    send(w, "b", 1, MSG_OOB);
    settle(w);
    usleep(20000);
    T_OK(N("ioctl FIONREAD at the mark with the newer byte"), inq(r), 0);
    T_OK(N("recvfrom MSG_OOB after two one-byte urgent sends"), rd(r, 8, MSG_OOB), 1);
    T_TRUE(N("recvfrom MSG_OOB: b"), !strcmp(buf, "b"));
    T_ERR(N("recvfrom: nothing but the taken urgent byte -> EAGAIN"), rd(r, 8, 0), EAGAIN);
    close(r), close(w);

    pair(&r, &w); /* taken with MSG_OOB, then a newer one while the reader stands at the older one's place */
    send(w, "xa", 2, MSG_OOB);
    settle(w);
    rd(r, 8, 0);
    rd(r, 8, MSG_OOB);
    send(w, "yb", 2, MSG_OOB);
    settle(w);
    T_OK(N("recvfrom after a taken urgent byte and a newer one"), rd(r, 8, 0), 1);
    T_TRUE(N("recvfrom: y"), !strcmp(buf, "y"));
    T_OK(N("recvfrom MSG_OOB: the newer one"), rd(r, 8, MSG_OOB), 1);
    T_TRUE(N("recvfrom MSG_OOB: b"), !strcmp(buf, "b"));
    close(r), close(w);
}

static void inline_(void)
{
    int r, w, on = 1;
    pair(&r, &w);
    T_OK(N("setsockopt SO_OOBINLINE"), setsockopt(r, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on), 0);
    send(w, "abc", 3, MSG_OOB);
    settle(w);
    T_ERR(N("recvfrom MSG_OOB with SO_OOBINLINE -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    T_EQ(N("poll with SO_OOBINLINE: POLLPRI too"), revents(r), POLLIN | POLLPRI);
    T_OK(N("ioctl SIOCATMARK with SO_OOBINLINE, before the mark"), atmark(r), 0);
    T_OK(N("recvfrom with SO_OOBINLINE stops at the mark"), rd(r, 8, 0), 2);
    T_OK(N("ioctl SIOCATMARK with SO_OOBINLINE, at the mark"), atmark(r), 1);
    T_EQ(N("poll with SO_OOBINLINE at the mark: POLLIN"), revents(r), POLLIN | POLLPRI);
    T_OK(N("recvfrom with SO_OOBINLINE reads the urgent byte as data"), rd(r, 8, 0), 1);
    T_TRUE(N("recvfrom with SO_OOBINLINE: c"), !strcmp(buf, "c"));
    T_OK(N("ioctl SIOCATMARK with SO_OOBINLINE, past the mark"), atmark(r), 0);
    T_EQ(N("poll with SO_OOBINLINE past the mark"), revents(r), 0);
    close(r), close(w);

    pair(&r, &w); /* with SO_OOBINLINE set after the byte came */
    send(w, "ab", 2, MSG_OOB);
    send(w, "cd", 2, 0);
    settle(w);
    setsockopt(r, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
    T_OK(N("recvfrom with SO_OOBINLINE set late: up to the mark"), rd(r, 8, 0), 1);
    T_OK(N("recvfrom with SO_OOBINLINE set late: from the mark on"), rd(r, 8, 0), 3);
    T_TRUE(N("recvfrom with SO_OOBINLINE set late: bcd"), !strcmp(buf, "bcd"));
    close(r), close(w);
}

static void msgflags(void)
{
    int r, w;
    pair(&r, &w);
    send(w, "ab", 2, MSG_OOB);
    settle(w);
    struct iovec io = { buf, 8 };
    struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1 };
    T_OK(N("recvmsg before the mark"), recvmsg(r, &mh, MSG_DONTWAIT), 1);
    T_EQ(N("recvmsg before the mark: msg_flags 0"), mh.msg_flags, 0);
    mh.msg_flags = 0;
    T_OK(N("recvmsg MSG_OOB"), recvmsg(r, &mh, MSG_OOB | MSG_PEEK), 1);
    T_EQ(N("recvmsg MSG_OOB: msg_flags MSG_OOB"), mh.msg_flags, MSG_OOB);
    io.iov_len = 0;
    mh.msg_flags = 0;
    T_OK(N("recvmsg MSG_OOB into no room"), recvmsg(r, &mh, MSG_OOB), 0);
    T_EQ(N("recvmsg MSG_OOB into no room: msg_flags MSG_OOB|MSG_TRUNC"), mh.msg_flags, MSG_OOB | MSG_TRUNC);
    T_ERR(N("recvfrom MSG_OOB after a read into no room took it -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    close(r), close(w);

    pair(&r, &w);
    send(w, "ab", 2, MSG_OOB);
    settle(w);
    memset(buf, 0, sizeof buf);
    T_OK(N("recvfrom MSG_OOB|MSG_TRUNC: the length, nothing copied"), recv(r, buf, 8, MSG_OOB | MSG_TRUNC), 1);
    T_TRUE(N("recvfrom MSG_OOB|MSG_TRUNC copies nothing"), buf[0] == 0);
    T_ERR(N("recvfrom MSG_OOB after MSG_OOB|MSG_TRUNC -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    close(r), close(w);
}

static void waiters(void)
{
    int r, w;
    pair(&r, &w);
    fd_set rs, xs;
    struct timeval tv = { 0, 0 };
    FD_ZERO(&rs);
    FD_ZERO(&xs);
    FD_SET(r, &xs);
    T_OK(N("select exceptfds with no urgent data"), select(r + 1, NULL, NULL, &xs, &tv), 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = { EPOLLPRI, { .fd = r } }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev);
    T_OK(N("epoll_wait EPOLLPRI with no urgent data"), epoll_wait(ep, &out, 1, 0), 0);
    send(w, "ab", 2, MSG_OOB);
    T_OK(N("epoll_wait EPOLLPRI wakes for urgent data"), epoll_wait(ep, &out, 1, 2000), 1);
    T_EQ(N("epoll_wait: EPOLLPRI"), out.events, EPOLLPRI);
    settle(w);
    FD_ZERO(&xs);
    FD_SET(r, &xs);
    FD_SET(r, &rs);
    T_OK(N("select exceptfds with urgent data pending"), select(r + 1, &rs, NULL, &xs, &tv), 2);
    rd(r, 8, 0);
    FD_ZERO(&xs);
    FD_SET(r, &xs);
    FD_ZERO(&rs);
    FD_SET(r, &rs);
    T_OK(N("select at the mark: exceptfds only"), select(r + 1, &rs, NULL, &xs, &tv), 1);
    T_TRUE(N("select at the mark: in exceptfds"), FD_ISSET(r, &xs) && !FD_ISSET(r, &rs));
    rd(r, 8, MSG_OOB);
    T_OK(N("epoll_wait EPOLLPRI once it was taken"), epoll_wait(ep, &out, 1, 0), 0);
    close(ep), close(r), close(w);

    /* a blocked poll for POLLPRI wakes when the urgent byte comes */
    pair(&r, &w);
    pid_t k = fork();
    if (k == 0) {
        usleep(50000);
        send(w, "z", 1, MSG_OOB);
        _exit(0);
    }
    struct pollfd p = { r, POLLPRI, 0 };
    T_OK(N("poll blocked for POLLPRI wakes"), poll(&p, 1, 3000), 1);
    T_EQ(N("poll blocked for POLLPRI: revents"), p.revents, POLLPRI);
    waitpid(k, NULL, 0);
    close(r), close(w);
}

static volatile int got_urg, urg_code, urg_fd, urg_pid;

static void on_urg(int s, siginfo_t *si, void *uc)
{
    (void)s, (void)uc;
    got_urg++;
    urg_code = si->si_code;
    urg_fd = si->si_fd;
    urg_pid = si->si_pid;
}

static void sigurg_wait(void)
{
    for (int i = 0; i < 200 && !got_urg; i++)
        usleep(10000);
}

/* SIGURG's arrival for one owner setting: 1 when it came */
static int urg_for(int r, int w, const char *how)
{
    got_urg = 0, urg_code = urg_fd = urg_pid = -1;
    if (!strcmp(how, "pid")) {
        fcntl(r, F_SETOWN, getpid());
    } else if (!strcmp(how, "pgrp")) {
        fcntl(r, F_SETOWN, -getpgrp());
    } else if (!strcmp(how, "tid")) {
        struct f_owner_ex o = { F_OWNER_TID, (int)syscall(SYS_gettid) };
        fcntl(r, F_SETOWN_EX, &o);
    } else if (!strcmp(how, "pgrp_ex")) {
        struct f_owner_ex o = { F_OWNER_PGRP, getpgrp() };
        fcntl(r, F_SETOWN_EX, &o);
    }
    send(w, "u", 1, MSG_OOB);
    sigurg_wait();
    rd(r, 8, MSG_OOB);
    return got_urg;
}

static void sigurg(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_urg;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGURG, &sa, NULL);
    int r, w;
    pair(&r, &w);
    T_OK(N("fcntl F_SETOWN: SIGURG when urgent data comes"), urg_for(r, w, "pid"), 1);
    T_EQ(N("fcntl F_SETOWN: SIGURG's si_code SI_KERNEL"), urg_code, SI_KERNEL);
    T_EQ(N("fcntl F_SETOWN: SIGURG's si_pid 0"), urg_pid, 0);
    T_OK(N("fcntl F_SETOWN a process group: SIGURG"), urg_for(r, w, "pgrp"), 1);
    T_OK(N("fcntl F_SETOWN_EX F_OWNER_TID: SIGURG"), urg_for(r, w, "tid"), 1);
    T_OK(N("fcntl F_SETOWN_EX F_OWNER_PGRP: SIGURG"), urg_for(r, w, "pgrp_ex"), 1);
    close(r), close(w);

    /* no owner: no signal (blocked, so that one would stay pending) */
    pair(&r, &w);
    sigset_t m, pend;
    sigemptyset(&m), sigaddset(&m, SIGURG);
    sigprocmask(SIG_BLOCK, &m, NULL);
    send(w, "u", 1, MSG_OOB);
    settle(w);
    usleep(20000);
    sigpending(&pend);
    T_TRUE(N("fcntl without F_SETOWN: no SIGURG"), !sigismember(&pend, SIGURG));
    /* a newer urgent byte signals again; one that repeats nothing new does not */
    fcntl(r, F_SETOWN, getpid());
    send(w, "v", 1, 0);
    settle(w);
    usleep(20000);
    sigpending(&pend);
    T_TRUE(N("fcntl F_SETOWN: no SIGURG for ordinary data"), !sigismember(&pend, SIGURG));
    got_urg = 0;
    send(w, "w", 1, MSG_OOB);
    settle(w);
    sigprocmask(SIG_UNBLOCK, &m, NULL);
    sigurg_wait();
    T_OK(N("fcntl F_SETOWN: SIGURG for a newer urgent byte"), got_urg, 1);
    close(r), close(w);
}

static volatile int got_pri, pri_fd;
static volatile long pri_band;

static void on_rt(int s, siginfo_t *si, void *uc)
{
    (void)s, (void)uc;
    if (si->si_code == POLL_PRI)
        got_pri = 1, pri_band = si->si_band, pri_fd = si->si_fd;
}

/* O_ASYNC with F_SETSIG: urgent data is also a POLL_PRI signal (with the POLL_IN of its arrival) */
static void setsig(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGRTMIN, &sa, NULL);
    int r, w;
    pair(&r, &w);
    fcntl(r, F_SETOWN, getpid());
    fcntl(r, F_SETSIG, SIGRTMIN);
    fcntl(r, F_SETFL, fcntl(r, F_GETFL) | O_ASYNC);
    got_pri = 0, pri_band = 0, pri_fd = -1, got_urg = 0;
    send(w, "ab", 2, MSG_OOB);
    for (int i = 0; i < 200 && !(got_pri && got_urg); i++)
        usleep(10000);
    T_OK(N("fcntl F_SETSIG with O_ASYNC: a POLL_PRI signal for urgent data"), got_pri, 1);
    T_EQ(N("fcntl F_SETSIG POLL_PRI: si_band POLLPRI|POLLRDBAND"), pri_band, POLLPRI | POLLRDBAND);
    T_EQ(N("fcntl F_SETSIG POLL_PRI: si_fd"), pri_fd, r);
    T_OK(N("fcntl F_SETSIG with O_ASYNC: SIGURG as well"), got_urg, 1);
    close(r), close(w);
}

/* AF_UNIX stream MSG_OOB also sends SIGURG (once per family pass is enough: only IPv4's runs it) */
static void unix_sigurg(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    got_urg = 0, urg_code = -1;
    fcntl(sv[1], F_SETOWN, getpid());
    T_OK("sendto MSG_OOB on a unix stream", send(sv[0], "ab", 2, MSG_OOB), 2);
    sigurg_wait();
    T_OK("fcntl F_SETOWN on a unix stream: SIGURG for MSG_OOB", got_urg, 1);
    T_EQ("fcntl F_SETOWN on a unix stream: SIGURG's si_code SI_KERNEL", urg_code, SI_KERNEL);
    close(sv[0]), close(sv[1]);
}

static void errors(void)
{
    int s = socket(fam, SOCK_STREAM, 0);
    T_ERR(N("sendto MSG_OOB on an unconnected TCP socket -> EPIPE"), send(s, "a", 1, MSG_OOB | MSG_NOSIGNAL), EPIPE);
    T_ERR(N("recvfrom MSG_OOB on an unconnected TCP socket -> EINVAL"), rd(s, 8, MSG_OOB), EINVAL);
    T_OK(N("ioctl SIOCATMARK on an unconnected TCP socket"), atmark(s), 0);
    close(s);
    int l = listener();
    T_ERR(N("sendto MSG_OOB on a listening socket -> EPIPE"), send(l, "a", 1, MSG_OOB | MSG_NOSIGNAL), EPIPE);
    T_ERR(N("recvfrom MSG_OOB on a listening socket -> ENOTCONN"), rd(l, 8, MSG_OOB), ENOTCONN);
    T_OK(N("ioctl SIOCATMARK on a listening socket"), atmark(l), 0);
    close(l);
    int r, w;
    pair(&r, &w);
    T_OK(N("sendto MSG_OOB of 0 bytes on TCP"), send(w, "", 0, MSG_OOB), 0);
    T_ERR(N("recvfrom MSG_OOB after an empty urgent send -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    shutdown(w, SHUT_WR);
    settle(w);
    usleep(20000);
    T_OK(N("recvfrom at the end of the stream"), rd(r, 8, 0), 0);
    T_ERR(N("recvfrom MSG_OOB after the peer's FIN with none -> EINVAL"), rd(r, 8, MSG_OOB), EINVAL);
    close(r), close(w);
    int u, v;
    udp_pair(&u, &v);
    T_ERR(N("recvfrom MSG_OOB on an empty UDP socket -> EAGAIN (UDP ignores the flag)"), rd(u, 8, MSG_OOB), EAGAIN);
    if (fam == AF_INET) {
        T_ERR(N("sendto MSG_OOB on a UDP socket -> EOPNOTSUPP"), send(v, "a", 1, MSG_OOB), EOPNOTSUPP);
    } else {
        T_OK(N("sendto MSG_OOB on a UDP socket: IPv6 ignores the flag"), send(v, "a", 1, MSG_OOB), 1);
        struct pollfd p = { u, POLLIN, 0 };
        poll(&p, 1, 2000);
        T_OK(N("recvfrom the datagram sent with MSG_OOB"), rd(u, 8, 0), 1);
    }
    send(v, "b", 1, 0);
    struct pollfd p = { u, POLLIN, 0 };
    poll(&p, 1, 2000);
    T_OK(N("recvfrom MSG_OOB on UDP takes a datagram"), rd(u, 8, MSG_OOB), 1);
    T_TRUE(N("recvfrom MSG_OOB on UDP: b"), !strcmp(buf, "b"));
    T_ERR(N("ioctl SIOCATMARK on a UDP socket -> ENOTTY"), atmark(u) == -ENOTTY ? (errno = ENOTTY, -1) : 0, ENOTTY);
    close(v);
    close(u);
}

static void run(void)
{
    errors();
    basics();
    middle();
    twice();
    inline_();
    msgflags();
    waiters();
    sigurg();
    setsig();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    run();
    unix_sigurg();
    fam = AF_INET6, fname = "IPv6";
    run();
    return tap_done();
}
