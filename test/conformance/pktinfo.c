/* test/conformance/pktinfo.c — IP_PKTINFO and IPV6_RECVPKTINFO (ip(7), ipv6(7)): a UDP receive carries the
 * datagram's destination and the interface it came in on (lo, index 1, for what this host sent itself) as a
 * control message, after the SO_TIMESTAMP one when both are on; none when the option is off; MSG_CTRUNC when
 * it does not fit. IP_RECVTOS: the TOS byte the sender set with IP_TOS, as an IP_TOS message after
 * IP_PKTINFO's. */
/* covers: recvmsg setsockopt */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int pair4(int *u, int *v)
{
    struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    socklen_t l = sizeof a;
    *u = socket(AF_INET, SOCK_DGRAM, 0);
    *v = socket(AF_INET, SOCK_DGRAM, 0);
    return bind(*u, (struct sockaddr *)&a, sizeof a) || getsockname(*u, (struct sockaddr *)&a, &l) ||
           connect(*v, (struct sockaddr *)&a, sizeof a);
}

static long rcv(int fd, char *ctl, size_t room, struct msghdr *m)
{
    static char b[8];
    static struct iovec iv;
    iv.iov_base = b;
    iv.iov_len = sizeof b;
    memset(m, 0, sizeof *m);
    m->msg_iov = &iv;
    m->msg_iovlen = 1;
    m->msg_control = room ? ctl : NULL;
    m->msg_controllen = room;
    struct pollfd p = { fd, POLLIN, 0 };
    poll(&p, 1, 5000);
    return recvmsg(fd, m, MSG_DONTWAIT);
}

static void t_v4(void)
{
    int u, v, on = 1;
    char ctl[256];
    struct msghdr m;
    T_OK("socket a UDP pair on 127.0.0.1", pair4(&u, &v), 0);
    if (send(v, "x", 1, 0) != 1)
        return;
    T_OK("recvmsg without IP_PKTINFO", rcv(u, ctl, sizeof ctl, &m), 1);
    T_EQ("recvmsg without IP_PKTINFO: no control message", m.msg_controllen, 0);
    setsockopt(u, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    if (send(v, "y", 1, 0) != 1)
        return;
    T_OK("recvmsg with IP_PKTINFO", rcv(u, ctl, sizeof ctl, &m), 1);
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    T_TRUE("recvmsg IP_PKTINFO: one IPPROTO_IP IP_PKTINFO message of CMSG_SPACE bytes",
           h && h->cmsg_level == IPPROTO_IP && h->cmsg_type == IP_PKTINFO &&
           h->cmsg_len == CMSG_LEN(sizeof(struct in_pktinfo)) && m.msg_controllen == CMSG_SPACE(sizeof(struct in_pktinfo)));
    struct in_pktinfo pi = { 0 };
    if (h)
        memcpy(&pi, CMSG_DATA(h), sizeof pi);
    T_TRUE("recvmsg IP_PKTINFO: ifindex 1 (lo), destination and spec_dst 127.0.0.1",
           pi.ipi_ifindex == 1 && pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK) &&
           pi.ipi_spec_dst.s_addr == htonl(INADDR_LOOPBACK));
    setsockopt(u, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
    if (send(v, "z", 1, 0) != 1)
        return;
    rcv(u, ctl, sizeof ctl, &m);
    h = CMSG_FIRSTHDR(&m);
    struct cmsghdr *h2 = h ? CMSG_NXTHDR(&m, h) : NULL;
    T_TRUE("recvmsg IP_PKTINFO with SO_TIMESTAMP: the timestamp first, then IP_PKTINFO",
           h && h->cmsg_type == SO_TIMESTAMP && h2 && h2->cmsg_level == IPPROTO_IP && h2->cmsg_type == IP_PKTINFO);
    if (send(v, "w", 1, 0) != 1)
        return;
    T_OK("recvmsg IP_PKTINFO into a buffer with room for the timestamp only", rcv(u, ctl, CMSG_SPACE(16), &m), 1);
    T_TRUE("recvmsg IP_PKTINFO cut off: MSG_CTRUNC", (m.msg_flags & MSG_CTRUNC) && m.msg_controllen == CMSG_SPACE(16));
    close(u);
    close(v);
}

static void t_v6(void)
{
    struct sockaddr_in6 a = { 0 };
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    socklen_t l = sizeof a;
    int u = socket(AF_INET6, SOCK_DGRAM, 0), v = socket(AF_INET6, SOCK_DGRAM, 0), on = 1;
    char ctl[256];
    struct msghdr m;
    if (bind(u, (struct sockaddr *)&a, sizeof a) || getsockname(u, (struct sockaddr *)&a, &l) ||
        connect(v, (struct sockaddr *)&a, sizeof a)) {
        T_SKIP("recvmsg IPV6_PKTINFO", "no ::1");
        return;
    }
    setsockopt(u, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
    if (send(v, "x", 1, 0) != 1)
        return;
    T_OK("recvmsg with IPV6_RECVPKTINFO", rcv(u, ctl, sizeof ctl, &m), 1);
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    struct in6_pktinfo pi = { 0 };
    if (h)
        memcpy(&pi, CMSG_DATA(h), sizeof pi);
    T_TRUE("recvmsg IPV6_RECVPKTINFO: an IPPROTO_IPV6 IPV6_PKTINFO message: ::1 on ifindex 1",
           h && h->cmsg_level == IPPROTO_IPV6 && h->cmsg_type == IPV6_PKTINFO &&
           h->cmsg_len == CMSG_LEN(sizeof pi) && IN6_IS_ADDR_LOOPBACK(&pi.ipi6_addr) && pi.ipi6_ifindex == 1);
    close(u);
    close(v);
}

/* IP_TOS on the sender, IP_RECVTOS on the receiver */
static void t_tos(void)
{
    int u, v, on = 1, tos = 0x28, got = -1;
    char ctl[256];
    struct msghdr m;
    if (pair4(&u, &v))
        return;
    socklen_t l = sizeof got;
    T_OK("setsockopt IP_RECVTOS", setsockopt(u, IPPROTO_IP, IP_RECVTOS, &on, sizeof on), 0);
    T_TRUE("getsockopt IP_RECVTOS reads 1", getsockopt(u, IPPROTO_IP, IP_RECVTOS, &got, &l) == 0 && got == 1);
    T_OK("setsockopt IP_TOS 0x28 on the sender", setsockopt(v, IPPROTO_IP, IP_TOS, &tos, sizeof tos), 0);
    send(v, "t", 1, 0);
    T_OK("recvmsg with IP_RECVTOS", rcv(u, ctl, sizeof ctl, &m), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    T_TRUE("recvmsg IP_RECVTOS: an IP_TOS message of one byte", c && c->cmsg_level == IPPROTO_IP &&
           c->cmsg_type == IP_TOS && c->cmsg_len == CMSG_LEN(1));
    T_EQ("recvmsg IP_RECVTOS: the sender's TOS", c ? *CMSG_DATA(c) : -1, 0x28);
    setsockopt(u, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    tos = 0;
    setsockopt(v, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
    send(v, "u", 1, 0);
    T_OK("recvmsg with IP_PKTINFO and IP_RECVTOS", rcv(u, ctl, sizeof ctl, &m), 1);
    c = CMSG_FIRSTHDR(&m);
    struct cmsghdr *c2 = c ? CMSG_NXTHDR(&m, c) : NULL;
    T_TRUE("recvmsg: IP_PKTINFO first, then IP_TOS (0)", c && c->cmsg_type == IP_PKTINFO && c2 &&
           c2->cmsg_type == IP_TOS && *CMSG_DATA(c2) == 0);
    on = 0;
    setsockopt(u, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
    setsockopt(u, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    send(v, "w", 1, 0);
    T_OK("recvmsg with IP_RECVTOS off", rcv(u, ctl, sizeof ctl, &m), 1);
    T_EQ("recvmsg with IP_RECVTOS off: no control message", m.msg_controllen, 0);
    close(u), close(v);
}

int main(void)
{
    t_v4();
    t_tos();
    t_v6();
    return tap_done();
}
