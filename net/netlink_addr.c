/* net/netlink_addr.c — NETLINK_ROUTE dumps of addresses (RTM_GETADDR: struct ifaddrmsg, IFA_*) and routes
 * (RTM_GETROUTE: struct rtmsg, RTA_*), IPv4 first, then IPv6, as Linux's dump of every family goes.
 * Addresses: 127.0.0.1/8 and ::1/128 on lo; on eth0 the DHCP address with its broadcast address, the
 * link-local address and the SLAAC one. Routes: the main table (the default route via the DHCP gateway, the
 * connected subnet, the IPv6 prefixes and the router's default route) and the local table (our own addresses,
 * the broadcast addresses, IPv6 multicast), in the order Linux's tables and tries give. A dump that finds the
 * card still waiting for DHCP waits for it as a socket's bind does (at most INET_UP_WAIT_NS). */
#include "netlink.h"
#include "net.h"
#include "ip6.h"
#include "inet.h"
#include "../kernel/errno.h"

#define RTM_NEWADDR 20
#define RTM_NEWROUTE 24
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_LABEL 3
#define IFA_BROADCAST 4
#define IFA_CACHEINFO 6
#define IFA_FLAGS 8
#define IFA_TARGET_NETNSID 10
#define IFA_MAX_K 12
#define IFA_F_PERMANENT 0x80
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK 253
#define RT_SCOPE_HOST 254
#define RT_TABLE_MAIN 254
#define RT_TABLE_LOCAL 255
#define RTPROT_KERNEL 2
#define RTPROT_RA 9
#define RTPROT_DHCP 16
#define RTN_UNICAST 1
#define RTN_LOCAL 2
#define RTN_BROADCAST 3
#define RTN_MULTICAST 5
#define RTA_DST 1
#define RTA_OIF 4
#define RTA_GATEWAY 5
#define RTA_PRIORITY 6
#define RTA_PREFSRC 7
#define RTA_TABLE 15
#define RTA_PREF 20
#define RTA_MAX_K 32
#define RTM_F_CLONED 0x200
#define RTM_F_PREFIX 0x800
#define INFINITY_LIFE 0xffffffffu

struct ifaddrmsg_k { u8 family, prefixlen, flags, scope; u32 index; };
struct rtmsg_k { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; };
struct ifa_cacheinfo_k { u32 prefered, valid, cstamp, tstamp; };
_Static_assert(sizeof(struct ifaddrmsg_k) == 8 && sizeof(struct rtmsg_k) == 12, "rtnetlink headers");

/* What the request asks for: families, and the filters a strict request may set. */
struct dump_filter {
    bool v4, v6;
    int index;                        /* ifa_index / RTA_OIF, 0: any */
    int table;                        /* rtm_table / RTA_TABLE, 0: any */
    bool filtered;
};

static u8 mask_len(ip4_t mask)
{
    u8 n = 0;
    for (u32 m = net_ntohl(mask); m & 0x80000000u; m <<= 1)
        n++;
    return n;
}

static void families(u8 family, struct dump_filter *f)
{
    f->v4 = family != AF_INET6;
    f->v6 = family != AF_INET;
}

static void wait_card(void)
{
    if (net_if.present && !net_if.up)
        net_wait_up(INET_UP_WAIT_NS); /* the address and routes come with DHCP's answer */
}

/* ---- addresses ---- */

static void fill_addr4(struct nl_reply *r, int index, ip4_t a, ip4_t mask, ip4_t bcast)
{
    struct ifaddrmsg_k *m = nl_msg_begin(r, RTM_NEWADDR, sizeof(*m));
    if (!m)
        return;
    *m = (struct ifaddrmsg_k){ AF_INET, mask_len(mask), IFA_F_PERMANENT,
                               index == 1 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE, (u32)index };
    struct ifa_cacheinfo_k ci = { INFINITY_LIFE, INFINITY_LIFE, 0, 0 };
    nl_put(r, IFA_ADDRESS, &a, 4);
    nl_put(r, IFA_LOCAL, &a, 4);
    if (bcast)
        nl_put(r, IFA_BROADCAST, &bcast, 4);
    nl_put_str(r, IFA_LABEL, rtnl_if_name(index));
    nl_put_u32(r, IFA_FLAGS, IFA_F_PERMANENT);
    nl_put(r, IFA_CACHEINFO, &ci, sizeof(ci));
    nl_msg_end(r);
}

/* IPv6 addresses carry IFA_ADDRESS only (no peer), with the full flags in IFA_FLAGS: ::1 and the link-local
 * address are permanent, the SLAAC one is not (as /proc/net/if_inet6 says). */
static void fill_addr6(struct nl_reply *r, int index, const u8 *a, u8 plen, u8 scope, u32 flags)
{
    struct ifaddrmsg_k *m = nl_msg_begin(r, RTM_NEWADDR, sizeof(*m));
    if (!m)
        return;
    *m = (struct ifaddrmsg_k){ AF_INET6, plen, (u8)flags, scope, (u32)index };
    struct ifa_cacheinfo_k ci = { INFINITY_LIFE, INFINITY_LIFE, 0, 0 };
    nl_put(r, IFA_ADDRESS, a, 16);
    nl_put(r, IFA_CACHEINFO, &ci, sizeof(ci));
    nl_put_u32(r, IFA_FLAGS, flags);
    nl_msg_end(r);
}

static void dump_addrs(struct nl_reply *r, const struct dump_filter *f)
{
    static const u8 loop6[16] = { [15] = 1 };
    bool lo = !f->index || f->index == 1, eth = net_if.present && (!f->index || f->index == 2);
    if (f->v4 && lo)
        fill_addr4(r, 1, NET_IP4(127, 0, 0, 1), NET_IP4(255, 0, 0, 0), 0);
    if (f->v4 && eth && net_if.up && net_if.addr)
        fill_addr4(r, 2, net_if.addr, net_if.mask, net_if.addr | ~net_if.mask);
    if (f->v6 && lo)
        fill_addr6(r, 1, loop6, 128, RT_SCOPE_HOST, IFA_F_PERMANENT);
    if (f->v6 && eth && ip6_st.global_ok)
        fill_addr6(r, 2, ip6_st.global, 64, RT_SCOPE_UNIVERSE, 0);
    if (f->v6 && eth && ip6_st.ll_ok)
        fill_addr6(r, 2, ip6_st.ll, 64, RT_SCOPE_LINK, IFA_F_PERMANENT);
}

/* Linux's strict checks of an address dump: a whole ifaddrmsg with no prefix length, flags or scope; the index
 * filters (an unknown one is ENODEV). */
static int addr_check(struct nl_sock *k, const struct nlmsghdr_k *req, struct dump_filter *f)
{
    const struct ifaddrmsg_k *m = (const void *)(req + 1);
    const struct nlattr_k *tb[IFA_MAX_K];
    if (!k->strict)
        return 0;
    if (req->len < NL_HDRLEN + sizeof(*m) || m->prefixlen || m->flags || m->scope)
        return -EINVAL;
    if (nl_parse(req, sizeof(*m), tb, IFA_MAX_K, true))
        return -EINVAL;
    for (int t = 0; t < IFA_MAX_K; t++)
        if (tb[t] && t != IFA_TARGET_NETNSID)
            return -EINVAL;
    if (m->index) {
        if (!rtnl_if_name((int)m->index))
            return -ENODEV;
        f->index = (int)m->index;
        f->filtered = true;
    }
    return 0;
}

int rtnl_dump_addr(struct nl_sock *k, const struct nlmsghdr_k *req)
{
    struct dump_filter f = { 0 };
    struct nl_reply r;
    families(((const u8 *)(req + 1))[0], &f);
    int err = addr_check(k, req, &f);
    if (!err && f.v4)
        wait_card();
    nl_reply_init(&r, k, req, true);
    if (f.filtered)
        r.flags |= NLM_F_DUMP_FILTERED;
    if (!err)
        dump_addrs(&r, &f);
    nl_reply_done(&r, err);
    return 1;
}

/* ---- routes ---- */

struct route {
    u8 family, dst_len, table, protocol, scope, type;
    const void *dst, *gw, *prefsrc;   /* 4 or 16 bytes each, NULL: none */
    int oif;
    u32 priority;
};

static void fill_route(struct nl_reply *r, const struct route *rt, const struct dump_filter *f)
{
    if ((f->table && f->table != rt->table) || (f->index && f->index != rt->oif))
        return;
    u32 alen = rt->family == AF_INET ? 4 : 16;
    struct rtmsg_k *m = nl_msg_begin(r, RTM_NEWROUTE, sizeof(*m));
    if (!m)
        return;
    *m = (struct rtmsg_k){ rt->family, rt->dst_len, 0, 0, rt->table, rt->protocol, rt->scope, rt->type, 0 };
    nl_put_u32(r, RTA_TABLE, rt->table);
    if (rt->dst)
        nl_put(r, RTA_DST, rt->dst, alen);
    if (rt->family == AF_INET6 || rt->priority)
        nl_put_u32(r, RTA_PRIORITY, rt->priority);
    if (rt->prefsrc)
        nl_put(r, RTA_PREFSRC, rt->prefsrc, alen);
    if (rt->gw)
        nl_put(r, RTA_GATEWAY, rt->gw, alen);
    nl_put_u32(r, RTA_OIF, (u32)rt->oif);
    if (rt->family == AF_INET6)
        nl_put_u8(r, RTA_PREF, 0); /* ICMPV6_ROUTER_PREF_MEDIUM */
    nl_msg_end(r);
}

static void route4(struct nl_reply *r, const struct dump_filter *f, u8 table, u8 proto, u8 scope, u8 type,
                   const ip4_t *dst, u8 len, const ip4_t *gw, const ip4_t *src, int oif)
{
    struct route rt = { AF_INET, len, table, proto, scope, type, dst, gw, src, oif, 0 };
    fill_route(r, &rt, f);
}

/* The local table's entries for one address: itself, and its subnet's broadcast address. */
static void local4(struct nl_reply *r, const struct dump_filter *f, int oif, const ip4_t *a, const ip4_t *bc)
{
    route4(r, f, RT_TABLE_LOCAL, RTPROT_KERNEL, RT_SCOPE_HOST, RTN_LOCAL, a, 32, NULL, a, oif);
    route4(r, f, RT_TABLE_LOCAL, RTPROT_KERNEL, RT_SCOPE_LINK, RTN_BROADCAST, bc, 32, NULL, a, oif);
}

static void routes4(struct nl_reply *r, const struct dump_filter *f)
{
    static const ip4_t lo_net = NET_IP4(127, 0, 0, 0), lo_addr = NET_IP4(127, 0, 0, 1),
                       lo_bc = NET_IP4(127, 255, 255, 255);
    bool up = net_if.present && net_if.up && net_if.addr;
    ip4_t net = net_if.addr & net_if.mask, bc = net_if.addr | ~net_if.mask;
    if (up && net_if.gw)
        route4(r, f, RT_TABLE_MAIN, RTPROT_DHCP, RT_SCOPE_UNIVERSE, RTN_UNICAST, NULL, 0, &net_if.gw, NULL, 2);
    if (up)
        route4(r, f, RT_TABLE_MAIN, RTPROT_KERNEL, RT_SCOPE_LINK, RTN_UNICAST, &net, mask_len(net_if.mask),
               NULL, &net_if.addr, 2);
    bool eth_first = up && net_ntohl(net_if.addr) < net_ntohl(lo_net); /* the trie's order: by address */
    if (eth_first)
        local4(r, f, 2, &net_if.addr, &bc);
    route4(r, f, RT_TABLE_LOCAL, RTPROT_KERNEL, RT_SCOPE_HOST, RTN_LOCAL, &lo_net, 8, NULL, &lo_addr, 1);
    local4(r, f, 1, &lo_addr, &lo_bc);
    if (up && !eth_first)
        local4(r, f, 2, &net_if.addr, &bc);
}

static void route6(struct nl_reply *r, const struct dump_filter *f, u8 table, u8 proto, u8 type, const u8 *dst,
                   u8 len, const u8 *gw, int oif, u32 prio)
{
    struct route rt = { AF_INET6, len, table, proto, RT_SCOPE_UNIVERSE, type, dst, gw, NULL, oif, prio };
    fill_route(r, &rt, f);
}

static void routes6(struct nl_reply *r, const struct dump_filter *f)
{
    static const u8 loop6[16] = { [15] = 1 }, ll_net[16] = { 0xfe, 0x80 }, mc_net[16] = { 0xff };
    u8 prefix[16] = { 0 };
    bool eth = net_if.present;
    memcpy(prefix, ip6_st.prefix, 8);
    if (eth && ip6_st.global_ok)
        route6(r, f, RT_TABLE_MAIN, RTPROT_RA, RTN_UNICAST, prefix, 64, NULL, 2, 256);
    if (eth && ip6_st.ll_ok)
        route6(r, f, RT_TABLE_MAIN, RTPROT_KERNEL, RTN_UNICAST, ll_net, 64, NULL, 2, 256);
    if (eth && ip6_st.have_router)
        route6(r, f, RT_TABLE_MAIN, RTPROT_RA, RTN_UNICAST, NULL, 0, ip6_st.router, 2, 1024);
    route6(r, f, RT_TABLE_LOCAL, RTPROT_KERNEL, RTN_LOCAL, loop6, 128, NULL, 1, 0);
    if (eth && ip6_st.global_ok)
        route6(r, f, RT_TABLE_LOCAL, RTPROT_KERNEL, RTN_LOCAL, ip6_st.global, 128, NULL, 2, 0);
    if (eth && ip6_st.ll_ok)
        route6(r, f, RT_TABLE_LOCAL, RTPROT_KERNEL, RTN_LOCAL, ip6_st.ll, 128, NULL, 2, 0);
    if (eth && ip6_st.ll_ok)
        route6(r, f, RT_TABLE_LOCAL, RTPROT_KERNEL, RTN_MULTICAST, mc_net, 8, NULL, 2, 256);
}

/* Linux's strict checks of a route dump: a whole rtmsg with no lengths, TOS, scope or type, no flags but
 * RTM_F_CLONED and RTM_F_PREFIX; the table and RTA_OIF filter (an unknown interface is ENODEV). */
static int route_check(struct nl_sock *k, const struct nlmsghdr_k *req, struct dump_filter *f)
{
    const struct rtmsg_k *m = (const void *)(req + 1);
    const struct nlattr_k *tb[RTA_MAX_K];
    if (!k->strict)
        return 0;
    if (req->len < NL_HDRLEN + sizeof(*m) || m->dst_len || m->src_len || m->tos || m->scope || m->type ||
        (m->flags & ~(u32)(RTM_F_CLONED | RTM_F_PREFIX)))
        return -EINVAL;
    if (nl_parse(req, sizeof(*m), tb, RTA_MAX_K, true))
        return -EINVAL;
    for (int t = 0; t < RTA_MAX_K; t++)
        if (tb[t] && t != RTA_TABLE && t != RTA_OIF)
            return -EINVAL;
    f->table = m->table;
    if (tb[RTA_TABLE] && nla_len(tb[RTA_TABLE]) >= 4)
        memcpy(&f->table, nla_data(tb[RTA_TABLE]), 4);
    if (tb[RTA_OIF] && nla_len(tb[RTA_OIF]) >= 4) {
        memcpy(&f->index, nla_data(tb[RTA_OIF]), 4);
        if (!rtnl_if_name(f->index))
            return -ENODEV;
    }
    f->filtered = f->table || f->index;
    return 0;
}

int rtnl_dump_route(struct nl_sock *k, const struct nlmsghdr_k *req)
{
    struct dump_filter f = { 0 };
    struct nl_reply r;
    families(((const u8 *)(req + 1))[0], &f);
    int err = route_check(k, req, &f);
    if (!err && f.v4)
        wait_card();
    nl_reply_init(&r, k, req, true);
    if (f.filtered)
        r.flags |= NLM_F_DUMP_FILTERED;
    if (!err && f.v4)
        routes4(&r, &f);
    if (!err && f.v6)
        routes6(&r, &f);
    nl_reply_done(&r, err);
    return 1;
}
