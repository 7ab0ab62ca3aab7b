/* net/inet_opt.c — IPPROTO_IP and IPPROTO_TCP socket options for AF_INET (ip(7), tcp(7)), with Linux's
 * ranges and errors. skiff records them and reads them back; TCP_NODELAY and SO_KEEPALIVE are recorded only
 * (skiff's TCP sends at once and has no keepalive probes); every packet leaves with TTL 64, and with TOS 0
 * but a UDP datagram (IP_TOS; IP_RECVTOS reports what came in, net/inet_cmsg.c).
 * Options not listed (multicast, IP_PKTINFO, TCP_INFO, ...) are ENOPROTOOPT. */
#include "inet.h"

static struct inet_opts *opts_of(struct socket *s)
{
    return s->priv; /* each type's state begins with its options */
}

static int get_int(const void *kval, u32 len, int *v)
{
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(v, kval, sizeof(int));
    return 0;
}

static int ip_set(struct inet_opts *o, int name, int v)
{
    switch (name) {
    case IP_TOS: o->tos = v & 0xff; return 0;
    case IP_TTL:
        if (v != -1 && (v < 1 || v > 255))
            return -EINVAL;
        o->ttl = v == -1 ? 0 : v;
        return 0;
    case IP_MTU_DISCOVER:
        if (v < 0 || v > 5)
            return -EINVAL;
        o->mtu_discover = v;
        return 0;
    case IP_RECVERR: o->recverr = v != 0; return 0;
    case IP_PKTINFO: o->pktinfo = v != 0; return 0;
    case IP_RECVTOS: o->recvtos = v != 0; return 0;
    }
    return -ENOPROTOOPT;
}

static int tcp_set(struct inet_opts *o, int name, int v)
{
    switch (name) {
    case TCP_NODELAY: o->nodelay = v != 0; return 0;
    case TCP_CORK: o->cork = v != 0; return 0;
    case TCP_QUICKACK: o->quickack = v != 0; return 0;
    case TCP_KEEPIDLE: case TCP_KEEPINTVL:
        if (v < 1 || v > 32767)
            return -EINVAL;
        *(name == TCP_KEEPIDLE ? &o->keepidle : &o->keepintvl) = v;
        return 0;
    case TCP_KEEPCNT:
        if (v < 1 || v > 127)
            return -EINVAL;
        o->keepcnt = v;
        return 0;
    case TCP_SYNCNT:
        if (v < 1 || v > 127)
            return -EINVAL;
        o->syncnt = v;
        return 0;
    case TCP_USER_TIMEOUT:
        if (v < 0)
            return -EINVAL;
        o->user_timeout = v;
        return 0;
    case TCP_DEFER_ACCEPT: o->defer_accept = v < 0 ? 0 : v; return 0;
    case TCP_MAXSEG:
        if (v && (v < 88 || v > 32767))
            return -EINVAL;
        o->maxseg = v;
        return 0;
    }
    return -ENOPROTOOPT;
}

int inet_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len)
{
    int v, r;
    if (level == IPPROTO_IPV6 && s->family == AF_INET6)
        return inet6_setsockopt(s, name, kval, len);
    if (level != IPPROTO_IP && !(level == IPPROTO_TCP && s->type == SOCK_STREAM))
        return -ENOPROTOOPT;
    if ((r = get_int(kval, len, &v)))
        return r;
    return level == IPPROTO_IP ? ip_set(opts_of(s), name, v) : tcp_set(opts_of(s), name, v);
}

static int ip_get(struct socket *s, struct inet_opts *o, int name, int *v)
{
    switch (name) {
    case IP_TOS: *v = o->tos; return 0;
    case IP_TTL: *v = o->ttl ? o->ttl : 64; return 0;
    case IP_MTU_DISCOVER: *v = o->mtu_discover; return 0;
    case IP_RECVERR: *v = o->recverr; return 0;
    case IP_PKTINFO: *v = o->pktinfo; return 0;
    case IP_RECVTOS: *v = o->recvtos; return 0;
    case IP_MTU: {
        u32 alen = SOCK_ADDR_MAX;
        u8 sa[SOCK_ADDR_MAX]; /* a sockaddr_in6 for AF_INET6 */
        if (s->ops->getname(s, sa, &alen, true))
            return -ENOTCONN;
        *v = net_if.mtu;
        return 0;
    }
    }
    return -ENOPROTOOPT;
}

static int tcp_get(struct socket *s, struct inet_opts *o, int name, int *v)
{
    switch (name) {
    case TCP_NODELAY: *v = o->nodelay; return 0;
    case TCP_CORK: *v = o->cork; return 0;
    case TCP_QUICKACK: *v = o->quickack; return 0;
    case TCP_KEEPIDLE: *v = o->keepidle ? o->keepidle : 7200; return 0;
    case TCP_KEEPINTVL: *v = o->keepintvl ? o->keepintvl : 75; return 0;
    case TCP_KEEPCNT: *v = o->keepcnt ? o->keepcnt : 9; return 0;
    case TCP_SYNCNT: *v = o->syncnt ? o->syncnt : 6; return 0; /* net.ipv4.tcp_syn_retries */
    case TCP_USER_TIMEOUT: *v = o->user_timeout; return 0;
    case TCP_DEFER_ACCEPT: *v = o->defer_accept; return 0;
    case TCP_MAXSEG: {
        /* Linux: 536 (the default MSS) until connected, then the MSS in use */
        u32 alen = SOCK_ADDR_MAX;
        u8 sa[SOCK_ADDR_MAX]; /* a sockaddr_in6 for AF_INET6 */
        *v = s->ops->getname(s, sa, &alen, true) ? 536 : net_if.mtu - 40;
        if (o->maxseg && o->maxseg < *v)
            *v = o->maxseg;
        return 0;
    }
    }
    return -ENOPROTOOPT;
}

int inet_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len)
{
    int v, r;
    if (level == IPPROTO_IPV6 && s->family == AF_INET6)
        r = inet6_getsockopt(s, name, &v);
    else if (level != IPPROTO_IP && !(level == IPPROTO_TCP && s->type == SOCK_STREAM))
        return -EOPNOTSUPP; /* Linux's ip_getsockopt says this where ip_setsockopt says ENOPROTOOPT */
    else
        r = level == IPPROTO_IP ? ip_get(s, opts_of(s), name, &v) : tcp_get(s, opts_of(s), name, &v);
    if (r)
        return r;
    memcpy(kval, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}
