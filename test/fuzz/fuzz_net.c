/* test/fuzz/fuzz_net.c — the network's input path (net/eth.c, arp.c, ip.c, icmp.c, udp.c, tcp*.c) and the DHCP
 * client (net/dhcp.c) against the fake NIC of test/unit/net_fake.h. The first byte picks what the rest is:
 * even, an Ethernet frame given to eth_input as it is (a UDP socket on port 5000 and a TCP listener on port 80
 * wait behind it); odd, a DHCP message from the server, wrapped in a well-formed frame to port 68 and, unless
 * bit 1 says otherwise, given the client's transaction id and MAC so that it reaches the option parser and the
 * state machine. Time moves on every 256 inputs: TCP, ARP, ND and DHCP run their timers. Seeds: a UDP datagram,
 * an ARP request, an ICMP echo, a TCP SYN with options, and a DHCP OFFER and ACK; over IPv6 (net/ip6*.c, which
 * has its link-local address from the start), a router advertisement, a neighbour solicitation, an echo
 * request behind a hop-by-hop header, a UDP datagram and a TCP SYN. */
#include <stdio.h>
#include "fuzz.h"
#include "../unit/net_fake.h"
#include "../../fs/vfs.h"

const char fuzz_target_name[] = "net";

/* dhcp.c writes /etc/resolv.conf on a lease: no file system here, so there is never an /etc. */
struct inode *vfs_root;
struct inode *ramfs_lookup(struct inode *dir, const char *name, size_t len) { (void)dir, (void)name, (void)len; return NULL; }
struct inode *ramfs_mkdir(struct inode *dir, const char *name, u32 mode, int *err)
{
    (void)dir, (void)name, (void)mode;
    *err = -ENOSPC;
    return NULL;
}
struct inode *ramfs_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    (void)dir, (void)name, (void)mode;
    *err = -ENOSPC;
    return NULL;
}
ssize_t ramfs_pwrite(struct inode *ino, const void *buf, size_t n, u64 off) { (void)ino, (void)buf, (void)off; return (ssize_t)n; }

#define DHCP_FIXED 240 /* op .. magic: where the options start */

static struct udp_pcb *udp5000;
static struct tcp_pcb *listener;
static u32 dhcp_xid;
static unsigned long inputs;

/* The client's current transaction id, from the last DISCOVER or REQUEST it sent (it picks a new one when it
 * starts over). */
static void note_xid(void)
{
    for (int i = 0; i < nsent && i < MAXF; i++) {
        const u8 *f = sent[i];
        if (sent_len[i] >= 14 + 20 + 8 + 8 && f[12] == 8 && f[13] == 0 && f[23] == IPPROTO_UDP && f[36] == 0 &&
            f[37] == 67)
            memcpy(&dhcp_xid, f + 14 + 20 + 8 + 4, 4);
    }
}

static void once(void)
{
    if (udp5000)
        return;
    srand(1);
    setup();
    net_if.up = false; /* DHCP brings it up */
    udp5000 = udp_new();
    udp_bind(udp5000, 0, net_htons(5000));
    listener = tcp_new();
    tcp_bind(listener, 0, net_htons(80));
    tcp_listen(listener, 8);
    nsent = 0;
    dhcp_start();
    nd6_start();
    note_xid();
}

static void dhcp_input(const u8 *msg, size_t n, bool keep_ids)
{
    static u8 m[1400], seg[1500], ip[1500], f[ETH_FRAME_BUF];
    n = n > sizeof(m) ? sizeof(m) : n;
    memcpy(m, msg, n);
    if (keep_ids && n >= DHCP_FIXED) {
        memcpy(m + 4, &dhcp_xid, 4);
        memcpy(m + 28, net_if.mac, 6);
    }
    size_t l = mk_udp_n(seg, GW, IP4_BROADCAST, 67, 68, m, n, true);
    size_t fl = mk_frame(f, eth_broadcast, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, IP4_BROADCAST, IPPROTO_UDP, seg, l));
    u8 *exact = malloc(fl);
    memcpy(exact, f, fl);
    eth_input(exact, fl);
    free(exact);
}

static void settle(void)
{
    u8 buf[64];
    size_t full;
    while (udp_recvfrom(udp5000, buf, sizeof(buf), NULL, NULL, false, &full) >= 0)
        ;
    if (ip_loopback_pending())
        ip_loopback_drain();
    note_xid();
    if (++inputs % 256 == 0) {
        fake_now += 700000000ull;
        tcp_timer(fake_now);
        arp_timer(fake_now);
        nd6_timer(fake_now);
        dhcp_timer(fake_now);
        note_xid();
        int err;
        struct tcp_pcb *a;
        while ((a = tcp_accept(listener, &err)))
            tcp_close(a);
    }
    setup(); /* whatever a lease set, the next input finds the interface as the seeds expect it */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    once();
    if (size < 1)
        return 0;
    nsent = 0;
    if (data[0] & 1) {
        dhcp_input(data + 1, size - 1, !(data[0] & 2));
    } else {
        u8 *exact = malloc(size - 1 ? size - 1 : 1); /* exactly the frame: ASan sees a read past its end */
        memcpy(exact, data + 1, size - 1);
        eth_input(exact, size - 1);
        free(exact);
    }
    settle();
    return 0;
}

static void seed_frame(const u8 *f, size_t n)
{
    u8 s[ETH_FRAME_BUF + 1];
    s[0] = 0;
    memcpy(s + 1, f, n);
    fuzz_add_seed(s, n + 1);
}

static void seed_dhcp(u8 type, bool lease_options)
{
    u8 s[1 + DHCP_FIXED + 64] = { 1 };
    u8 *m = s + 1, *o = m + DHCP_FIXED;
    m[0] = 2; /* BOOTREPLY */
    m[1] = 1;
    m[2] = 6;
    ip4_t yi = US, srv = GW, mask = NET_IP4(255, 255, 255, 0), dns = NET_IP4(10, 0, 2, 3);
    memcpy(m + 16, &yi, 4);
    m[236] = 0x63, m[237] = 0x82, m[238] = 0x53, m[239] = 0x63;
    *o++ = 53, *o++ = 1, *o++ = type;
    *o++ = 54, *o++ = 4, memcpy(o, &srv, 4), o += 4;
    if (lease_options) {
        *o++ = 1, *o++ = 4, memcpy(o, &mask, 4), o += 4;
        *o++ = 3, *o++ = 4, memcpy(o, &srv, 4), o += 4;
        *o++ = 6, *o++ = 4, memcpy(o, &dns, 4), o += 4;
        *o++ = 51, *o++ = 4, *o++ = 0, *o++ = 1, *o++ = 0x51, *o++ = 0x80;
    }
    *o++ = 0, *o++ = 255;
    fuzz_add_seed(s, (size_t)(o - s));
}

void fuzz_make_seeds(void)
{
    u8 f[ETH_FRAME_BUF], seg[256], ip[1500];
    seed_frame(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip,
                           mk_ip(ip, GW, US, IPPROTO_UDP, seg, mk_udp(seg, GW, US, 9, 5000, "fuzzing data", true))));
    seed_frame(f, mk_arp(f, 1, gw_mac, GW, US, eth_broadcast));
    u8 icmp[16] = { 8 };
    u16 ic = net_csum_fold(net_csum_add(0, icmp, sizeof(icmp)));
    memcpy(icmp + 2, &ic, 2);
    seed_frame(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_ICMP, icmp, 16)));
    u8 syn[28] = { 0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x70, 0x02, 0xff, 0xff, 0, 0, 0, 0,
                   2, 4, 5, 0xb4, 3, 3, 7, 0 /* MSS, window scale 7 */ };
    u16 c = ip_pseudo_csum(GW, US, IPPROTO_TCP, syn, sizeof(syn));
    memcpy(syn + 16, &c, 2);
    seed_frame(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP, ip, mk_ip(ip, GW, US, IPPROTO_TCP, syn, sizeof(syn))));
    /* IPv6: to our link-local address (the global one exists once an advertisement was taken) */
    u8 m[128], ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56 };
    u8 all[16] = { 0xff, 0x02, [15] = 1 };
    seed_frame(f, mk_frame(f, mc6_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, r6_ll, all, 58, 255, m, mk_ra(m), 2)));
    u8 ns[32] = { 135 };
    memcpy(ns + 8, ll, 16);
    ns[24] = 1, ns[25] = 1, memcpy(ns + 26, gw_mac, 6);
    seed_frame(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, r6_ll, ll, 58, 255, ns, 32, 2)));
    u8 hbh[8 + 16] = { 58, 0, 1, 4, [8] = 128 };
    size_t n6 = mk_ip6(ip, r6_ll, ll, 0, 64, hbh, sizeof(hbh), -1);
    u16 c6 = ip6_csum(r6_ll, ll, 58, ip + 48, 16);
    memcpy(ip + 50, &c6, 2);
    seed_frame(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, n6));
    u8 u6[8 + 6] = { 0x30, 0x39, 0x13, 0x88, 0, 14, 0, 0, 'f', 'u', 'z', 'z', '6', '!' };
    seed_frame(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, r6_ll, ll, IPPROTO_UDP, 64, u6, 14, 6)));
    seed_frame(f, mk_frame(f, our_mac, gw_mac, ETHERTYPE_IP6, ip, mk_ip6(ip, r6_ll, ll, IPPROTO_TCP, 64, syn, 28, 16)));
    seed_dhcp(2 /* OFFER */, false);
    seed_dhcp(5 /* ACK */, true);
    seed_dhcp(6 /* NAK */, false);
}
