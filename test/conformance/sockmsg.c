/* test/conformance/sockmsg.c — the send and recv flags and errnos their man pages list that the other socket
 * programs leave out (issue 16): MSG_EOR on records, MSG_CONFIRM and MSG_DONTROUTE on UDP, MSG_OOB where
 * there is no urgent data, MSG_FASTOPEN (connect and send in one call; EALREADY while a connect is in
 * progress), EAGAIN for a full socket, EINTR for a blocked send or recv (and a pipe read) that a handler
 * interrupts, ECONNRESET for a send to a peer that closed with data unread, ENOBUFS for a control buffer too
 * large to copy; socket EMFILE and SOCK_PACKET (packet sockets need CAP_NET_RAW: EPERM without it).
 * Out-of-band data on unix streams (Linux's CONFIG_AF_UNIX_OOB): the last byte of a MSG_OOB send, read
 * apart with recv(MSG_OOB); ordinary reads stop at the mark and pass over it (losing a byte not taken), a
 * newer OOB byte makes the older one data, SO_OOBINLINE reads it inline, SIOCATMARK and POLLPRI. */
/* covers: sendto recvfrom sendmsg recvmsg socket */
#include "tap.h"
#include "tap_inet.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
/* capget/capset's ABI (musl has no linux/capability.h) */
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
struct __user_cap_header_struct { unsigned version; int pid; };
struct __user_cap_data_struct { unsigned effective, permitted, inheritable; };
#define CAP_NET_RAW 13
#define CAP_SYS_ADMIN 21

#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

static void on_alarm(int sig) { (void)sig; }

/* a 50 ms one-shot timer whose SIGALRM handler has no SA_RESTART: a blocked call returns EINTR */
static void alarm_soon(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { { 0, 0 }, { 0, 50000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void records(void)
{
    int sq[2], d[2];
    char buf[8];
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sq);
    T_OK("sendto MSG_EOR on a SOCK_SEQPACKET socket: a record", send(sq[0], "rec", 3, MSG_EOR), 3);
    struct iovec io = { buf, sizeof buf };
    struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1 };
    T_OK("recvmsg the record", recvmsg(sq[1], &mh, 0), 3);
    T_TRUE("recvmsg SOCK_SEQPACKET: msg_flags without MSG_EOR (Linux's unix sockets never set it)",
           !(mh.msg_flags & MSG_EOR) && !(mh.msg_flags & MSG_TRUNC));
    T_ERR("recvfrom MSG_OOB on a SOCK_SEQPACKET socket", recv(sq[1], buf, 1, MSG_OOB | MSG_DONTWAIT), EOPNOTSUPP);
    socketpair(AF_UNIX, SOCK_DGRAM, 0, d);
    T_OK("sendto MSG_EOR on a datagram socket: ignored", send(d[0], "x", 1, MSG_EOR), 1);
    T_ERR("recvfrom MSG_OOB on a unix datagram socket", recv(d[1], buf, 1, MSG_OOB | MSG_DONTWAIT), EOPNOTSUPP);
    /* a full socket: its buffer takes no more */
    fcntl(d[0], F_SETFL, O_NONBLOCK);
    long n = 0;
    static char big[4096]; /* whole pages: Linux counts each datagram's buffer overhead, skiff only its bytes */
    while (send(d[0], big, sizeof big, 0) == sizeof big && n < 100000)
        n++;
    T_ERR("sendto on a full non-blocking datagram socket", send(d[0], "y", 1, 0), EAGAIN);
    T_ERR("sendto MSG_DONTWAIT on a full datagram socket", send(d[0], "y", 1, MSG_DONTWAIT), EAGAIN);
    fcntl(d[0], F_SETFL, 0);
    alarm_soon();
    T_ERR("sendto blocked on a full socket, interrupted by a handler", send(d[0], "y", 1, 0), EINTR);
    alarm_soon();
    T_ERR("recvfrom blocked on an empty socket, interrupted by a handler", recv(sq[1], buf, sizeof buf, 0), EINTR);
    alarm_soon();
    T_ERR("recvmsg blocked on an empty socket, interrupted by a handler", recvmsg(sq[1], &mh, 0), EINTR);
    int pp[2];
    pipe(pp);
    alarm_soon(); /* the same wait on a pipe (skiff once called it a deadlock: no other task could write) */
    T_ERR("read blocked on an empty pipe, interrupted by a handler", read(pp[0], buf, sizeof buf), EINTR);
    close(pp[0]), close(pp[1]);
    close(sq[0]), close(sq[1]), close(d[0]), close(d[1]);
}

static int usv[2];
static char ubuf[16];

/* a non-blocking read of up to 8 bytes: the count, the bytes in ubuf */
static long urd(int flags)
{
    memset(ubuf, 0, sizeof ubuf);
    return recv(usv[1], ubuf, 8, flags | MSG_DONTWAIT);
}

static int atmark(void)
{
    int m = -1;
    return ioctl(usv[1], SIOCATMARK, &m) ? -1 : m;
}

static int pollpri(void)
{
    struct pollfd p = { usv[1], POLLIN | POLLPRI, 0 };
    return poll(&p, 1, 0) == 1 && (p.revents & POLLPRI);
}

static void ufresh(void)
{
    close(usv[0]), close(usv[1]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, usv);
}

static void unix_oob(void)
{
    socketpair(AF_UNIX, SOCK_STREAM, 0, usv);
    T_ERR("sendto MSG_OOB of 0 bytes on a unix stream", send(usv[0], "", 0, MSG_OOB), EOPNOTSUPP);
    T_ERR("recvfrom MSG_OOB on a unix stream with none pending", urd(MSG_OOB), EINVAL);
    T_OK("sendto MSG_OOB on a unix stream: \"ab\", b out of band", send(usv[0], "ab", 2, MSG_OOB), 2);
    T_TRUE("sendto MSG_OOB: POLLPRI at the receiver", pollpri());
    T_OK("sendto MSG_OOB: SIOCATMARK 0 before the data ahead of the mark", atmark(), 0);
    T_OK("recvfrom stops at the mark", urd(0), 1);
    T_TRUE("recvfrom: the byte before the mark", ubuf[0] == 'a');
    T_OK("SIOCATMARK 1 at the mark", atmark(), 1);
    T_OK("recvfrom MSG_OOB|MSG_PEEK", urd(MSG_OOB | MSG_PEEK), 1);
    T_OK("recvfrom MSG_OOB: the out-of-band byte", urd(MSG_OOB), 1);
    T_TRUE("recvfrom MSG_OOB: it is b", ubuf[0] == 'b');
    T_TRUE("recvfrom MSG_OOB: no POLLPRI once taken", !pollpri());
    T_OK("SIOCATMARK still 1 at the emptied mark", atmark(), 1);
    T_ERR("recvfrom MSG_OOB again", urd(MSG_OOB), EINVAL);
    T_ERR("recvfrom past the mark: nothing more", urd(0), EAGAIN);
    T_OK("SIOCATMARK 0 once a read passed over the emptied mark", atmark(), 0);
    send(usv[0], "xy", 2, MSG_OOB);
    urd(0);
    struct iovec io = { ubuf, 4 };
    struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1 };
    T_OK("recvmsg MSG_OOB", recvmsg(usv[1], &mh, MSG_OOB), 1);
    T_TRUE("recvmsg MSG_OOB: msg_flags says MSG_OOB", (mh.msg_flags & MSG_OOB) && ubuf[0] == 'y');

    ufresh(); /* an ordinary read that starts at an untaken OOB byte passes over it: the byte is lost */
    send(usv[0], "ab", 2, MSG_OOB);
    send(usv[0], "cd", 2, 0);
    T_OK("recvfrom before an untaken OOB byte", urd(0), 1);
    T_OK("recvfrom from the mark passes over the OOB byte", urd(0), 2);
    T_TRUE("recvfrom: the data after the mark", !strcmp(ubuf, "cd"));
    T_ERR("recvfrom MSG_OOB: the passed-over byte is gone", urd(MSG_OOB), EINVAL);

    ufresh(); /* a second OOB send: the first OOB byte becomes data */
    send(usv[0], "ab", 2, MSG_OOB);
    send(usv[0], "cd", 2, MSG_OOB);
    T_OK("recvfrom after two MSG_OOB sends reads up to the newer mark", urd(0), 3);
    T_TRUE("recvfrom: the older OOB byte is data now", !strcmp(ubuf, "abc"));
    T_OK("SIOCATMARK at the newer mark", atmark(), 1);
    T_ERR("recvfrom at the mark drops the untaken OOB byte: nothing else", urd(0), EAGAIN);
    T_ERR("recvfrom MSG_OOB after it was dropped", urd(MSG_OOB), EINVAL);

    ufresh(); /* MSG_PEEK stops at the mark as a read does */
    send(usv[0], "ab", 2, MSG_OOB);
    T_OK("recvfrom MSG_PEEK stops at the mark", urd(MSG_PEEK), 1);
    urd(MSG_OOB);
    T_OK("recvfrom MSG_PEEK after the OOB byte was taken: still up to the mark", urd(MSG_PEEK), 1);
    T_OK("recvfrom the byte before the mark", urd(0), 1);

    ufresh(); /* taken first, the OOB byte leaves its mark behind the data before it */
    send(usv[0], "ab", 2, MSG_OOB);
    send(usv[0], "cd", 2, 0);
    T_OK("recvfrom MSG_OOB before the data ahead of it", urd(MSG_OOB), 1);
    T_OK("SIOCATMARK 0: data before the mark", atmark(), 0);
    T_OK("recvfrom stops at the emptied mark", urd(0), 1);
    T_OK("recvfrom then reads past it", urd(0), 2);

    ufresh(); /* SO_OOBINLINE: the byte stays in the stream */
    int on = 1;
    setsockopt(usv[1], SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
    send(usv[0], "ab", 2, MSG_OOB);
    send(usv[0], "cd", 2, 0);
    T_ERR("recvfrom MSG_OOB with SO_OOBINLINE", urd(MSG_OOB), EINVAL);
    T_OK("recvfrom with SO_OOBINLINE stops at the mark", urd(0), 1);
    T_OK("recvfrom with SO_OOBINLINE reads the OOB byte as data", urd(0), 3);
    T_TRUE("recvfrom with SO_OOBINLINE: bcd", !strcmp(ubuf, "bcd"));

    ufresh(); /* the mark after a partial read */
    send(usv[0], "abc", 3, 0);
    send(usv[0], "de", 2, MSG_OOB);
    T_OK("recvfrom 2 of the bytes before the mark", recv(usv[1], ubuf, 2, MSG_DONTWAIT), 2);
    T_OK("SIOCATMARK 0 with data left before the mark", atmark(), 0);
    T_OK("recvfrom the rest up to the mark", urd(0), 2);
    T_TRUE("recvfrom: cd", !strcmp(ubuf, "cd"));
    T_OK("SIOCATMARK 1", atmark(), 1);
    close(usv[0]), close(usv[1]);
}

static void udp(void)
{
    int u, v;
    char buf[8];
    tap_udp_pair(&u, &v);
    T_OK("sendto MSG_CONFIRM (the neighbour is reachable)", send(v, "c", 1, MSG_CONFIRM), 1);
    T_OK("sendto MSG_DONTROUTE to a directly reachable address", send(v, "d", 1, MSG_DONTROUTE), 1);
    T_OK("recvfrom the MSG_CONFIRM datagram", recv(u, buf, sizeof buf, 0), 1);
    T_OK("recvfrom the MSG_DONTROUTE datagram", recv(u, buf, sizeof buf, 0), 1);
    T_TRUE("recvfrom: MSG_DONTROUTE's datagram arrived intact", buf[0] == 'd');
    T_ERR("sendto MSG_OOB on a UDP socket", send(v, "o", 1, MSG_OOB), EOPNOTSUPP);
    T_OK("sendto MSG_FASTOPEN on a UDP socket: ignored", send(v, "f", 1, MSG_FASTOPEN), 1);
    T_OK("recvfrom the MSG_FASTOPEN datagram", recv(u, buf, sizeof buf, 0), 1);
    /* a control buffer longer than INT_MAX, or than net.core.optmem_max, is refused before anything is read */
    struct iovec io = { "z", 1 };
    struct msghdr mh = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = 0x80000000ul };
    /* the raw call: musl's sendmsg refuses a control buffer over 1 KiB itself (ENOMEM) */
    T_ERR("sendmsg with msg_controllen over INT_MAX", SYS(SYS_sendmsg, v, &mh, 0), ENOBUFS);
    mh.msg_controllen = 1 << 20;
    T_ERR("sendmsg with a 1 MiB control buffer (over net.core.optmem_max)", SYS(SYS_sendmsg, v, &mh, 0), ENOBUFS);
    close(u), close(v);
}

static void tcp(void)
{
    int a, c;
    char buf[8];
    tap_tcp_pair(&a, &c);
    T_OK("sendto MSG_EOR on TCP: the end of a record", send(c, "eor", 3, MSG_EOR), 3);
    T_OK("recvfrom what MSG_EOR sent", recv(a, buf, sizeof buf, 0), 3);
    T_ERR("recvfrom MSG_OOB with no urgent data", recv(a, buf, 1, MSG_OOB | MSG_DONTWAIT), EINVAL);
    T_ERR("sendto MSG_FASTOPEN on a connected TCP socket", send(c, "f", 1, MSG_FASTOPEN), EISCONN);
    /* the peer closes with data unread: Linux answers with a reset, and the next send sees it */
    send(c, "unread", 6, 0);
    usleep(20000);
    close(a);
    usleep(50000);
    T_ERR("sendto a peer that closed with data unread (reset)", send(c, "x", 1, MSG_NOSIGNAL), ECONNRESET);
    T_ERR("sendto after the reset was reported", send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    close(c);
}

/* MSG_FASTOPEN on an unconnected TCP socket connects first (Linux's net.ipv4.tcp_fastopen 1: the client side
 * on; with no cookie from the server the data follows the handshake). */
static void fastopen(void)
{
    struct sockaddr_in sa = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    socklen_t l = sizeof sa;
    char buf[8];
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    bind(ls, (struct sockaddr *)&sa, sizeof sa);
    getsockname(ls, (struct sockaddr *)&sa, &l);
    listen(ls, 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    T_OK("sendto MSG_FASTOPEN: connects and sends", sendto(c, "tfo", 3, MSG_FASTOPEN, (struct sockaddr *)&sa, sizeof sa), 3);
    int a = accept(ls, NULL, NULL);
    T_TRUE("sendto MSG_FASTOPEN: the listener accepts the connection", a >= 0);
    T_OK("recvfrom the data MSG_FASTOPEN sent", recv(a, buf, sizeof buf, 0), 3);
    T_ERR("sendto MSG_FASTOPEN again on the connected socket", sendto(c, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&sa,
          sizeof sa), EISCONN);
    /* a full accept queue (backlog 0, one connection not accepted) drops the next handshakes: their connects
     * stay in progress */
    int q = socket(AF_INET, SOCK_STREAM, 0);
    connect(q, (struct sockaddr *)&sa, sizeof sa);
    usleep(20000);
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    T_ERR("connect while the accept queue is full", connect(s, (struct sockaddr *)&sa, sizeof sa), EINPROGRESS);
    usleep(20000);
    T_ERR("sendto MSG_FASTOPEN while the connect is in progress", sendto(s, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&sa,
          sizeof sa), EALREADY);
    T_ERR("sendto on a socket whose connect is in progress (non-blocking)", send(s, "x", 1, 0), EAGAIN);
    int t = socket(AF_INET, SOCK_STREAM, 0);
    T_ERR("sendto MSG_FASTOPEN without an address on an unconnected socket", send(t, "x", 1, MSG_FASTOPEN), EINVAL);
    struct sockaddr_in unspec = { AF_UNSPEC, 0, { 0 }, { 0 } };
    T_ERR("sendto MSG_FASTOPEN to an AF_UNSPEC address", sendto(t, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&unspec,
          sizeof unspec), EOPNOTSUPP);
    struct sockaddr_in closed = sa;
    close(ls); /* nothing listens on that port any more */
    T_ERR("sendto MSG_FASTOPEN to a port nothing listens on", sendto(t, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&closed,
          sizeof closed), ECONNREFUSED);
    close(a), close(c), close(q), close(s), close(t);
}

static void packet(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    SYS(SYS_capget, &h, d);
    d[0].effective &= ~(1u << CAP_NET_RAW);
    SYS(SYS_capset, &h, d);
    T_ERR("socket AF_INET SOCK_PACKET without CAP_NET_RAW", socket(AF_INET, SOCK_PACKET, htons(3)), EPERM);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    records();
    unix_oob();
    udp();
    tcp();
    fastopen();
    tap_in_child(packet);
    struct rlimit old, rl;
    getrlimit(RLIMIT_NOFILE, &old);
    int hi = dup(0);
    rl.rlim_cur = hi + 1;
    rl.rlim_max = old.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    T_ERR("socket with every descriptor taken", socket(AF_INET, SOCK_DGRAM, 0), EMFILE);
    setrlimit(RLIMIT_NOFILE, &old);
    return tap_done();
}
