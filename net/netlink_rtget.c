/* net/netlink_rtget.c — RTM_GETROUTE without NLM_F_DUMP for IPv4 (`ip route get ADDR`): the route a packet to
 * RTA_DST would take, answered as Linux's route lookup answers it (one RTM_NEWROUTE with RTM_F_CLONED: type,
 * table, output interface, gateway, preferred source, the caller's uid). Our own addresses and 127/8 are local
 * (through lo); the card's subnet is direct; the rest goes via the DHCP gateway. IPv6 lookups are not done
 * (EOPNOTSUPP, logged); neither are RTA_IIF (input routes) and RTM_F_FIB_MATCH. */
#include "netlink.h"
#include "net.h"
#include "../kernel/errno.h"
#include "../kernel/cred.h"

#define RTM_NEWROUTE 24
#define RTA_DST 1
#define RTA_IIF 3
#define RTA_OIF 4
#define RTA_GATEWAY 5
#define RTA_PREFSRC 7
#define RTA_CACHEINFO 12
#define RTA_TABLE 15
#define RTA_UID 25
#define RTA_MAX_K 32
#define RTM_F_CLONED 0x200
#define RTM_F_FIB_MATCH 0x2000
#define RT_TABLE_MAIN 254
#define RTCF_BROADCAST 0x10000000     /* linux/in_route.h: what the cached route is, in rtm_flags' high half */
#define RTCF_LOCAL 0x80000000u
#define RTN_UNICAST 1
#define RTN_LOCAL 2
#define RTN_BROADCAST 3

struct rtmsg_k { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; };

struct lookup { u8 type; u32 flags; int oif; ip4_t gw, src; };

static int route_lookup(ip4_t dst, struct lookup *l)
{
    bool up = net_if.present && net_if.up && net_if.addr;
    ip4_t bc = net_if.addr | ~net_if.mask;
    *l = (struct lookup){ RTN_UNICAST, 0, 2, 0, net_if.addr };
    if ((net_ntohl(dst) >> 24) == 127 || (up && dst == net_if.addr)) {
        *l = (struct lookup){ RTN_LOCAL, RTCF_LOCAL, 1, 0, (net_ntohl(dst) >> 24) == 127 ? NET_IP4(127, 0, 0, 1) : dst };
        return 0;
    }
    if (!up)
        return -ENETUNREACH;
    if (dst == bc || dst == IP4_BROADCAST) {
        l->type = RTN_BROADCAST;
        l->flags = RTCF_LOCAL | RTCF_BROADCAST;
    } else if ((dst & net_if.mask) != (net_if.addr & net_if.mask)) {
        if (!net_if.gw)
            return -ENETUNREACH;
        l->gw = net_if.gw;
    }
    return 0;
}

int rtnl_get_route(struct nl_sock *k, const struct nlmsghdr_k *req)
{
    const struct rtmsg_k *m = (const void *)(req + 1);
    const struct nlattr_k *tb[RTA_MAX_K];
    if (nl_parse(req, sizeof(*m), tb, RTA_MAX_K, k->strict))
        return -EINVAL;
    if (m->family != AF_INET || tb[RTA_IIF] || (m->flags & RTM_F_FIB_MATCH)) {
        kerr("netlink: RTM_GETROUTE of one route: only IPv4 output routes are looked up: EOPNOTSUPP\n");
        return -EOPNOTSUPP;
    }
    ip4_t dst = 0;
    if (tb[RTA_DST] && nla_len(tb[RTA_DST]) >= 4)
        memcpy(&dst, nla_data(tb[RTA_DST]), 4);
    if (net_if.present && !net_if.up)
        net_wait_up(3000000000ull); /* as a socket's connect waits for DHCP (INET_UP_WAIT_NS) */
    struct lookup l;
    int err = route_lookup(dst, &l);
    if (err)
        return err;
    struct nl_reply r;
    nl_reply_init(&r, k, req, false);
    struct rtmsg_k *o = nl_msg_begin(&r, RTM_NEWROUTE, sizeof(*o));
    if (o) {
        *o = (struct rtmsg_k){ AF_INET, 32, 0, 0, RT_TABLE_MAIN, 0, 0, l.type, l.flags | RTM_F_CLONED };
        u8 ci[32] = { 0 }; /* struct rta_cacheinfo: nothing cached */
        nl_put_u32(&r, RTA_TABLE, RT_TABLE_MAIN); /* Linux names the main table unless RTM_F_LOOKUP_TABLE */
        nl_put(&r, RTA_DST, &dst, 4);
        nl_put_u32(&r, RTA_OIF, (u32)l.oif);
        if (l.gw)
            nl_put(&r, RTA_GATEWAY, &l.gw, 4);
        nl_put(&r, RTA_PREFSRC, &l.src, 4);
        nl_put_u32(&r, RTA_UID, cred_current()->uid);
        nl_put(&r, RTA_CACHEINFO, ci, sizeof(ci));
        nl_msg_end(&r);
    }
    return nl_reply_flush(&r);
}
