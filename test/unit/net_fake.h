/* test/unit/net_fake.h — what the network stack needs from the rest of the kernel, faked for host builds, and a
 * fake NIC that records what the stack transmits; with builders of test frames. Shared by test/unit/test_net.c and
 * test/fuzz/fuzz_net.c (each includes it once: the definitions are static or the ones the stack links to). */
#ifndef SKIFF_NET_FAKE_H
#define SKIFF_NET_FAKE_H
#include <stdlib.h>
#include <string.h>
#include "../../net/net.h"

/* ---- what the stack needs from the rest of the kernel ---- */
static u64 fake_now = 1000000000ull;
u64 clock_monotonic_ns(void) { return fake_now; }
u64 clock_realtime_ns(void) { return fake_now; } /* SO_TIMESTAMP stamps on UDP and TCP data */
void random_fill(void *buf, size_t n) { for (size_t i = 0; i < n; i++) ((u8 *)buf)[i] = (u8)rand(); }
void sched_kick_io(void) {}
void sched_kick_chan(const void *chan) { (void)chan; }
void timer_check_needed(void) {}
void net_timer_arm(void) {}
void net_timer_poke(void) {}
/* the socket layer's side of urgent data: no sockets here */
bool tcp_sock_oobinline(const struct socket *s) { (void)s; return false; }
void tcp_sock_sigurg(struct socket *s) { (void)s; }
void klog(const char *fmt, ...) { (void)fmt; }
void kerr(const char *fmt, ...) { (void)fmt; }
/* ICMP sockets (net/icmp_rx.c, net/icmp_err.c): what net/ip.c and net/icmp.c hand them, recorded. */
int fake_raw_calls, fake_icmp6_calls;
size_t fake_raw_ip_len, fake_raw_msg_off;
void icmp_sock_input(const u8 *ip, size_t ip_len, const u8 *msg, size_t len)
{
    fake_raw_calls++;
    fake_raw_ip_len = ip_len;
    fake_raw_msg_off = (size_t)(msg - ip);
    (void)len;
}
void icmp_sock_error(ip4_t from, u8 ttl, u8 type, u8 code, const u8 *orig, size_t len)
{
    (void)from, (void)ttl, (void)type, (void)code, (void)orig, (void)len;
}
void icmp6_input(ip4_t src, ip4_t dst, u8 hops, const u8 *msg, size_t len)
{
    (void)src, (void)dst, (void)hops, (void)msg, (void)len;
    fake_icmp6_calls++;
}
int fake_icmp6_wire_calls;
void icmp6_sock_deliver(ip4_t src, ip4_t dst, u8 hops, const u8 *msg, size_t len)
{
    (void)src, (void)dst, (void)hops, (void)msg, (void)len;
    fake_icmp6_wire_calls++;
}

/* ---- the fake NIC ---- */
#define MAXF 64
static u8 sent[MAXF][ETH_FRAME_BUF];
static size_t sent_len[MAXF];
static int nsent;

static int fake_xmit(const void *frame, size_t len)
{
    if (nsent < MAXF) {
        memcpy(sent[nsent], frame, len);
        sent_len[nsent] = len;
    }
    nsent++;
    return 0;
}

static const u8 our_mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
static const u8 gw_mac[6] = { 0x52, 0x55, 10, 0, 2, 2 };
#define US NET_IP4(10, 0, 2, 15)
#define GW NET_IP4(10, 0, 2, 2)

static void setup(void)
{
    memcpy(net_if.mac, our_mac, 6);
    net_if.present = net_if.up = true;
    net_if.mtu = 1500;
    net_if.addr = US;
    net_if.mask = NET_IP4(255, 255, 255, 0);
    net_if.gw = GW;
    net_if.xmit = fake_xmit;
}

/* Builds an IPv4 packet (header checksum filled) at p; returns its length. */
static size_t mk_ip(u8 *p, ip4_t src, ip4_t dst, u8 proto, const void *payload, size_t n)
{
    memset(p, 0, 20);
    p[0] = 0x45;
    p[2] = (u8)((20 + n) >> 8);
    p[3] = (u8)(20 + n);
    p[8] = 64;
    p[9] = proto;
    memcpy(p + 12, &src, 4);
    memcpy(p + 16, &dst, 4);
    u16 c = net_csum_fold(net_csum_add(0, p, 20));
    memcpy(p + 10, &c, 2);
    memcpy(p + 20, payload, n);
    return 20 + n;
}

static size_t mk_frame(u8 *f, const u8 *dst_mac, const u8 *src_mac, u16 type, const void *payload, size_t n)
{
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    f[12] = (u8)(type >> 8);
    f[13] = (u8)type;
    memcpy(f + 14, payload, n);
    return 14 + n;
}

static size_t mk_arp(u8 *f, u16 op, const u8 *sha, ip4_t spa, ip4_t tpa, const u8 *dst_mac)
{
    u8 a[28] = { 0, 1, 8, 0, 6, 4, 0, (u8)op };
    memcpy(a + 8, sha, 6);
    memcpy(a + 14, &spa, 4);
    memcpy(a + 24, &tpa, 4);
    return mk_frame(f, dst_mac, sha, ETHERTYPE_ARP, a, sizeof(a));
}

/* A UDP datagram of n bytes of data at seg (checksum filled if csum); returns its length. */
static size_t mk_udp_n(u8 *seg, ip4_t src, ip4_t dst, u16 sport, u16 dport, const void *data, size_t n, bool csum)
{
    size_t l = 8 + n;
    u16 h[4] = { net_htons(sport), net_htons(dport), net_htons((u16)l), 0 };
    memcpy(seg, h, 8);
    memcpy(seg + 8, data, n);
    if (csum) {
        u16 c = ip_pseudo_csum(src, dst, IPPROTO_UDP, seg, l);
        memcpy(seg + 6, &c, 2);
    }
    return l;
}

static size_t mk_udp(u8 *seg, ip4_t src, ip4_t dst, u16 sport, u16 dport, const char *data, bool csum)
{
    return mk_udp_n(seg, src, dst, sport, dport, data, strlen(data), csum);
}

/* ---- IPv6 (net/ip6*.c) ---- */
#include "../../net/ip6.h"
static const u8 r6_ll[16] = { 0xfe, 0x80, [15] = 2 };   /* QEMU's router, fe80::2 */
static const u8 h6[16] = { 0xfe, 0xc0, [15] = 2 };      /* QEMU's host, fec0::2 */
static const u8 mc6_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };

/* An IPv6 packet at p (payload copied; its checksum at csum_off filled unless csum_off < 0); its length. */
static size_t mk_ip6(u8 *p, const u8 *src, const u8 *dst, u8 next, u8 hops, const void *payload, size_t n,
                     int csum_off)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    p[4] = (u8)(n >> 8);
    p[5] = (u8)n;
    p[6] = next;
    p[7] = hops;
    memcpy(p + 8, src, 16);
    memcpy(p + 24, dst, 16);
    memcpy(p + 40, payload, n);
    if (csum_off >= 0) {
        p[40 + csum_off] = p[41 + csum_off] = 0;
        u16 c = ip6_csum(src, dst, next, p + 40, n);
        memcpy(p + 40 + csum_off, &c, 2);
    }
    return 40 + n;
}

/* QEMU's router advertisement: lifetime 1800 s, our MAC for fe80::2, fec0::/64 on-link and autonomous, DNS
 * fec0::3. Its length. */
static size_t mk_ra(u8 *m)
{
    size_t n = 16;
    memset(m, 0, 16 + 8 + 32 + 24);
    m[0] = 134, m[4] = 64, m[6] = 0x07, m[7] = 0x08;
    m[n] = 1, m[n + 1] = 1, memcpy(m + n + 2, gw_mac, 6), n += 8;
    m[n] = 3, m[n + 1] = 4, m[n + 2] = 64, m[n + 3] = 0xc0, m[n + 7] = 0xff, m[n + 11] = 0xff;
    memcpy(m + n + 16, h6, 8), n += 32;
    m[n] = 25, m[n + 1] = 3, m[n + 7] = 0xff, memcpy(m + n + 8, h6, 16), m[n + 23] = 3, n += 24;
    return n;
}

#endif
