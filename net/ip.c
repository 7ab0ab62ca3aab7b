/* net/ip.c — IPv4 (RFC 791, with RFC 1122's host requirements): header checks on the way in, headers on the
 * way out, the choice of next hop (the destination on our subnet, else the gateway), and loopback.
 *
 * skiff neither fragments nor reassembles: it sends with DF set and at most the MTU (larger payloads are
 * -EMSGSIZE, which TCP avoids through its MSS; loopback takes packets up to 64 KiB), and drops received
 * fragments (counted in ip_frag_drop).
 * Options in received headers are skipped, never acted on. Packets to ourselves (127.0.0.0/8 or our own
 * address) are queued and delivered to ip_input from the timer tick, never from inside ip_output, so a
 * transport that sends while handling input is never re-entered. */
#include "net.h"

struct ip_hdr {
    u8 vihl;            /* version (4) << 4 | header length in 32-bit words */
    u8 tos;
    u16 total_len;
    u16 id;
    u16 frag;           /* flags (reserved, DF, MF) << 13 | fragment offset in 8-byte units */
    u8 ttl, proto;
    u16 csum;
    ip4_t src, dst;
} __attribute__((packed));
_Static_assert(sizeof(struct ip_hdr) == IP_HLEN, "RFC 791 header without options");

#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define IP_TTL 64
#define LOOPBACK_MAX 256        /* packets in flight to ourselves; beyond that they are dropped */

struct netif net_if = { .mtu = 1500 };

struct lo_pkt {
    struct lo_pkt *next;
    size_t len;
    u8 data[];
};
static struct lo_pkt *lo_head, **lo_tail = &lo_head;
static int lo_count;

/* The largest packet to dst: the card's MTU, or for loopback what an IPv4 header can describe (as Linux's lo,
 * whose MTU is 64 KiB: programs send large datagrams to themselves). */
size_t ip_mtu_for(ip4_t dst)
{
    if (ip_is_local(dst))
        return 65535;
    return ip6_mapped(dst) ? net_if.mtu - 20u : net_if.mtu; /* IPv6's header is 20 bytes longer */
}

bool ip_is_local(ip4_t a)
{
    return (a & 0xff) == 127 || (a && a == net_if.addr) || ip6_is_ours(a);
}

ip4_t ip_source_for(ip4_t dst)
{
    if (ip6_mapped(dst))
        return ip6_source_for(dst);
    if ((dst & 0xff) == 127)
        return dst == NET_LOOP6 ? NET_LOOP6 : NET_IP4(127, 0, 0, 1); /* ::1 talks from ::1 */
    return net_if.addr;
}

/* Is dst a broadcast on our network (all ones, or our subnet's all-ones host part)? */
static bool ip_is_broadcast(ip4_t dst)
{
    return dst == IP4_BROADCAST || (net_if.up && net_if.mask != IP4_BROADCAST &&
                                    dst == (net_if.addr | ~net_if.mask));
}

static const u8 *in_pkt;        /* the packet being delivered (for ICMP errors about it) */
static size_t in_len;
static bool in_broadcast;

u8 ip_in_ttl(void)
{
    return in_pkt ? in_pkt[8] : 0;
}

u8 ip_in_tos(void)
{
    return in_pkt ? in_pkt[1] : 0;
}

void ip_port_unreachable(void)
{
    if (ip6_port_unreachable())
        return;
    /* RFC 1122 3.2.2: never an ICMP error about a broadcast */
    if (in_pkt && !in_broadcast)
        icmp_port_unreachable(in_pkt, in_len);
}

static void ip_deliver(const struct ip_hdr *h, const u8 *payload, size_t len)
{
    switch (h->proto) {
    case IPPROTO_ICMP:
        icmp_input(h->src, h->dst, payload, len);
        break;
    case IPPROTO_UDP:
        udp_input(h->src, h->dst, payload, len);
        break;
    case IPPROTO_TCP:
        tcp_input(h->src, h->dst, payload, len);
        break;
    case 58: /* ICMPv6 for ::1: only ever from the loopback, between NET_LOOP6 addresses (icmp6_input checks) */
        icmp6_input(h->src, h->dst, h->ttl, payload, len);
        break;
    default:
        net_stats.ip_proto_drop++;
    }
}

static void ip_input_from(const u8 *pkt, size_t len, bool loopback)
{
    struct ip_hdr h;
    net_stats.ip_rx++;
    if (len < sizeof(h)) {
        net_stats.ip_bad_header++;
        return;
    }
    memcpy(&h, pkt, sizeof(h));
    size_t hlen = (size_t)(h.vihl & 15) * 4, total = net_ntohs(h.total_len);
    if (h.vihl >> 4 != 4 || hlen < IP_HLEN || hlen > len || total < hlen || total > len) {
        net_stats.ip_bad_header++;
        return;
    }
    if (net_csum_fold(net_csum_add(0, pkt, hlen)) != 0) {
        net_stats.ip_bad_csum++;
        return;
    }
    if (net_ntohs(h.frag) & (IP_MF | IP_OFFSET)) {
        net_stats.ip_frag_drop++; /* no reassembly */
        return;
    }
    /* Ours: our address or a broadcast; before DHCP has given us an address, whatever comes (the offer may be
     * unicast to the address being offered). 127/8 only ever arrives through loopback. */
    bool ours = loopback ? ip_is_local(h.dst)
                         : (h.dst & 0xff) != 127 && (!net_if.up || h.dst == net_if.addr || ip_is_broadcast(h.dst));
    if (!ours || (!loopback && ip6_mapped(h.src))) { /* a stand-in (net.h) never comes from the wire */
        net_stats.ip_not_ours++;
        return;
    }
    in_pkt = pkt;
    in_len = total;
    in_broadcast = ip_is_broadcast(h.dst);
    if (h.proto == IPPROTO_ICMP && total - hlen >= 8)
        icmp_sock_input(pkt, total, pkt + hlen, total - hlen); /* raw sockets see even what icmp_input drops */
    if (h.proto == 58 && !loopback) {
        net_stats.ip_proto_drop++; /* ICMPv6 inside IPv4 from the wire is nobody's */
        in_pkt = NULL;
        return;
    }
    ip_deliver(&h, pkt + hlen, total - hlen);
    in_pkt = NULL;
}

void ip_input(const u8 *pkt, size_t len)
{
    ip_input_from(pkt, len, false);
}

static int ip_loopback(const struct ip_hdr *h, const void *payload, size_t len)
{
    if (lo_count >= LOOPBACK_MAX) {
        net_stats.ip_tx_unreach++;
        return -ENOBUFS;
    }
    struct lo_pkt *p = kmalloc(sizeof(*p) + IP_HLEN + len);
    if (!p)
        return -ENOBUFS;
    p->next = NULL;
    p->len = IP_HLEN + len;
    memcpy(p->data, h, IP_HLEN);
    memcpy(p->data + IP_HLEN, payload, len);
    *lo_tail = p;
    lo_tail = &p->next;
    lo_count++;
    net_stats.ip_loopback++;
    net_timer_arm();
    return 0;
}

bool ip_loopback_pending(void)
{
    return lo_head != NULL;
}

void ip_loopback_drain(void)
{
    static bool draining;
    if (draining)
        return;
    draining = true;
    /* Packets that handlers queue while we deliver join the end of the list and are delivered in this pass. */
    while (lo_head) {
        struct lo_pkt *p = lo_head;
        lo_head = p->next;
        if (!lo_head)
            lo_tail = &lo_head;
        lo_count--;
        ip_input_from(p->data, p->len, true);
        kfree(p);
    }
    draining = false;
}

int ip_output(ip4_t src, ip4_t dst, u8 proto, const void *payload, size_t len)
{
    return ip_output_tos(src, dst, proto, 0, payload, len);
}

int ip_output_tos(ip4_t src, ip4_t dst, u8 proto, u8 tos, const void *payload, size_t len)
{
    static u16 next_id;
    bool local = ip_is_local(dst);
    if (len > ip_mtu_for(dst) - IP_HLEN)
        return -EMSGSIZE;
    if (ip6_mapped(dst) && !local)
        return ip6_output(src, dst, proto, payload, len);
    if (!local && !net_if.up && dst != IP4_BROADCAST) {
        net_stats.ip_tx_unreach++;
        return -ENETUNREACH;
    }
    ip4_t nh = dst;
    if (!local && !ip_is_broadcast(dst) && (dst & net_if.mask) != (net_if.addr & net_if.mask)) {
        if (!net_if.gw) {
            net_stats.ip_tx_unreach++;
            return -ENETUNREACH;
        }
        nh = net_if.gw;
    }
    struct ip_hdr h = {
        .vihl = 4 << 4 | IP_HLEN / 4,
        .tos = tos,
        .total_len = net_htons((u16)(IP_HLEN + len)),
        .id = net_htons(next_id++),
        .frag = net_htons(IP_DF),
        .ttl = IP_TTL,
        .proto = proto,
        .src = src ? src : ip_source_for(dst),
        .dst = dst,
    };
    h.csum = net_csum_fold(net_csum_add(0, &h, sizeof(h)));
    net_stats.ip_tx++;
    int r;
    if (local) {
        r = ip_loopback(&h, payload, len);
    } else {
        u8 frame[ETH_FRAME_BUF];
        memcpy(frame + ETH_HLEN, &h, sizeof(h));
        memcpy(frame + ETH_HLEN + IP_HLEN, payload, len);
        r = arp_output(nh, frame, IP_HLEN + len);
    }
    net_timer_poke(); /* whoever sent this may wait on a timer now (TCP's retransmission) */
    return r;
}
