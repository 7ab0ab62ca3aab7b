/* net/inet_cmsg.c — the control messages a UDP receive carries on request (ip(7), ipv6(7)): IP_PKTINFO (an
 * IPv4 datagram's destination and the interface it came in on) and IPV6_RECVPKTINFO (the same as an
 * in6_pktinfo, an IPv4 datagram's address v4-mapped). They follow the timestamp net/socket.c puts first, in
 * Linux's order. Interfaces: 1 is lo (anything this host sent itself, whichever address), 2 is eth0. */
#include "inet.h"

#define IPV6_PKTINFO 50

struct in_pktinfo_k {
    i32 ifindex;
    ip4_t spec_dst;     /* the local address a reply would leave from: for unicast, the destination */
    ip4_t addr;         /* the header's destination */
};
struct in6_pktinfo_k {
    u8 addr[16];
    i32 ifindex;
};
_Static_assert(sizeof(struct in_pktinfo_k) == 12, "struct in_pktinfo is 12 bytes");
_Static_assert(sizeof(struct in6_pktinfo_k) == 20, "struct in6_pktinfo is 20 bytes");

static int if_of(ip4_t src) { return ip_is_local(src) && !ip6_mapped(src) ? 1 : 2; }

u32 inet_put_pktinfo(struct socket *s, ip4_t src, ip4_t dst, u8 tos, void *kctl, u32 room, int *mflags)
{
    struct inet_opts *o = s->priv;
    u32 used = 0;
    /* an AF_INET6 socket has IP_PKTINFO too, for the IPv4 datagrams it gets */
    if (o->pktinfo && (s->family == AF_INET || (dst != NET_LOOP6 && !ip6_mapped(dst)))) {
        struct in_pktinfo_k pi = { if_of(src), dst, dst };
        used += sock_put_cmsg(kctl, room, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi), mflags);
    }
    /* IP_RECVTOS: the TOS byte of an IPv4 datagram, after IP_PKTINFO as Linux orders them */
    if (o->recvtos && (s->family == AF_INET || (dst != NET_LOOP6 && !ip6_mapped(dst))))
        used += sock_put_cmsg(kctl ? (u8 *)kctl + used : NULL, room - used, IPPROTO_IP, IP_TOS, &tos, 1, mflags);
    if (o->recvpktinfo6 && s->family == AF_INET6) {
        u8 sin6[28];
        u32 alen;
        struct in6_pktinfo_k pi6 = { .ifindex = if_of(src) };
        inet6_addr_out(sin6, &alen, dst, 0);
        memcpy(pi6.addr, sin6 + 8, 16); /* sin6_addr */
        used += sock_put_cmsg(kctl ? (u8 *)kctl + used : NULL, room - used, IPPROTO_IPV6, IPV6_PKTINFO, &pi6,
                              sizeof(pi6), mflags);
    }
    return used;
}
