/* net/netlink_route.c — NETLINK_ROUTE requests (rtnetlink(7)): the dispatch by message type as Linux does it
 * (types past RTM_MAX EOPNOTSUPP, changes EPERM without CAP_NET_ADMIN, dumps of links, addresses and routes,
 * one link by index or name), and the link messages themselves (RTM_NEWLINK: struct ifinfomsg and the IFLA_*
 * attributes). The interfaces are those net/ifioctl.c describes: lo (index 1) and eth0 (index 2) with a card.
 * Changing anything (RTM_NEWADDR, RTM_DELROUTE, ...) is not supported: EOPNOTSUPP, said in the log; the one
 * exception is a link change that changes nothing (`ip link set lo up`), which succeeds. */
#include "netlink.h"
#include "net.h"
#include "../kernel/errno.h"
#include "../kernel/cred.h"

#define CAP_NET_ADMIN 12
#define RTM_BASE 16
#define RTM_NEWLINK 16
#define RTM_GETLINK 18
#define RTM_SETLINK 19
#define NLM_F_CREATE 0x400
#define RTM_GETADDR 22
#define RTM_GETROUTE 26
#define RTM_MAX 123                   /* (((__RTM_MAX + 3) & ~3) - 1) */
enum { RTNL_NEW, RTNL_DEL, RTNL_GET, RTNL_SET };

#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000
#define IFF_LOWER_UP 0x10000
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
#define IF_OPER_UNKNOWN 0
#define IF_OPER_UP 6

enum { IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_QDISC = 6, IFLA_STATS = 7,
       IFLA_MASTER = 10, IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_LINKMODE = 17, IFLA_LINKINFO = 18,
       IFLA_STATS64 = 23, IFLA_GROUP = 27, IFLA_EXT_MASK = 29, IFLA_PROMISCUITY = 30, IFLA_NUM_TX_QUEUES = 31,
       IFLA_NUM_RX_QUEUES = 32, IFLA_CARRIER = 33, IFLA_CARRIER_CHANGES = 35, IFLA_TARGET_NETNSID = 46,
       IFLA_MIN_MTU = 50, IFLA_MAX_MTU = 51, IFLA_ALT_IFNAME = 53, IFLA_ALLMULTI = 61, IFLA_MAX_K = 62 };

struct ifinfomsg_k { u8 family, pad; u16 type; i32 index; u32 flags, change; };
_Static_assert(sizeof(struct ifinfomsg_k) == 16, "struct ifinfomsg");

int rtnl_if_count(void)
{
    return net_if.present ? 2 : 1;
}

const char *rtnl_if_name(int index)
{
    return index == 1 ? "lo" : index == 2 && net_if.present ? "eth0" : NULL;
}

static int if_by_name(const struct nlattr_k *a)
{
    char name[16];
    u32 n = MIN(nla_len(a), (u32)sizeof(name) - 1);
    memcpy(name, nla_data(a), n);
    name[n] = 0;
    for (int i = 1; i <= rtnl_if_count(); i++)
        if (!strcmp(name, rtnl_if_name(i)))
            return i;
    return 0;
}

/* struct rtnl_link_stats64 (25 counters) and struct rtnl_link_stats (its first 24, 32 bits each): what skiff
 * counts — lo's packets (not its bytes), the card's bytes and frames, drops and transmit errors. */
static void link_stats(struct nl_reply *r, int index)
{
    u64 st[25] = { 0 }; /* rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, ... */
    if (index == 1) {
        st[0] = st[1] = net_stats.ip_loopback;
    } else {
        virtio_net_counts(&st[2], &st[0], &st[3], &st[1]);
        st[5] = net_stats.eth_tx_err;
        st[6] = net_stats.eth_rx_short + net_stats.ip_bad_header + net_stats.ip_bad_csum;
    }
    nl_put(r, IFLA_STATS64, st, sizeof(st));
    u32 st32[24];
    for (int i = 0; i < 24; i++)
        st32[i] = (u32)st[i];
    nl_put(r, IFLA_STATS, st32, sizeof(st32));
}

/* One RTM_NEWLINK message, the attributes in the order Linux's rtnl_fill_ifinfo puts them. lo is up with its
 * operational state unknown (it has no carrier), as on Linux; eth0 is up with a carrier. */
static void fill_link(struct nl_reply *r, int index)
{
    static const u8 zero_mac[6], bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    bool lo = index == 1;
    struct ifinfomsg_k *ifi = nl_msg_begin(r, RTM_NEWLINK, sizeof(*ifi));
    if (!ifi)
        return;
    ifi->type = lo ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
    ifi->index = index;
    ifi->flags = lo ? IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP
                    : IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP;
    nl_put_str(r, IFLA_IFNAME, rtnl_if_name(index));
    nl_put_u32(r, IFLA_TXQLEN, 1000);
    nl_put_u8(r, IFLA_OPERSTATE, lo ? IF_OPER_UNKNOWN : IF_OPER_UP);
    nl_put_u8(r, IFLA_LINKMODE, 0);
    nl_put_u32(r, IFLA_MTU, lo ? 65536 : net_if.mtu);
    nl_put_u32(r, IFLA_MIN_MTU, lo ? 0 : 68);
    nl_put_u32(r, IFLA_MAX_MTU, lo ? 0 : 65535);
    nl_put_u32(r, IFLA_GROUP, 0);
    nl_put_u32(r, IFLA_PROMISCUITY, 0);
    nl_put_u32(r, IFLA_ALLMULTI, 0);
    nl_put_u32(r, IFLA_NUM_TX_QUEUES, 1);
    nl_put_u32(r, IFLA_NUM_RX_QUEUES, 1);
    nl_put_u8(r, IFLA_CARRIER, 1);
    nl_put_u32(r, IFLA_CARRIER_CHANGES, lo ? 0 : 1);
    nl_put_str(r, IFLA_QDISC, "noqueue"); /* skiff queues nothing between the stack and the device */
    nl_put(r, IFLA_ADDRESS, lo ? zero_mac : net_if.mac, 6);
    nl_put(r, IFLA_BROADCAST, lo ? zero_mac : bcast_mac, 6);
    link_stats(r, index);
    nl_msg_end(r);
}

static bool hdr_clean(const struct ifinfomsg_k *ifi)
{
    return !ifi->pad && !ifi->type && !ifi->flags && !ifi->change;
}

/* Linux's checks of a link dump request: with NETLINK_GET_STRICT_CHK a whole, zeroed ifinfomsg and only the
 * attributes that filter; without, anything (an rtgenmsg is enough). A master or kind filter matches nothing
 * here: skiff's interfaces have neither. */
static int dump_link_check(struct nl_sock *k, const struct nlmsghdr_k *req, bool *none)
{
    const struct nlattr_k *tb[IFLA_MAX_K];
    const struct ifinfomsg_k *ifi = (const void *)(req + 1);
    bool whole = req->len >= NL_HDRLEN + sizeof(*ifi);
    if (k->strict) {
        if (!whole || !hdr_clean(ifi) || ifi->index)
            return -EINVAL;
        if (nl_parse(req, sizeof(*ifi), tb, IFLA_MAX_K, true))
            return -EINVAL;
        for (int t = 0; t < IFLA_MAX_K; t++)
            if (tb[t] && t != IFLA_TARGET_NETNSID && t != IFLA_EXT_MASK && t != IFLA_MASTER && t != IFLA_LINKINFO)
                return -EINVAL;
    } else if (nl_parse(req, whole ? sizeof(*ifi) : 1, tb, IFLA_MAX_K, false)) {
        return 0; /* Linux walks every link when the liberal parse fails */
    }
    u32 master = 0;
    if (tb[IFLA_MASTER] && nla_len(tb[IFLA_MASTER]) >= 4)
        memcpy(&master, nla_data(tb[IFLA_MASTER]), 4);
    *none = master || tb[IFLA_LINKINFO];
    return 0;
}

static int dump_link(struct nl_sock *k, const struct nlmsghdr_k *req)
{
    struct nl_reply r;
    bool none = false;
    nl_reply_init(&r, k, req, true);
    int err = dump_link_check(k, req, &none);
    if (none)
        r.flags |= NLM_F_DUMP_FILTERED;
    for (int i = 1; !err && !none && i <= rtnl_if_count(); i++)
        fill_link(&r, i);
    nl_reply_done(&r, err);
    return 1;
}

/* One link (RTM_GETLINK without NLM_F_DUMP): by ifi_index, else by IFLA_IFNAME or IFLA_ALT_IFNAME. */
static int get_link(struct nl_sock *k, const struct nlmsghdr_k *req)
{
    const struct nlattr_k *tb[IFLA_MAX_K];
    const struct ifinfomsg_k *ifi = (const void *)(req + 1);
    if (nl_parse(req, sizeof(*ifi), tb, IFLA_MAX_K, k->strict))
        return -EINVAL;
    if (k->strict) {
        if (!hdr_clean(ifi))
            return -EINVAL;
        for (int t = 0; t < IFLA_MAX_K; t++)
            if (tb[t] && t != IFLA_IFNAME && t != IFLA_ALT_IFNAME && t != IFLA_EXT_MASK && t != IFLA_TARGET_NETNSID)
                return -EINVAL;
    }
    int index;
    if (ifi->index > 0)
        index = rtnl_if_name(ifi->index) ? ifi->index : 0;
    else if (tb[IFLA_IFNAME] || tb[IFLA_ALT_IFNAME])
        index = if_by_name(tb[IFLA_IFNAME] ? tb[IFLA_IFNAME] : tb[IFLA_ALT_IFNAME]);
    else
        return -EINVAL;
    if (!index)
        return -ENODEV;
    struct nl_reply r;
    nl_reply_init(&r, k, req, false);
    fill_link(&r, index);
    return nl_reply_flush(&r);
}

/* The link a change names, as Linux finds it: ifi_index (negative: EINVAL), else IFLA_IFNAME; -1 when neither. */
static int link_named(const struct ifinfomsg_k *ifi, const struct nlattr_k *const *tb)
{
    if (ifi->index < 0)
        return -EINVAL;
    if (ifi->index > 0)
        return rtnl_if_name(ifi->index) ? ifi->index : -ENODEV;
    if (!tb[IFLA_IFNAME])
        return -1;
    int index = if_by_name(tb[IFLA_IFNAME]);
    return index ? index : -ENODEV;
}

/* RTM_NEWLINK/RTM_SETLINK on an existing link that changes nothing (no attribute but the name, the flags Linux
 * lets a program set as they are; ifi_change 0 means every flag): `ip link set lo up`. Creating a link
 * (NLM_F_CREATE) or changing one is not supported; a link nobody has is ENODEV, as Linux says without
 * NLM_F_CREATE, and RTM_SETLINK naming none EINVAL. */
#define IFF_SETTABLE 0xf3a5u /* UP DEBUG NOTRAILERS NOARP PROMISC ALLMULTI MULTICAST PORTSEL AUTOMEDIA DYNAMIC */
static int set_link(const struct nlmsghdr_k *req)
{
    const struct nlattr_k *tb[IFLA_MAX_K];
    const struct ifinfomsg_k *ifi = (const void *)(req + 1);
    if (nl_parse(req, sizeof(*ifi), tb, IFLA_MAX_K, false))
        return -EINVAL;
    int index = link_named(ifi, tb);
    bool create = req->type == RTM_NEWLINK && (req->flags & NLM_F_CREATE);
    if (index == -1 && req->type == RTM_SETLINK)
        return -EINVAL;
    if ((index == -1 || index == -ENODEV) && !create)
        return -ENODEV;
    if (index == -EINVAL)
        return -EINVAL;
    bool other = false;
    for (int t = 0; t < IFLA_MAX_K; t++)
        other |= tb[t] && t != IFLA_IFNAME;
    u32 now = index == 1 ? IFF_UP | IFF_LOOPBACK : IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
    u32 want = ifi->change ? (ifi->flags & ifi->change) | (now & ~ifi->change) : ifi->flags;
    bool same = (!ifi->flags && !ifi->change) || !((want ^ now) & IFF_SETTABLE);
    if (index > 0 && !other && same)
        return 0;
    kerr("netlink: %s a link is not supported: EOPNOTSUPP\n", index > 0 ? "changing" : "creating");
    return -EOPNOTSUPP;
}

int rtnl_request(struct nl_sock *k, const struct nlmsghdr_k *req)
{
    u16 type = req->type;
    if (type > RTM_MAX)
        return -EOPNOTSUPP;
    if (req->len < NL_HDRLEN + 1)
        return 0; /* Linux: every message needs at least its family byte; shorter ones are skipped */
    int kind = (type - RTM_BASE) & 3;
    if (kind != RTNL_GET && !capable(CAP_NET_ADMIN))
        return -EPERM;
    if (kind == RTNL_GET && (req->flags & NLM_F_DUMP)) {
        switch (type) {
        case RTM_GETLINK: return dump_link(k, req);
        case RTM_GETADDR: return rtnl_dump_addr(k, req);
        case RTM_GETROUTE: return rtnl_dump_route(k, req);
        }
    } else if (type == RTM_GETLINK) {
        return get_link(k, req);
    } else if (type == RTM_GETROUTE) {
        return rtnl_get_route(k, req); /* net/netlink_rtget.c */
    } else if (type == RTM_NEWLINK || type == RTM_SETLINK) {
        return set_link(req);
    }
    kerr("netlink: NETLINK_ROUTE message type %u%s is not implemented: EOPNOTSUPP\n", type,
         kind == RTNL_GET && (req->flags & NLM_F_DUMP) ? " (a dump)" : "");
    return -EOPNOTSUPP;
}
