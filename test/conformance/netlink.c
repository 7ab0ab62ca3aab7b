/* test/conformance/netlink.c — AF_NETLINK sockets with NETLINK_ROUTE (netlink(7), rtnetlink(7)), checked on
 * what every Linux machine has alike: the socket types and protocols refused, bind's port rules (the first
 * socket gets the pid, 0 before bind, EINVAL/EADDRINUSE), getsockname/getpeername, connect, the options at
 * SOL_NETLINK, multicast subscriptions; the kernel's answers: a link dump (lo at index 1 with its flags, type,
 * MTU, address), one link by index and by name, address dumps (127.0.0.1/8 and ::1/128 on lo), route dumps (the
 * local table's lo entries), every reply's sequence number and port, NLMSG_DONE, acknowledgements (capped or
 * not), errors (EOPNOTSUPP for an unknown type, ENODEV, EINVAL, EPERM without CAP_NET_ADMIN), strict checking,
 * truncation (MSG_TRUNC), MSG_PEEK, the sender's address, poll and epoll, messages between two sockets. Other
 * interfaces differ between machines: only lo is compared. Also mq_notify's SIGEV_THREAD, whose notification is a
 * datagram from the kernel to a netlink socket. */
/* covers: socket bind getsockname getpeername connect sendto recvfrom sendmsg recvmsg setsockopt getsockopt mq_notify */
#include "tap.h"
#include <poll.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/* The netlink ABI (linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h), written out: musl has no kernel headers. */
struct sockaddr_nl { unsigned short nl_family, nl_pad; unsigned nl_pid, nl_groups; };
struct nlmsghdr { unsigned nlmsg_len; unsigned short nlmsg_type, nlmsg_flags; unsigned nlmsg_seq, nlmsg_pid; };
struct nlmsgerr { int error; struct nlmsghdr msg; };
struct nl_pktinfo { unsigned group; };
struct rtattr { unsigned short rta_len, rta_type; };
struct rtgenmsg { unsigned char rtgen_family; };
struct ifinfomsg { unsigned char ifi_family, ifi_pad; unsigned short ifi_type; int ifi_index; unsigned ifi_flags, ifi_change; };
struct ifaddrmsg { unsigned char ifa_family, ifa_prefixlen, ifa_flags, ifa_scope; unsigned ifa_index; };
struct rtmsg { unsigned char rtm_family, rtm_dst_len, rtm_src_len, rtm_tos, rtm_table, rtm_protocol, rtm_scope, rtm_type;
               unsigned rtm_flags; };
struct ifa_cacheinfo { unsigned ifa_prefered, ifa_valid, cstamp, tstamp; };
#define NLMSG_ALIGN(n) (((n) + 3) & ~3)
#define NLMSG_HDRLEN ((int)NLMSG_ALIGN(sizeof(struct nlmsghdr)))
#define NLMSG_LENGTH(n) ((n) + NLMSG_HDRLEN)
#define NLMSG_DATA(h) ((void *)((char *)(h) + NLMSG_HDRLEN))
#define NLMSG_OK(h, len) ((len) >= (int)sizeof(struct nlmsghdr) && (h)->nlmsg_len >= sizeof(struct nlmsghdr) && \
                          (h)->nlmsg_len <= (unsigned)(len))
#define NLMSG_NEXT(h, len) ((len) -= NLMSG_ALIGN((h)->nlmsg_len), \
                            (struct nlmsghdr *)((char *)(h) + NLMSG_ALIGN((h)->nlmsg_len)))
#define RTA_ALIGN(n) (((n) + 3) & ~3)
#define RTA_LENGTH(n) (RTA_ALIGN(sizeof(struct rtattr)) + (n))
#define RTA_DATA(a) ((void *)((char *)(a) + RTA_LENGTH(0)))
#define RTA_PAYLOAD(a) ((int)((a)->rta_len) - RTA_LENGTH(0))
#define RTA_OK(a, len) ((len) >= (int)sizeof(struct rtattr) && (a)->rta_len >= sizeof(struct rtattr) && \
                        (a)->rta_len <= (len))
#define RTA_NEXT(a, len) ((len) -= RTA_ALIGN((a)->rta_len), (struct rtattr *)((char *)(a) + RTA_ALIGN((a)->rta_len)))
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
enum { NETLINK_ROUTE = 0, NETLINK_ADD_MEMBERSHIP = 1, NETLINK_DROP_MEMBERSHIP, NETLINK_PKTINFO, NETLINK_BROADCAST_ERROR,
       NETLINK_NO_ENOBUFS, NETLINK_RX_RING, NETLINK_TX_RING, NETLINK_LISTEN_ALL_NSID, NETLINK_LIST_MEMBERSHIPS,
       NETLINK_CAP_ACK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK };
enum { NLM_F_REQUEST = 1, NLM_F_MULTI = 2, NLM_F_ACK = 4, NLM_F_DUMP_FILTERED = 0x20, NLM_F_DUMP = 0x300,
       NLM_F_CREATE = 0x400, NLM_F_CAPPED = 0x100, NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3 };
enum { RTM_NEWLINK = 16, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK, RTM_NEWADDR = 20, RTM_GETADDR = 22, RTM_NEWROUTE = 24,
       RTM_GETROUTE = 26 };
enum { IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_STATS64 = 23 };
enum { IFA_ADDRESS = 1, IFA_LOCAL, IFA_LABEL, IFA_BROADCAST, IFA_CACHEINFO = 6, IFA_F_PERMANENT = 0x80 };
enum { RTA_DST = 1, RTA_OIF = 4, RTA_PREFSRC = 7, RTA_TABLE = 15, RTM_F_CLONED = 0x200, RT_TABLE_MAIN = 254 };
enum { RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254, RT_TABLE_LOCAL = 255, RTPROT_KERNEL = 2, RTN_LOCAL = 2,
       RTN_BROADCAST = 3 };
enum { RTMGRP_LINK = 1, RTMGRP_IPV4_IFADDR = 0x10, RTMGRP_IPV6_IFADDR = 0x100, RTNLGRP_LINK = 1,
       RTNLGRP_IPV6_IFADDR = 9 };
#define IFF_LOWER_UP_ 0x10000
#define IF_OPER_UNKNOWN_ 0
#define STATS64_SIZE 200          /* struct rtnl_link_stats64 since Linux 5.19 */

#define BUFSZ 65536
static unsigned char buf[BUFSZ];

static int nl_open(void)
{
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

static unsigned port_of(int s)
{
    struct sockaddr_nl a;
    socklen_t al = sizeof(a);
    memset(&a, 0xff, sizeof(a));
    if (getsockname(s, (struct sockaddr *)&a, &al))
        return 0xdeadbeef;
    return a.nl_pid;
}

/* A request: header + a family header of hlen bytes (copied from h) + attributes already in extra. */
static long req(int s, int type, int flags, unsigned seq, const void *h, int hlen, const void *extra, int elen)
{
    unsigned char m[512];
    struct nlmsghdr *n = (struct nlmsghdr *)m;
    memset(m, 0, sizeof(m));
    n->nlmsg_len = NLMSG_LENGTH(hlen) + elen;
    n->nlmsg_type = type;
    n->nlmsg_flags = flags;
    n->nlmsg_seq = seq;
    if (hlen)
        memcpy(NLMSG_DATA(n), h, hlen);
    if (elen)
        memcpy(m + NLMSG_LENGTH(hlen), extra, elen);
    struct sockaddr_nl k = { .nl_family = AF_NETLINK };
    return sendto(s, m, n->nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k));
}

static long dump(int s, int type, int family, unsigned seq)
{
    struct rtgenmsg g = { .rtgen_family = family };
    return req(s, type, NLM_F_REQUEST | NLM_F_DUMP, seq, &g, sizeof(g), NULL, 0);
}

/* What a dump gave, read until NLMSG_DONE into buf (messages only, datagram boundaries gone). */
struct dumped {
    int len, msgs, bad_seq, bad_pid, bad_multi, done, done_err, done_len, other;
};

static struct dumped read_dump(int s, unsigned seq, int want_type)
{
    struct dumped d = { 0 };
    unsigned port = port_of(s);
    for (int rounds = 0; rounds < 1000 && !d.done; rounds++) {
        if (d.len > BUFSZ - 33000)
            break;
        long n = recv(s, buf + d.len, 33000, MSG_DONTWAIT);
        if (n <= 0)
            break;
        for (struct nlmsghdr *h = (struct nlmsghdr *)(buf + d.len); NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            d.bad_seq += h->nlmsg_seq != seq;
            d.bad_pid += h->nlmsg_pid != port;
            d.bad_multi += !(h->nlmsg_flags & NLM_F_MULTI);
            if (h->nlmsg_type == NLMSG_DONE) {
                d.done = 1;
                d.done_len = h->nlmsg_len;
                memcpy(&d.done_err, NLMSG_DATA(h), sizeof(int));
                break;
            }
            d.other += h->nlmsg_type != want_type;
            unsigned l = NLMSG_ALIGN(h->nlmsg_len);
            memmove(buf + d.len, h, h->nlmsg_len);
            d.len += l;
            d.msgs++;
        }
    }
    return d;
}

/* The attribute of type t in a message whose family header is hlen bytes, or NULL. */
static struct rtattr *attr(struct nlmsghdr *h, int hlen, int t)
{
    int rem = h->nlmsg_len - NLMSG_LENGTH(hlen);
    for (struct rtattr *a = (struct rtattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(hlen)); RTA_OK(a, rem);
         a = RTA_NEXT(a, rem))
        if (a->rta_type == t)
            return a;
    return NULL;
}

static void sockets(void)
{
    int s = nl_open();
    T_TRUE("socket AF_NETLINK SOCK_RAW NETLINK_ROUTE", s >= 0);
    int v = -1;
    socklen_t vl = sizeof(v);
    T_TRUE("getsockopt SO_TYPE of a netlink socket: SOCK_RAW", !getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl) && v == SOCK_RAW);
    T_TRUE("getsockopt SO_DOMAIN: AF_NETLINK", !getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &vl) && v == AF_NETLINK);
    T_TRUE("getsockopt SO_PROTOCOL: NETLINK_ROUTE", !getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl) && v == 0);
    close(s);
    s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK, NETLINK_ROUTE);
    T_TRUE("socket AF_NETLINK SOCK_DGRAM|SOCK_NONBLOCK", s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK));
    close(s);
    T_ERR("socket AF_NETLINK SOCK_STREAM -> ESOCKTNOSUPPORT", socket(AF_NETLINK, SOCK_STREAM, 0), ESOCKTNOSUPPORT);
    T_ERR("socket AF_NETLINK SOCK_SEQPACKET -> ESOCKTNOSUPPORT", socket(AF_NETLINK, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
    T_ERR("socket AF_NETLINK type 11 -> EINVAL", socket(AF_NETLINK, 11, 0), EINVAL);
    int bad[] = { -1, 1, 3, 13, 14, 17, 31, 32 };
    char name[96];
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(name, sizeof(name), "socket AF_NETLINK protocol %d -> EPROTONOSUPPORT", bad[i]);
        T_ERR(name, socket(AF_NETLINK, SOCK_RAW, bad[i]), EPROTONOSUPPORT);
    }
}

static void names(void)
{
    int s = nl_open(), t = nl_open(), u = nl_open();
    struct sockaddr_nl a;
    socklen_t al = sizeof(a);
    memset(&a, 0xff, sizeof(a));
    T_OK("getsockname of an unbound netlink socket", getsockname(s, (struct sockaddr *)&a, &al), 0);
    T_TRUE("getsockname unbound: AF_NETLINK, nl_pid 0, nl_groups 0, length 12",
           al == 12 && a.nl_family == AF_NETLINK && a.nl_pid == 0 && a.nl_groups == 0 && a.nl_pad == 0);
    al = sizeof(a);
    T_TRUE("getpeername of an unconnected netlink socket: nl_pid 0",
           !getpeername(s, (struct sockaddr *)&a, &al) && al == 12 && a.nl_pid == 0);
    struct sockaddr_nl b = { .nl_family = AF_NETLINK };
    T_OK("bind nl_pid 0: the kernel picks the port", bind(s, (struct sockaddr *)&b, sizeof(b)), 0);
    T_EQ("bind nl_pid 0: the first socket's port is the pid", port_of(s), (unsigned)getpid());
    T_OK("bind a second socket with nl_pid 0", bind(t, (struct sockaddr *)&b, sizeof(b)), 0);
    T_TRUE("bind: the second socket's port is unique (not the pid, not 0)",
           port_of(t) != (unsigned)getpid() && port_of(t) != 0);
    b.nl_pid = port_of(s);
    T_OK("bind again with its own port", bind(s, (struct sockaddr *)&b, sizeof(b)), 0);
    b.nl_pid = port_of(s) + 1;
    T_ERR("bind a bound socket to another port -> EINVAL", bind(s, (struct sockaddr *)&b, sizeof(b)), EINVAL);
    b.nl_pid = port_of(s);
    T_ERR("bind to a port another socket has -> EADDRINUSE", bind(u, (struct sockaddr *)&b, sizeof(b)), EADDRINUSE);
    T_ERR("bind with a short address -> EINVAL", bind(u, (struct sockaddr *)&b, sizeof(b) - 1), EINVAL);
    b.nl_family = AF_INET;
    T_ERR("bind a family other than AF_NETLINK -> EINVAL", bind(u, (struct sockaddr *)&b, sizeof(b)), EINVAL);
    b = (struct sockaddr_nl){ .nl_family = AF_NETLINK, .nl_pid = 0x7eadbe01 };
    T_OK("bind a chosen port", bind(u, (struct sockaddr *)&b, sizeof(b)), 0);
    T_EQ("bind a chosen port: getsockname has it", port_of(u), 0x7eadbe01);
    close(u);
    u = nl_open();
    T_OK("bind the port of a closed socket", bind(u, (struct sockaddr *)&b, sizeof(b)), 0);
    close(u);
    u = nl_open();
    T_TRUE("sendto before bind picks a port", dump(u, RTM_GETLINK, AF_UNSPEC, 1) > 0 && port_of(u) != 0 &&
           port_of(u) != port_of(s));
    close(u);
    u = nl_open();
    struct sockaddr_nl k = { .nl_family = AF_NETLINK };
    T_OK("connect to the kernel (nl_pid 0)", connect(u, (struct sockaddr *)&k, sizeof(k)), 0);
    T_TRUE("connect picks a port", port_of(u) != 0);
    T_ERR("connect with a short address -> EINVAL", connect(u, (struct sockaddr *)&k, 8), EINVAL);
    k.nl_family = AF_INET;
    T_ERR("connect to another family -> EINVAL", connect(u, (struct sockaddr *)&k, sizeof(k)), EINVAL);
    k.nl_family = AF_UNSPEC;
    T_OK("connect AF_UNSPEC disconnects", connect(u, (struct sockaddr *)&k, sizeof(k)), 0);
    close(u);
    b = (struct sockaddr_nl){ .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR };
    u = nl_open();
    T_OK("bind with nl_groups RTMGRP_LINK|RTMGRP_IPV4_IFADDR", bind(u, (struct sockaddr *)&b, sizeof(b)), 0);
    al = sizeof(a);
    T_TRUE("getsockname shows the groups", !getsockname(u, (struct sockaddr *)&a, &al) &&
           a.nl_groups == (RTMGRP_LINK | RTMGRP_IPV4_IFADDR));
    close(u);
    close(s);
    close(t);
}

static void options(void)
{
    int s = nl_open(), v = 1, o[] = { NETLINK_PKTINFO, NETLINK_NO_ENOBUFS, NETLINK_BROADCAST_ERROR, NETLINK_CAP_ACK,
                                      NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK };
    const char *on[] = { "NETLINK_PKTINFO", "NETLINK_NO_ENOBUFS", "NETLINK_BROADCAST_ERROR", "NETLINK_CAP_ACK",
                         "NETLINK_EXT_ACK", "NETLINK_GET_STRICT_CHK" };
    char name[96];
    socklen_t vl;
    for (int i = 0; i < 6; i++) {
        v = 1;
        snprintf(name, sizeof(name), "setsockopt SOL_NETLINK %s", on[i]);
        T_OK(name, setsockopt(s, SOL_NETLINK, o[i], &v, sizeof(v)), 0);
        v = 7;
        vl = sizeof(v);
        snprintf(name, sizeof(name), "getsockopt SOL_NETLINK %s: 1", on[i]);
        T_TRUE(name, !getsockopt(s, SOL_NETLINK, o[i], &v, &vl) && v == 1 && vl == sizeof(int));
    }
    v = 0;
    T_OK("setsockopt NETLINK_CAP_ACK 0", setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &v, sizeof(v)), 0);
    vl = sizeof(v);
    T_TRUE("getsockopt NETLINK_CAP_ACK: 0 again", !getsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &v, &vl) && v == 0);
    vl = 2;
    T_ERR("getsockopt NETLINK_EXT_ACK into 2 bytes -> EINVAL", getsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &v, &vl), EINVAL);
    v = 1;
    T_ERR("setsockopt SOL_NETLINK option 99 -> ENOPROTOOPT", setsockopt(s, SOL_NETLINK, 99, &v, sizeof(v)), ENOPROTOOPT);
    vl = sizeof(v);
    T_ERR("getsockopt SOL_NETLINK option 99 -> ENOPROTOOPT", getsockopt(s, SOL_NETLINK, 99, &v, &vl), ENOPROTOOPT);
    T_ERR("setsockopt NETLINK_RX_RING (gone since Linux 4.6) -> ENOPROTOOPT",
          setsockopt(s, SOL_NETLINK, NETLINK_RX_RING, &v, sizeof(v)), ENOPROTOOPT);
    T_ERR("setsockopt SOL_IP on a netlink socket -> ENOPROTOOPT", setsockopt(s, SOL_IP, IP_TOS, &v, sizeof(v)), ENOPROTOOPT);
    v = 32768;
    T_OK("setsockopt SO_RCVBUF on a netlink socket", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
    vl = sizeof(v);
    T_TRUE("getsockopt SO_RCVBUF: doubled", !getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &vl) && v == 65536);
    v = 1;
    T_OK("setsockopt SO_PASSCRED on a netlink socket", setsockopt(s, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)), 0);
    v = RTNLGRP_LINK;
    T_OK("setsockopt NETLINK_ADD_MEMBERSHIP RTNLGRP_LINK", setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &v, sizeof(v)), 0);
    v = RTNLGRP_IPV6_IFADDR;
    T_OK("setsockopt NETLINK_ADD_MEMBERSHIP RTNLGRP_IPV6_IFADDR", setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &v, sizeof(v)), 0);
    struct sockaddr_nl a;
    socklen_t al = sizeof(a);
    T_TRUE("getsockname: the groups joined", !getsockname(s, (struct sockaddr *)&a, &al) &&
           a.nl_groups == (RTMGRP_LINK | RTMGRP_IPV6_IFADDR));
    unsigned g[8] = { 0 };
    vl = sizeof(g);
    T_TRUE("getsockopt NETLINK_LIST_MEMBERSHIPS", !getsockopt(s, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, g, &vl) &&
           vl >= 4 && g[0] == (RTMGRP_LINK | RTMGRP_IPV6_IFADDR));
    v = RTNLGRP_LINK;
    T_OK("setsockopt NETLINK_DROP_MEMBERSHIP", setsockopt(s, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &v, sizeof(v)), 0);
    al = sizeof(a);
    T_TRUE("getsockname: the group left", !getsockname(s, (struct sockaddr *)&a, &al) && a.nl_groups == RTMGRP_IPV6_IFADDR);
    v = 0;
    T_ERR("setsockopt NETLINK_ADD_MEMBERSHIP group 0 -> EINVAL",
          setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &v, sizeof(v)), EINVAL);
    close(s);
}

static int lo_checks(struct nlmsghdr *h, int *found)
{
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    if (ifi->ifi_index != 1)
        return 0;
    (*found)++;
    struct rtattr *n = attr(h, sizeof(*ifi), IFLA_IFNAME), *m = attr(h, sizeof(*ifi), IFLA_MTU);
    struct rtattr *ad = attr(h, sizeof(*ifi), IFLA_ADDRESS), *q = attr(h, sizeof(*ifi), IFLA_TXQLEN);
    struct rtattr *op = attr(h, sizeof(*ifi), IFLA_OPERSTATE), *st = attr(h, sizeof(*ifi), IFLA_STATS64);
    static const char zero[6];
    T_TRUE("recvmsg RTM_NEWLINK lo: IFLA_IFNAME lo", n && !strcmp(RTA_DATA(n), "lo"));
    T_EQ("recvmsg RTM_NEWLINK lo: ARPHRD_LOOPBACK", ifi->ifi_type, 772);
    T_EQ("recvmsg RTM_NEWLINK lo: IFF_UP|IFF_LOOPBACK|IFF_RUNNING|IFF_LOWER_UP", ifi->ifi_flags,
         IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP_);
    T_EQ("recvmsg RTM_NEWLINK lo: family AF_UNSPEC", ifi->ifi_family, AF_UNSPEC);
    T_TRUE("recvmsg RTM_NEWLINK lo: IFLA_MTU 65536", m && *(unsigned *)RTA_DATA(m) == 65536);
    T_TRUE("recvmsg RTM_NEWLINK lo: IFLA_ADDRESS 00:00:00:00:00:00", ad && RTA_PAYLOAD(ad) == 6 && !memcmp(RTA_DATA(ad), zero, 6));
    T_TRUE("recvmsg RTM_NEWLINK lo: IFLA_TXQLEN 1000", q && *(unsigned *)RTA_DATA(q) == 1000);
    T_TRUE("recvmsg RTM_NEWLINK lo: IFLA_OPERSTATE unknown", op && *(unsigned char *)RTA_DATA(op) == IF_OPER_UNKNOWN_);
    T_TRUE("recvmsg RTM_NEWLINK lo: IFLA_STATS64 a struct rtnl_link_stats64",
           st && RTA_PAYLOAD(st) == STATS64_SIZE);
    return 1;
}

static void links(void)
{
    int s = nl_open();
    T_TRUE("sendto RTM_GETLINK dump", dump(s, RTM_GETLINK, AF_UNSPEC, 77) == NLMSG_LENGTH(1));
    struct dumped d = read_dump(s, 77, RTM_NEWLINK);
    T_TRUE("recvmsg RTM_GETLINK dump ends in NLMSG_DONE", d.done);
    T_TRUE("recvmsg NLMSG_DONE: 20 bytes, error 0", d.done_len == NLMSG_LENGTH(sizeof(int)) && d.done_err == 0);
    T_TRUE("recvmsg dump: every message RTM_NEWLINK, NLM_F_MULTI, the sequence number, our port",
           d.msgs >= 1 && !d.other && !d.bad_multi && !d.bad_seq && !d.bad_pid);
    int found = 0, n = d.len;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
        lo_checks(h, &found);
    T_EQ("recvmsg RTM_GETLINK dump: lo once", found, 1);
    T_ERR("recv after NLMSG_DONE: nothing left -> EAGAIN", recv(s, buf, BUFSZ, MSG_DONTWAIT), EAGAIN);

    struct ifinfomsg ifi = { .ifi_index = 1 };
    req(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 5, &ifi, sizeof(ifi), NULL, 0);
    long r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    T_TRUE("recv RTM_GETLINK index 1: one RTM_NEWLINK, no NLM_F_MULTI", r > 16 && h->nlmsg_type == RTM_NEWLINK &&
           !(h->nlmsg_flags & NLM_F_MULTI) && h->nlmsg_seq == 5 && h->nlmsg_pid == port_of(s) &&
           ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == 1);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    struct nlmsgerr *e = NLMSG_DATA(h);
    T_TRUE("recv RTM_GETLINK with NLM_F_ACK: then an ack", r == 36 && h->nlmsg_type == NLMSG_ERROR && e->error == 0 &&
           h->nlmsg_seq == 5 && e->msg.nlmsg_seq == 5 && e->msg.nlmsg_type == RTM_GETLINK);

    ifi.ifi_index = 0;
    char nm[8];
    struct rtattr *a = (struct rtattr *)nm;
    a->rta_len = RTA_LENGTH(3);
    a->rta_type = IFLA_IFNAME;
    memcpy(RTA_DATA(a), "lo", 3);
    req(s, RTM_GETLINK, NLM_F_REQUEST, 6, &ifi, sizeof(ifi), nm, 8);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_GETLINK by IFLA_IFNAME lo: index 1", r > 16 && h->nlmsg_type == RTM_NEWLINK &&
           ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == 1);
    memcpy(RTA_DATA(a), "zz", 3);
    req(s, RTM_GETLINK, NLM_F_REQUEST, 7, &ifi, sizeof(ifi), nm, 8);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_GETLINK of no such name -> ENODEV", r >= 36 && h->nlmsg_type == NLMSG_ERROR && e->error == -ENODEV);
    ifi.ifi_index = 99999;
    req(s, RTM_GETLINK, NLM_F_REQUEST, 8, &ifi, sizeof(ifi), NULL, 0);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_GETLINK of no such index -> ENODEV", r >= 36 && h->nlmsg_type == NLMSG_ERROR && e->error == -ENODEV);
    ifi.ifi_index = 0;
    req(s, RTM_GETLINK, NLM_F_REQUEST, 9, &ifi, sizeof(ifi), NULL, 0);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_GETLINK with neither index nor name -> EINVAL", r >= 36 && h->nlmsg_type == NLMSG_ERROR &&
           e->error == -EINVAL);
    req(s, RTM_GETLINK, NLM_F_REQUEST, 10, &ifi, 4, NULL, 0);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_GETLINK with a short ifinfomsg -> EINVAL", r >= 36 && h->nlmsg_type == NLMSG_ERROR &&
           e->error == -EINVAL && h->nlmsg_len == NLMSG_LENGTH(sizeof(*e)) + 4);
    if (geteuid() != 0) { /* the rest are changes that change nothing: only root gets past EPERM */
        close(s);
        return;
    }
    /* Requests that cannot change the host: a link nobody has, without NLM_F_CREATE; lo up, which it is. */
    ifi = (struct ifinfomsg){ .ifi_index = 99999 };
    req(s, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 11, &ifi, sizeof(ifi), NULL, 0);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_NEWLINK of no such index -> ENODEV", r >= 36 && h->nlmsg_type == NLMSG_ERROR && e->error == -ENODEV);
    ifi.ifi_index = 0;
    memcpy(RTA_DATA(a), "zz", 3);
    req(s, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 12, &ifi, sizeof(ifi), nm, 8);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_NEWLINK of no such name without NLM_F_CREATE -> ENODEV", r >= 36 && e->error == -ENODEV);
    req(s, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 13, &ifi, sizeof(ifi), NULL, 0);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_SETLINK naming no link -> EINVAL", r >= 36 && e->error == -EINVAL);
    ifi.ifi_index = -1;
    req(s, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 14, &ifi, sizeof(ifi), NULL, 0);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_NEWLINK of a negative index -> EINVAL", r >= 36 && e->error == -EINVAL);
    ifi = (struct ifinfomsg){ .ifi_index = 1, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
    req(s, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 15, &ifi, sizeof(ifi), NULL, 0);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    T_TRUE("recv RTM_NEWLINK lo up (ip link set lo up), which it is: acknowledged", r == 36 &&
           h->nlmsg_type == NLMSG_ERROR && e->error == 0 && h->nlmsg_seq == 15);
    close(s);
}

static void addrs(void)
{
    int s = nl_open(), fams[] = { AF_INET, AF_INET6, AF_UNSPEC };
    for (int f = 0; f < 3; f++) {
        dump(s, RTM_GETADDR, fams[f], 20 + f);
        struct dumped d = read_dump(s, 20 + f, RTM_NEWADDR);
        int n = d.len, lo4 = 0, lo6 = 0, wrong = 0, order = 0, seen6 = 0;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
            struct ifaddrmsg *m = NLMSG_DATA(h);
            struct rtattr *ad = attr(h, sizeof(*m), IFA_ADDRESS), *lc = attr(h, sizeof(*m), IFA_LOCAL);
            struct rtattr *lb = attr(h, sizeof(*m), IFA_LABEL), *ci = attr(h, sizeof(*m), IFA_CACHEINFO);
            wrong += fams[f] != AF_UNSPEC && m->ifa_family != fams[f];
            order += m->ifa_family == AF_INET && seen6;
            seen6 |= m->ifa_family == AF_INET6;
            if (m->ifa_family == AF_INET && m->ifa_index == 1 && ad && lc && lb && ci &&
                *(unsigned *)RTA_DATA(ad) == htonl(0x7f000001) && *(unsigned *)RTA_DATA(lc) == htonl(0x7f000001) &&
                m->ifa_prefixlen == 8 && m->ifa_scope == RT_SCOPE_HOST && !strcmp(RTA_DATA(lb), "lo") &&
                !attr(h, sizeof(*m), IFA_BROADCAST) && RTA_PAYLOAD(ci) == sizeof(struct ifa_cacheinfo))
                lo4++;
            if (m->ifa_family == AF_INET6 && m->ifa_index == 1 && ad && RTA_PAYLOAD(ad) == 16 &&
                !memcmp(RTA_DATA(ad), &in6addr_loopback, 16) && m->ifa_prefixlen == 128 &&
                m->ifa_scope == RT_SCOPE_HOST && (m->ifa_flags & IFA_F_PERMANENT))
                lo6++;
        }
        char name[128];
        snprintf(name, sizeof(name), "recvmsg RTM_GETADDR dump family %d: NLMSG_DONE, sequence, port", fams[f]);
        T_TRUE(name, d.done && !d.done_err && !d.bad_seq && !d.bad_pid && !d.bad_multi && !d.other);
        snprintf(name, sizeof(name), "recvmsg RTM_GETADDR dump family %d: only that family", fams[f]);
        T_EQ(name, wrong, 0);
        snprintf(name, sizeof(name), "recvmsg RTM_GETADDR dump family %d: 127.0.0.1/8 on lo, scope host", fams[f]);
        T_EQ(name, lo4, fams[f] != AF_INET6);
        snprintf(name, sizeof(name), "recvmsg RTM_GETADDR dump family %d: ::1/128 on lo, permanent", fams[f]);
        T_EQ(name, lo6, fams[f] != AF_INET);
        if (fams[f] == AF_UNSPEC)
            T_EQ("recvmsg RTM_GETADDR dump AF_UNSPEC: IPv4 before IPv6", order, 0);
    }
    close(s);
}

static void routes(void)
{
    int s = nl_open();
    dump(s, RTM_GETROUTE, AF_INET, 30);
    struct dumped d = read_dump(s, 30, RTM_NEWROUTE);
    int n = d.len, local = 0, net = 0, bc = 0, wrong = 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
        struct rtmsg *m = NLMSG_DATA(h);
        struct rtattr *dst = attr(h, sizeof(*m), RTA_DST), *oif = attr(h, sizeof(*m), RTA_OIF);
        struct rtattr *tb = attr(h, sizeof(*m), RTA_TABLE);
        wrong += m->rtm_family != AF_INET;
        if (!dst || !oif || *(int *)RTA_DATA(oif) != 1 || m->rtm_table != RT_TABLE_LOCAL || !tb ||
            *(unsigned *)RTA_DATA(tb) != RT_TABLE_LOCAL || m->rtm_protocol != RTPROT_KERNEL)
            continue;
        unsigned a = ntohl(*(unsigned *)RTA_DATA(dst));
        local += a == 0x7f000001 && m->rtm_dst_len == 32 && m->rtm_type == RTN_LOCAL && m->rtm_scope == RT_SCOPE_HOST;
        net += a == 0x7f000000 && m->rtm_dst_len == 8 && m->rtm_type == RTN_LOCAL && m->rtm_scope == RT_SCOPE_HOST;
        bc += a == 0x7fffffff && m->rtm_dst_len == 32 && m->rtm_type == RTN_BROADCAST && m->rtm_scope == RT_SCOPE_LINK;
    }
    T_TRUE("recvmsg RTM_GETROUTE dump AF_INET: NLMSG_DONE, sequence, port", d.done && !d.done_err && !d.bad_seq &&
           !d.bad_pid && !d.bad_multi && !d.other && !wrong);
    T_TRUE("recvmsg RTM_GETROUTE dump AF_INET: local table: local 127.0.0.0/8, local 127.0.0.1, broadcast 127.255.255.255 on lo",
           local == 1 && net == 1 && bc == 1);
    dump(s, RTM_GETROUTE, AF_INET6, 31);
    d = read_dump(s, 31, RTM_NEWROUTE);
    n = d.len;
    local = wrong = 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
        struct rtmsg *m = NLMSG_DATA(h);
        struct rtattr *dst = attr(h, sizeof(*m), RTA_DST), *oif = attr(h, sizeof(*m), RTA_OIF);
        wrong += m->rtm_family != AF_INET6;
        local += dst && oif && *(int *)RTA_DATA(oif) == 1 && !memcmp(RTA_DATA(dst), &in6addr_loopback, 16) &&
                 m->rtm_dst_len == 128 && m->rtm_table == RT_TABLE_LOCAL && m->rtm_type == RTN_LOCAL;
    }
    T_TRUE("recvmsg RTM_GETROUTE dump AF_INET6: NLMSG_DONE, only IPv6", d.done && !d.done_err && !wrong && !d.bad_seq);
    T_EQ("recvmsg RTM_GETROUTE dump AF_INET6: local ::1 on lo", local, 1);
    struct rtmsg q = { .rtm_family = AF_INET };
    unsigned char at[8];
    struct rtattr *a = (struct rtattr *)at;
    a->rta_len = RTA_LENGTH(4);
    a->rta_type = RTA_DST;
    unsigned dst = htonl(0x7f000005);
    memcpy(RTA_DATA(a), &dst, 4);
    req(s, RTM_GETROUTE, NLM_F_REQUEST, 32, &q, sizeof(q), at, 8);
    long r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct rtmsg *m = NLMSG_DATA(h);
    struct rtattr *oif = r > 0 ? attr(h, sizeof(*m), RTA_OIF) : NULL, *src = r > 0 ? attr(h, sizeof(*m), RTA_PREFSRC) : NULL;
    struct rtattr *da = r > 0 ? attr(h, sizeof(*m), RTA_DST) : NULL;
    T_TRUE("recv RTM_GETROUTE of 127.0.0.5: local, cloned, via lo, from 127.0.0.1",
           r > 16 && h->nlmsg_type == RTM_NEWROUTE && h->nlmsg_seq == 32 && !(h->nlmsg_flags & NLM_F_MULTI) &&
           m->rtm_type == RTN_LOCAL && m->rtm_dst_len == 32 && (m->rtm_flags & RTM_F_CLONED) &&
           m->rtm_table == RT_TABLE_MAIN && oif && *(int *)RTA_DATA(oif) == 1 && src &&
           *(unsigned *)RTA_DATA(src) == htonl(0x7f000001) && da && *(unsigned *)RTA_DATA(da) == dst);
    close(s);
}

/* One message of 16 bytes + payload; returns what a non-blocking recv then gives. */
static long one(int s, int type, int flags, unsigned seq, int plen)
{
    unsigned char p[64] = { 0 };
    if (req(s, type, flags, seq, p, plen, NULL, 0) < 0)
        return -2;
    return recv(s, buf, BUFSZ, MSG_DONTWAIT);
}

static void acks(void)
{
    int s = nl_open(), v = 1;
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct nlmsgerr *e = NLMSG_DATA(h);
    long r = one(s, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 40, 0);
    T_TRUE("recv NLMSG_NOOP with NLM_F_ACK: an ack (error 0, capped, 36 bytes)", r == 36 && h->nlmsg_len == 36 &&
           h->nlmsg_type == NLMSG_ERROR && e->error == 0 && (h->nlmsg_flags & NLM_F_CAPPED) && h->nlmsg_seq == 40 &&
           h->nlmsg_pid == port_of(s) && e->msg.nlmsg_type == NLMSG_NOOP && e->msg.nlmsg_len == 16);
    T_ERR("recv NLMSG_NOOP without NLM_F_ACK: nothing -> EAGAIN", one(s, NLMSG_NOOP, NLM_F_REQUEST, 41, 0), EAGAIN);
    T_ERR("recv RTM_GETLINK without NLM_F_REQUEST: ignored -> EAGAIN", one(s, RTM_GETLINK, NLM_F_DUMP, 42, 4), EAGAIN);
    r = one(s, RTM_GETLINK, NLM_F_ACK | NLM_F_DUMP, 43, 4);
    T_TRUE("recv a message without NLM_F_REQUEST but NLM_F_ACK: acknowledged", r == 36 && e->error == 0);
    r = one(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 44, 0);
    T_TRUE("recv RTM_GETLINK with no payload: skipped, acknowledged", r == 36 && e->error == 0 && h->nlmsg_seq == 44);
    r = one(s, 1000, NLM_F_REQUEST | NLM_F_ACK, 45, 8);
    T_TRUE("recv message type 1000 -> EOPNOTSUPP, the request copied in", r == 16 + 4 + 24 && e->error == -EOPNOTSUPP &&
           !(h->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len == 24 && h->nlmsg_seq == 45);
    r = one(s, 1000, NLM_F_REQUEST, 46, 8);
    T_TRUE("recv message type 1000 without NLM_F_ACK: the error still comes -> EOPNOTSUPP", r == 44 && e->error == -EOPNOTSUPP);
    T_OK("setsockopt NETLINK_CAP_ACK", setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &v, sizeof(v)), 0);
    r = one(s, 1000, NLM_F_REQUEST, 47, 8);
    T_TRUE("recv an error with NETLINK_CAP_ACK: capped -> EOPNOTSUPP", r == 36 && e->error == -EOPNOTSUPP &&
           (h->nlmsg_flags & NLM_F_CAPPED));
    unsigned char m[40] = { 0 };
    struct nlmsghdr *a = (struct nlmsghdr *)m, *b = (struct nlmsghdr *)(m + 16);
    *a = (struct nlmsghdr){ 16, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 50, 0 };
    *b = (struct nlmsghdr){ 16, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 51, 0 };
    T_OK("send two messages in one datagram", send(s, m, 32, 0), 32);
    r = recv(s, buf, BUFSZ, MSG_DONTWAIT);
    long r2 = recv(s, buf + 64, BUFSZ - 64, MSG_DONTWAIT);
    T_TRUE("recv: an ack for each, in order", r == 36 && r2 == 36 && h->nlmsg_seq == 50 &&
           ((struct nlmsghdr *)(buf + 64))->nlmsg_seq == 51);
    a->nlmsg_len = 8;
    T_OK("send a message whose nlmsg_len is under 16", send(s, m, 16, 0), 16);
    T_ERR("recv: the short message is dropped silently -> EAGAIN", recv(s, buf, BUFSZ, MSG_DONTWAIT), EAGAIN);
    a->nlmsg_len = 200;
    T_OK("send a message whose nlmsg_len passes the datagram", send(s, m, 32, 0), 32);
    T_ERR("recv: the overlong message is dropped silently -> EAGAIN", recv(s, buf, BUFSZ, MSG_DONTWAIT), EAGAIN);
    T_OK("send a datagram shorter than a header", send(s, m, 10, 0), 10);
    T_ERR("recv: nothing for it -> EAGAIN", recv(s, buf, BUFSZ, MSG_DONTWAIT), EAGAIN);
    close(s);
}

static void strict(void)
{
    int s = nl_open(), v = 1;
    T_OK("setsockopt NETLINK_GET_STRICT_CHK", setsockopt(s, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v, sizeof(v)), 0);
    dump(s, RTM_GETLINK, AF_UNSPEC, 60);
    struct dumped d = read_dump(s, 60, RTM_NEWLINK);
    T_TRUE("recvmsg strict RTM_GETLINK dump with a bare rtgenmsg: NLMSG_DONE -> EINVAL", d.done && d.done_err == -EINVAL &&
           d.msgs == 0);
    struct ifinfomsg ifi = { .ifi_index = 1 };
    req(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 61, &ifi, sizeof(ifi), NULL, 0);
    d = read_dump(s, 61, RTM_NEWLINK);
    T_TRUE("recvmsg strict RTM_GETLINK dump filtering by index -> EINVAL", d.done && d.done_err == -EINVAL);
    ifi.ifi_index = 0;
    req(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 62, &ifi, sizeof(ifi), NULL, 0);
    d = read_dump(s, 62, RTM_NEWLINK);
    T_TRUE("recvmsg strict RTM_GETLINK dump with a clean ifinfomsg", d.done && !d.done_err && d.msgs >= 1);
    struct ifaddrmsg ia = { .ifa_family = AF_INET, .ifa_index = 1 };
    req(s, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 63, &ia, sizeof(ia), NULL, 0);
    d = read_dump(s, 63, RTM_NEWADDR);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    T_TRUE("recvmsg strict RTM_GETADDR dump of index 1: lo's 127.0.0.1 alone, NLM_F_DUMP_FILTERED",
           d.done && !d.done_err && d.msgs == 1 && (h->nlmsg_flags & NLM_F_DUMP_FILTERED) &&
           ((struct ifaddrmsg *)NLMSG_DATA(h))->ifa_index == 1);
    ia.ifa_index = 99999;
    req(s, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 64, &ia, sizeof(ia), NULL, 0);
    d = read_dump(s, 64, RTM_NEWADDR);
    T_TRUE("recvmsg strict RTM_GETADDR dump of no such index -> ENODEV", d.done && d.done_err == -ENODEV);
    ia = (struct ifaddrmsg){ .ifa_family = AF_INET, .ifa_prefixlen = 8 };
    req(s, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 65, &ia, sizeof(ia), NULL, 0);
    d = read_dump(s, 65, RTM_NEWADDR);
    T_TRUE("recvmsg strict RTM_GETADDR dump with a prefix length -> EINVAL", d.done && d.done_err == -EINVAL);
    struct rtmsg rm = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_LOCAL };
    req(s, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 66, &rm, sizeof(rm), NULL, 0);
    d = read_dump(s, 66, RTM_NEWROUTE);
    int n = d.len, other = 0;
    for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
        other += ((struct rtmsg *)NLMSG_DATA(h))->rtm_table != RT_TABLE_LOCAL || !(h->nlmsg_flags & NLM_F_DUMP_FILTERED);
    T_TRUE("recvmsg strict RTM_GETROUTE dump of the local table: its routes alone, filtered", d.done && !d.done_err &&
           d.msgs >= 3 && !other);
    close(s);
}

static void io(void)
{
    int s = nl_open(), v = 1;
    struct ifinfomsg ifi = { .ifi_index = 1 };
    T_ERR("recv from an empty netlink socket with MSG_DONTWAIT -> EAGAIN", recv(s, buf, BUFSZ, MSG_DONTWAIT), EAGAIN);
    struct pollfd p = { s, POLLIN | POLLOUT, 0 };
    T_TRUE("poll an empty netlink socket: POLLOUT only", poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    T_EQ("epoll_wait on an empty netlink socket: nothing", epoll_wait(ep, &out, 1, 0), 0);
    req(s, RTM_GETLINK, NLM_F_REQUEST, 70, &ifi, sizeof(ifi), NULL, 0);
    T_TRUE("poll after a request: POLLIN|POLLOUT", poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLOUT));
    T_TRUE("epoll_wait after a request: EPOLLIN", epoll_wait(ep, &out, 1, 0) == 1 && out.events == EPOLLIN);
    long full = recv(s, buf, 0, MSG_PEEK | MSG_TRUNC);
    T_TRUE("recv MSG_PEEK|MSG_TRUNC into 0 bytes: the reply's length", full > 32);
    struct sockaddr_nl from;
    socklen_t fl = sizeof(from);
    memset(&from, 0xff, sizeof(from));
    long r = recvfrom(s, buf, BUFSZ, MSG_PEEK, (struct sockaddr *)&from, &fl);
    T_TRUE("recvfrom MSG_PEEK: the whole reply, from the kernel (nl_pid 0, nl_groups 0)", r == full && fl == 12 &&
           from.nl_family == AF_NETLINK && from.nl_pid == 0 && from.nl_groups == 0);
    struct iovec iov = { buf, 16 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    r = recvmsg(s, &mh, 0);
    T_TRUE("recvmsg into 16 bytes: 16, MSG_TRUNC", r == 16 && (mh.msg_flags & MSG_TRUNC));
    T_ERR("recv: the rest of a truncated datagram is gone -> EAGAIN", recv(s, buf, BUFSZ, MSG_DONTWAIT), EAGAIN);
    req(s, RTM_GETLINK, NLM_F_REQUEST, 71, &ifi, sizeof(ifi), NULL, 0);
    T_EQ("recv MSG_TRUNC into 16 bytes: the datagram's length", recv(s, buf, 16, MSG_TRUNC), full);
    T_ERR("recv MSG_OOB on a netlink socket -> EOPNOTSUPP", recv(s, buf, BUFSZ, MSG_OOB | MSG_DONTWAIT), EOPNOTSUPP);
    T_OK("setsockopt NETLINK_PKTINFO", setsockopt(s, SOL_NETLINK, NETLINK_PKTINFO, &v, sizeof(v)), 0);
    req(s, RTM_GETLINK, NLM_F_REQUEST, 72, &ifi, sizeof(ifi), NULL, 0);
    union { struct cmsghdr c; char b[64]; } ctl;
    iov.iov_len = BUFSZ;
    mh = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
    r = recvmsg(s, &mh, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    T_TRUE("recvmsg with NETLINK_PKTINFO: a cmsg with group 0", r == full && c && c->cmsg_level == SOL_NETLINK &&
           c->cmsg_type == NETLINK_PKTINFO && c->cmsg_len == CMSG_LEN(sizeof(struct nl_pktinfo)) &&
           ((struct nl_pktinfo *)CMSG_DATA(c))->group == 0);
    struct sockaddr_nl k = { .nl_family = AF_NETLINK };
    memset(buf, 0, 8192); /* what a send below takes, should it be taken: no message (nlmsg_len 0) */
    T_ERR("sendto with a short address -> EINVAL", sendto(s, buf, 16, 0, (struct sockaddr *)&k, 8), EINVAL);
    k.nl_family = AF_INET;
    T_ERR("sendto another family -> EINVAL", sendto(s, buf, 16, 0, (struct sockaddr *)&k, sizeof(k)), EINVAL);
    T_ERR("send MSG_OOB on a netlink socket -> EOPNOTSUPP", send(s, buf, 16, MSG_OOB), EOPNOTSUPP);
    v = 4096;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
    T_ERR("send more than SO_SNDBUF less 32 -> EMSGSIZE", send(s, buf, 8192 - 31, 0), EMSGSIZE);
    close(ep);
    close(s);
}

/* Two sockets of this process: a message to the other's port arrives from ours; no socket: ECONNREFUSED. */
static void peers(void)
{
    int a = nl_open(), b = nl_open();
    struct sockaddr_nl any = { .nl_family = AF_NETLINK };
    bind(a, (struct sockaddr *)&any, sizeof(any));
    bind(b, (struct sockaddr *)&any, sizeof(any));
    struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = port_of(b) };
    struct nlmsghdr m = { 16, 0x55, 0, 9, port_of(a) };
    T_OK("sendto another netlink socket's port", sendto(a, &m, 16, 0, (struct sockaddr *)&to, sizeof(to)), 16);
    struct sockaddr_nl from;
    socklen_t fl = sizeof(from);
    long r = recvfrom(b, buf, BUFSZ, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    T_TRUE("recvfrom: the message, from the sender's port", r == 16 && from.nl_pid == port_of(a) && !memcmp(buf, &m, 16));
    to.nl_pid = 0x7eadbe77;
    T_ERR("sendto a port nobody has -> ECONNREFUSED", sendto(a, &m, 16, 0, (struct sockaddr *)&to, sizeof(to)), ECONNREFUSED);
    to.nl_pid = port_of(b);
    T_OK("connect to another socket's port", connect(a, (struct sockaddr *)&to, sizeof(to)), 0);
    fl = sizeof(from);
    T_TRUE("getpeername: the connected port", !getpeername(a, (struct sockaddr *)&from, &fl) && from.nl_pid == port_of(b));
    T_OK("send to the connected port", send(a, &m, 16, 0), 16);
    T_EQ("recv it", recv(b, buf, BUFSZ, MSG_DONTWAIT), 16);
    /* a blocking receive woken by another process's send */
    unsigned bp = port_of(b);
    pid_t c = fork();
    if (c == 0) {
        int x = nl_open();
        struct sockaddr_nl dst = { .nl_family = AF_NETLINK, .nl_pid = bp };
        usleep(100000);
        _exit(sendto(x, &m, 16, 0, (struct sockaddr *)&dst, sizeof(dst)) == 16 ? 0 : 1);
    }
    struct timeval tv = { 10, 0 };
    setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    fl = sizeof(from);
    r = recvfrom(b, buf, BUFSZ, 0, (struct sockaddr *)&from, &fl);
    int st = -1;
    waitpid(c, &st, 0);
    T_TRUE("recvfrom blocks until another process sends, from that process's port (its pid)",
           r == 16 && from.nl_pid == (unsigned)c && st == 0);
    close(a);
    close(b);
}

/* Without CAP_NET_ADMIN: changes are EPERM, reading is allowed, other ports and groups are closed. The change
 * requests are made only after setuid to nobody: natively, as root, they would change the host's network. */
static void unprivileged(void)
{
    int fd[2];
    if (pipe(fd))
        return;
    pid_t c = fork();
    if (c == 0) {
        close(fd[0]);
        int res[6];
        if (setuid(65534)) /* nobody: no capabilities left */
            _exit(1);
        int s = nl_open();
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        struct nlmsgerr *e = NLMSG_DATA(h);
        struct ifaddrmsg ia = { .ifa_family = AF_INET, .ifa_prefixlen = 8, .ifa_index = 1 };
        req(s, RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, 1, &ia, sizeof(ia), NULL, 0);
        res[0] = recv(s, buf, BUFSZ, MSG_DONTWAIT) > 0 && h->nlmsg_type == NLMSG_ERROR ? e->error : 1;
        struct ifinfomsg ifi = { .ifi_index = 1 };
        req(s, RTM_DELLINK, NLM_F_REQUEST, 2, &ifi, sizeof(ifi), NULL, 0);
        res[1] = recv(s, buf, BUFSZ, MSG_DONTWAIT) > 0 && h->nlmsg_type == NLMSG_ERROR ? e->error : 1;
        struct rtmsg rm = { .rtm_family = AF_INET };
        req(s, RTM_NEWROUTE, NLM_F_REQUEST, 3, &rm, sizeof(rm), NULL, 0);
        res[2] = recv(s, buf, BUFSZ, MSG_DONTWAIT) > 0 && h->nlmsg_type == NLMSG_ERROR ? e->error : 1;
        dump(s, RTM_GETLINK, AF_UNSPEC, 4);
        res[3] = read_dump(s, 4, RTM_NEWLINK).done;
        struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = 1 };
        res[4] = sendto(s, buf, 16, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? errno : 0;
        res[5] = connect(s, (struct sockaddr *)&to, sizeof(to)) < 0 ? errno : 0;
        if (write(fd[1], res, sizeof(res)) != sizeof(res))
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    int res[6] = { 0 };
    int got = read(fd[0], res, sizeof(res)) == sizeof(res);
    waitpid(c, NULL, 0);
    close(fd[0]);
    T_TRUE("sendto RTM_NEWADDR without CAP_NET_ADMIN -> EPERM", got && res[0] == -EPERM);
    T_TRUE("sendto RTM_DELLINK without CAP_NET_ADMIN -> EPERM", got && res[1] == -EPERM);
    T_TRUE("sendto RTM_NEWROUTE without CAP_NET_ADMIN -> EPERM", got && res[2] == -EPERM);
    T_TRUE("sendto RTM_GETLINK dump without CAP_NET_ADMIN: allowed", got && res[3] == 1);
    T_TRUE("sendto another port without CAP_NET_ADMIN -> EPERM", got && res[4] == EPERM);
    T_TRUE("connect to another port without CAP_NET_ADMIN -> EPERM", got && res[5] == EPERM);
}

/* mq_notify's SIGEV_THREAD: glibc and musl hand the kernel a netlink socket and a 32-byte cookie, and a thread
 * of theirs runs the function when the cookie comes back. */
static int mq_pipe[2];

static void mq_fired(union sigval v)
{
    char c = (char)v.sival_int;
    if (write(mq_pipe[1], &c, 1) != 1)
        _exit(3);
}

static void mq_thread(void)
{
    char name[64];
    snprintf(name, sizeof(name), "/skiff-nl-%d", (int)getpid());
    mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
    if (q == (mqd_t)-1 || pipe(mq_pipe)) {
        T_SKIP("mq_notify SIGEV_THREAD", "no message queue");
        return;
    }
    struct sigevent ev = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = mq_fired,
                           .sigev_value.sival_int = 42 };
    T_OK("mq_notify SIGEV_THREAD (libc's netlink socket)", mq_notify(q, &ev), 0);
    T_OK("mq_send to the empty queue", mq_send(q, "x", 1, 0), 0);
    struct pollfd p = { mq_pipe[0], POLLIN, 0 };
    char c = 0;
    T_TRUE("mq_notify SIGEV_THREAD: the function runs with its value", poll(&p, 1, 10000) == 1 &&
           read(mq_pipe[0], &c, 1) == 1 && c == 42);
    char m[8192];
    T_OK("mq_receive empties the queue", mq_receive(q, m, sizeof(m), NULL), 1);
    T_OK("mq_notify SIGEV_THREAD again", mq_notify(q, &ev), 0);
    T_ERR("mq_notify a second registration -> EBUSY", mq_notify(q, &ev), EBUSY);
    T_OK("mq_notify NULL removes it", mq_notify(q, NULL), 0);
    unsigned char cookie[32] = { 0 };
    struct { long value; int signo, notify; char pad[48]; } raw = { (long)cookie, mq_pipe[0], SIGEV_THREAD, { 0 } };
    T_ERR("mq_notify SIGEV_THREAD with a pipe for the socket -> ENOTSOCK", syscall(SYS_mq_notify, q, &raw), ENOTSOCK);
    int u = socket(AF_UNIX, SOCK_DGRAM, 0), nl = nl_open();
    raw.signo = u;
    T_ERR("mq_notify SIGEV_THREAD with an AF_UNIX socket -> EINVAL", syscall(SYS_mq_notify, q, &raw), EINVAL);
    raw.signo = 999;
    T_ERR("mq_notify SIGEV_THREAD with no socket -> EBADF", syscall(SYS_mq_notify, q, &raw), EBADF);
    raw.signo = nl;
    raw.value = (long)BADUPTR;
    T_ERR("mq_notify SIGEV_THREAD with a bad cookie -> EFAULT", syscall(SYS_mq_notify, q, &raw), EFAULT);
    raw.value = (long)cookie;
    cookie[0] = 0x5a;
    T_OK("mq_notify SIGEV_THREAD with our own netlink socket", syscall(SYS_mq_notify, q, &raw), 0);
    T_OK("mq_send to the empty queue again", mq_send(q, "y", 1, 0), 0);
    unsigned char got[64] = { 0 };
    struct sockaddr_nl from;
    socklen_t fl = sizeof(from);
    long r = recvfrom(nl, got, sizeof(got), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    T_TRUE("recvfrom: the cookie, its last byte NOTIFY_WOKENUP, from the kernel", r == 32 && got[0] == 0x5a &&
           got[31] == 1 && from.nl_pid == 0);
    mq_receive(q, m, sizeof(m), NULL);
    T_OK("mq_notify SIGEV_THREAD once more", syscall(SYS_mq_notify, q, &raw), 0);
    T_OK("mq_notify NULL", mq_notify(q, NULL), 0);
    r = recv(nl, got, sizeof(got), MSG_DONTWAIT);
    T_TRUE("recv: the cookie, its last byte NOTIFY_REMOVED", r == 32 && got[0] == 0x5a && got[31] == 2);
    close(u);
    close(nl);
    mq_close(q);
    mq_unlink(name);
    close(mq_pipe[0]);
    close(mq_pipe[1]);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    sockets();
    names();
    options();
    links();
    addrs();
    routes();
    acks();
    strict();
    io();
    peers();
    unprivileged();
    mq_thread();
    return tap_done();
}
