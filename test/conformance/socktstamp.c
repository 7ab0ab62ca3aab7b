/* test/conformance/socktstamp.c — SO_TIMESTAMP, SO_TIMESTAMPNS and their _NEW twins (socket(7)): the option
 * reads back as Linux keeps it, and a receive (peek or read) carries the arrival time as a control message on
 * UDP, AF_UNIX datagram and seqpacket sockets and TCP, none on an AF_UNIX stream; a control buffer too small
 * gets MSG_CTRUNC. The times are checked against the clock around the send, never for how long anything took. */
/* covers: setsockopt getsockopt recvmsg */
#include "tap.h"
#include "tap_inet.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#define SO_TS_NEW 63
#define SO_TSNS_NEW 64

static int geti(int fd, int name)
{
    int v = -7;
    socklen_t l = sizeof v;
    return getsockopt(fd, SOL_SOCKET, name, &v, &l) ? -1 : v;
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1000000000ll + t.tv_nsec;
}

/* One byte written to w, then received from r (flags) with room ctl bytes of control: the message's type and
 * its time in ns (or -1), and the control length and flags. */
struct got { int n, type; long long ns; size_t clen; int mflags; };
static struct got recv_one(int r, int flags, size_t room, int ns_unit)
{
    struct got g = { -1, -1, -1, 0, 0 };
    char b[4], ctl[128];
    struct iovec iv = { b, 1 };
    struct msghdr m = { 0 };
    m.msg_iov = &iv;
    m.msg_iovlen = 1;
    m.msg_control = room ? ctl : NULL;
    m.msg_controllen = room;
    struct pollfd p = { r, POLLIN, 0 };
    poll(&p, 1, 5000);
    g.n = (int)recvmsg(r, &m, flags | MSG_DONTWAIT);
    g.clen = m.msg_controllen;
    g.mflags = m.msg_flags;
    struct cmsghdr *h = room >= sizeof(struct cmsghdr) ? CMSG_FIRSTHDR(&m) : NULL;
    if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_len == CMSG_LEN(16)) {
        long long t[2];
        memcpy(t, CMSG_DATA(h), sizeof t);
        g.type = h->cmsg_type;
        g.ns = t[0] * 1000000000ll + t[1] * (ns_unit ? 1 : 1000);
    }
    return g;
}

static void check_kind(const char *what, int r, int w, int opt, const char *optname, int ns_unit)
{
    char name[160];
    int on = 1;
    setsockopt(r, SOL_SOCKET, opt, &on, sizeof on);
    /* Linux turns its receive timestamps on for the whole system a moment after the first socket asks (a
     * deferred static key), and TCP, unlike the others, does not stamp late: wait until they are on. */
    for (int i = 0; i < 100000 && strstr(what, "TCP"); i++) {
        if (write(w, "w", 1) != 1 || recv_one(r, 0, 128, ns_unit).type == opt)
            break;
    }
    long long before = now_ns() - 1000000; /* the µs form rounds down */
    if (write(w, "ab", 2) != 2)
        return;
    struct got g = recv_one(r, MSG_PEEK, 128, ns_unit);
    long long after = now_ns();
    snprintf(name, sizeof name, "recvmsg %s MSG_PEEK with %s: a message of that type", what, optname);
    T_TRUE(name, g.n == 1 && g.type == opt && g.clen == CMSG_SPACE(16));
    snprintf(name, sizeof name, "recvmsg %s with %s: the time the data arrived", what, optname);
    T_TRUE(name, g.ns >= before && g.ns <= after);
    g = recv_one(r, 0, 128, ns_unit);
    snprintf(name, sizeof name, "recvmsg %s with %s: the read has it too", what, optname);
    T_TRUE(name, g.n == 1 && g.type == opt && g.ns >= before && g.ns <= after);
    if (write(w, "c", 1) != 1)
        return;
    g = recv_one(r, 0, sizeof(struct cmsghdr), ns_unit);
    snprintf(name, sizeof name, "recvmsg %s with %s into a 16-byte control buffer: MSG_CTRUNC", what, optname);
    T_TRUE(name, g.n == 1 && (g.mflags & MSG_CTRUNC) && g.clen == sizeof(struct cmsghdr));
    snprintf(name, sizeof name, "recvmsg %s with %s and no control buffer: MSG_CTRUNC", what, optname);
    if (write(w, "d", 1) == 1) {
        g = recv_one(r, 0, 0, ns_unit);
        T_TRUE(name, g.n == 1 && (g.mflags & MSG_CTRUNC) && g.clen == 0);
    }
}

static void pairs(int opt, const char *optname, int ns_unit)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    check_kind("AF_UNIX SOCK_DGRAM", sv[0], sv[1], opt, optname, ns_unit);
    close(sv[0]);
    close(sv[1]);
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    check_kind("AF_UNIX SOCK_SEQPACKET", sv[0], sv[1], opt, optname, ns_unit);
    close(sv[0]);
    close(sv[1]);
    int u, v, acc, c;
    tap_udp_pair(&u, &v);
    check_kind("UDP", u, v, opt, optname, ns_unit);
    close(u);
    close(v);
    tap_tcp_pair(&acc, &c);
    check_kind("TCP", acc, c, opt, optname, ns_unit);
    close(acc);
    close(c);
}

static void t_stream_none(void)
{
    int sv[2], on = 1;
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    setsockopt(sv[0], SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
    if (write(sv[1], "a", 1) != 1)
        return;
    struct got g = recv_one(sv[0], 0, 128, 0);
    T_TRUE("recvmsg AF_UNIX SOCK_STREAM with SO_TIMESTAMP: no control message (as Linux)", g.n == 1 && g.clen == 0);
    close(sv[0]);
    close(sv[1]);
}

static void t_option(void)
{
    int s = socket(AF_UNIX, SOCK_DGRAM, 0), on = 1, off = 0;
    T_EQ("getsockopt SO_TIMESTAMP default", geti(s, SO_TIMESTAMP), 0);
    T_OK("setsockopt SO_TIMESTAMP 1", setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on), 0);
    T_EQ("getsockopt SO_TIMESTAMP after setting it", geti(s, SO_TIMESTAMP), 1);
    T_EQ("getsockopt SO_TIMESTAMPNS after SO_TIMESTAMP", geti(s, SO_TIMESTAMPNS), 0);
    setsockopt(s, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    T_TRUE("getsockopt SO_TIMESTAMPNS replaces SO_TIMESTAMP", geti(s, SO_TIMESTAMPNS) == 1 && geti(s, SO_TIMESTAMP) == 0);
    setsockopt(s, SOL_SOCKET, SO_TS_NEW, &on, sizeof on);
    T_TRUE("getsockopt SO_TIMESTAMP_NEW: the old names read 0", geti(s, SO_TS_NEW) == 1 && geti(s, SO_TIMESTAMP) == 0 &&
           geti(s, SO_TIMESTAMPNS) == 0 && geti(s, SO_TSNS_NEW) == 0);
    setsockopt(s, SOL_SOCKET, SO_TSNS_NEW, &on, sizeof on);
    T_EQ("getsockopt SO_TIMESTAMPNS_NEW", geti(s, SO_TSNS_NEW), 1);
    setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &off, sizeof off);
    T_TRUE("setsockopt SO_TIMESTAMP 0 turns every form off", geti(s, SO_TSNS_NEW) == 0 && geti(s, SO_TIMESTAMPNS) == 0);
    T_ERR("setsockopt SO_TIMESTAMP 2-byte value", setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &on, 2), EINVAL);
    close(s);
}

int main(void)
{
    t_option();
    pairs(SO_TIMESTAMP, "SO_TIMESTAMP", 0);
    pairs(SO_TIMESTAMPNS, "SO_TIMESTAMPNS", 1);
    pairs(SO_TS_NEW, "SO_TIMESTAMP_NEW", 0);
    pairs(SO_TSNS_NEW, "SO_TIMESTAMPNS_NEW", 1);
    t_stream_none();
    return tap_done();
}
