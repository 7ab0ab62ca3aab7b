/* net/ip6.c — the IPv6 header layer (RFC 8200) on the card: checks on the way in, extension headers walked
 * (hop-by-hop and destination options skipped when their options allow it, routing headers with no segments
 * left skipped; fragments and the rest dropped and counted, as skiff does not reassemble), and headers on the
 * way out. The transports keep 32-bit addresses (net.h): input maps the addresses to stand-ins and turns the
 * TCP/UDP checksum into the one over the IPv4-style pseudo-header of those stand-ins, which the transports
 * check; ip6_output does the reverse and recomputes the checksum over the IPv6 pseudo-header (RFC 8200 8.1).
 * A malformed packet is dropped and counted, never answered (no parameter problem messages). */
#include "ip6.h"

#define NH_HOPOPT 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_NONE 59
#define NH_DSTOPTS 60

struct ip6_state ip6_st = { .hops = IP6_HOPS };

u16 ip6_csum(const u8 src[16], const u8 dst[16], u8 next, const void *msg, size_t len)
{
    u8 ph[8] = { 0 };
    u32 l = net_htonl((u32)len);
    memcpy(ph, &l, 4);
    ph[7] = next;
    u32 sum = net_csum_add(net_csum_add(net_csum_add(0, src, 16), dst, 16), ph, sizeof(ph));
    return net_csum_fold(net_csum_add(sum, msg, len));
}

/* Where the checksum of an upper-layer message lies, -1 for a protocol without one we handle. */
static int csum_offset(u8 next)
{
    return next == IPPROTO_TCP ? 16 : next == IPPROTO_UDP ? 6 : next == IP6_NH_ICMP ? 2 : -1;
}

/* ---- input ---- */

static const u8 *in_pkt;              /* the packet being delivered, for ICMPv6 errors about it */
static size_t in_len;
static bool in_multicast;

bool ip6_port_unreachable(void)
{
    if (!in_pkt)
        return false;
    if (!in_multicast) /* RFC 4443 2.4 (e.3): never about a packet sent to a multicast address */
        icmp6_send_unreach(4, in_pkt, in_len);
    return true;
}

/* The options of a hop-by-hop or destination options header (RFC 8200 4.2): Pad1 and PadN pass, router
 * alert (hop-by-hop) too; an unknown option's two high bits say skip (00) or discard (the rest, which would
 * also send a parameter problem: skiff only drops). */
static bool opts_ok(const u8 *h, size_t hlen)
{
    for (size_t i = 2; i < hlen;) {
        u8 type = h[i];
        if (type == 0) {
            i++;
            continue;
        }
        if (i + 2 > hlen || i + 2 + h[i + 1] > hlen)
            return false;
        if (type != 1 && type != 5 && (type & 0xc0))
            return false;
        i += 2 + (size_t)h[i + 1];
    }
    return true;
}

/* Walks the extension headers from *next at pkt + *off; false drops the packet. */
static bool ext_skip(const u8 *pkt, size_t end, u8 *next, size_t *off)
{
    bool first = true;
    for (;; first = false) {
        u8 nh = *next;
        if (nh == NH_FRAGMENT) {
            net_stats.ip6_frag_drop++;
            return false;
        }
        if (nh != NH_HOPOPT && nh != NH_ROUTING && nh != NH_DSTOPTS)
            return nh != NH_NONE;
        if ((nh == NH_HOPOPT && !first) || *off + 8 > end) { /* hop-by-hop only right after the header */
            net_stats.ip6_ext_drop++;
            return false;
        }
        const u8 *h = pkt + *off;
        size_t hlen = ((size_t)h[1] + 1) * 8;
        if (*off + hlen > end || (nh != NH_ROUTING && !opts_ok(h, hlen)) || (nh == NH_ROUTING && h[3] != 0)) {
            net_stats.ip6_ext_drop++; /* a routing header with segments left would make us a router */
            return false;
        }
        *next = h[0];
        *off += hlen;
    }
}

/* TCP or UDP: the checksum checked over the IPv6 pseudo-header, then rewritten for the stand-ins' IPv4-style
 * pseudo-header in a copy, and delivered. */
static void ip6_transport(const struct ip6_hdr *h, u8 next, const u8 *seg, size_t n)
{
    static u8 buf[ETH_FRAME_MAX]; /* interrupts off: one delivery at a time */
    int off = csum_offset(next);
    if (n < (size_t)off + 2 || n > sizeof(buf)) {
        net_stats.ip6_bad_header++;
        return;
    }
    if ((next == IPPROTO_UDP && !seg[6] && !seg[7]) || ip6_csum(h->src, h->dst, next, seg, n) != 0) {
        net_stats.ip6_bad_csum++; /* RFC 8200 8.1: a zero UDP checksum is an error over IPv6 */
        return;
    }
    ip4_t src = ip6_map(h->src), dst = ip6_map(h->dst);
    memcpy(buf, seg, n);
    buf[off] = buf[off + 1] = 0;
    u16 c = ip_pseudo_csum(src, dst, next, buf, n);
    if (!c)
        c = 0xffff; /* the same sum: UDP's "no checksum" is 0 */
    memcpy(buf + off, &c, 2);
    if (next == IPPROTO_UDP)
        udp_input(src, dst, buf, n);
    else
        tcp_input(src, dst, buf, n);
}

void ip6_input(const u8 *pkt, size_t len)
{
    struct ip6_hdr h;
    net_stats.ip6_rx++;
    if (len < IP6_HLEN) {
        net_stats.ip6_bad_header++;
        return;
    }
    memcpy(&h, pkt, sizeof(h));
    size_t plen = net_ntohs(h.plen);
    if (net_ntohl(h.vtf) >> 28 != 6 || plen > len - IP6_HLEN || ip6_is_multicast(h.src)) {
        net_stats.ip6_bad_header++; /* a payload length of 0 (a jumbogram) is longer than any frame */
        return;
    }
    if (!ip6_st.ll_ok || !ip6_addr_listened(h.dst)) {
        net_stats.ip6_not_ours++;
        return;
    }
    size_t end = IP6_HLEN + plen, off = IP6_HLEN;
    u8 next = h.next;
    if (!ext_skip(pkt, end, &next, &off))
        return;
    in_pkt = pkt;
    in_len = end;
    in_multicast = ip6_is_multicast(h.dst);
    if (next == IP6_NH_ICMP) {
        if (ip6_csum(h.src, h.dst, next, pkt + off, end - off) != 0)
            net_stats.ip6_bad_csum++;
        else
            icmp6_wire_input(h.src, h.dst, h.hops, pkt + off, end - off);
    } else if ((next == IPPROTO_TCP || next == IPPROTO_UDP) && !in_multicast && !ip6_is_unspecified(h.src)) {
        ip6_transport(&h, next, pkt + off, end - off);
    } else {
        net_stats.ip6_proto_drop++;
    }
    in_pkt = NULL;
}

/* ---- output ---- */

int ip6_send(const u8 src[16], const u8 dst[16], u8 next, u8 hops, const void *payload, size_t len)
{
    if (!net_if.present || !ip6_st.ll_ok) {
        net_stats.ip6_tx_unreach++;
        return -ENETUNREACH;
    }
    if (len > (size_t)ip6_st.mtu - IP6_HLEN)
        return -EMSGSIZE;
    u8 frame[ETH_FRAME_BUF];
    struct ip6_hdr h = { .vtf = net_htonl(6u << 28), .plen = net_htons((u16)len), .next = next, .hops = hops };
    memcpy(h.src, src, 16);
    memcpy(h.dst, dst, 16);
    memcpy(frame + ETH_HLEN, &h, sizeof(h));
    memcpy(frame + ETH_HLEN + IP6_HLEN, payload, len);
    net_stats.ip6_tx++;
    int r = nd6_output(dst, frame, IP6_HLEN + len);
    net_timer_poke();
    return r;
}

/* From ip_output: a packet between stand-ins, its checksum computed by the transport over their IPv4-style
 * pseudo-header, recomputed here over the real addresses. */
int ip6_output(ip4_t src4, ip4_t dst4, u8 proto, const void *payload, size_t len)
{
    u8 src[16], dst[16];
    if (!src4)
        src4 = ip6_source_for(dst4);
    if (!ip6_unmap(dst4, dst) || !ip6_is_ours(src4) || !ip6_unmap(src4, src)) {
        net_stats.ip6_tx_unreach++;
        return -ENETUNREACH;
    }
    static u8 buf[ETH_FRAME_MAX]; /* interrupts off: one packet at a time */
    if (len > sizeof(buf) || len > (size_t)ip6_st.mtu - IP6_HLEN)
        return -EMSGSIZE;
    memcpy(buf, payload, len);
    int off = csum_offset(proto);
    if (off >= 0 && len >= (size_t)off + 2) {
        buf[off] = buf[off + 1] = 0;
        u16 c = ip6_csum(src, dst, proto, buf, len);
        if (!c && proto == IPPROTO_UDP)
            c = 0xffff;
        memcpy(buf + off, &c, 2);
    }
    return ip6_send(src, dst, proto, ip6_st.hops, buf, len);
}
