/* test/conformance/inet6.c — AF_INET6 sockets on this host only (::1 and v4-mapped 127.0.0.1), compared with
 * Linux: sockaddr_in6 checks and their errors, names (28 bytes), the dual stack (a socket on :: accepts IPv4,
 * its peer shown as ::ffff:127.0.0.1; IPV6_V6ONLY refuses it and lets a v4 socket share the port), TCP and UDP
 * round trips over ::1, IPv6 options. A host whose ::1 is down skips the whole file (natively and in skiff
 * alike, as the first test decides). One process talks to itself; every wait is bounded by poll. Ports are
 * ephemeral and never printed. No destination off this host: its outcome depends on the host's routes. */
/* covers: socket bind connect listen accept sendto recvfrom recvmsg getsockname getpeername setsockopt getsockopt */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#define SA(a) ((struct sockaddr *)&(a))

static struct sockaddr_in6 a6(const char *addr, int port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((unsigned short)port);
    inet_pton(AF_INET6, addr, &a.sin6_addr);
    return a;
}

static struct sockaddr_in a4(const char *addr, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, addr, &a.sin_addr);
    return a;
}

static int port_of(int fd)
{
    struct sockaddr_in6 a;
    socklen_t l = sizeof(a);
    return getsockname(fd, SA(a), &l) ? -1 : ntohs(a.sin6_port);
}

/* Is this address (a sockaddr_in6 of length l) the text addr? */
static int is6(const struct sockaddr_in6 *a, socklen_t l, const char *addr)
{
    struct in6_addr want;
    inet_pton(AF_INET6, addr, &want);
    return l == sizeof(*a) && a->sin6_family == AF_INET6 && !memcmp(&a->sin6_addr, &want, sizeof(want)) &&
           a->sin6_flowinfo == 0 && a->sin6_scope_id == 0;
}

static short wait_ev(int fd, short ev, int ms)
{
    struct pollfd p = { fd, ev, 0 };
    return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

static int geti(int fd, int level, int name)
{
    int v = -12345;
    socklen_t l = sizeof(v);
    return getsockopt(fd, level, name, &v, &l) ? -1 : v;
}

static int seti(int fd, int level, int name, int v)
{
    return setsockopt(fd, level, name, &v, sizeof(v));
}

static void t_socket(void)
{
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    T_TRUE("socket AF_INET6 SOCK_STREAM", s >= 0);
    T_EQ("socket SO_DOMAIN is AF_INET6", geti(s, SOL_SOCKET, SO_DOMAIN), AF_INET6);
    T_EQ("socket SO_PROTOCOL of a stream is IPPROTO_TCP", geti(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
    T_EQ("getsockopt IPV6_V6ONLY is 0 by default", geti(s, IPPROTO_IPV6, IPV6_V6ONLY), 0);
    close(s);
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    T_EQ("socket SO_PROTOCOL of a datagram socket is IPPROTO_UDP", geti(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP);
    close(s);
    T_ERR("socket AF_INET6 SOCK_DGRAM with IPPROTO_TCP", socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP),
          EPROTONOSUPPORT);
}

static void t_bind(void)
{
    int u = socket(AF_INET6, SOCK_DGRAM, 0), v = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 got, a = a6("::1", 0);
    socklen_t l = sizeof(got);
    T_OK("getsockname of a new socket", getsockname(u, SA(got), &l), 0);
    T_TRUE("getsockname of a new socket is [::]:0, 28 bytes", is6(&got, l, "::") && got.sin6_port == 0);
    T_ERR("bind with 23 bytes", bind(u, SA(a), 23), EINVAL);
    struct sockaddr_in s4 = a4("127.0.0.1", 0);
    T_ERR("bind a sockaddr_in (16 bytes)", bind(u, SA(s4), sizeof(s4)), EINVAL);
    struct sockaddr_in6 w = a;
    w.sin6_family = AF_INET;
    T_ERR("bind with family AF_INET in a sockaddr_in6", bind(u, SA(w), sizeof(w)), EAFNOSUPPORT);
    w.sin6_family = AF_UNSPEC;
    T_ERR("bind with family AF_UNSPEC", bind(u, SA(w), sizeof(w)), EAFNOSUPPORT);
    struct sockaddr_in6 doc = a6("2001:db8::1", 0);
    T_ERR("bind to an IPv6 address not ours", bind(u, SA(doc), sizeof(doc)), EADDRNOTAVAIL);
    struct sockaddr_in6 m4 = a6("::ffff:192.0.2.1", 0);
    T_ERR("bind to a v4-mapped address not ours", bind(u, SA(m4), sizeof(m4)), EADDRNOTAVAIL);
    T_OK("bind ::1 port 0 (24 bytes: RFC 2133's sockaddr_in6)", bind(u, SA(a), 24), 0);
    int p = port_of(u);
    T_TRUE("bind port 0 picks a port", p > 0);
    l = sizeof(got);
    getsockname(u, SA(got), &l);
    T_TRUE("getsockname is ::1, 28 bytes", is6(&got, l, "::1") && ntohs(got.sin6_port) == p);
    T_ERR("bind again", bind(u, SA(a), sizeof(a)), EINVAL);
    struct sockaddr_in6 same = a6("::", p);
    T_ERR("bind :: on a port ::1 uses", bind(v, SA(same), sizeof(same)), EADDRINUSE);
    T_ERR("setsockopt IPV6_V6ONLY after bind", seti(u, IPPROTO_IPV6, IPV6_V6ONLY, 1), EINVAL);
    close(u);
    close(v);
    /* a v4 socket on 127.0.0.1 and a v6 one on ::1 share a port: different addresses */
    int t4 = socket(AF_INET, SOCK_STREAM, 0), t6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in l4 = a4("127.0.0.1", 0);
    bind(t4, SA(l4), sizeof(l4));
    struct sockaddr_in6 l6 = a6("::1", 0);
    struct sockaddr_in p4;
    l = sizeof(p4);
    getsockname(t4, SA(p4), &l);
    l6.sin6_port = p4.sin_port;
    T_OK("bind ::1 on the port of a socket on 127.0.0.1", bind(t6, SA(l6), sizeof(l6)), 0);
    close(t6);
    t6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 any = a6("::", ntohs(p4.sin_port));
    T_ERR("bind [::] (dual stack) on the port of a socket on 127.0.0.1", bind(t6, SA(any), sizeof(any)),
          EADDRINUSE);
    close(t6);
    t6 = socket(AF_INET6, SOCK_STREAM, 0);
    T_OK("setsockopt IPV6_V6ONLY 1", seti(t6, IPPROTO_IPV6, IPV6_V6ONLY, 1), 0);
    T_EQ("getsockopt IPV6_V6ONLY reads 1 back", geti(t6, IPPROTO_IPV6, IPV6_V6ONLY), 1);
    T_OK("bind [::] with IPV6_V6ONLY on that port", bind(t6, SA(any), sizeof(any)), 0);
    close(t6);
    t6 = socket(AF_INET6, SOCK_STREAM, 0);
    seti(t6, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    struct sockaddr_in6 m = a6("::ffff:127.0.0.1", 0);
    T_ERR("bind a v4-mapped address with IPV6_V6ONLY", bind(t6, SA(m), sizeof(m)), EINVAL);
    close(t6);
    close(t4);
}

/* A listener on [::] (dual stack unless v6only) and an IPv4 client: accepted with a v4-mapped peer, or
 * refused. */
static void t_dual(void)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 any = a6("::", 0), peer, me;
    T_OK("bind [::]", bind(l, SA(any), sizeof(any)), 0);
    T_OK("listen on [::]", listen(l, 4), 0);
    int port = port_of(l);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = a4("127.0.0.1", port);
    T_OK("an AF_INET socket connects to 127.0.0.1 at a listener on [::]", connect(c, SA(to), sizeof(to)), 0);
    socklen_t pl = sizeof(peer);
    int a = accept(l, SA(peer), &pl);
    T_TRUE("accept the IPv4 connection", a >= 0);
    T_TRUE("accept: the peer is ::ffff:127.0.0.1, 28 bytes", is6(&peer, pl, "::ffff:127.0.0.1"));
    struct sockaddr_in cl;
    socklen_t cll = sizeof(cl);
    getsockname(c, SA(cl), &cll);
    T_TRUE("the peer's port is the client's", peer.sin6_port == cl.sin_port);
    pl = sizeof(me);
    T_OK("getsockname of the accepted socket", getsockname(a, SA(me), &pl), 0);
    T_TRUE("getsockname is ::ffff:127.0.0.1", is6(&me, pl, "::ffff:127.0.0.1") && ntohs(me.sin6_port) == port);
    pl = sizeof(peer);
    T_OK("getpeername of the accepted socket", getpeername(a, SA(peer), &pl), 0);
    T_TRUE("getpeername is ::ffff:127.0.0.1", is6(&peer, pl, "::ffff:127.0.0.1"));
    char buf[8] = { 0 };
    T_OK("send over the mixed connection", send(c, "v4", 2, 0), 2);
    T_TRUE("it arrives", wait_ev(a, POLLIN, 2000) & POLLIN);
    T_OK("recv on the v6 side", recv(a, buf, sizeof(buf), 0), 2);
    close(a);
    close(c);
    /* a v6 client to ::ffff:127.0.0.1 goes over IPv4 */
    c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 m = a6("::ffff:127.0.0.1", port);
    T_OK("an AF_INET6 socket connects to ::ffff:127.0.0.1", connect(c, SA(m), sizeof(m)), 0);
    pl = sizeof(me);
    getsockname(c, SA(me), &pl);
    T_TRUE("its getsockname is ::ffff:127.0.0.1", is6(&me, pl, "::ffff:127.0.0.1"));
    pl = sizeof(peer);
    a = accept(l, SA(peer), &pl);
    T_TRUE("accept it: the peer is ::ffff:127.0.0.1", a >= 0 && is6(&peer, pl, "::ffff:127.0.0.1"));
    close(a);
    close(c);
    close(l);

    l = socket(AF_INET6, SOCK_STREAM, 0);
    seti(l, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    bind(l, SA(any), sizeof(any));
    listen(l, 4);
    to = a4("127.0.0.1", port_of(l));
    c = socket(AF_INET, SOCK_STREAM, 0);
    T_ERR("IPV6_V6ONLY: an IPv4 connect to its port is refused", connect(c, SA(to), sizeof(to)), ECONNREFUSED);
    close(c);
    c = socket(AF_INET6, SOCK_STREAM, 0);
    seti(c, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    m = a6("::ffff:127.0.0.1", port_of(l));
    T_ERR("IPV6_V6ONLY: connect to a v4-mapped address", connect(c, SA(m), sizeof(m)), ENETUNREACH);
    close(c);
    close(l);
}

static void t_tcp(void)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 lo = a6("::1", 0), peer, me;
    T_OK("bind ::1 (stream)", bind(l, SA(lo), sizeof(lo)), 0);
    T_OK("listen on ::1", listen(l, 4), 0);
    int port = port_of(l);
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 to = a6("::1", port);
    T_ERR("connect with 23 bytes", connect(c, SA(to), 23), EINVAL);
    struct sockaddr_in s4 = a4("127.0.0.1", port);
    T_ERR("connect a stream with a sockaddr_in", connect(c, SA(s4), sizeof(s4)), EINVAL);
    struct sockaddr_in6 w = to;
    w.sin6_family = AF_INET;
    T_ERR("connect a stream with family AF_INET in 28 bytes", connect(c, SA(w), sizeof(w)), EAFNOSUPPORT);
    T_OK("connect to [::1]", connect(c, SA(to), sizeof(to)), 0);
    socklen_t pl = sizeof(peer);
    int a = accept(l, SA(peer), &pl);
    T_TRUE("accept from ::1", a >= 0 && is6(&peer, pl, "::1"));
    socklen_t ml = sizeof(me);
    getsockname(c, SA(me), &ml);
    T_TRUE("the client's getsockname is ::1 with the port accept saw", is6(&me, ml, "::1") &&
                                                                         me.sin6_port == peer.sin6_port);
    pl = sizeof(peer);
    T_OK("getpeername of the client", getpeername(c, SA(peer), &pl), 0);
    T_TRUE("getpeername is [::1]:port, 28 bytes", is6(&peer, pl, "::1") && ntohs(peer.sin6_port) == port);
    char buf[16] = { 0 };
    T_OK("send over ::1", send(c, "ping", 4, 0), 4);
    T_TRUE("it arrives", wait_ev(a, POLLIN, 2000) & POLLIN);
    T_OK("recv it", recv(a, buf, sizeof(buf), 0), 4);
    T_OK("answer", send(a, "pong", 4, 0), 4);
    T_TRUE("the answer arrives", wait_ev(c, POLLIN, 2000) & POLLIN);
    T_OK("recv the answer", recv(c, buf, sizeof(buf), 0), 4);
    T_TRUE("the bytes are the ones sent", !memcmp(buf, "pong", 4));
    close(a);
    close(c);
    /* [::] as a destination is this host */
    c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 any = a6("::", port);
    T_OK("connect to [::] reaches ::1", connect(c, SA(any), sizeof(any)), 0);
    pl = sizeof(peer);
    a = accept(l, SA(peer), &pl);
    T_TRUE("accept it from ::1", a >= 0 && is6(&peer, pl, "::1"));
    close(a);
    close(c);
    close(l);
    /* an IPv4 client cannot reach a listener on ::1 */
    c = socket(AF_INET, SOCK_STREAM, 0);
    T_ERR("an IPv4 connect to the port of a listener on ::1", connect(c, SA(s4), sizeof(s4)), ECONNREFUSED);
    close(c);
    l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any4 = a4("0.0.0.0", 0);
    bind(l, SA(any4), sizeof(any4));
    listen(l, 4);
    c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in p4;
    pl = sizeof(p4);
    getsockname(l, SA(p4), &pl);
    to.sin6_port = p4.sin_port;
    T_ERR("an IPv6 connect to ::1 at a listener on 0.0.0.0", connect(c, SA(to), sizeof(to)), ECONNREFUSED);
    close(c);
    close(l);
}

static void t_udp(void)
{
    int a = socket(AF_INET6, SOCK_DGRAM, 0), b = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 any = a6("::", 0), from;
    bind(a, SA(any), sizeof(any));
    int port = port_of(a);
    struct sockaddr_in6 to = a6("::1", port);
    char buf[64];
    T_ERR("sendto with 23 bytes", sendto(b, "x", 1, 0, SA(to), 23), EINVAL);
    struct sockaddr_in6 p0 = a6("::1", 0);
    T_ERR("sendto port 0", sendto(b, "x", 1, 0, SA(p0), sizeof(p0)), EINVAL);
    T_OK("sendto [::1]", sendto(b, "hello", 5, 0, SA(to), sizeof(to)), 5);
    T_TRUE("poll: the datagram is readable", wait_ev(a, POLLIN, 2000) & POLLIN);
    socklen_t fl = sizeof(from);
    T_OK("recvfrom the datagram", recvfrom(a, buf, sizeof(buf), 0, SA(from), &fl), 5);
    T_TRUE("recvfrom names the sender: [::1]:port, 28 bytes", is6(&from, fl, "::1") &&
                                                              ntohs(from.sin6_port) == port_of(b));
    /* an IPv4 datagram to the dual-stack socket */
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in t4 = a4("127.0.0.1", port);
    T_OK("an AF_INET socket sends to the dual-stack socket", sendto(c, "four", 4, 0, SA(t4), sizeof(t4)), 4);
    T_TRUE("it arrives", wait_ev(a, POLLIN, 2000) & POLLIN);
    struct sockaddr_in6 mf;
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr mh = { .msg_name = &mf, .msg_namelen = sizeof(mf), .msg_iov = &iov, .msg_iovlen = 1 };
    T_OK("recvmsg it", recvmsg(a, &mh, 0), 4);
    T_TRUE("recvmsg names the sender ::ffff:127.0.0.1", is6(&mf, mh.msg_namelen, "::ffff:127.0.0.1"));
    /* a v6 socket sends with a sockaddr_in (Linux's UDPv6 takes AF_INET) and to a v4-mapped address */
    int d = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dl = a4("127.0.0.1", 0);
    bind(d, SA(dl), sizeof(dl));
    struct sockaddr_in dn;
    socklen_t dnl = sizeof(dn);
    getsockname(d, SA(dn), &dnl);
    T_OK("sendto a sockaddr_in from a v6 socket", sendto(b, "x", 1, 0, SA(dn), sizeof(dn)), 1);
    struct sockaddr_in6 dm = a6("::ffff:127.0.0.1", ntohs(dn.sin_port));
    T_OK("sendto ::ffff:127.0.0.1", sendto(b, "y", 1, 0, SA(dm), sizeof(dm)), 1);
    struct sockaddr_in df;
    socklen_t dfl = sizeof(df);
    T_TRUE("the IPv4 socket gets them", wait_ev(d, POLLIN, 2000) & POLLIN);
    T_OK("recvfrom on the IPv4 socket", recvfrom(d, buf, sizeof(buf), 0, SA(df), &dfl), 1);
    T_TRUE("the sender is 127.0.0.1, 16 bytes", dfl == sizeof(df) && df.sin_family == AF_INET &&
                                                    df.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    wait_ev(d, POLLIN, 2000);
    T_OK("the second arrives too", recv(d, buf, sizeof(buf), 0), 1);
    close(d);
    close(c);
    /* connect, getpeername, the ICMP refusal, AF_UNSPEC */
    T_OK("connect a datagram socket to [::1]", connect(b, SA(to), sizeof(to)), 0);
    fl = sizeof(from);
    T_OK("getpeername", getpeername(b, SA(from), &fl), 0);
    T_TRUE("getpeername is [::1]:port", is6(&from, fl, "::1") && ntohs(from.sin6_port) == port);
    fl = sizeof(from);
    getsockname(b, SA(from), &fl);
    T_TRUE("getsockname after connect shows ::1", is6(&from, fl, "::1"));
    T_OK("send on the connected socket", send(b, "abc", 3, 0), 3);
    T_TRUE("it arrives", wait_ev(a, POLLIN, 2000) & POLLIN);
    T_OK("recv it", recv(a, buf, sizeof(buf), 0), 3);
    struct sockaddr_in6 un;
    memset(&un, 0, sizeof(un));
    un.sin6_family = AF_UNSPEC;
    T_OK("connect AF_UNSPEC dissolves the association", connect(b, SA(un), sizeof(un)), 0);
    fl = sizeof(from);
    T_ERR("getpeername after AF_UNSPEC", getpeername(b, SA(from), &fl), ENOTCONN);
    int z = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 zl = a6("::1", 0);
    bind(z, SA(zl), sizeof(zl));
    struct sockaddr_in6 closed = a6("::1", port_of(z));
    close(z);
    T_OK("connect to a closed port on ::1", connect(b, SA(closed), sizeof(closed)), 0);
    T_OK("send to the closed port", send(b, "x", 1, 0), 1);
    T_TRUE("poll: POLLERR once the refusal is back", wait_ev(b, POLLIN, 2000) & POLLERR);
    T_ERR("recv reports the refusal", recv(b, buf, sizeof(buf), MSG_DONTWAIT), ECONNREFUSED);
    close(b);
    /* v6only: no IPv4 in, none out */
    b = socket(AF_INET6, SOCK_DGRAM, 0);
    seti(b, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    T_ERR("IPV6_V6ONLY: sendto a v4-mapped address", sendto(b, "x", 1, 0, SA(dm), sizeof(dm)), ENETUNREACH);
    T_ERR("IPV6_V6ONLY: connect with a sockaddr_in", connect(b, SA(t4), sizeof(t4)), EAFNOSUPPORT);
    close(b);
    close(a);
}

/* One socket does not mix IPv4 and IPv6: bound to ::1 it reaches no IPv4 address, bound to ::ffff:127.0.0.1
 * it reaches no ::1. */
static void t_mix(void)
{
    struct sockaddr_in6 lo = a6("::1", 0), lo9 = a6("::1", 9), m = a6("::ffff:127.0.0.1", 0);
    struct sockaddr_in6 m9 = a6("::ffff:127.0.0.1", 9);
    struct sockaddr_in v4 = a4("127.0.0.1", 9);
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    bind(s, SA(lo), sizeof(lo));
    T_ERR("sendto ::ffff:127.0.0.1 from a socket on ::1", sendto(s, "x", 1, 0, SA(m9), sizeof(m9)), ENETUNREACH);
    T_ERR("sendto a sockaddr_in from a socket on ::1", sendto(s, "x", 1, 0, SA(v4), sizeof(v4)), ENETUNREACH);
    T_ERR("connect a datagram socket on ::1 with a sockaddr_in", connect(s, SA(v4), sizeof(v4)), EAFNOSUPPORT);
    T_ERR("connect a datagram socket on ::1 to ::ffff:127.0.0.1", connect(s, SA(m9), sizeof(m9)), ENETUNREACH);
    close(s);
    s = socket(AF_INET6, SOCK_STREAM, 0);
    bind(s, SA(lo), sizeof(lo));
    T_ERR("connect a stream on ::1 to ::ffff:127.0.0.1", connect(s, SA(m9), sizeof(m9)), ENETUNREACH);
    close(s);
    s = socket(AF_INET6, SOCK_DGRAM, 0);
    T_OK("bind ::ffff:127.0.0.1", bind(s, SA(m), sizeof(m)), 0);
    struct sockaddr_in6 got;
    socklen_t l = sizeof(got);
    getsockname(s, SA(got), &l);
    T_TRUE("getsockname is ::ffff:127.0.0.1", is6(&got, l, "::ffff:127.0.0.1"));
    T_ERR("sendto ::1 from a socket on ::ffff:127.0.0.1", sendto(s, "x", 1, 0, SA(lo9), sizeof(lo9)), EAFNOSUPPORT);
    T_ERR("connect a datagram socket on ::ffff:127.0.0.1 to ::1", connect(s, SA(lo9), sizeof(lo9)), EAFNOSUPPORT);
    close(s);
    s = socket(AF_INET6, SOCK_STREAM, 0);
    bind(s, SA(m), sizeof(m));
    T_ERR("connect a stream on ::ffff:127.0.0.1 to ::1", connect(s, SA(lo9), sizeof(lo9)), EAFNOSUPPORT);
    close(s);
}

static void t_opts(void)
{
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    T_EQ("getsockopt IPV6_UNICAST_HOPS is 64 by default", geti(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 64);
    T_OK("setsockopt IPV6_UNICAST_HOPS 7", seti(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 7), 0);
    T_EQ("getsockopt IPV6_UNICAST_HOPS reads 7 back", geti(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 7);
    T_ERR("setsockopt IPV6_UNICAST_HOPS 256", seti(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 256), EINVAL);
    T_EQ("getsockopt IPV6_TCLASS is 0 by default", geti(s, IPPROTO_IPV6, IPV6_TCLASS), 0);
    T_OK("setsockopt IPV6_TCLASS 0x20", seti(s, IPPROTO_IPV6, IPV6_TCLASS, 0x20), 0);
    T_EQ("getsockopt IPV6_TCLASS reads 0x20 back", geti(s, IPPROTO_IPV6, IPV6_TCLASS), 0x20);
    T_ERR("setsockopt IPV6_TCLASS -2", seti(s, IPPROTO_IPV6, IPV6_TCLASS, -2), EINVAL);
    T_ERR("setsockopt IPV6_V6ONLY with 2 bytes", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, "\1", 2), EINVAL);
    T_OK("setsockopt IPV6_V6ONLY 0 before bind", seti(s, IPPROTO_IPV6, IPV6_V6ONLY, 0), 0);
    close(s);
    int v4 = socket(AF_INET, SOCK_STREAM, 0);
    T_ERR("setsockopt IPV6_V6ONLY on an AF_INET socket", seti(v4, IPPROTO_IPV6, IPV6_V6ONLY, 1), ENOPROTOOPT);
    close(v4);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    /* ::1 must be up (it is on Linux unless IPv6 is disabled; in skiff it always is) */
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 lo = a6("::1", 0);
    if (s < 0 || bind(s, SA(lo), sizeof(lo)) != 0) {
        T_SKIP("socket AF_INET6 on ::1", "this host has no IPv6 loopback");
        return tap_done();
    }
    close(s);
    t_socket();
    t_bind();
    t_dual();
    t_tcp();
    t_udp();
    t_mix();
    t_opts();
    return tap_done();
}
