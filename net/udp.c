/* net/udp.c — UDP (RFC 768, RFC 1122 4.1): protocol control blocks, ephemeral ports, checksums (always sent;
 * verified unless the sender left it 0), and a queue of received datagrams per pcb, bounded in bytes: when it
 * is full, new datagrams are dropped (and counted), as UDP allows. A kernel user (DHCP) may take datagrams
 * through a callback instead of the queue. Datagrams to a port nobody has bound get ICMP port unreachable. */
#include "net.h"
#include "../kernel/proc.h"
#include "../fs/vfs.h"
#include "../kernel/boot.h"

#define UDP_HLEN 8
#define UDP_RCVBUF (256 * 1024)      /* bytes of data queued per pcb */
#define EPHEMERAL_LO 49152
#define EPHEMERAL_HI 65535

struct udp_dgram {
    struct udp_dgram *next;
    ip4_t src;
    ip4_t dst;                       /* where it was sent (IP_PKTINFO) */
    u64 stamp;                       /* realtime ns of its arrival (SO_TIMESTAMP) */
    u8 tos;                          /* its IP header's TOS (IP_RECVTOS) */
    bool peeked;                     /* MSG_PEEK returned it (SO_PEEK_OFF) */
    u16 sport;
    size_t len;
    u8 data[];
};

struct udp_pcb {
    struct udp_pcb *next;
    ip4_t laddr;                     /* bound address (0: any) */
    ip4_t saddr;                     /* what getsockname shows after connect when laddr is 0 */
    u16 lport;                       /* network order; 0: not bound */
    u8 fam;                          /* enum net_fam: what laddr 0 covers (net.h) */
    ip4_t raddr;                     /* the connected peer, or 0 */
    u16 rport;
    struct udp_dgram *head, **tail;
    size_t queued;
    udp_recv_fn recv_fn;             /* a kernel receiver instead of the queue */
    int err;                         /* -errno from an ICMP error about what a connected pcb sent; 0: none */
    ip4_t rx_src, rx_dst;            /* of the datagram the last receive took or peeked */
    u8 rx_tos, tx_tos;               /* its TOS; what this pcb sends with (IP_TOS) */
    u64 rx_stamp;
};

struct udp_hdr {
    u16 sport, dport, len, csum;
} __attribute__((packed));

static struct udp_pcb *pcbs;

struct udp_pcb *udp_new(void)
{
    struct udp_pcb *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->tail = &p->head;
    p->next = pcbs;
    pcbs = p;
    return p;
}

static bool port_used(u16 port, u8 fam, ip4_t addr)
{
    for (struct udp_pcb *p = pcbs; p; p = p->next)
        if (p->lport == port && net_bind_overlap(p->fam, p->laddr, fam, addr))
            return true;
    return false;
}

/* A free port in 49152-65535, from a random start (RFC 6056's simplest algorithm); 0 if none is free. */
static u16 ephemeral_port(u8 fam, ip4_t addr)
{
    u16 start;
    random_fill(&start, sizeof(start));
    u32 range = EPHEMERAL_HI - EPHEMERAL_LO + 1;
    for (u32 i = 0; i < range; i++) {
        u16 port = net_htons((u16)(EPHEMERAL_LO + (start + i) % range));
        if (!port_used(port, fam, addr))
            return port;
    }
    return 0;
}

int udp_bind(struct udp_pcb *pcb, ip4_t addr, u16 port)
{
    if (pcb->lport)
        return -EINVAL;
    if (addr && addr != IP4_BROADCAST && !ip_is_local(addr))
        return -EADDRNOTAVAIL;
    if (!port) {
        port = ephemeral_port(pcb->fam, addr);
        if (!port)
            return -EADDRINUSE;
    } else if (port_used(port, pcb->fam, addr)) {
        return -EADDRINUSE;
    }
    pcb->laddr = addr;
    pcb->lport = port;
    return 0;
}

int udp_set_family(struct udp_pcb *pcb, u8 fam)
{
    if (pcb->lport)
        return -EINVAL; /* as Linux's IPV6_V6ONLY after bind */
    pcb->fam = fam;
    return 0;
}

int udp_connect(struct udp_pcb *pcb, ip4_t addr, u16 port)
{
    if (!addr && !port) { /* AF_UNSPEC: dissolve the association */
        pcb->raddr = 0;
        pcb->rport = 0;
        pcb->saddr = 0;
        return 0;
    }
    if (!ip_is_local(addr) && addr != IP4_BROADCAST && !ip6_mapped(addr) && !net_if.up)
        return -ENETUNREACH;
    if (!pcb->lport) {
        int r = udp_bind(pcb, 0, 0);
        if (r)
            return r;
    }
    pcb->raddr = addr;
    pcb->rport = port;
    pcb->saddr = pcb->laddr ? pcb->laddr : ip_source_for(addr);
    return 0;
}

ssize_t udp_sendto(struct udp_pcb *pcb, const void *kbuf, size_t n, ip4_t addr, u16 port)
{
    if (!addr && !port) {
        if (!pcb->rport)
            return -EDESTADDRREQ;
        addr = pcb->raddr;
        port = pcb->rport;
    }
    if (n > ip_mtu_for(addr) - IP_HLEN - UDP_HLEN)
        return -EMSGSIZE; /* no fragmentation: 1472 bytes on the card, 65507 on loopback */
    if (!pcb->lport) {
        int r = udp_bind(pcb, 0, 0);
        if (r)
            return r;
    }
    u8 *seg = kmalloc(UDP_HLEN + n);
    if (!seg)
        return -ENOBUFS;
    ip4_t src = pcb->laddr && pcb->laddr != IP4_BROADCAST ? pcb->laddr : ip_source_for(addr);
    struct udp_hdr h = { pcb->lport, port, net_htons((u16)(UDP_HLEN + n)), 0 };
    memcpy(seg, &h, sizeof(h));
    memcpy(seg + UDP_HLEN, kbuf, n);
    u16 c = ip_pseudo_csum(src, addr, IPPROTO_UDP, seg, UDP_HLEN + n);
    if (c == 0)
        c = 0xffff; /* 0 means "no checksum" */
    memcpy(seg + 6, &c, 2);
    int r = ip_output_tos(src, addr, IPPROTO_UDP, pcb->tx_tos, seg, UDP_HLEN + n);
    kfree(seg);
    if (r < 0)
        return r;
    net_stats.udp_tx++;
    return (ssize_t)n;
}

static void udp_rx_mark(struct udp_pcb *pcb, const struct udp_dgram *d)
{
    pcb->rx_src = d->src;
    pcb->rx_dst = d->dst;
    pcb->rx_stamp = d->stamp;
    pcb->rx_tos = d->tos;
}

u8 udp_rx_tos(const struct udp_pcb *pcb) { return pcb->rx_tos; }
void udp_set_tos(struct udp_pcb *pcb, u8 tos) { pcb->tx_tos = tos; }

/* SO_PEEK_OFF: datagrams that end at or before off are passed over (an empty one once it was peeked), as
 * Linux; the copy starts off bytes into the one found. */
ssize_t udp_peek_at(struct udp_pcb *pcb, void *kbuf, size_t n, ip4_t *addr, u16 *port, size_t off, size_t *full)
{
    struct udp_dgram *d = pcb->head;
    size_t skip = off;
    for (; d && skip >= d->len && (skip || d->peeked); d = d->next)
        skip -= d->len;
    if (!d)
        return -EAGAIN;
    size_t c = MIN(n, d->len - skip);
    memcpy(kbuf, d->data + skip, c);
    *full = d->len - skip;
    d->peeked = true;
    if (addr)
        *addr = d->src;
    if (port)
        *port = d->sport;
    udp_rx_mark(pcb, d);
    return (ssize_t)c;
}

void udp_rx_info(const struct udp_pcb *pcb, ip4_t *src, ip4_t *dst, u64 *stamp)
{
    *src = pcb->rx_src;
    *dst = pcb->rx_dst;
    *stamp = pcb->rx_stamp;
}

ssize_t udp_recvfrom(struct udp_pcb *pcb, void *kbuf, size_t n, ip4_t *addr, u16 *port, bool peek, size_t *full)
{
    struct udp_dgram *d = pcb->head;
    if (!d)
        return -EAGAIN;
    udp_rx_mark(pcb, d);
    d->peeked |= peek;
    size_t c = MIN(n, d->len);
    memcpy(kbuf, d->data, c);
    if (addr)
        *addr = d->src;
    if (port)
        *port = d->sport;
    if (full)
        *full = d->len;
    if (!peek) {
        pcb->head = d->next;
        if (!pcb->head)
            pcb->tail = &pcb->head;
        pcb->queued -= d->len;
        kfree(d);
    }
    return (ssize_t)c;
}

unsigned udp_poll(const struct udp_pcb *pcb)
{
    return (pcb->head ? POLLIN : 0) | POLLOUT | (pcb->err ? POLLERR : 0);
}

void udp_close(struct udp_pcb *pcb)
{
    struct udp_pcb **pp = &pcbs;
    while (*pp && *pp != pcb)
        pp = &(*pp)->next;
    if (*pp)
        *pp = pcb->next;
    while (pcb->head) {
        struct udp_dgram *d = pcb->head;
        pcb->head = d->next;
        kfree(d);
    }
    kfree(pcb);
}

void udp_local(const struct udp_pcb *pcb, ip4_t *addr, u16 *port)
{
    *addr = pcb->laddr ? pcb->laddr : pcb->saddr;
    *port = pcb->lport;
}

void udp_remote(const struct udp_pcb *pcb, ip4_t *addr, u16 *port)
{
    *addr = pcb->raddr;
    *port = pcb->rport;
}

ip4_t udp_bound_addr(const struct udp_pcb *pcb)
{
    return pcb->laddr;
}

int udp_error(struct udp_pcb *pcb)
{
    int e = pcb->err;
    pcb->err = 0;
    return e;
}

/* An ICMP error about a datagram we sent from src:sport to dst:dport. Only a connected pcb hears of it (as
 * Linux without IP_RECVERR): an unconnected one cannot tell which of its peers it concerns. */
void udp_icmp_error(ip4_t src, u16 sport, ip4_t dst, u16 dport, int err)
{
    for (struct udp_pcb *p = pcbs; p; p = p->next)
        if (p->lport == sport && p->rport == dport && p->raddr == dst && (!p->laddr || p->laddr == src) &&
            !p->recv_fn) {
            p->err = err;
            sched_kick_chan(p); /* the pcb is its socket's poll channel (net/inet.c) */
            return;
        }
}

void udp_set_recv(struct udp_pcb *pcb, udp_recv_fn fn)
{
    pcb->recv_fn = fn;
}

/* The pcb for a datagram: a connected one whose peer sent it first, then one bound to dst, then a wildcard. */
static struct udp_pcb *udp_demux(ip4_t src, u16 sport, ip4_t dst, u16 dport)
{
    struct udp_pcb *best = NULL;
    int best_score = -1;
    for (struct udp_pcb *p = pcbs; p; p = p->next) {
        if (p->lport != dport || (p->laddr && p->laddr != dst && p->laddr != IP4_BROADCAST))
            continue;
        if (!p->laddr && !net_any_accepts(p->fam, dst))
            continue;
        if (p->rport && (p->raddr != src || p->rport != sport))
            continue;
        int score = (p->rport ? 2 : 0) + (p->laddr ? 1 : 0);
        if (score > best_score) {
            best = p;
            best_score = score;
        }
    }
    return best;
}

void udp_input(ip4_t src, ip4_t dst, const u8 *seg, size_t len)
{
    struct udp_hdr h;
    net_stats.udp_rx++;
    if (len < UDP_HLEN) {
        net_stats.udp_bad++;
        return;
    }
    memcpy(&h, seg, sizeof(h));
    size_t ulen = net_ntohs(h.len);
    if (ulen < UDP_HLEN || ulen > len) {
        net_stats.udp_bad++;
        return;
    }
    if (h.csum && ip_pseudo_csum(src, dst, IPPROTO_UDP, seg, ulen) != 0) {
        net_stats.udp_bad_csum++;
        return;
    }
    struct udp_pcb *p = udp_demux(src, h.sport, dst, h.dport);
    if (!p) {
        net_stats.udp_no_port++;
        ip_port_unreachable();
        return;
    }
    const u8 *data = seg + UDP_HLEN;
    size_t n = ulen - UDP_HLEN;
    if (p->recv_fn) {
        p->recv_fn(src, h.sport, data, n);
        return;
    }
    if (p->queued + n > UDP_RCVBUF) {
        net_stats.udp_queue_full++;
        return;
    }
    struct udp_dgram *d = kmalloc(sizeof(*d) + n);
    if (!d) {
        net_stats.udp_queue_full++;
        return;
    }
    d->next = NULL;
    d->src = src;
    d->dst = dst;
    d->stamp = clock_realtime_ns();
    d->tos = ip_in_tos();
    d->peeked = false;
    d->sport = h.sport;
    d->len = n;
    memcpy(d->data, data, n);
    *p->tail = d;
    p->tail = &d->next;
    p->queued += n;
    sched_kick_chan(p); /* the receive path (interrupt context): the socket's readers and poll channel */
}

void udp_pcb_info(const struct udp_pcb *pcb, struct udp_pcb_info *out)
{
    *out = (struct udp_pcb_info){ .laddr = pcb->laddr, .raddr = pcb->raddr, .lport = pcb->lport,
                                  .rport = pcb->rport, .fam = pcb->fam, .queued = pcb->queued };
}
