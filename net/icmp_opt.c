/* net/icmp_opt.c — the options of ICMP sockets (net/icmp_sock.h): SOL_RAW's ICMP_FILTER and IPV6_CHECKSUM,
 * SOL_ICMPV6's ICMP6_FILTER (RFC 3542 3.2), SO_TIMESTAMP, and the IP and IPv6 ones ping asks for (IP_RECVTTL,
 * IP_RETOPTS, IPV6_RECVHOPLIMIT, IPV6_RECVERR); the rest are net/inet_opt.c's. IP_RETOPTS is recorded only:
 * skiff's packets carry no IP options, so there are never any to return. IPV6_RECVERR is recorded only: ICMPv6
 * errors reach UDP sockets but not ping sockets (docs/net.md). */
#include "icmp_sock.h"

#define SOL_RAW 255
#define SOL_ICMPV6 58
#define ICMP_FILTER 1
#define ICMP6_FILTER 1
#define IP_HDRINCL 3
#define IP_RETOPTS 7
#define IP_RECVTTL 12
#define IPV6_CHECKSUM 7
#define IPV6_RECVERR 25
#define IPV6_RECVHOPLIMIT 51
#define SO_TIMESTAMP_OLD 29

static int filter_set(struct icmp_sock *k, int level, int name, const void *kval, u32 len)
{
    bool v4 = level == SOL_RAW && name == ICMP_FILTER && !k->v6, v6 = level == SOL_ICMPV6 && name == ICMP6_FILTER;
    if (!v4 && !v6)
        return -ENOPROTOOPT;
    if (!k->raw || v6 != k->v6)
        return -ENOPROTOOPT; /* ping sockets take IP's options only (Linux's ping_setsockopt) */
    u32 room = v6 ? sizeof(k->filter6) : sizeof(k->filter);
    memcpy(v6 ? (void *)k->filter6 : (void *)&k->filter, kval, MIN(len, room));
    return 0;
}

/* A boolean option: an int, or for IPv4's a single byte as Linux's ip_setsockopt also takes. */
static int bool_opt(bool *opt, const void *kval, u32 len, bool byte_ok)
{
    int v = 0;
    if (len >= sizeof(int))
        memcpy(&v, kval, sizeof(v));
    else if (len >= 1 && byte_ok)
        v = *(const u8 *)kval;
    else
        return -EINVAL;
    *opt = v != 0;
    return 0;
}

int icmp_sock_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len)
{
    struct icmp_sock *k = s->priv;
    if (level == SOL_RAW || level == SOL_ICMPV6) {
        if (level == SOL_RAW && name == IPV6_CHECKSUM && k->v6 && k->raw) {
            int v;
            if (len < sizeof(int))
                return -EINVAL;
            memcpy(&v, kval, sizeof(v));
            if (v > 0 && (v & 1))
                return -EINVAL;
            k->csum_off = v < 0 ? -1 : v;
            return 0;
        }
        return filter_set(k, level, name, kval, len);
    }
    if (level == SOL_SOCKET && name == SO_TIMESTAMP_OLD)
        return bool_opt(&k->timestamp, kval, len, false);
    if (level == IPPROTO_IP && !k->v6 && (name == IP_RECVTTL || name == IP_RETOPTS))
        return bool_opt(name == IP_RECVTTL ? &k->recvttl : &k->retopts, kval, len, true);
    if (level == IPPROTO_IP && name == IP_HDRINCL)
        return -ENOPROTOOPT; /* not implemented: skiff always writes the IP header itself */
    if (level == IPPROTO_IPV6 && k->v6 && (name == IPV6_RECVHOPLIMIT || name == IPV6_RECVERR))
        return bool_opt(name == IPV6_RECVHOPLIMIT ? &k->recvhops : &k->recverr6, kval, len, false);
    return inet_setsockopt(s, level, name, kval, len);
}

static int filter_get(struct icmp_sock *k, int level, void *kval, u32 *len)
{
    if (!k->raw || (level == SOL_ICMPV6) != k->v6)
        return -ENOPROTOOPT;
    u32 room = k->v6 ? sizeof(k->filter6) : sizeof(k->filter);
    memcpy(kval, k->v6 ? (void *)k->filter6 : (void *)&k->filter, room);
    *len = room; /* the syscall copies out min(the program's length, room) */
    return 0;
}

int icmp_sock_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len)
{
    struct icmp_sock *k = s->priv;
    int v;
    if ((level == SOL_RAW && name == ICMP_FILTER && !k->v6) || (level == SOL_ICMPV6 && name == ICMP6_FILTER))
        return filter_get(k, level, kval, len);
    if (level == SOL_RAW && name == IPV6_CHECKSUM && k->v6 && k->raw)
        v = k->csum_off;
    else if (level == SOL_SOCKET && name == SO_TIMESTAMP_OLD)
        v = k->timestamp;
    else if (level == IPPROTO_IP && !k->v6 && (name == IP_RECVTTL || name == IP_RETOPTS))
        v = name == IP_RECVTTL ? k->recvttl : k->retopts;
    else if (level == IPPROTO_IPV6 && k->v6 && (name == IPV6_RECVHOPLIMIT || name == IPV6_RECVERR))
        v = name == IPV6_RECVHOPLIMIT ? k->recvhops : k->recverr6;
    else if (level == SOL_RAW || level == SOL_ICMPV6)
        return -ENOPROTOOPT;
    else
        return inet_getsockopt(s, level, name, kval, len);
    memcpy(kval, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}

