/* test/conformance/inet.c — AF_INET sockets over the loopback address, which skiff has with or without a network
 * card: address checks and their errors, UDP datagrams (peek, truncation, FIONREAD, connect and its undoing),
 * TCP (non-blocking and blocking connect, refused connections, accept, names, half close, options). One process
 * talks to itself; every wait is bounded by poll. Ports are ephemeral and never printed. */
/* covers: socket bind connect listen accept sendto recvfrom shutdown getsockname getpeername setsockopt getsockopt */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static struct sockaddr_in lo(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int port_of(int fd)
{
    struct sockaddr_in a;
    socklen_t l = sizeof(a);
    return getsockname(fd, (struct sockaddr *)&a, &l) ? -1 : ntohs(a.sin_port);
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

#define SA(a) ((struct sockaddr *)&(a))

static void t_socket(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    T_TRUE("socket AF_INET SOCK_STREAM", s >= 0);
    T_EQ("socket SO_PROTOCOL of a stream is IPPROTO_TCP", geti(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_TCP);
    T_EQ("socket SO_DOMAIN is AF_INET", geti(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
    close(s);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    T_EQ("socket SO_PROTOCOL of a datagram socket is IPPROTO_UDP", geti(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP);
    close(s);
    T_ERR("socket SOCK_DGRAM with IPPROTO_TCP", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    T_ERR("socket SOCK_STREAM with IPPROTO_UDP", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
}

static void t_bind(void)
{
    int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo(0), got;
    socklen_t l = sizeof(got);
    T_OK("getsockname of a new socket", getsockname(u, SA(got), &l), 0);
    T_TRUE("getsockname of a new socket is 0.0.0.0:0", l == sizeof(got) && got.sin_family == AF_INET &&
                                                           got.sin_port == 0 && got.sin_addr.s_addr == 0);
    T_ERR("bind with a short length", bind(u, SA(a), sizeof(a) - 1), EINVAL);
    struct sockaddr_in w = a;
    w.sin_family = AF_UNIX;
    T_ERR("bind with another family", bind(u, SA(w), sizeof(w)), EAFNOSUPPORT);
    w.sin_family = AF_UNSPEC;
    T_ERR("bind AF_UNSPEC with an address", bind(u, SA(w), sizeof(w)), EAFNOSUPPORT);
    struct sockaddr_in f = lo(0);
    f.sin_addr.s_addr = inet_addr("192.0.2.1");
    T_ERR("bind to an address not ours", bind(u, SA(f), sizeof(f)), EADDRNOTAVAIL);
    T_OK("bind 127.0.0.1 port 0", bind(u, SA(a), sizeof(a)), 0);
    int p = port_of(u);
    T_TRUE("bind port 0 picks a port", p > 0);
    T_ERR("bind again", bind(u, SA(a), sizeof(a)), EINVAL);
    struct sockaddr_in same = lo(p);
    T_ERR("bind a port in use", bind(v, SA(same), sizeof(same)), EADDRINUSE);
    struct sockaddr_in lo2 = lo(0);
    lo2.sin_addr.s_addr = inet_addr("127.0.0.2");
    T_OK("bind 127.0.0.2 (all of 127/8 is this host)", bind(v, SA(lo2), sizeof(lo2)), 0);
    close(v);
    v = socket(AF_INET, SOCK_DGRAM, 0);
    w.sin_family = AF_UNSPEC;
    w.sin_addr.s_addr = 0;
    w.sin_port = 0;
    T_OK("bind AF_UNSPEC with INADDR_ANY (old programs)", bind(v, SA(w), sizeof(w)), 0);
    close(u);
    close(v);
    int t = socket(AF_INET, SOCK_STREAM, 0), t2 = socket(AF_INET, SOCK_STREAM, 0);
    T_OK("bind a stream socket", bind(t, SA(a), sizeof(a)), 0);
    T_OK("listen", listen(t, 4), 0);
    same = lo(port_of(t));
    T_ERR("bind a stream port in use", bind(t2, SA(same), sizeof(same)), EADDRINUSE);
    close(t);
    close(t2);
}

static void t_udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in la = lo(0), from;
    bind(a, SA(la), sizeof(la));
    struct sockaddr_in to = lo(port_of(a));
    char buf[64];
    socklen_t fl = sizeof(from);
    T_ERR("sendto without an address, unconnected", send(b, "x", 1, 0), EDESTADDRREQ);
    struct sockaddr_in p0 = lo(0);
    T_ERR("sendto port 0", sendto(b, "x", 1, 0, SA(p0), sizeof(p0)), EINVAL);
    T_ERR("sendto a short address", sendto(b, "x", 1, 0, SA(to), 8), EINVAL);
    T_ERR("recvfrom an empty socket, MSG_DONTWAIT", recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    T_OK("sendto 127.0.0.1", sendto(b, "hello", 5, 0, SA(to), sizeof(to)), 5);
    T_TRUE("poll: the datagram is readable", wait_ev(a, POLLIN, 2000) & POLLIN);
    int n = -1;
    T_OK("ioctl FIONREAD gives the next datagram's size", ioctl(a, FIONREAD, &n), 0);
    T_EQ("ioctl FIONREAD is 5", n, 5);
    T_OK("recvfrom MSG_PEEK", recv(a, buf, sizeof(buf), MSG_PEEK), 5);
    T_OK("recvfrom MSG_TRUNC into 2 bytes gives the whole length", recv(a, buf, 2, MSG_TRUNC | MSG_PEEK), 5);
    T_OK("recvfrom the datagram", recvfrom(a, buf, sizeof(buf), 0, SA(from), &fl), 5);
    T_TRUE("recvfrom names the sender", fl == sizeof(from) && from.sin_family == AF_INET &&
                                            from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
                                            ntohs(from.sin_port) == port_of(b));
    T_TRUE("sendto bound the sender to an ephemeral port", port_of(b) > 0);
    static char big[65536];
    T_ERR("sendto beyond 65507 bytes", sendto(b, big, 65508, 0, SA(to), sizeof(to)), EMSGSIZE);
    T_OK("sendto 8000 bytes over loopback", sendto(b, big, 8000, 0, SA(to), sizeof(to)), 8000);
    T_TRUE("the 8000 bytes arrive", wait_ev(a, POLLIN, 2000) & POLLIN);
    T_OK("recv the 8000 bytes", recv(a, big, sizeof(big), 0), 8000);
    struct sockaddr_in bc = lo(9);
    bc.sin_addr.s_addr = INADDR_BROADCAST;
    T_ERR("sendto 255.255.255.255 without SO_BROADCAST", sendto(b, "x", 1, 0, SA(bc), sizeof(bc)), EACCES);
    T_ERR("getpeername unconnected", getpeername(b, SA(from), &fl), ENOTCONN);
    T_OK("connect a datagram socket", connect(b, SA(to), sizeof(to)), 0);
    fl = sizeof(from);
    T_OK("getpeername after connect", getpeername(b, SA(from), &fl), 0);
    T_TRUE("getpeername is the connected address", from.sin_port == to.sin_port);
    fl = sizeof(from);
    getsockname(b, SA(from), &fl);
    T_TRUE("getsockname after connect shows 127.0.0.1", from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    T_OK("send on the connected socket", send(b, "abc", 3, 0), 3);
    T_TRUE("it arrives", wait_ev(a, POLLIN, 2000) & POLLIN);
    T_OK("recv it", recv(a, buf, sizeof(buf), 0), 3);
    struct sockaddr_in un;
    memset(&un, 0, sizeof(un));
    un.sin_family = AF_UNSPEC;
    T_OK("connect AF_UNSPEC dissolves the association", connect(b, SA(un), sizeof(un)), 0);
    fl = sizeof(from);
    T_ERR("getpeername after AF_UNSPEC", getpeername(b, SA(from), &fl), ENOTCONN);
    /* a connected socket hears of the ICMP port unreachable its datagram caused */
    int z = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in zl = lo(0);
    bind(z, SA(zl), sizeof(zl));
    struct sockaddr_in closed = lo(port_of(z));
    close(z); /* nobody listens there now */
    T_OK("connect to a closed port", connect(b, SA(closed), sizeof(closed)), 0);
    T_OK("send to the closed port", send(b, "x", 1, 0), 1);
    T_TRUE("poll: POLLERR once the ICMP error is back", wait_ev(b, POLLIN, 2000) & POLLERR);
    T_ERR("recv reports the refusal", recv(b, buf, sizeof(buf), MSG_DONTWAIT), ECONNREFUSED);
    T_ERR("recv again: the error was reported once", recv(b, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    T_OK("send again", send(b, "x", 1, 0), 1);
    wait_ev(b, POLLIN, 2000);
    T_EQ("getsockopt SO_ERROR is ECONNREFUSED", geti(b, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
    T_EQ("getsockopt SO_ERROR is then 0", geti(b, SOL_SOCKET, SO_ERROR), 0);
    T_ERR("listen on a datagram socket", listen(a, 1), EOPNOTSUPP);
    T_ERR("accept on a datagram socket", accept(a, NULL, NULL), EOPNOTSUPP);
    T_ERR("shutdown an unconnected datagram socket", shutdown(a, SHUT_RD), ENOTCONN);
    T_ERR("getsockopt TCP_NODELAY on a datagram socket", geti(a, IPPROTO_TCP, TCP_NODELAY), EOPNOTSUPP);
    int on = 1;
    T_ERR("setsockopt TCP_NODELAY on a datagram socket", setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)),
          ENOPROTOOPT);
    T_ERR("getsockopt an unknown IP option", geti(a, IPPROTO_IP, 9999), ENOPROTOOPT);
    T_EQ("getsockopt IP_TTL is 64 by default", geti(a, IPPROTO_IP, IP_TTL), 64);
    int v = 0;
    T_ERR("setsockopt IP_TTL 0", setsockopt(a, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
    v = 256;
    T_ERR("setsockopt IP_TTL 256", setsockopt(a, IPPROTO_IP, IP_TTL, &v, sizeof(v)), EINVAL);
    v = 9;
    T_OK("setsockopt IP_TTL 9", setsockopt(a, IPPROTO_IP, IP_TTL, &v, sizeof(v)), 0);
    T_EQ("getsockopt IP_TTL reads 9 back", geti(a, IPPROTO_IP, IP_TTL), 9);
    v = -1;
    T_OK("setsockopt IP_TTL -1 (the default again)", setsockopt(a, IPPROTO_IP, IP_TTL, &v, sizeof(v)), 0);
    T_EQ("getsockopt IP_TTL is 64 again", geti(a, IPPROTO_IP, IP_TTL), 64);
    close(a);
    close(b);
}

static void t_tcp(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    T_OK("listen on an unbound socket binds a port", listen(l, 4), 0);
    int port = port_of(l);
    T_TRUE("listen picked a port", port > 0);
    T_EQ("getsockopt SO_ACCEPTCONN of a listener", geti(l, SOL_SOCKET, SO_ACCEPTCONN), 1);
    struct sockaddr_in to = lo(port), peer;
    socklen_t pl = sizeof(peer);
    fcntl(l, F_SETFL, O_NONBLOCK);
    T_ERR("accept with nothing pending, non-blocking", accept(l, NULL, NULL), EAGAIN);
    fcntl(l, F_SETFL, 0);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    T_EQ("getsockopt TCP_MAXSEG before connecting is 536", geti(c, IPPROTO_TCP, TCP_MAXSEG), 536);
    T_ERR("getpeername before connecting", getpeername(c, SA(peer), &pl), ENOTCONN);
    char buf[64];
    T_ERR("recv before connecting", recv(c, buf, sizeof(buf), 0), ENOTCONN);
    T_ERR("send before connecting", send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    T_ERR("shutdown before connecting", shutdown(c2, SHUT_RDWR), ENOTCONN);
    close(c2);
    T_ERR("connect non-blocking", connect(c, SA(to), sizeof(to)), EINPROGRESS);
    T_TRUE("poll: the connection completes", wait_ev(c, POLLOUT, 5000) & POLLOUT);
    T_EQ("getsockopt SO_ERROR after it completes", geti(c, SOL_SOCKET, SO_ERROR), 0);
    T_OK("connect again once it completed reports success", connect(c, SA(to), sizeof(to)), 0);
    T_ERR("connect again", connect(c, SA(to), sizeof(to)), EISCONN);
    T_TRUE("poll: the listener has a connection", wait_ev(l, POLLIN, 5000) & POLLIN);
    pl = sizeof(peer);
    int s = accept(l, SA(peer), &pl);
    T_TRUE("accept gives a socket", s >= 0);
    T_TRUE("accept names the client", pl == sizeof(peer) && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
                                          ntohs(peer.sin_port) == port_of(c));
    pl = sizeof(peer);
    T_OK("getpeername of the client", getpeername(c, SA(peer), &pl), 0);
    T_EQ("getpeername is the listener's port", ntohs(peer.sin_port), port);
    T_EQ("getsockopt SO_ACCEPTCONN of a connection", geti(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
    int one = 1;
    T_OK("setsockopt TCP_NODELAY", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
    T_EQ("getsockopt TCP_NODELAY reads 1", geti(c, IPPROTO_TCP, TCP_NODELAY), 1);
    T_OK("setsockopt SO_KEEPALIVE", setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
    T_EQ("getsockopt SO_KEEPALIVE reads 1", geti(c, SOL_SOCKET, SO_KEEPALIVE), 1);
    int zero = 0;
    T_ERR("setsockopt TCP_KEEPIDLE 0", setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &zero, sizeof(zero)), EINVAL);
    T_OK("send", send(c, "hello", 5, 0), 5);
    T_TRUE("poll: the data is readable", wait_ev(s, POLLIN, 5000) & POLLIN);
    int n = -1;
    T_OK("ioctl FIONREAD on a stream", ioctl(s, FIONREAD, &n), 0);
    T_EQ("ioctl FIONREAD counts the bytes", n, 5);
    T_OK("recv MSG_PEEK", recv(s, buf, sizeof(buf), MSG_PEEK), 5);
    T_OK("recv", recv(s, buf, sizeof(buf), 0), 5);
    T_OK("shutdown SHUT_WR", shutdown(c, SHUT_WR), 0);
    T_TRUE("poll: the end of stream is readable", wait_ev(s, POLLIN, 5000) & POLLIN);
    T_OK("recv at the end of stream", recv(s, buf, sizeof(buf), 0), 0);
    T_ERR("send after SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    T_OK("the other direction still sends", send(s, "back", 4, 0), 4);
    T_TRUE("poll: it arrives", wait_ev(c, POLLIN, 5000) & POLLIN);
    T_OK("recv it", recv(c, buf, sizeof(buf), 0), 4);
    close(s);
    close(c);
    c = socket(AF_INET, SOCK_STREAM, 0);
    T_OK("blocking connect", connect(c, SA(to), sizeof(to)), 0);
    s = accept(l, NULL, NULL);
    T_TRUE("accept without an address", s >= 0);
    close(s);
    close(c);
    /* closing with unread data resets the connection (RFC 2525 2.17) */
    c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, SA(to), sizeof(to));
    s = accept(l, NULL, NULL);
    T_OK("send what the server will not read", send(c, "unread", 6, 0), 6);
    T_TRUE("poll: the server has it", wait_ev(s, POLLIN, 5000) & POLLIN);
    close(s);
    T_TRUE("poll: the reset shows as POLLERR|POLLHUP", (wait_ev(c, POLLIN, 5000) & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP));
    T_ERR("recv after the reset", recv(c, buf, sizeof(buf), 0), ECONNRESET);
    T_OK("recv after the reset was reported: end of stream", recv(c, buf, sizeof(buf), 0), 0);
    close(c);
    T_ERR("accept on a socket that does not listen", accept(socket(AF_INET, SOCK_STREAM, 0), NULL, NULL), EINVAL);
    close(l);
    /* nobody listens there now */
    c = socket(AF_INET, SOCK_STREAM, 0);
    T_ERR("blocking connect to a closed port", connect(c, SA(to), sizeof(to)), ECONNREFUSED);
    close(c);
    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    T_ERR("non-blocking connect to a closed port", connect(c, SA(to), sizeof(to)), EINPROGRESS);
    T_TRUE("poll: POLLERR for the refused connection", wait_ev(c, POLLOUT, 5000) & POLLERR);
    T_EQ("getsockopt SO_ERROR is ECONNREFUSED", geti(c, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
    T_EQ("getsockopt SO_ERROR is cleared once read", geti(c, SOL_SOCKET, SO_ERROR), 0);
    close(c);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    t_socket();
    t_bind();
    t_udp();
    t_tcp();
    return tap_done();
}
