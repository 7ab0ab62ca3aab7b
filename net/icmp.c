/* net/icmp.c — ICMP (RFC 792): echo replies to pings, destination-unreachable messages for datagrams nobody
 * receives (RFC 1122 3.2.2.1: port unreachable), and errors received (unreachable, time exceeded, parameter
 * problem), passed to the UDP or ping socket concerned. Other types are counted and ignored. */
#include "net.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_ECHO 8
#define ICMP_UNREACH_PORT 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMPROB 12

struct icmp_hdr {
    u8 type, code;
    u16 csum;
    u32 rest;           /* echo: identifier and sequence; unreachable: unused (zero) */
} __attribute__((packed));

/* A destination-unreachable message quotes the IP header and the first 8 bytes of what we sent (RFC 792):
 * a UDP datagram's connected socket learns the error (RFC 1122 4.1.3.3). Port unreachable is ECONNREFUSED,
 * the rest EHOSTUNREACH (net, host, protocol, ...). TCP ignores these (soft errors, RFC 1122 4.2.3.9). */
static void icmp_unreach_input(u8 code, const u8 *orig, size_t len)
{
    if (len < IP_HLEN || (orig[0] >> 4) != 4)
        return;
    size_t hlen = (size_t)(orig[0] & 15) * 4;
    if (hlen < IP_HLEN || len < hlen + 8 || orig[9] != IPPROTO_UDP)
        return;
    ip4_t src, dst;
    u16 sport, dport;
    memcpy(&src, orig + 12, 4);
    memcpy(&dst, orig + 16, 4);
    memcpy(&sport, orig + hlen, 2);
    memcpy(&dport, orig + hlen + 2, 2);
    udp_icmp_error(src, sport, dst, dport, code == ICMP_UNREACH_PORT ? -ECONNREFUSED : -EHOSTUNREACH);
}

void icmp_input(ip4_t src, ip4_t dst, const u8 *msg, size_t len)
{
    struct icmp_hdr h;
    net_stats.icmp_rx++;
    if (len < sizeof(h) || net_csum_fold(net_csum_add(0, msg, len)) != 0) {
        net_stats.icmp_bad++;
        return;
    }
    memcpy(&h, msg, sizeof(h));
    if (h.type == ICMP_UNREACH || h.type == ICMP_TIME_EXCEEDED || h.type == ICMP_PARAMPROB) {
        net_stats.icmp_unreach_rx += h.type == ICMP_UNREACH;
        if (h.type == ICMP_UNREACH)
            icmp_unreach_input(h.code, msg + sizeof(h), len - sizeof(h));
        icmp_sock_error(src, ip_in_ttl(), h.type, h.code, msg + sizeof(h), len - sizeof(h)); /* ping sockets */
        return;
    }
    if (h.type != ICMP_ECHO || h.code != 0)
        return;
    /* RFC 1122 3.2.2.6: answer with the same identifier, sequence and data; never answer a broadcast ping
     * (allowed either way; answering is how ping floods amplify). */
    if (dst != net_if.addr && !ip_is_local(dst))
        return;
    if (len > (size_t)net_if.mtu - IP_HLEN)
        return;
    u8 *reply = kmalloc(len);
    if (!reply)
        return;
    memcpy(reply, msg, len);
    reply[0] = ICMP_ECHO_REPLY;
    reply[2] = reply[3] = 0;
    u16 c = net_csum_fold(net_csum_add(0, reply, len));
    memcpy(reply + 2, &c, 2);
    if (ip_output(dst, src, IPPROTO_ICMP, reply, len) == 0)
        net_stats.icmp_echo_replied++;
    kfree(reply);
}

/* Port unreachable for the datagram ip_pkt (its IP header and at least 8 bytes of it, RFC 792). */
void icmp_port_unreachable(const u8 *ip_pkt, size_t len)
{
    struct { struct icmp_hdr h; u8 data[IP_HLEN + 40 + 8]; } m; /* header, options, 8 bytes */
    size_t hlen = (size_t)(ip_pkt[0] & 15) * 4, n = MIN(len, hlen + 8);
    if (n > sizeof(m.data))
        n = sizeof(m.data);
    memset(&m.h, 0, sizeof(m.h));
    m.h.type = ICMP_UNREACH;
    m.h.code = ICMP_UNREACH_PORT;
    memcpy(m.data, ip_pkt, n);
    m.h.csum = net_csum_fold(net_csum_add(0, &m, sizeof(m.h) + n));
    ip4_t src, dst;
    memcpy(&src, ip_pkt + 12, 4);
    memcpy(&dst, ip_pkt + 16, 4);
    if (ip_output(dst, src, IPPROTO_ICMP, &m, sizeof(m.h) + n) == 0)
        net_stats.icmp_unreach_tx++;
}
