/* net/icmp6.c — ICMPv6 on the card (RFC 4443): echo replies, destination unreachable for UDP to a closed port,
 * errors received about our UDP datagrams (for their connected sockets, as net/icmp.c does for IPv4), and
 * neighbour discovery handed to net/nd6.c. Every message also goes to the ICMPv6 sockets (raw ones through
 * their filters, echo replies to the ping socket of their identifier). The checksum was checked by ip6_input. */
#include "ip6.h"

#define ICMP6_UNREACH 1
#define ICMP6_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAMPROB 4
#define ICMP6_ECHO 128
#define ICMP6_ECHO_REPLY_T 129
#define ICMP6_ERR_MAX (IP6_MIN_MTU - IP6_HLEN - 8) /* RFC 4443 2.4 (c): the error fits in 1280 bytes */

/* RFC 4443 3.1's codes as Linux's icmpv6_err_convert gives them to sockets. */
static int unreach_errno(u8 type, u8 code)
{
    if (type == ICMP6_TIME_EXCEEDED)
        return -EHOSTUNREACH;
    if (type == ICMP6_PARAMPROB)
        return -EPROTO;
    switch (code) {
    case 0: return -ENETUNREACH;        /* no route */
    case 1: case 5: case 6: return -EACCES; /* administratively prohibited, policy, reject route */
    case 4: return -ECONNREFUSED;       /* port unreachable */
    default: return -EHOSTUNREACH;      /* beyond scope, address unreachable */
    }
}

/* An error quotes as much of our packet as fits (RFC 4443 2.4 c): its IPv6 header and, for UDP with no
 * extension headers, the ports that name the socket. */
static void error_input(u8 type, u8 code, const u8 *orig, size_t len)
{
    net_stats.icmp6_unreach_rx += type == ICMP6_UNREACH;
    if (len < IP6_HLEN + 8 || orig[0] >> 4 != 6 || orig[6] != IPPROTO_UDP)
        return;
    ip4_t src = ip6_map_find(orig + 8), dst = ip6_map_find(orig + 24);
    if (!src || !dst)
        return; /* no stand-in: no socket ever sent there */
    u16 sport, dport;
    memcpy(&sport, orig + IP6_HLEN, 2);
    memcpy(&dport, orig + IP6_HLEN + 2, 2);
    udp_icmp_error(src, sport, dst, dport, unreach_errno(type, code));
}

/* RFC 4443 4.2: the same identifier, sequence and data back, from the address asked (from our link-local one
 * for a multicast request, which Linux answers too). */
static void echo_reply(const u8 src[16], const u8 dst[16], const u8 *msg, size_t len)
{
    static u8 reply[ETH_FRAME_MAX];
    const u8 *from = ip6_is_multicast(dst) ? ip6_st.ll : dst;
    if (len > (size_t)ip6_st.mtu - IP6_HLEN || ip6_is_unspecified(src))
        return;
    memcpy(reply, msg, len);
    reply[0] = ICMP6_ECHO_REPLY_T;
    reply[2] = reply[3] = 0;
    u16 c = ip6_csum(from, src, IP6_NH_ICMP, reply, len);
    memcpy(reply + 2, &c, 2);
    if (ip6_send(from, src, IP6_NH_ICMP, ip6_st.hops, reply, len) == 0)
        net_stats.icmp6_echo_replied++;
}

void icmp6_wire_input(const u8 src[16], const u8 dst[16], u8 hops, const u8 *msg, size_t len)
{
    net_stats.icmp6_rx++;
    if (len < 4) {
        net_stats.icmp6_bad++;
        return;
    }
    u8 type = msg[0];
    if (type >= 133 && type <= 137) {
        if (len >= 8)
            nd6_input(src, dst, hops, msg, len);
        else
            net_stats.nd_bad++;
    } else if (type == ICMP6_ECHO && msg[1] == 0 && len >= 8) {
        echo_reply(src, dst, msg, len);
    } else if (type == ICMP6_UNREACH || type == ICMP6_TIME_EXCEEDED || type == ICMP6_PARAMPROB) {
        if (len >= 8)
            error_input(type, msg[1], msg + 8, len - 8);
    }
    /* ND messages and those from :: reach raw sockets too, from stand-ins (never allocated for multicast) */
    ip4_t s = ip6_map(src), d = ip6_is_multicast(dst) ? IP6_MAP_LL : ip6_map(dst);
    icmp6_sock_deliver(s, d, hops, msg, len);
}

void icmp6_send_unreach(u8 code, const u8 *pkt, size_t len)
{
    static u8 m[8 + ICMP6_ERR_MAX];
    const u8 *to = pkt + 8, *from = pkt + 24;
    if (ip6_is_unspecified(to) || ip6_is_multicast(to) || !ip6_addr_is_ours(from))
        return; /* RFC 4443 2.4 (e): never to an unspecified or multicast source */
    size_t n = MIN(len, (size_t)ICMP6_ERR_MAX);
    memset(m, 0, 8);
    m[0] = ICMP6_UNREACH;
    m[1] = code;
    memcpy(m + 8, pkt, n);
    u16 c = ip6_csum(from, to, IP6_NH_ICMP, m, 8 + n);
    memcpy(m + 2, &c, 2);
    if (ip6_send(from, to, IP6_NH_ICMP, ip6_st.hops, m, 8 + n) == 0)
        net_stats.icmp6_unreach_tx++;
}
