/* net/nd6.c — neighbour discovery for IPv6 (RFC 4861): the neighbour cache, neighbour solicitations and
 * advertisements, and the choice of next hop. The router side (solicitations, advertisements, SLAAC) is
 * net/slaac6.c.
 *
 * The cache works as net/arp.c's: an entry is FREE, PENDING (solicitations out, up to ND_QUEUE packets wait)
 * or RESOLVED until ND_TTL_NS, after which the next packet solicits again (RFC 4861's REACHABLE, STALE, DELAY
 * and PROBE states folded into that one timeout). A solicitation goes to the target's solicited-node multicast
 * group, is repeated every second, 3 times (MAX_MULTICAST_SOLICIT, RETRANS_TIMER), then the queue is dropped.
 * We answer solicitations for our addresses and learn the sender's link-layer address from them. Duplicate
 * address detection is not done (docs/net.md): the one neighbour on QEMU's network is QEMU itself. */
#include "ip6.h"
#include "../kernel/boot.h"

#define ND_ENTRIES 16
#define ND_QUEUE 4
#define ND_TTL_NS (120ull * 1000000000ull)
#define ND_RETRY_NS 1000000000ull
#define ND_TRIES 3
#define ND_NS 135
#define ND_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define NA_ROUTER 0x80
#define NA_SOLICITED 0x40
#define NA_OVERRIDE 0x20

enum nd_state { ND_FREE, ND_PENDING, ND_RESOLVED };

struct nd_entry {
    enum nd_state state;
    u8 ip[16];
    u8 mac[6];
    u64 expires;            /* RESOLVED: when to solicit again; PENDING: when to repeat */
    int tries, nq;
    struct { u8 *frame; size_t len; } q[ND_QUEUE];
};

static struct nd_entry cache[ND_ENTRIES];

/* An NS or NA (RFC 4861 4.3, 4.4): type, code, checksum, flags/reserved, target; then one link-layer option. */
struct nd_msg {
    u8 type, code;
    u16 csum;
    u8 flags, rsvd[3];
    u8 target[16];
    u8 opt_type, opt_len;   /* in units of 8 bytes: 1 */
    u8 lladdr[6];
} __attribute__((packed));
_Static_assert(sizeof(struct nd_msg) == 32, "RFC 4861 4.3/4.4 with a link-layer address option");

static struct nd_entry *nd_find(const u8 ip[16])
{
    for (int i = 0; i < ND_ENTRIES; i++)
        if (cache[i].state != ND_FREE && ip6_eq(cache[i].ip, ip))
            return &cache[i];
    return NULL;
}

static struct nd_entry *nd_slot(void)
{
    struct nd_entry *victim = NULL;
    for (int i = 0; i < ND_ENTRIES; i++) {
        if (cache[i].state == ND_FREE)
            return &cache[i];
        if (cache[i].state == ND_RESOLVED && (!victim || cache[i].expires < victim->expires))
            victim = &cache[i];
    }
    return victim;
}

static void nd_drop_queue(struct nd_entry *e)
{
    for (int i = 0; i < e->nq; i++) {
        kfree(e->q[i].frame);
        net_stats.nd_unresolved_drop++;
    }
    e->nq = 0;
}

/* An NS or NA from src to dst, with our MAC as the option (SLLA for a solicitation, TLLA for an answer). */
static void nd_send(u8 type, u8 flags, const u8 target[16], const u8 src[16], const u8 dst[16])
{
    struct nd_msg m = { .type = type, .flags = flags, .opt_type = type == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA,
                        .opt_len = 1 };
    memcpy(m.target, target, 16);
    memcpy(m.lladdr, net_if.mac, 6);
    m.csum = ip6_csum(src, dst, IP6_NH_ICMP, &m, sizeof(m));
    net_stats.nd_tx++;
    ip6_send(src, dst, IP6_NH_ICMP, ND_HOPS, &m, sizeof(m));
}

static void nd_solicit(struct nd_entry *e)
{
    u8 group[16];
    ip6_solicited_node(e->ip, group);
    e->tries++;
    e->expires = clock_monotonic_ns() + ND_RETRY_NS;
    /* from the address the packet will leave from: link-local for link-local targets, else global */
    const u8 *src = ip6_st.global_ok && !ip6_is_linklocal(e->ip) ? ip6_st.global : ip6_st.ll;
    nd_send(ND_NS, 0, e->ip, src, group);
    net_timer_arm();
}

/* What we now know about ip: record it and send what waited for it. */
static void nd_learn(struct nd_entry *e, const u8 ip[16], const u8 mac[6])
{
    memcpy(e->ip, ip, 16);
    memcpy(e->mac, mac, 6);
    e->state = ND_RESOLVED;
    e->expires = clock_monotonic_ns() + ND_TTL_NS;
    for (int i = 0; i < e->nq; i++) {
        eth_xmit(e->q[i].frame, e->mac, ETHERTYPE_IP6, e->q[i].len);
        kfree(e->q[i].frame);
    }
    e->nq = 0;
}

/* A neighbour's link-layer address from a message (a solicitation's SLLA, an RA's): kept if we had an entry
 * or create is set (RFC 4861 7.2.3: a solicitation creates one). */
void nd6_note(const u8 ip[16], const u8 mac[6], bool create)
{
    if (ip6_is_unspecified(ip) || ip6_is_multicast(ip) || (mac[0] & 1))
        return;
    struct nd_entry *e = nd_find(ip);
    if (!e && create && (e = nd_slot())) {
        nd_drop_queue(e);
        memset(e, 0, sizeof(*e));
    }
    if (e)
        nd_learn(e, ip, mac);
}

/* The next hop for dst: itself when on the link (link-local, or in the advertised on-link prefix), else the
 * default router; 0 or -ENETUNREACH (no route, as Linux without a default route). */
static int nd_next_hop(const u8 dst[16], u8 nh[16])
{
    bool onlink = ip6_is_linklocal(dst) || (ip6_st.global_ok && ip6_st.onlink && !memcmp(dst, ip6_st.prefix, 8));
    if (onlink) {
        memcpy(nh, dst, 16);
        return 0;
    }
    if (!ip6_st.have_router)
        return -ENETUNREACH;
    memcpy(nh, ip6_st.router, 16);
    return 0;
}

int nd6_output(const u8 dst[16], u8 *frame, size_t len)
{
    if (len > ETH_FRAME_MAX - ETH_HLEN)
        return -EMSGSIZE;
    if (ip6_is_multicast(dst)) { /* RFC 2464 7: 33:33 and the group's last 32 bits */
        u8 mac[6] = { 0x33, 0x33, dst[12], dst[13], dst[14], dst[15] };
        return eth_xmit(frame, mac, ETHERTYPE_IP6, len);
    }
    u8 nh[16];
    int r = nd_next_hop(dst, nh);
    if (r) {
        net_stats.ip6_tx_unreach++;
        return r;
    }
    u64 now = clock_monotonic_ns();
    struct nd_entry *e = nd_find(nh);
    if (e && e->state == ND_RESOLVED && e->expires > now)
        return eth_xmit(frame, e->mac, ETHERTYPE_IP6, len);
    if (!e) {
        if (!(e = nd_slot())) {
            net_stats.nd_unresolved_drop++;
            return 0; /* every entry waits: lost, as on a congested link */
        }
        memset(e, 0, sizeof(*e));
        memcpy(e->ip, nh, 16);
    }
    if (e->state != ND_PENDING) {
        e->state = ND_PENDING;
        e->tries = 0;
        nd_solicit(e);
    }
    if (e->nq == ND_QUEUE) {
        net_stats.nd_unresolved_drop++;
        return 0;
    }
    void *copy = kmalloc(ETH_FRAME_BUF);
    if (!copy)
        return -ENOBUFS;
    memcpy(copy, frame, ETH_HLEN + len);
    e->q[e->nq].frame = copy;
    e->q[e->nq].len = len;
    e->nq++;
    net_stats.nd_queued++;
    return 0;
}

/* The link-layer address option of type want among the options at opt (RFC 4861 4.6.1); NULL if none. False
 * in *bad for an option of length 0, which invalidates the message (4.6). */
const u8 *nd6_opt(const u8 *opt, size_t len, u8 want, size_t *optlen, bool *bad)
{
    const u8 *found = NULL;
    *bad = false;
    while (len >= 2) {
        size_t l = (size_t)opt[1] * 8;
        if (!l || l > len) {
            *bad = true;
            return NULL;
        }
        if (opt[0] == want && !found) {
            found = opt;
            if (optlen)
                *optlen = l;
        }
        opt += l;
        len -= l;
    }
    return found;
}

static void ns_input(const u8 src[16], const u8 *msg, size_t len)
{
    bool bad;
    const u8 *target = msg + 8;
    if (len < 24 || ip6_is_multicast(target)) {
        net_stats.nd_bad++;
        return;
    }
    const u8 *sll = nd6_opt(msg + 24, len - 24, ND_OPT_SLLA, NULL, &bad);
    if (bad || (ip6_is_unspecified(src) && sll)) {
        net_stats.nd_bad++;
        return;
    }
    if (!ip6_addr_is_ours(target))
        return;
    static const u8 all_nodes[16] = { 0xff, 0x02, [15] = 1 };
    if (ip6_is_unspecified(src)) { /* someone's duplicate address detection: tell everyone (7.2.4) */
        nd_send(ND_NA, NA_OVERRIDE, target, target, all_nodes);
        return;
    }
    if (sll && sll[1] == 1)
        nd6_note(src, sll + 2, true);
    nd_send(ND_NA, NA_SOLICITED | NA_OVERRIDE, target, target, src);
}

static void na_input(const u8 dst[16], const u8 *msg, size_t len)
{
    bool bad;
    const u8 *target = msg + 8;
    u8 flags = msg[4];
    if (len < 24 || ip6_is_multicast(target) || (ip6_is_multicast(dst) && (flags & NA_SOLICITED))) {
        net_stats.nd_bad++;
        return;
    }
    const u8 *tll = nd6_opt(msg + 24, len - 24, ND_OPT_TLLA, NULL, &bad);
    if (bad) {
        net_stats.nd_bad++;
        return;
    }
    struct nd_entry *e = nd_find(target);
    if (!e || !tll || tll[1] != 1)
        return; /* unsolicited news about a stranger: nothing to keep (7.2.5) */
    if (e->state == ND_PENDING || (flags & NA_OVERRIDE) || !memcmp(e->mac, tll + 2, 6))
        nd_learn(e, target, tll + 2);
}

void slaac6_ra_input(const u8 src[16], const u8 *msg, size_t len);

/* ND messages (RFC 4861 6.1, 7.1): hop limit 255 (so they came from this link), code 0. */
void nd6_input(const u8 src[16], const u8 dst[16], u8 hops, const u8 *msg, size_t len)
{
    net_stats.nd_rx++;
    if (hops != ND_HOPS || msg[1] != 0) {
        net_stats.nd_bad++;
        return;
    }
    switch (msg[0]) {
    case ND_NS: ns_input(src, msg, len); break;
    case ND_NA: na_input(dst, msg, len); break;
    case 134: slaac6_ra_input(src, msg, len); break;
    default: break; /* router solicitations and redirects: we are no router and take no redirects */
    }
}

void nd6_cache_timer(u64 now)
{
    for (int i = 0; i < ND_ENTRIES; i++) {
        struct nd_entry *e = &cache[i];
        if (e->state != ND_PENDING || e->expires > now)
            continue;
        if (e->tries < ND_TRIES) {
            nd_solicit(e);
        } else {
            nd_drop_queue(e);
            e->state = ND_FREE;
        }
    }
}

bool nd6_cache_timer_needed(void)
{
    for (int i = 0; i < ND_ENTRIES; i++)
        if (cache[i].state == ND_PENDING)
            return true;
    return false;
}
