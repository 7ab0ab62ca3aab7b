/* test/unit/test_net.c — the lower network layers (net/eth.c, arp.c, ip.c, icmp.c, udp.c, csum.c) built on the
 * host against a fake NIC that records what the stack transmits: checksums, ARP answers and resolution with
 * queued packets, ICMP echo, UDP delivery and its errors, loopback, and a fuzz run of mutated and random frames
 * through every layer down to TCP's listener (under ASan/UBSan: any out-of-bounds read is a failure). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../net/net.h"
#include "../../fs/vfs.h"
#include "net_fake.h"

/* The big-endian reference sum of RFC 1071 section 1, to compare net_csum_* with. */
static u16 ref_csum(const u8 *p, size_t n)
{
    u32 s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (u32)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (u32)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (u16)~s;
}

static void test_csum(void)
{
    const u8 rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    u16 c = net_csum_fold(net_csum_add(0, rfc, sizeof(rfc)));
    u8 *b = (u8 *)&c;
    CHECK(b[0] == 0x22 && b[1] == 0x0d, "csum: RFC 1071's example sums to 0xddf2 (stored as ~: 22 0d)");
    u8 buf[1501];
    int ok = 1;
    for (int n = 0; n <= 1501 && ok; n += 7) {
        for (int i = 0; i < n; i++)
            buf[i] = (u8)rand();
        u16 got = net_csum_fold(net_csum_add(0, buf, (size_t)n)), want = ref_csum(buf, (size_t)n);
        ok = ((u8 *)&got)[0] == (want >> 8) && ((u8 *)&got)[1] == (want & 0xff);
    }
    CHECK(ok, "csum: equals the reference on random data of every length (odd ones too)");
}

static void test_arp_and_icmp(void)
{
    u8 f[ETH_FRAME_BUF];
    nsent = 0;
    size_t n = mk_arp(f, 1, gw_mac, GW, US, eth_broadcast);
    eth_input(f, n);
    CHECK(nsent == 1 && sent[0][21] == 2 && !memcmp(sent[0], gw_mac, 6) && !memcmp(sent[0] + 22, our_mac, 6),
          "arp: a request for our address gets a reply to the asker");

    /* An echo request from an address we do not know yet: the reply waits for ARP. */
    ip4_t peer = NET_IP4(10, 0, 2, 7);
    const u8 peer_mac[6] = { 2, 0, 0, 0, 0, 7 };
    u8 icmp[64] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1 };
    for (int i = 8; i < 64; i++)
        icmp[i] = (u8)i;
    u16 c = net_csum_fold(net_csum_add(0, icmp, sizeof(icmp)));
    memcpy(icmp + 2, &c, 2);
    u8 ip[1500];
    size_t il = mk_ip(ip, peer, US, IPPROTO_ICMP, icmp, sizeof(icmp));
    nsent = 0;
    fake_raw_calls = 0;
    eth_input(f, mk_frame(f, our_mac, peer_mac, ETHERTYPE_IP, ip, il));
    CHECK(nsent == 1 && sent[0][12] == 8 && sent[0][13] == 6 && sent[0][21] == 1,
          "icmp: the echo reply to an unknown neighbour first sends an ARP request");
    CHECK(fake_raw_calls == 1 && fake_raw_ip_len == il && fake_raw_msg_off == 20,
          "icmp: raw sockets are offered the whole IP packet, the message after its header");
    n = mk_arp(f, 2, peer_mac, peer, US, our_mac);
    eth_input(f, n);
    CHECK(nsent == 2 && !memcmp(sent[1], peer_mac, 6), "arp: the answer releases the queued reply to its MAC");
    const u8 *r = sent[1] + 14;
    CHECK(net_csum_fold(net_csum_add(0, r, 20)) == 0 && r[9] == IPPROTO_ICMP && !memcmp(r + 16, &peer, 4),
          "icmp: the reply's IP header is valid and goes back to the sender");
    CHECK(r[20] == 0 && net_csum_fold(net_csum_add(0, r + 20, 64)) == 0 && !memcmp(r + 24, icmp + 4, 60),
          "icmp: echo reply with a valid checksum, the same id, sequence and data");

    /* ICMPv6 inside IPv4 (how skiff carries ::1's over the loopback) is nobody's when it comes from the wire. */
    u64 pdrop = net_stats.ip_proto_drop;
    il = mk_ip(ip, peer, US, 58, icmp, sizeof(icmp));
    eth_input(f, mk_frame(f, our_mac, peer_mac, ETHERTYPE_IP, ip, il));
    CHECK(fake_icmp6_calls == 0 && net_stats.ip_proto_drop == pdrop + 1,
          "ip: protocol 58 from the card is dropped, never given to icmp6_input");

    /* Unanswered ARP: 3 requests a second apart, then the queued packet is dropped. */
    u64 drops = net_stats.arp_unresolved_drop;
    nsent = 0;
    ip_output(0, NET_IP4(10, 0, 2, 99), IPPROTO_UDP, "x", 1);
    for (int i = 0; i < 5; i++) {
        fake_now += 1000000001ull;
        arp_timer(fake_now);
    }
    CHECK(nsent == 3 && net_stats.arp_unresolved_drop == drops + 1 && !arp_timer_needed(),
          "arp: three requests, then the waiting packet is dropped and counted");
}

static void test_udp(void)
{
    struct udp_pcb *p = udp_new();
    CHECK(udp_bind(p, 0, net_htons(5000)) == 0, "udp: bind port 5000");
    struct udp_pcb *q = udp_new();
    CHECK(udp_bind(q, 0, net_htons(5000)) == -EADDRINUSE, "udp: the same port again: EADDRINUSE");
    CHECK(udp_bind(q, NET_IP4(192, 0, 2, 1), 0) == -EADDRNOTAVAIL, "udp: a foreign address: EADDRNOTAVAIL");
    u8 seg[256], ip[1500], f[ETH_FRAME_BUF];
    size_t l = mk_udp(seg, GW, US, 1234, 5000, "hello", true);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_UDP, seg, l)));
    char buf[16] = { 0 };
    ip4_t from;
    u16 port;
    size_t full;
    CHECK(udp_recvfrom(p, buf, sizeof(buf), &from, &port, false, &full) == 5 && !strcmp(buf, "hello") &&
              from == GW && port == net_htons(1234) && full == 5,
          "udp: a datagram with a good checksum is delivered with its sender");
    l = mk_udp(seg, GW, US, 1234, 5000, "nosum", false);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_UDP, seg, l)));
    CHECK(udp_recvfrom(p, buf, 2, NULL, NULL, false, &full) == 2 && full == 5, "udp: checksum 0 means none; truncation reports the full length");
    u64 bad = net_stats.udp_bad_csum;
    l = mk_udp(seg, GW, US, 1234, 5000, "hello", true);
    seg[9] ^= 1;
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_UDP, seg, l)));
    CHECK(net_stats.udp_bad_csum == bad + 1 && udp_recvfrom(p, buf, 16, NULL, NULL, false, &full) == -EAGAIN,
          "udp: a bad checksum is dropped and counted");
    /* to a closed port: ICMP port unreachable back to the (resolved) gateway */
    nsent = 0;
    l = mk_udp(seg, GW, US, 1234, 5001, "x", true);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_UDP, seg, l)));
    CHECK(nsent == 1 && sent[0][14 + 9] == IPPROTO_ICMP && sent[0][34] == 3 && sent[0][35] == 3,
          "udp: a closed port answers ICMP port unreachable");
    nsent = 0;
    size_t il = mk_ip(ip, GW, IP4_BROADCAST, IPPROTO_UDP, seg, mk_udp(seg, GW, IP4_BROADCAST, 1, 5001, "x", true));
    eth_input(f, mk_frame(f, eth_broadcast, gw_mac, ETHERTYPE_IP, ip, il));
    CHECK(nsent == 0, "udp: never an ICMP error about a broadcast");
    /* sending: header, checksum over the pseudo-header */
    nsent = 0;
    CHECK(udp_sendto(p, "abc", 3, GW, net_htons(53)) == 3 && nsent == 1, "udp: sendto to the gateway");
    const u8 *r = sent[0] + 14;
    CHECK(ip_pseudo_csum(US, GW, IPPROTO_UDP, r + 20, 11) == 0,
          "udp: the datagram's checksum verifies");
    /* an ICMP port unreachable quoting that datagram reaches the pcb once it is connected to that peer */
    u8 icmp[8 + 28] = { 3, 3 };
    memcpy(icmp + 8, r, 28);
    u16 ic = net_csum_fold(net_csum_add(0, icmp, sizeof(icmp)));
    memcpy(icmp + 2, &ic, 2);
    size_t iml = mk_ip(ip, GW, US, IPPROTO_ICMP, icmp, sizeof(icmp));
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, iml));
    CHECK(udp_error(p) == 0, "udp: an unconnected pcb hears of no ICMP error");
    udp_connect(p, GW, net_htons(53));
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, iml));
    CHECK(udp_poll(p) & POLLERR, "udp: a connected pcb polls POLLERR after port unreachable");
    CHECK(udp_error(p) == -ECONNREFUSED && udp_error(p) == 0, "udp: the error is ECONNREFUSED, once");
    udp_connect(p, 0, 0);
    char big[1500] = { 0 };
    CHECK(udp_sendto(p, big, 1473, GW, net_htons(53)) == -EMSGSIZE, "udp: beyond the MTU: EMSGSIZE (no fragments)");
    /* loopback: delivered from the drain, never from inside ip_output */
    struct udp_pcb *lo = udp_new();
    udp_bind(lo, NET_IP4(127, 0, 0, 1), net_htons(7000));
    nsent = 0;
    CHECK(udp_sendto(p, "loop", 4, NET_IP4(127, 0, 0, 1), net_htons(7000)) == 4 && nsent == 0 &&
              udp_recvfrom(lo, buf, 16, NULL, NULL, true, &full) == -EAGAIN && ip_loopback_pending(),
          "loopback: queued, not delivered inside the send");
    ip_loopback_drain();
    CHECK(udp_recvfrom(lo, buf, 16, &from, NULL, false, &full) == 4 && from == NET_IP4(127, 0, 0, 1),
          "loopback: delivered by the drain, from 127.0.0.1");
    net_if.up = false;
    CHECK(ip_output(0, GW, IPPROTO_UDP, "x", 1) == -ENETUNREACH, "ip: interface down: ENETUNREACH");
    net_if.up = true;
    udp_close(p);
    udp_close(q);
    udp_close(lo);
}

/* Mutated valid frames and random ones: the stack must drop what is wrong without reading out of bounds. */
static void test_fuzz(void)
{
    struct udp_pcb *p = udp_new();
    udp_bind(p, 0, net_htons(5000));
    u8 base[4][ETH_FRAME_BUF], seg[256], ip[1500];
    size_t blen[4];
    blen[0] = mk_frame(base[0], our_mac, gw_mac, ETHERTYPE_IP, ip,
                       mk_ip(ip, GW, US, IPPROTO_UDP, seg, mk_udp(seg, GW, US, 9, 5000, "fuzzing data", true)));
    blen[1] = mk_arp(base[1], 1, gw_mac, GW, US, eth_broadcast);
    u8 icmp[16] = { 8 };
    blen[2] = mk_frame(base[2], our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_ICMP, icmp, 16));
    /* a SYN (with an MSS option) to a listener on port 80 */
    struct tcp_pcb *l = tcp_new();
    CHECK(l && tcp_bind(l, 0, net_htons(80)) == 0 && tcp_listen(l, 8) == 0, "fuzz: a TCP listener on port 80");
    u8 syn[24] = { 0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0, 2, 4, 5, 0xb4 };
    u16 c = ip_pseudo_csum(GW, US, IPPROTO_TCP, syn, sizeof(syn));
    memcpy(syn + 16, &c, 2);
    blen[3] = mk_frame(base[3], our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_TCP, syn, sizeof(syn)));
    u8 *f = malloc(ETH_FRAME_BUF);
    int done = 0, tcp_answers = 0;
    for (int i = 0; i < 200000; i++, done++) {
        int k = rand() % 5;
        size_t n;
        if (k == 4) {
            n = (size_t)rand() % ETH_FRAME_MAX;
            for (size_t j = 0; j < n; j++)
                f[j] = (u8)rand();
        } else {
            n = blen[k];
            memcpy(f, base[k], n);
            for (int m = rand() % 4; m > 0; m--) /* 0 to 3 bit flips */
                f[rand() % n] ^= (u8)(1 << (rand() % 8));
            if (rand() % 4 == 0)
                n = (size_t)rand() % (n + 1); /* truncated */
        }
        u8 *exact = malloc(n ? n : 1); /* exactly n bytes: ASan catches a read past the end */
        memcpy(exact, f, n);
        nsent = 0;
        eth_input(exact, n);
        free(exact);
        for (int j = 0; j < nsent && j < MAXF; j++)
            tcp_answers += sent[j][12] == 8 && sent[j][13] == 0 && sent[j][23] == IPPROTO_TCP;
        u8 buf[64];
        size_t full;
        while (udp_recvfrom(p, buf, sizeof(buf), NULL, NULL, false, &full) >= 0)
            ;
        if (ip_loopback_pending())
            ip_loopback_drain();
        if (i % 1000 == 0) { /* time passes: TCP retransmits its SYN-ACKs and gives up on them */
            fake_now += 700000000ull;
            tcp_timer(fake_now);
            arp_timer(fake_now);
            int err;
            struct tcp_pcb *a;
            while ((a = tcp_accept(l, &err)))
                tcp_close(a);
        }
    }
    free(f);
    CHECK(done == 200000, "fuzz: 200000 mutated, truncated and random frames without a fault (ASan watching)");
    CHECK(tcp_answers > 1000, "fuzz: the intact SYNs reached TCP and were answered (%d segments)", tcp_answers);
    CHECK(net_stats.ip_bad_csum > 0 && net_stats.ip_bad_header > 0 && net_stats.eth_rx_short > 0,
          "fuzz: the bad ones were counted as dropped");
    udp_close(p);
    tcp_close(l);
}

/* ---- IPv6 on the card ---- */

/* The last frame sent, if it is IPv6 with a valid upper-layer checksum at csum_off: its IPv6 header. */
static const u8 *sent6(int i, int csum_off)
{
    if (i >= nsent || sent_len[i] < 14 + 40 || sent[i][12] != 0x86 || sent[i][13] != 0xdd)
        return NULL;
    const u8 *p = sent[i] + 14;
    size_t n = (size_t)(p[4] << 8 | p[5]);
    if (40 + n > sent_len[i] - 14 || (csum_off >= 0 && ip6_csum(p + 8, p + 24, p[6], p + 40, n) != 0))
        return NULL;
    return p;
}

static void test_ip6_nd(void)
{
    u8 f[ETH_FRAME_BUF], ip[1500], m[128];
    nsent = 0;
    nd6_start();
    const u8 *p = sent6(0, 2);
    static const u8 ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56 };
    CHECK(ip6_st.ll_ok && !memcmp(ip6_st.ll, ll, 16), "ip6: the link-local address is fe80::EUI-64 of the MAC");
    CHECK(nsent == 1 && p && p[40] == 133 && p[7] == 255 && !memcmp(sent[0], "\x33\x33\0\0\0\x02", 6) &&
          !memcmp(p + 8, ll, 16), "ip6: a router solicitation leaves at start, to ff02::2 (33:33:0:0:0:2), hop limit 255");
    nsent = 0;
    eth_input(f, mk_frame(f, mc6_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, r6_ll, (const u8 *)"\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 58, 255, m, mk_ra(m), 2)));
    static const u8 g[16] = { 0xfe, 0xc0, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56 };
    CHECK(ip6_st.global_ok && !memcmp(ip6_st.global, g, 16) && ip6_st.have_router && ip6_st.have_dns,
          "ip6: the router's advertisement gives fec0::5054:ff:fe12:3456 (SLAAC), the router and the DNS server");
    /* An RA with hop limit 64 is not from this link: ignored. */
    ip6_st.global_ok = false;
    size_t n = mk_ip6(ip, r6_ll, ll, 58, 64, m, mk_ra(m), 2);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, n));
    CHECK(!ip6_st.global_ok, "ip6: an advertisement with a hop limit below 255 is ignored (RFC 4861 6.1.2)");
    ip6_st.global_ok = true;

    /* A neighbour solicitation for our global address, to its solicited-node group: a solicited NA back. */
    u8 sn[16];
    ip6_solicited_node(g, sn);
    u8 ns[32] = { 135 };
    memcpy(ns + 8, g, 16);
    ns[24] = 1, ns[25] = 1, memcpy(ns + 26, gw_mac, 6);
    u8 sn_mac[6] = { 0x33, 0x33, 0xff, 0x12, 0x34, 0x56 };
    nsent = 0;
    eth_input(f, mk_frame(f, sn_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, sn, 58, 255, ns, 32, 2)));
    p = sent6(0, 2);
    CHECK(nsent == 1 && p && p[40] == 136 && (p[44] & 0x60) == 0x60 && !memcmp(p + 48, g, 16) &&
          !memcmp(p + 24, h6, 16) && !memcmp(sent[0], gw_mac, 6) && p[64] == 2 && !memcmp(p + 66, our_mac, 6),
          "ip6: a solicitation for our address gets a solicited, override NA with our MAC, to the asker");
    ns[8] ^= 1; /* another target */
    nsent = 0;
    eth_input(f, mk_frame(f, sn_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, sn, 58, 255, ns, 32, 2)));
    CHECK(nsent == 0, "ip6: a solicitation for an address not ours gets no answer");

    /* An echo request from fec0::2: the reply goes back at once (its MAC was learnt from the NS). */
    u8 echo[24] = { 128, 0, 0, 0, 0x12, 0x34, 0, 7, 'p', 'i', 'n', 'g' };
    nsent = 0;
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, g, 58, 64, echo, 24, 2)));
    p = sent6(0, 2);
    CHECK(nsent == 1 && p && p[40] == 129 && !memcmp(p + 44, echo + 4, 20) && !memcmp(p + 8, g, 16) &&
          !memcmp(p + 24, h6, 16), "ip6: an echo request is answered (ICMPv6 echo reply, same identifier and data)");
    echo[8] ^= 1; /* a bad checksum */
    nsent = 0;
    n = mk_ip6(ip, h6, g, 58, 64, echo, 24, -1);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, n));
    CHECK(nsent == 0 && net_stats.ip6_bad_csum > 0, "ip6: an echo request with a bad checksum is dropped");
}

static void test_ip6_udp(void)
{
    u8 f[ETH_FRAME_BUF], ip[1500], seg[256], buf[64];
    struct udp_pcb *p = udp_new();
    udp_set_family(p, NET_FAM_V6);
    CHECK(udp_bind(p, 0, net_htons(5301)) == 0, "ip6 udp: bind [::]:5301");
    const u8 *g = ip6_st.global;
    u8 d[8 + 5] = { 0x30, 0x39, 0x14, 0xb5, 0, 13, 0, 0, 'h', 'e', 'l', 'l', 'o' };
    memcpy(seg, d, sizeof(d));
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, g, IPPROTO_UDP, 64, seg, 13, 6)));
    ip4_t from;
    u16 port;
    size_t full;
    ssize_t r = udp_recvfrom(p, buf, sizeof(buf), &from, &port, false, &full);
    u8 a[16];
    CHECK(r == 5 && !memcmp(buf, "hello", 5) && port == net_htons(12345) && ip6_unmap(from, a) && !memcmp(a, h6, 16),
          "ip6 udp: a datagram from [fec0::2]:12345 arrives, its sender's stand-in naming fec0::2");
    seg[6] = seg[7] = 0; /* RFC 8200 8.1: no zero checksum over IPv6 */
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, g, IPPROTO_UDP, 64, seg, 13, -1)));
    CHECK(udp_recvfrom(p, buf, sizeof(buf), &from, &port, false, &full) == -EAGAIN,
          "ip6 udp: a datagram with checksum 0 is dropped");

    nsent = 0;
    CHECK(udp_sendto(p, "back", 4, from, net_htons(12345)) == 4, "ip6 udp: sendto the stand-in of fec0::2");
    const u8 *q = sent6(0, 6);
    CHECK(nsent == 1 && q && q[6] == IPPROTO_UDP && !memcmp(q + 8, g, 16) && !memcmp(q + 24, h6, 16) &&
          !memcmp(q + 48, "back", 4) && q[44] == 0 && q[45] == 12,
          "ip6 udp: it leaves as IPv6 from our SLAAC address, checksummed over the IPv6 pseudo-header");

    memcpy(seg, d, sizeof(d));
    seg[3] = 0xb6; /* port 5302: nobody */
    nsent = 0;
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, g, IPPROTO_UDP, 64, seg, 13, 6)));
    q = sent6(0, 2);
    CHECK(nsent == 1 && q && q[40] == 1 && q[41] == 4 && !memcmp(q + 48, ip, 40),
          "ip6 udp: a datagram to a closed port gets ICMPv6 port unreachable quoting it");

    udp_connect(p, from, net_htons(12345));
    u8 err[8 + 40 + 8] = { 1, 4 };
    mk_ip6(err + 8, g, h6, IPPROTO_UDP, 64, "\x14\xb5\x30\x39\0\x0c\0\0", 8, -1);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, g, 58, 64, err, sizeof(err), 2)));
    CHECK(udp_error(p) == -ECONNREFUSED, "ip6 udp: an ICMPv6 port unreachable reaches the connected socket");
    udp_close(p);
}

/* The stand-ins: stable for an address, ours fixed, and past 1008 peers the oldest reused (found no more). */
static void test_ip6_map(void)
{
    u8 a[16] = { 0x20, 0x01, 0x0d, 0xb8 }, back[16];
    ip4_t first = 0, s = 0;
    int ok = 1;
    for (int i = 0; i < 3000 && ok; i++) {
        a[14] = (u8)(i >> 8), a[15] = (u8)i;
        s = ip6_map(a);
        ok = ip6_mapped(s) && s != IP6_MAP_LL && s != IP6_MAP_GLOBAL && ip6_map(a) == s &&
             ip6_unmap(s, back) && !memcmp(back, a, 16);
        if (!i)
            first = s;
    }
    CHECK(ok, "ip6 map: 3000 addresses, each with one stand-in of 240.6/16 that names it back");
    a[14] = 0, a[15] = 0;
    CHECK(ip6_map_find(a) == 0 && ip6_unmap(first, back) && memcmp(back, a, 16),
          "ip6 map: the oldest stand-in was reused for a newer address");
    int found = 0;
    for (int i = 3000 - 1000; i < 3000; i++) {
        a[14] = (u8)(i >> 8), a[15] = (u8)i;
        found += ip6_map_find(a) != 0;
    }
    CHECK(found == 1000, "ip6 map: the newest 1000 are all found (hash chains intact across reuse)");
    CHECK(ip6_map_find(ip6_st.global) == IP6_MAP_GLOBAL && ip6_map_find(ip6_st.ll) == IP6_MAP_LL &&
          ip6_is_ours(IP6_MAP_GLOBAL) && ip_is_local(IP6_MAP_GLOBAL) && !ip_is_local(s),
          "ip6 map: our addresses keep their fixed stand-ins, which are local");
    u8 f[ETH_FRAME_BUF], ip[1500], seg[64];
    u64 before = net_stats.ip_not_ours;
    size_t n = mk_udp(seg, s, US, 9, 5000, "spoof", true);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, s, US, IPPROTO_UDP, seg, n)));
    CHECK(net_stats.ip_not_ours == before + 1, "ip6 map: an IPv4 packet from a stand-in address off the wire is dropped");
}

/* Malformed IPv6 frames are dropped and counted; none is answered. */
static void test_ip6_bad(void)
{
    u8 f[ETH_FRAME_BUF], ip[1500], echo[16] = { 128 };
    const u8 *g = ip6_st.global;
    size_t n = mk_ip6(ip, h6, g, 58, 64, echo, 16, 2);
    u64 bad = net_stats.ip6_bad_header;
    nsent = 0;
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, 39));       /* short */
    ip[0] = 0x40;
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, n));        /* version 4 */
    ip[0] = 0x60, ip[5] = 17;
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, n));        /* payload length past the end */
    CHECK(net_stats.ip6_bad_header == bad + 3 && nsent == 0, "ip6: short, wrong version, too long: dropped");
    u8 ext[8 + 16] = { 58, 0, 0xc2, 4 };                                      /* hop-by-hop: jumbo payload */
    memcpy(ext + 8, echo, 16);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, g, 0, 64, ext, 24, -1)));
    ext[0] = 58, ext[1] = 0, ext[2] = 0, ext[3] = 0;                         /* a fragment header */
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, g, 44, 64, ext, 24, -1)));
    CHECK(nsent == 0 && net_stats.ip6_ext_drop > 0 && net_stats.ip6_frag_drop > 0,
          "ip6: an option that says discard, and fragments, are dropped");
    ext[2] = 1, ext[3] = 4;                                                   /* PadN: skipped, the echo answered */
    u8 e2[24];
    memcpy(e2, ext, 24);
    n = mk_ip6(ip, h6, g, 0, 64, e2, 24, -1);
    u16 c = ip6_csum(h6, g, 58, ip + 48, 16);
    memcpy(ip + 50, &c, 2);
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, n));
    CHECK(nsent == 1, "ip6: a hop-by-hop header with padding is skipped and the echo behind it answered");
    nsent = 0;
    u8 other[16] = { 0xfe, 0xc0, [15] = 9 };
    eth_input(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, h6, other, 58, 64, echo, 16, 2)));
    CHECK(nsent == 0 && net_stats.ip6_not_ours > 0, "ip6: a packet for another address is not ours");
}

int main(void)
{
    srand(1);
    setup();
    test_csum();
    test_arp_and_icmp();
    test_udp();
    test_ip6_nd();
    test_ip6_udp();
    test_ip6_bad();
    test_ip6_map();
    test_fuzz();
    return unit_done();
}
