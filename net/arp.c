/* net/arp.c — the Address Resolution Protocol for IPv4 over Ethernet (RFC 826), with a small cache.
 *
 * An entry is FREE, PENDING (a request is out; up to ARP_QUEUE packets wait for the answer) or RESOLVED
 * (valid until it expires, ARP_TTL; after that the next packet asks again). A request is repeated every
 * ARP_RETRY_NS, ARP_TRIES times in all, then the waiting packets are dropped. We answer requests for our
 * address and, as RFC 826's "merge" step says, refresh what we know about any sender. */
#include "net.h"
#include "../kernel/boot.h"

#define ARP_ENTRIES 16
#define ARP_QUEUE 4
#define ARP_TTL_NS (120ull * 1000000000ull)
#define ARP_RETRY_NS 1000000000ull
#define ARP_TRIES 3
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_pkt {
    u16 htype, ptype;
    u8 hlen, plen;
    u16 op;
    u8 sha[6];
    ip4_t spa;
    u8 tha[6];
    ip4_t tpa;
} __attribute__((packed));
_Static_assert(sizeof(struct arp_pkt) == 28, "RFC 826 packet for Ethernet/IPv4");

enum arp_state { ARP_FREE, ARP_PENDING, ARP_RESOLVED };

struct arp_entry {
    enum arp_state state;
    ip4_t ip;
    u8 mac[6];
    u64 expires;            /* RESOLVED: when to ask again; PENDING: when to repeat the request */
    int tries;              /* requests sent so far */
    int nq;
    struct { u8 *frame; size_t len; } q[ARP_QUEUE]; /* frames of ETH_FRAME_BUF bytes, IP length len */
};

static struct arp_entry cache[ARP_ENTRIES];

static struct arp_entry *arp_find(ip4_t ip)
{
    for (int i = 0; i < ARP_ENTRIES; i++)
        if (cache[i].state != ARP_FREE && cache[i].ip == ip)
            return &cache[i];
    return NULL;
}

static void arp_drop_queue(struct arp_entry *e)
{
    for (int i = 0; i < e->nq; i++) {
        kfree(e->q[i].frame);
        net_stats.arp_unresolved_drop++;
    }
    e->nq = 0;
}

/* A free entry, else the resolved one closest to expiry (a pending one is never stolen: packets wait on it). */
static struct arp_entry *arp_slot(void)
{
    struct arp_entry *victim = NULL;
    for (int i = 0; i < ARP_ENTRIES; i++) {
        if (cache[i].state == ARP_FREE)
            return &cache[i];
        if (cache[i].state == ARP_RESOLVED && (!victim || cache[i].expires < victim->expires))
            victim = &cache[i];
    }
    return victim;
}

static int arp_send(u16 op, const u8 tha[6], ip4_t tpa, const u8 dst[6])
{
    u8 frame[ETH_FRAME_BUF];
    struct arp_pkt *a = (struct arp_pkt *)(frame + ETH_HLEN);
    a->htype = net_htons(1);
    a->ptype = net_htons(ETHERTYPE_IP);
    a->hlen = 6;
    a->plen = 4;
    a->op = net_htons(op);
    memcpy(a->sha, net_if.mac, 6);
    a->spa = net_if.addr;
    memcpy(a->tha, tha, 6);
    a->tpa = tpa;
    net_stats.arp_tx++;
    return eth_xmit(frame, dst, ETHERTYPE_ARP, sizeof(*a));
}

static void arp_request(struct arp_entry *e)
{
    static const u8 zero[6];
    e->tries++;
    e->expires = clock_monotonic_ns() + ARP_RETRY_NS;
    arp_send(ARP_OP_REQUEST, zero, e->ip, eth_broadcast);
    net_timer_arm();
}

static int arp_xmit_ip(const u8 mac[6], u8 *frame, size_t len)
{
    return eth_xmit(frame, mac, ETHERTYPE_IP, len);
}

int arp_output(ip4_t nh, u8 *frame, size_t len)
{
    if (len > ETH_FRAME_MAX - ETH_HLEN)
        return -EMSGSIZE;
    if (nh == IP4_BROADCAST || (net_if.mask != 0xffffffffu && nh == (net_if.addr | ~net_if.mask)))
        return arp_xmit_ip(eth_broadcast, frame, len);
    u64 now = clock_monotonic_ns();
    struct arp_entry *e = arp_find(nh);
    if (e && e->state == ARP_RESOLVED && e->expires > now)
        return arp_xmit_ip(e->mac, frame, len);
    if (!e) {
        e = arp_slot();
        if (!e) { /* every entry waits for an answer: this packet is lost, as on a congested link */
            net_stats.arp_queue_full++;
            return 0;
        }
        memset(e, 0, sizeof(*e));
        e->ip = nh;
    }
    if (e->state != ARP_PENDING) { /* new, or expired: ask (again) */
        e->state = ARP_PENDING;
        e->tries = 0;
        arp_request(e);
    }
    if (e->nq == ARP_QUEUE) {
        net_stats.arp_queue_full++;
        return 0; /* a datagram lost; TCP retransmits */
    }
    void *copy = kmalloc(ETH_FRAME_BUF);
    if (!copy)
        return -ENOBUFS;
    memcpy(copy, frame, ETH_HLEN + len);
    e->q[e->nq].frame = copy;
    e->q[e->nq].len = len;
    e->nq++;
    net_stats.arp_queued++;
    return 0;
}

/* What we now know about ip: record it and send whatever waited for it. */
static void arp_learn(struct arp_entry *e, ip4_t ip, const u8 mac[6])
{
    e->ip = ip;
    memcpy(e->mac, mac, 6);
    e->state = ARP_RESOLVED;
    e->expires = clock_monotonic_ns() + ARP_TTL_NS;
    for (int i = 0; i < e->nq; i++) {
        arp_xmit_ip(e->mac, e->q[i].frame, e->q[i].len);
        kfree(e->q[i].frame);
    }
    e->nq = 0;
}

void arp_input(const u8 *pkt, size_t len)
{
    struct arp_pkt a;
    net_stats.arp_rx++;
    if (len < sizeof(a)) {
        net_stats.arp_bad++;
        return;
    }
    memcpy(&a, pkt, sizeof(a));
    if (a.htype != net_htons(1) || a.ptype != net_htons(ETHERTYPE_IP) || a.hlen != 6 || a.plen != 4) {
        net_stats.arp_bad++;
        return;
    }
    if (a.spa == 0 || a.sha[0] & 1) /* a probe (RFC 5227) or a multicast sender: nothing to learn */
        goto answer;
    bool for_us = net_if.addr && a.tpa == net_if.addr;
    struct arp_entry *e = arp_find(a.spa);
    if (e)
        arp_learn(e, a.spa, a.sha);           /* merge: refresh what we had */
    else if (for_us && (e = arp_slot()))
        arp_learn(e, a.spa, a.sha);           /* it talks to us: we will answer it soon */
answer:
    if (net_if.addr && a.tpa == net_if.addr && a.op == net_htons(ARP_OP_REQUEST))
        arp_send(ARP_OP_REPLY, a.sha, a.spa, a.sha);
}

void arp_timer(u64 now)
{
    for (int i = 0; i < ARP_ENTRIES; i++) {
        struct arp_entry *e = &cache[i];
        if (e->state != ARP_PENDING || e->expires > now)
            continue;
        if (e->tries < ARP_TRIES) {
            arp_request(e);
        } else {
            klog("net: arp: no answer for %u.%u.%u.%u; %d packet(s) dropped\n", e->ip & 0xff,
                 (e->ip >> 8) & 0xff, (e->ip >> 16) & 0xff, e->ip >> 24, e->nq);
            arp_drop_queue(e);
            e->state = ARP_FREE;
        }
    }
}

bool arp_timer_needed(void)
{
    for (int i = 0; i < ARP_ENTRIES; i++)
        if (cache[i].state == ARP_PENDING)
            return true;
    return false;
}
