/* test/conformance/icmp.c — ICMP sockets on this host only (127.0.0.1 and ::1), compared with Linux: "ping"
 * sockets (SOCK_DGRAM with IPPROTO_ICMP / IPPROTO_ICMPV6: the kernel sets the echo identifier to the socket's
 * port and computes the checksum; replies come without the IP header) and raw sockets (SOCK_RAW: IPv4 with the
 * IP header, ICMPv6 without it, ICMP_FILTER / ICMP6_FILTER, the kernel's ICMPv6 checksum, CAP_NET_RAW), their
 * errors, and the control messages ping asks for (SO_TIMESTAMP, IP_TTL, IPV6_HOPLIMIT).
 *
 * Ping sockets need the caller's group in /proc/sys/net/ipv4/ping_group_range. Linux's default (1 0) allows
 * nobody, so natively, as root, the program widens it to every group for its run and puts it back at exit
 * (skiff's range already holds every group, as systemd's and Docker's do); t_range writes it too and leaves
 * every group in it. A raw socket also sees ICMP that
 * other programs on the host exchange: every receive picks our own messages by identifier and sequence. Every
 * wait is bounded by poll. Identifiers the kernel picks are never printed. */
/* covers: socket bind connect sendto recvfrom recvmsg getsockname getpeername setsockopt getsockopt poll ioctl */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

/* <linux/errqueue.h>'s, which musl's headers do not reach */
struct sock_extended_err {
    unsigned ee_errno;
    unsigned char ee_origin, ee_type, ee_code, ee_pad;
    unsigned ee_info, ee_data;
};
#define SO_EE_ORIGIN_ICMP 2
#define SO_EE_OFFENDER(ee) ((struct sockaddr *)((ee) + 1))

#ifndef ICMP_FILTER
#define ICMP_FILTER 1 /* <linux/icmp.h>, which does not mix with the libc's headers */
#endif

#define SA(a) ((struct sockaddr *)&(a))
#define RANGE "/proc/sys/net/ipv4/ping_group_range"

static char old_range[64];

static void restore_range(void)
{
    int fd = open(RANGE, O_WRONLY);
    if (fd >= 0) {
        if (write(fd, old_range, strlen(old_range)) < 0)
            perror("restoring " RANGE);
        close(fd);
    }
}

/* Natively: let root's group make ping sockets for this run (see the top). */
static void widen_range(void)
{
    unsigned lo, hi;
    if (tap_read_file(RANGE, old_range, sizeof(old_range)) < 0 || sscanf(old_range, "%u %u", &lo, &hi) != 2)
        return;
    if (lo <= getegid() && getegid() <= hi)
        return;
    int fd = open(RANGE, O_WRONLY);
    if (fd < 0)
        return;
    if (write(fd, "0 2147483647", 12) == 12)
        atexit(restore_range);
    close(fd);
}

static struct sockaddr_in a4(const char *addr)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    inet_pton(AF_INET, addr, &a.sin_addr);
    return a;
}

static struct sockaddr_in6 a6(const char *addr)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    inet_pton(AF_INET6, addr, &a.sin6_addr);
    return a;
}

static unsigned short csum(const void *p, size_t n, unsigned long sum)
{
    const unsigned char *b = p;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (unsigned)b[i] << 8 | b[i + 1];
    if (n & 1)
        sum += (unsigned)b[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (unsigned short)~sum;
}

/* The ICMPv6 checksum of a message from ::1 to ::1 (0 when the message's own checksum is right). */
static unsigned short csum6(const void *p, size_t n)
{
    unsigned char ph[40] = { 0 };
    ph[15] = ph[31] = 1;
    ph[34] = (unsigned char)(n >> 8);
    ph[35] = (unsigned char)n;
    ph[39] = IPPROTO_ICMPV6;
    unsigned long sum = (unsigned short)~csum(ph, sizeof(ph), 0);
    return csum(p, n, sum);
}

/* An echo request of 64 bytes: type, identifier, sequence, 56 bytes of pattern; the IPv4 checksum if v4. */
static void echo(unsigned char *m, int type, unsigned short id, unsigned short seq, int v4sum)
{
    memset(m, 0, 64);
    m[0] = (unsigned char)type;
    memcpy(m + 4, &id, 2);
    m[6] = (unsigned char)(seq >> 8);
    m[7] = (unsigned char)seq;
    for (int i = 8; i < 64; i++)
        m[i] = (unsigned char)i;
    if (v4sum) {
        unsigned short c = htons(csum(m, 64, 0));
        memcpy(m + 2, &c, 2);
    }
}

static int readable(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, 5000) == 1 && (p.revents & POLLIN);
}

static int seq_of(const unsigned char *icmp)
{
    return icmp[6] << 8 | icmp[7];
}

/* Receives until a message of ICMP type `type` with sequence seq (at offset skip: the IP header) comes;
 * its length, or -1. */
static int recv_ours(int fd, unsigned char *buf, size_t size, int skip, int type, int seq, unsigned short id)
{
    for (int tries = 0; tries < 50 && readable(fd); tries++) {
        int n = (int)recv(fd, buf, size, 0);
        if (n < skip + 8)
            return -1;
        const unsigned char *m = buf + skip;
        if (m[0] == type && seq_of(m) == seq && (!id || !memcmp(m + 4, &id, 2)))
            return n;
    }
    return -1;
}

static int geti(int fd, int level, int name)
{
    int v = -12345;
    socklen_t l = sizeof(v);
    return getsockopt(fd, level, name, &v, &l) ? -errno : v;
}

static void t_create(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    T_TRUE("socket AF_INET SOCK_DGRAM IPPROTO_ICMP (a ping socket)", s >= 0);
    T_EQ("socket SO_PROTOCOL of a ping socket is IPPROTO_ICMP", geti(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_ICMP);
    T_EQ("socket SO_TYPE of a ping socket is SOCK_DGRAM", geti(s, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
    close(s);
    s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    T_TRUE("socket AF_INET SOCK_RAW IPPROTO_ICMP as root", s >= 0);
    T_EQ("socket SO_PROTOCOL of a raw ICMP socket", geti(s, SOL_SOCKET, SO_PROTOCOL), IPPROTO_ICMP);
    close(s);
    T_ERR("socket AF_INET6 SOCK_DGRAM IPPROTO_ICMP", socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMP), EPROTONOSUPPORT);
    T_ERR("socket AF_INET SOCK_DGRAM IPPROTO_ICMPV6", socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMPV6), EPROTONOSUPPORT);
    T_ERR("socket AF_INET SOCK_RAW protocol -1", socket(AF_INET, SOCK_RAW, -1), EINVAL);
    T_ERR("socket AF_INET SOCK_RAW protocol 300", socket(AF_INET, SOCK_RAW, 300), EINVAL);
}

static void t_ping_errors(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    unsigned char m[64];
    struct sockaddr_in lo = a4("127.0.0.1"), got;
    socklen_t l = sizeof(got);
    T_OK("getsockname of a new ping socket", getsockname(s, SA(got), &l), 0);
    T_TRUE("getsockname of a new ping socket is 0.0.0.0 port 0", l == sizeof(got) && got.sin_port == 0 &&
                                                                   got.sin_addr.s_addr == 0);
    echo(m, ICMP_ECHO, 0, 1, 0);
    T_ERR("sendto a ping socket with 7 bytes", sendto(s, m, 7, 0, SA(lo), sizeof(lo)), EINVAL);
    m[0] = ICMP_ECHOREPLY;
    T_ERR("sendto a ping socket: an echo reply", sendto(s, m, 64, 0, SA(lo), sizeof(lo)), EINVAL);
    m[0] = ICMP_ECHO;
    m[1] = 1;
    T_ERR("sendto a ping socket: an echo request with code 1", sendto(s, m, 64, 0, SA(lo), sizeof(lo)), EINVAL);
    m[1] = 0;
    T_ERR("sendto a ping socket with MSG_OOB", sendto(s, m, 64, MSG_OOB, SA(lo), sizeof(lo)), EOPNOTSUPP);
    T_ERR("send on an unconnected ping socket", send(s, m, 64, 0), EDESTADDRREQ);
    T_ERR("sendto a ping socket with an 8-byte address", sendto(s, m, 64, 0, SA(lo), 8), EINVAL);
    struct sockaddr_in6 six = a6("::1");
    T_ERR("sendto an AF_INET ping socket with a sockaddr_in6", sendto(s, m, 64, 0, SA(six), sizeof(six)),
          EAFNOSUPPORT);
    struct sockaddr_in bc = a4("255.255.255.255");
    T_ERR("sendto 255.255.255.255 on a ping socket without SO_BROADCAST", sendto(s, m, 64, 0, SA(bc), sizeof(bc)),
          EACCES);
    int r = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    T_ERR("sendto 255.255.255.255 on a raw socket without SO_BROADCAST", sendto(r, m, 64, 0, SA(bc), sizeof(bc)),
          EACCES);
    close(r);
    T_ERR("recv from an empty ping socket with MSG_DONTWAIT", recv(s, m, 64, MSG_DONTWAIT), EAGAIN);
    T_ERR("recv MSG_ERRQUEUE from a ping socket with no errors", recv(s, m, 64, MSG_ERRQUEUE | MSG_DONTWAIT),
          EAGAIN);
    T_ERR("getpeername of an unconnected ping socket", getpeername(s, SA(got), &l), ENOTCONN);
    T_ERR("listen on a ping socket", listen(s, 1), EOPNOTSUPP);
    close(s);
}

/* One echo over 127.0.0.1: the kernel's identifier and checksum, the reply without an IP header. */
static void t_ping_echo(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    unsigned char m[64], r[128];
    struct sockaddr_in lo = a4("127.0.0.1"), got;
    socklen_t l = sizeof(got);
    echo(m, ICMP_ECHO, 0xbeef, 7, 0); /* identifier and checksum wrong on purpose: the kernel sets both */
    T_OK("sendto 127.0.0.1 on a ping socket", sendto(s, m, 64, 0, SA(lo), sizeof(lo)), 64);
    getsockname(s, SA(got), &l);
    unsigned short ident = got.sin_port;
    T_TRUE("getsockname after the first send: the identifier the kernel chose", ident != 0);
    T_TRUE("poll poll the reply arrives", readable(s));
    struct sockaddr_in from;
    memset(&from, 0xaa, sizeof(from));
    socklen_t fl = sizeof(from);
    int n = (int)recvfrom(s, r, sizeof(r), 0, SA(from), &fl);
    T_EQ("recvfrom a ping socket: 64 bytes, no IP header", n, 64);
    T_TRUE("recvfrom the reply is an echo reply with our sequence", r[0] == ICMP_ECHOREPLY && r[1] == 0 && seq_of(r) == 7);
    T_TRUE("recvfrom the reply carries the socket's identifier", !memcmp(r + 4, &ident, 2));
    T_EQ("recvfrom the reply's checksum is right", csum(r, 64, 0), 0);
    T_TRUE("recvfrom the reply's data is ours", !memcmp(r + 8, m + 8, 56));
    T_TRUE("recvfrom from 127.0.0.1 port 0, 16 bytes", fl == sizeof(from) && from.sin_family == AF_INET &&
                                                         from.sin_port == 0 &&
                                                         from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    struct sockaddr_in any = a4("0.0.0.0");
    T_ERR("bind a ping socket that has sent", bind(s, SA(any), sizeof(any)), EINVAL);
    /* connect: send without an address; MSG_TRUNC and FIONREAD */
    T_OK("connect a ping socket to 127.0.0.1", connect(s, SA(lo), sizeof(lo)), 0);
    echo(m, ICMP_ECHO, 0, 8, 0);
    T_OK("send on a connected ping socket", send(s, m, 64, 0), 64);
    readable(s);
    int avail = -1;
    T_ERR("ioctl FIONREAD on a ping socket (Linux's ping sockets have no ioctls)", ioctl(s, FIONREAD, &avail), ENOTTY);
    struct iovec iov = { r, 10 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    T_OK("recvmsg 10 bytes of a 64-byte reply", recvmsg(s, &mh, 0), 10);
    T_TRUE("recvmsg sets MSG_TRUNC", mh.msg_flags & MSG_TRUNC);
    close(s);
}

static void t_ping_bind(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    struct sockaddr_in b = a4("127.0.0.1"), got;
    b.sin_port = htons(41234);
    T_ERR("bind a ping socket with 15 bytes", bind(s, SA(b), 15), EINVAL);
    struct sockaddr_in other = a4("192.0.2.1");
    T_ERR("bind a ping socket to an address not ours", bind(s, SA(other), sizeof(other)), EADDRNOTAVAIL);
    T_OK("bind a ping socket to 127.0.0.1, identifier 41234", bind(s, SA(b), sizeof(b)), 0);
    socklen_t l = sizeof(got);
    getsockname(s, SA(got), &l);
    T_TRUE("getsockname 127.0.0.1 port 41234", got.sin_port == htons(41234) &&
                                                got.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    T_ERR("bind a bound ping socket again", bind(s, SA(b), sizeof(b)), EINVAL);
    unsigned char m[64], r[64];
    echo(m, ICMP_ECHO, 0, 9, 0);
    struct sockaddr_in lo = a4("127.0.0.1");
    sendto(s, m, 64, 0, SA(lo), sizeof(lo));
    unsigned short want = htons(41234);
    T_EQ("recv the reply carries the bound identifier", recv_ours(s, r, sizeof(r), 0, ICMP_ECHOREPLY, 9, want), 64);
    /* every ping socket may reuse an identifier (Linux sets sk_reuse on them); the newest binding gets the
     * replies, and only it */
    int t = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    T_OK("bind a second ping socket to the same identifier", bind(t, SA(b), sizeof(b)), 0);
    echo(m, ICMP_ECHO, 0, 10, 0);
    sendto(s, m, 64, 0, SA(lo), sizeof(lo));
    T_EQ("recv the newest binding gets the reply", recv_ours(t, r, sizeof(r), 0, ICMP_ECHOREPLY, 10, want), 64);
    T_ERR("recv the older one does not", recv(s, r, sizeof(r), MSG_DONTWAIT), EAGAIN);
    close(t);
    close(s);
}

/* ping's options: SO_TIMESTAMP and IP_RECVTTL give two control messages, in that order. */
static void t_ping_cmsg(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), on = 1;
    T_OK("setsockopt IP_RECVTTL on a ping socket", setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on)), 0);
    T_OK("setsockopt SO_TIMESTAMP on a ping socket", setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)), 0);
    T_EQ("getsockopt SO_TIMESTAMP reads 1", geti(s, SOL_SOCKET, SO_TIMESTAMP), 1);
    unsigned char m[64], r[64];
    echo(m, ICMP_ECHO, 0, 10, 0);
    struct sockaddr_in lo = a4("127.0.0.1");
    struct timeval before, *tv = NULL;
    gettimeofday(&before, NULL);
    sendto(s, m, 64, 0, SA(lo), sizeof(lo));
    readable(s);
    union { char b[256]; struct cmsghdr align; } ctl;
    struct iovec iov = { r, sizeof(r) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl) };
    T_OK("recvmsg with room for control messages", recvmsg(s, &mh, 0), 64);
    T_EQ("recvmsg msg_controllen SO_TIMESTAMP (32) and IP_TTL (24)", mh.msg_controllen, 56);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    T_TRUE("recvmsg first SOL_SOCKET SO_TIMESTAMP, a timeval", c && c->cmsg_level == SOL_SOCKET &&
                                                        c->cmsg_type == SO_TIMESTAMP &&
                                                        c->cmsg_len == CMSG_LEN(sizeof(struct timeval)));
    if (c)
        tv = (struct timeval *)CMSG_DATA(c);
    T_TRUE("recvmsg the timestamp is not before the send", tv && (tv->tv_sec > before.tv_sec ||
                                                          (tv->tv_sec == before.tv_sec && tv->tv_usec >= before.tv_usec)));
    c = c ? CMSG_NXTHDR(&mh, c) : NULL;
    int ttl = c ? *(int *)CMSG_DATA(c) : -1;
    T_TRUE("recvmsg then SOL_IP IP_TTL 64", c && c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL && ttl == 64);
    /* too little room: MSG_CTRUNC */
    sendto(s, m, 64, 0, SA(lo), sizeof(lo));
    readable(s);
    mh.msg_controllen = 20;
    T_OK("recvmsg with 20 bytes of control room", recvmsg(s, &mh, 0), 64);
    T_TRUE("recvmsg sets MSG_CTRUNC", mh.msg_flags & MSG_CTRUNC);
    close(s);
}

/* A raw socket sees the whole IPv4 packet, its own request too; ICMP_FILTER drops types. */
static void t_raw4(void)
{
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    struct sockaddr_in lo = a4("127.0.0.1"), got;
    socklen_t l = sizeof(got);
    T_OK("getsockname of a raw ICMP socket", getsockname(s, SA(got), &l), 0);
    T_TRUE("getsockname port is the protocol (1)", got.sin_port == htons(IPPROTO_ICMP) && got.sin_addr.s_addr == 0);
    unsigned char m[64], r[256];
    unsigned short id = htons((unsigned short)(getpid() ^ 0x5a5a));
    echo(m, ICMP_ECHO, id, 21, 1);
    T_OK("sendto 127.0.0.1 on a raw ICMP socket", sendto(s, m, 64, 0, SA(lo), sizeof(lo)), 64);
    int n = recv_ours(s, r, sizeof(r), 20, ICMP_ECHO, 21, id);
    T_EQ("recv the raw socket sees its own request: 20-byte IP header + 64", n, 84);
    T_TRUE("recv the request as sent, checksum included", n == 84 && !memcmp(r + 20, m, 64));
    T_TRUE("recv its IP header: version 4, protocol 1, from and to 127.0.0.1", r[0] == 0x45 && r[9] == IPPROTO_ICMP &&
                                                                           !memcmp(r + 12, &lo.sin_addr, 4) &&
                                                                           !memcmp(r + 16, &lo.sin_addr, 4));
    n = recv_ours(s, r, sizeof(r), 20, ICMP_ECHOREPLY, 21, id);
    T_EQ("recv then the reply, with its IP header", n, 84);
    T_TRUE("recv the reply: TTL 64, our identifier and data", n == 84 && r[8] == 64 && !memcmp(r + 24, &id, 2) &&
                                                          !memcmp(r + 28, m + 8, 56));
    unsigned filt = 1u << ICMP_ECHO, back = 0;
    T_OK("setsockopt ICMP_FILTER: no echo requests", setsockopt(s, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)), 0);
    socklen_t bl = sizeof(back);
    T_OK("getsockopt ICMP_FILTER", getsockopt(s, SOL_RAW, ICMP_FILTER, &back, &bl), 0);
    T_TRUE("getsockopt ICMP_FILTER reads back, 4 bytes", back == filt && bl == 4);
    echo(m, ICMP_ECHO, id, 22, 1);
    sendto(s, m, 64, 0, SA(lo), sizeof(lo));
    n = recv_ours(s, r, sizeof(r), 20, ICMP_ECHOREPLY, 22, id);
    T_EQ("recv with the filter, the first message of ours is the reply", n, 84);
    sendto(s, m, 64, 0, SA(lo), sizeof(lo));
    readable(s);
    int avail = -1;
    T_OK("ioctl FIONREAD on a raw socket", ioctl(s, FIONREAD, &avail), 0);
    T_TRUE("ioctl FIONREAD a message's length (an IPv4 packet)", avail >= 84);
    int p = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    T_ERR("setsockopt ICMP_FILTER on a ping socket", setsockopt(p, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)),
          ENOPROTOOPT);
    close(p);
    close(s);
}

/* ICMPv6 over ::1: ping socket and raw socket; the kernel computes ICMPv6 checksums. */
static void t_v6(void)
{
    int s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
    T_TRUE("socket AF_INET6 SOCK_DGRAM IPPROTO_ICMPV6", s >= 0);
    unsigned char m[64], r[128];
    struct sockaddr_in6 lo = a6("::1"), got;
    echo(m, ICMP6_ECHO_REQUEST, 0, 31, 0);
    T_ERR("sendto an ICMPv6 ping socket with a 24-byte address", sendto(s, m, 64, 0, SA(lo), 24), EINVAL);
    struct sockaddr_in6 mapped = a6("::ffff:127.0.0.1");
    T_ERR("sendto an ICMPv6 ping socket to a v4-mapped address", sendto(s, m, 64, 0, SA(mapped), sizeof(mapped)),
          EINVAL);
    m[0] = ICMP_ECHO;
    T_ERR("sendto an ICMPv6 ping socket: an ICMPv4 echo type", sendto(s, m, 64, 0, SA(lo), sizeof(lo)), EINVAL);
    m[0] = ICMP6_ECHO_REQUEST;
    T_OK("sendto ::1 on an ICMPv6 ping socket", sendto(s, m, 64, 0, SA(lo), sizeof(lo)), 64);
    socklen_t l = sizeof(got);
    getsockname(s, SA(got), &l);
    T_TRUE("getsockname ::, the identifier, 28 bytes", l == sizeof(got) && got.sin6_port != 0 &&
                                                        IN6_IS_ADDR_UNSPECIFIED(&got.sin6_addr));
    T_TRUE("poll poll the ICMPv6 reply arrives", readable(s));
    struct sockaddr_in6 from;
    socklen_t fl = sizeof(from);
    int n = (int)recvfrom(s, r, sizeof(r), 0, SA(from), &fl);
    T_EQ("recvfrom an ICMPv6 ping socket: 64 bytes", n, 64);
    T_TRUE("recvfrom an echo reply (129) with our sequence and the socket's identifier",
           r[0] == ICMP6_ECHO_REPLY && seq_of(r) == 31 && !memcmp(r + 4, &got.sin6_port, 2));
    T_EQ("recvfrom its ICMPv6 checksum is right", csum6(r, 64), 0);
    T_TRUE("recvfrom from ::1 port 0, 28 bytes", fl == sizeof(from) && from.sin6_family == AF_INET6 &&
                                                  from.sin6_port == 0 && IN6_IS_ADDR_LOOPBACK(&from.sin6_addr));
    close(s);

    s = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
    T_TRUE("socket AF_INET6 SOCK_RAW IPPROTO_ICMPV6 as root", s >= 0);
    l = sizeof(got);
    getsockname(s, SA(got), &l);
    T_TRUE("getsockname of a raw ICMPv6 socket: port 58", got.sin6_port == htons(IPPROTO_ICMPV6));
    struct icmp6_filter f;
    ICMP6_FILTER_SETBLOCKALL(&f);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
    T_OK("setsockopt ICMP6_FILTER: echo replies only", setsockopt(s, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)), 0);
    struct icmp6_filter fb;
    socklen_t fbl = sizeof(fb);
    T_OK("getsockopt ICMP6_FILTER", getsockopt(s, IPPROTO_ICMPV6, ICMP6_FILTER, &fb, &fbl), 0);
    T_TRUE("getsockopt ICMP6_FILTER reads back, 32 bytes", fbl == 32 && !memcmp(&f, &fb, 32));
    int on = 1;
    T_OK("setsockopt IPV6_RECVHOPLIMIT", setsockopt(s, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)), 0);
    unsigned short id = htons((unsigned short)(getpid() ^ 0x6b6b));
    echo(m, ICMP6_ECHO_REQUEST, id, 32, 0); /* checksum 0: the kernel computes it */
    T_OK("sendto ::1 on a raw ICMPv6 socket", sendto(s, m, 64, 0, SA(lo), sizeof(lo)), 64);
    union { char b[256]; struct cmsghdr align; } ctl;
    int hops = -1, found = 0;
    for (int tries = 0; tries < 50 && !found && readable(s); tries++) {
        struct iovec iov = { r, sizeof(r) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl) };
        n = (int)recvmsg(s, &mh, 0);
        if (n != 64 || r[0] != ICMP6_ECHO_REPLY || seq_of(r) != 32 || memcmp(r + 4, &id, 2))
            continue;
        found = 1;
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        if (c && c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
            hops = *(int *)CMSG_DATA(c);
    }
    T_TRUE("recvmsg the raw ICMPv6 socket gets the reply: 64 bytes, no IPv6 header", found);
    T_EQ("recvmsg the reply's ICMPv6 checksum is right", csum6(r, 64), 0);
    T_EQ("recvmsg IPV6_HOPLIMIT control message: 64", hops, 64);
    close(s);
}

/* Sends, over a raw socket to 127.0.0.1, an ICMP error of type/code from 127.0.0.1 quoting an echo request
 * from 127.0.0.1 to 127.0.0.2 with this identifier and sequence: what a router would say about it. */
static void forge_error(int raw, int type, int code, unsigned short ident, int seq)
{
    unsigned char e[8 + 20 + 8] = { (unsigned char)type, (unsigned char)code };
    unsigned char *ip = e + 8, *q = ip + 20;
    struct sockaddr_in lo = a4("127.0.0.1"), d2 = a4("127.0.0.2");
    ip[0] = 0x45, ip[3] = 84, ip[8] = 64, ip[9] = IPPROTO_ICMP;
    memcpy(ip + 12, &lo.sin_addr, 4);
    memcpy(ip + 16, &d2.sin_addr, 4);
    unsigned short c = htons(csum(ip, 20, 0));
    memcpy(ip + 10, &c, 2);
    q[0] = ICMP_ECHO;
    memcpy(q + 4, &ident, 2);
    q[7] = (unsigned char)seq;
    c = htons(csum(e, sizeof(e), 0));
    memcpy(e + 2, &c, 2);
    sendto(raw, e, sizeof(e), 0, SA(lo), sizeof(lo));
}

/* A ping socket that sends echo request seq to 127.0.0.2 and reads the reply; its identifier. */
static unsigned short ping_once(int s, int seq)
{
    unsigned char m[64], r[64];
    struct sockaddr_in d2 = a4("127.0.0.2"), me;
    socklen_t l = sizeof(me);
    echo(m, ICMP_ECHO, 0, (unsigned short)seq, 0);
    sendto(s, m, 64, 0, SA(d2), sizeof(d2));
    recv_ours(s, r, sizeof(r), 0, ICMP_ECHOREPLY, seq, 0);
    getsockname(s, SA(me), &l);
    return me.sin_port;
}

static short wait_err(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, 5000) == 1 ? p.revents : 0;
}

/* ICMP errors about a ping socket's echo requests (Linux's ping_err), forged over a raw socket. */
static void t_ping_error(void)
{
    int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), on = 1;
    unsigned char r[64];
    /* no IP_RECVERR, not connected: a soft error (host unreachable) reaches nobody */
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    unsigned short id = ping_once(s, 1);
    forge_error(raw, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, id, 1);
    T_EQ("recv ping_err without IP_RECVERR an unreachable is ignored: the next reply comes, no error first",
         (ping_once(s, 2), recv(s, r, sizeof(r), MSG_DONTWAIT)), -1);
    T_ERR("recv ping_err without IP_RECVERR the error queue stays empty", recv(s, r, sizeof(r), MSG_ERRQUEUE), EAGAIN);
    close(s);
    /* connected, a hard error (port unreachable): SO_ERROR, no queue */
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    struct sockaddr_in d2 = a4("127.0.0.2");
    connect(s, SA(d2), sizeof(d2));
    id = ping_once(s, 3);
    forge_error(raw, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, id, 3);
    T_TRUE("poll ping_err a connected socket polls POLLERR for a port unreachable", wait_err(s) & POLLERR);
    T_ERR("recv then reports it once", recv(s, r, sizeof(r), MSG_DONTWAIT), ECONNREFUSED);
    T_ERR("recv and no more", recv(s, r, sizeof(r), MSG_DONTWAIT), EAGAIN);
    T_ERR("recv MSG_ERRQUEUE is empty without IP_RECVERR", recv(s, r, sizeof(r), MSG_ERRQUEUE), EAGAIN);
    close(s);
    /* IP_RECVERR: every error, SO_ERROR and the error queue */
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    T_OK("setsockopt IP_RECVERR on a ping socket", setsockopt(s, SOL_IP, IP_RECVERR, &on, sizeof(on)), 0);
    id = ping_once(s, 4);
    forge_error(raw, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, id, 4);
    T_TRUE("poll with IP_RECVERR a host unreachable polls POLLERR", wait_err(s) & POLLERR);
    T_ERR("recv reports EHOSTUNREACH", recv(s, r, sizeof(r), MSG_DONTWAIT), EHOSTUNREACH);
    union { char b[256]; struct cmsghdr align; } ctl;
    struct sockaddr_in name;
    struct iovec iov = { r, sizeof(r) };
    struct msghdr mh = { .msg_name = &name, .msg_namelen = sizeof(name), .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = ctl.b, .msg_controllen = sizeof(ctl) };
    T_OK("recvmsg MSG_ERRQUEUE: the quoted echo request's 8 bytes", recvmsg(s, &mh, MSG_ERRQUEUE), 8);
    T_TRUE("recvmsg MSG_ERRQUEUE the data is our request's header", r[0] == ICMP_ECHO && !memcmp(r + 4, &id, 2) &&
                                                               seq_of(r) == 4);
    T_TRUE("recvmsg MSG_ERRQUEUE msg_flags has MSG_ERRQUEUE", mh.msg_flags & MSG_ERRQUEUE);
    T_TRUE("recvmsg MSG_ERRQUEUE the name is the request's destination, port 0",
           mh.msg_namelen == sizeof(name) && name.sin_addr.s_addr == d2.sin_addr.s_addr && name.sin_port == 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    T_TRUE("recvmsg MSG_ERRQUEUE one SOL_IP IP_RECVERR message of 48 bytes",
           c && c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR && c->cmsg_len == 48 &&
           mh.msg_controllen == 48);
    if (c) {
        struct sock_extended_err *ee = (struct sock_extended_err *)CMSG_DATA(c);
        struct sockaddr_in *off = (struct sockaddr_in *)SO_EE_OFFENDER(ee);
        T_TRUE("recvmsg sock_extended_err EHOSTUNREACH, origin ICMP, type 3 code 1, info and data 0",
               ee->ee_errno == EHOSTUNREACH && ee->ee_origin == SO_EE_ORIGIN_ICMP && ee->ee_type == 3 &&
               ee->ee_code == 1 && ee->ee_pad == 0 && ee->ee_info == 0 && ee->ee_data == 0);
        T_TRUE("recvmsg the offender: the error's sender, 127.0.0.1", off->sin_family == AF_INET &&
                                                             off->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    }
    T_ERR("recv the error queue is then empty", recv(s, r, sizeof(r), MSG_ERRQUEUE), EAGAIN);
    forge_error(raw, ICMP_TIME_EXCEEDED, 0, id, 4);
    wait_err(s);
    T_ERR("recv a time exceeded: EHOSTUNREACH too", recv(s, r, sizeof(r), MSG_DONTWAIT), EHOSTUNREACH);
    mh.msg_controllen = sizeof(ctl);
    T_OK("recvmsg and an entry of the error queue", recvmsg(s, &mh, MSG_ERRQUEUE), 8);
    c = CMSG_FIRSTHDR(&mh);
    T_TRUE("recvmsg its type 11", c && ((struct sock_extended_err *)CMSG_DATA(c))->ee_type == ICMP_TIME_EXCEEDED);
    close(s);
    close(raw);
}

static int write_range(const char *text)
{
    int fd = open(RANGE, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int range_is(const char *want)
{
    char buf[64];
    return tap_read_file(RANGE, buf, sizeof(buf)) > 0 && !strcmp(buf, want);
}

/* ping_group_range decides who makes ping sockets; root included, CAP_NET_RAW does not override it. */
static void t_range(void)
{
    T_OK("write ping_group_range \"1 0\" (no group)", write_range("1 0"), 0);
    T_TRUE("read ping_group_range reads 1<TAB>0", range_is("1\t0\n"));
    T_ERR("socket SOCK_DGRAM IPPROTO_ICMP, the caller's groups outside ping_group_range",
          socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), EACCES);
    T_ERR("socket AF_INET6 SOCK_DGRAM IPPROTO_ICMPV6, outside ping_group_range",
          socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6), EACCES);
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    T_TRUE("socket SOCK_RAW IPPROTO_ICMP still (CAP_NET_RAW)", s >= 0);
    close(s);
    T_ERR("write ping_group_range \"-1 5\"", write_range("-1 5"), EINVAL);
    T_OK("write ping_group_range \"10 5\" (end before start)", write_range("10 5"), 0);
    T_TRUE("read an inverted range reads back as 1<TAB>0", range_is("1\t0\n"));
    T_OK("write ping_group_range \"0 2147483647\"", write_range("0 2147483647"), 0);
    T_TRUE("read ping_group_range reads 0<TAB>2147483647", range_is("0\t2147483647\n"));
    s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    T_TRUE("socket SOCK_DGRAM IPPROTO_ICMP again", s >= 0);
    close(s);
}

/* Without CAP_NET_RAW no raw socket; a ping socket still, by group. */
static void unprivileged(void)
{
    if (setgid(65534) || setuid(65534))
        _exit(99);
    T_ERR("socket SOCK_RAW without CAP_NET_RAW", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
    T_ERR("socket AF_INET6 SOCK_RAW without CAP_NET_RAW", socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), EPERM);
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    T_TRUE("socket a ping socket as nobody (group 65534 in the range)", s >= 0);
    T_ERR("open ping_group_range for writing as nobody", open(RANGE, O_WRONLY), EACCES);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    widen_range();
    t_create();
    t_ping_errors();
    t_ping_echo();
    t_ping_bind();
    t_ping_cmsg();
    t_raw4();
    t_ping_error();
    t_v6();
    t_range();
    tap_in_child(unprivileged);
    return tap_done();
}
