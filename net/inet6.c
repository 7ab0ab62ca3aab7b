/* net/inet6.c — the AF_INET6 family (ipv6(7)) over skiff's IPv4 stack: the socket code of net/inet.c and
 * net/inet_tcp.c serves both families, and this file turns sockaddr_in6 into the pcb's IPv4 form and back
 * (net.h: :: is 0, ::ffff:a.b.c.d is a.b.c.d, ::1 is NET_LOOP6, which travels over loopback apart from 127/8).
 *
 * What a program sees is Linux's default dual stack (net.ipv6.bindv6only = 0): a socket bound to :: takes IPv4
 * connections and datagrams too, their addresses shown v4-mapped; IPV6_V6ONLY restricts it to IPv6 (here: ::1);
 * a connect or send to ::ffff:a.b.c.d goes over IPv4. With a network card, other IPv6 addresses go over the
 * card (net/ip6.c) through their stand-ins (net.h): our link-local address and, once the router has
 * advertised a prefix, our SLAAC address can be bound; any other address is a destination. Without a card the
 * machine's only IPv6 address is ::1: binding another is EADDRNOTAVAIL, and a connect or send to another is
 * ENETUNREACH, as on a Linux host without IPv6 routes.
 * Options: IPV6_V6ONLY (until bind), IPV6_TCLASS and IPV6_UNICAST_HOPS recorded and read back (::1 traffic never
 * leaves the VM); the rest (IPV6_RECVPKTINFO, multicast, ...) are ENOPROTOOPT. */
#include "inet.h"
#include "ip6.h"
#include "../syscalls/syscalls.h" /* strace_on */

struct sockaddr_in6 {
    u16 sin6_family;
    u16 sin6_port;          /* network order */
    u32 sin6_flowinfo;
    u8 sin6_addr[16];
    u32 sin6_scope_id;
};
_Static_assert(sizeof(struct sockaddr_in6) == 28, "struct sockaddr_in6 as in <netinet/in.h>");
#define SIN6_LEN_RFC2133 24     /* the older sockaddr_in6 without sin6_scope_id: Linux still takes it */

static const u8 v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool v6only(struct socket *s)
{
    return ((struct inet_opts *)s->priv)->v6only;
}

/* A local address that is an IPv4 one (the socket is bound to ::ffff:a.b.c.d or connected over IPv4). */
static bool is_v4(ip4_t a)
{
    return a && a != NET_LOOP6 && !ip6_mapped(a);
}

#define LO_IFINDEX 1
#define ETH0_IFINDEX 2 /* /proc/net/dev's order: lo 1, eth0 2 */

/* An IPv6 address on the card (not ::, ::1 or v4-mapped) into its stand-in, with the errors Linux gives
 * (checked against Linux 6.x on 2026-12-06): a link-scope address (fe80::/10, ff02::/16) needs the interface
 * in sin6_scope_id for bind and connect (EINVAL without; a send picks eth0 as Linux picks its one interface),
 * an unknown index is ENODEV for bind and ENETUNREACH otherwise; bind takes only our own addresses (waiting for
 * the router's advertisement, as IPv4's bind waits for DHCP) and no multicast group (skiff cannot receive
 * multicast: EADDRNOTAVAIL); TCP to a multicast address is ENETUNREACH. */
int inet6_map_in(const u8 a[16], u32 scope, ip4_t *addr, enum inet_use use, bool stream)
{
    bool ll = ip6_is_linklocal(a), mc = ip6_is_multicast(a), link_scope = ll || (mc && (a[1] & 15) <= 2);
    if (!net_if.present)
        return use == INET_BIND ? -EADDRNOTAVAIL : -ENETUNREACH;
    if (use == INET_BIND) {
        if (link_scope && !scope)
            return -EINVAL;
        if (scope && scope != ETH0_IFINDEX && scope != LO_IFINDEX)
            return -ENODEV;
        if (!ll && !mc && !ip6_st.global_ok)
            ip6_wait_up(IP6_MAP_GLOBAL, INET_UP_WAIT_NS);
        *addr = mc ? 0 : ip6_map_find(a);
        return ip6_is_ours(*addr) && (!ll || scope == ETH0_IFINDEX) ? 0 : -EADDRNOTAVAIL;
    }
    if (stream && mc)
        return -ENETUNREACH;
    if (link_scope && !scope && use == INET_CONNECT)
        return -EINVAL;
    if (scope && scope != ETH0_IFINDEX)
        return -ENETUNREACH;
    *addr = ip6_map(a);
    return 0;
}

static int addr6_in(struct socket *s, const u8 a[16], u32 scope, ip4_t *addr, enum inet_use use)
{
    static const u8 zero[16];
    if (!memcmp(a, zero, 16)) {
        *addr = 0;
        return 0;
    }
    if (!memcmp(a, zero, 15) && a[15] == 1) {
        *addr = NET_LOOP6;
        return 0;
    }
    if (!memcmp(a, v4mapped_prefix, 12)) {
        if (v6only(s))
            return use == INET_BIND ? -EINVAL : -ENETUNREACH;
        memcpy(addr, a + 12, 4);
        if (*addr == NET_LOOP6) /* the internal ::1 is no IPv4 address a program may name */
            return use == INET_BIND ? -EADDRNOTAVAIL : -ENETUNREACH;
        return 0;
    }
    if (net_if.present)
        return inet6_map_in(a, scope, addr, use, s->type == SOCK_STREAM);
    if (use == INET_BIND)
        return -EADDRNOTAVAIL; /* without a card skiff's only IPv6 address is ::1 */
    /* Said in the strace line itself (between the call and its result), and once on the kernel log. */
    static const char note[] = " /* skiff: no network card: IPv6 reaches only ::1 and ::ffff:a.b.c.d */";
    if (strace_on)
        klog_write(note, sizeof(note) - 1);
    static bool logged;
    if (!logged) {
        logged = true;
        klog("net: no network card: IPv6 reaches only ::1 and v4-mapped addresses: ENETUNREACH\n");
    }
    return -ENETUNREACH;
}

int inet6_addr_in(struct socket *s, const void *kaddr, u32 alen, ip4_t *addr, u16 *port, enum inet_use use,
                  ip4_t laddr)
{
    u16 fam;
    if (alen < sizeof(fam))
        return -EINVAL;
    memcpy(&fam, kaddr, sizeof(fam));
    if (s->type == SOCK_DGRAM && use != INET_BIND) {
        /* Linux's UDPv6 connect and sendmsg also take AF_UNSPEC (no address / dissolve) and AF_INET. */
        if (fam == AF_UNSPEC) {
            *addr = 0;
            *port = 0;
            return AF_UNSPEC;
        }
        if (fam == AF_INET) {
            if (v6only(s))
                return use == INET_CONNECT ? -EAFNOSUPPORT : -ENETUNREACH;
            if (laddr == NET_LOOP6) /* bound to ::1: no IPv4 (below) */
                return use == INET_CONNECT ? -EAFNOSUPPORT : -ENETUNREACH;
            return inet_addr_in(kaddr, alen, addr, port, false);
        }
        if (fam != AF_INET6 && use == INET_SEND)
            return -EINVAL;
    }
    if (alen < SIN6_LEN_RFC2133)
        return -EINVAL;
    if (fam != AF_INET6)
        return -EAFNOSUPPORT;
    struct sockaddr_in6 sin6 = { 0 };
    memcpy(&sin6, kaddr, MIN(alen, (u32)sizeof(sin6)));
    *port = sin6.sin6_port;
    int r = addr6_in(s, sin6.sin6_addr, alen >= sizeof(sin6) ? sin6.sin6_scope_id : 0, addr, use);
    if (r)
        return r;
    if (use == INET_BIND)
        return AF_INET6;
    if (!*addr) /* Linux: :: as a destination is this host */
        *addr = is_v4(laddr) ? NET_IP4(127, 0, 0, 1) : NET_LOOP6;
    /* IPv4 and IPv6 do not mix on one socket, with Linux's errors: bound to ::1, no ::ffff:a.b.c.d; bound to
     * ::ffff:a.b.c.d, no ::1. */
    if (laddr == NET_LOOP6 && is_v4(*addr))
        return -ENETUNREACH;
    if (is_v4(laddr) && !is_v4(*addr))
        return -EAFNOSUPPORT;
    return AF_INET6;
}

void inet6_addr_out(void *kaddr, u32 *alen, ip4_t addr, u16 port)
{
    struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = port };
    if (addr == NET_LOOP6) {
        sin6.sin6_addr[15] = 1;
    } else if (ip6_mapped(addr)) {
        if (ip6_unmap(addr, sin6.sin6_addr) && ip6_is_linklocal(sin6.sin6_addr))
            sin6.sin6_scope_id = ETH0_IFINDEX; /* as Linux names a link-local peer */
    } else if (addr) {
        memcpy(sin6.sin6_addr, v4mapped_prefix, 12);
        memcpy(sin6.sin6_addr + 12, &addr, 4);
    }
    memcpy(kaddr, &sin6, sizeof(sin6));
    *alen = sizeof(sin6);
}

void inet_name_out(struct socket *s, void *kaddr, u32 *alen, ip4_t addr, u16 port)
{
    if (s->family == AF_INET6)
        inet6_addr_out(kaddr, alen, addr, port);
    else
        inet_addr_out(kaddr, alen, addr, port);
}

int inet6_setsockopt(struct socket *s, int name, const void *kval, u32 len)
{
    struct inet_opts *o = s->priv;
    int v;
    if (len < sizeof(int))
        return -EINVAL;
    memcpy(&v, kval, sizeof(v));
    switch (name) {
    case IPV6_V6ONLY: {
        int r = inet_set_family(s, v ? NET_FAM_V6ONLY : NET_FAM_V6);
        if (!r)
            o->v6only = v != 0;
        return r;
    }
    case IPV6_RECVPKTINFO:
        o->recvpktinfo6 = v != 0;
        return 0;
    case IPV6_TCLASS:
    case IPV6_UNICAST_HOPS:
        if (v < -1 || v > 255)
            return -EINVAL;
        *(name == IPV6_TCLASS ? &o->tclass : &o->hops6) = v == -1 ? 0 : v + (name == IPV6_UNICAST_HOPS);
        return 0;
    }
    return -ENOPROTOOPT;
}

int inet6_getsockopt(struct socket *s, int name, int *v)
{
    struct inet_opts *o = s->priv;
    switch (name) {
    case IPV6_V6ONLY: *v = o->v6only; return 0;
    case IPV6_TCLASS: *v = o->tclass; return 0;
    case IPV6_RECVPKTINFO: *v = o->recvpktinfo6; return 0;
    case IPV6_UNICAST_HOPS: *v = o->hops6 ? o->hops6 - 1 : 64; return 0; /* hops6 0: the default, 64 */
    }
    return -ENOPROTOOPT;
}
