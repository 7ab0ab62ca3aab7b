/* net/tcp_demux.c — which control block a segment is for, in O(1) however many connections exist: connections
 * (every block that has a peer: SYN-SENT on) hashed by their four-tuple, listeners on a list of their own. A
 * server closing hundreds of short connections a second holds as many in TIME-WAIT, and each segment walked
 * them all. Blocks stay in the hash from the moment they have a peer until tcp_free; a block that went back to
 * CLOSED (or a TIME-WAIT one dropped) is skipped by its state, as the list walk skipped it. Runs in the network
 * stack's context (the NIC's interrupt and syscalls, one CPU with interrupts off in the kernel: with SMP, the
 * stack's lock). */
#include "tcp.h"

#define DEMUX_BUCKETS 1024
static struct tcp_pcb *conn_hash[DEMUX_BUCKETS];
static struct tcp_pcb *listeners;

static unsigned tuple_bucket(ip4_t raddr, u16 lport, u16 rport)
{
    u32 h = raddr ^ ((u32)lport << 16 | rport);
    h ^= h >> 16;
    h *= 0x45d9f3bu;
    h ^= h >> 16;
    return h % DEMUX_BUCKETS;
}

/* pcb has its peer (raddr, rport) and local port: segments find it from now on. */
void tcp_demux_add(struct tcp_pcb *pcb)
{
    tcp_demux_del(pcb); /* a connect again after a failed one: the peer may have changed */
    struct tcp_pcb **b = &conn_hash[tuple_bucket(pcb->raddr, pcb->lport, pcb->rport)];
    pcb->hnext = *b;
    *b = pcb;
    pcb->hashed = true;
}

void tcp_demux_del(struct tcp_pcb *pcb)
{
    if (pcb->hashed) {
        for (struct tcp_pcb **pp = &conn_hash[tuple_bucket(pcb->raddr, pcb->lport, pcb->rport)]; *pp;
             pp = &(*pp)->hnext)
            if (*pp == pcb) {
                *pp = pcb->hnext;
                break;
            }
        pcb->hashed = false;
    }
    if (pcb->listed) {
        for (struct tcp_pcb **pp = &listeners; *pp; pp = &(*pp)->lnext)
            if (*pp == pcb) {
                *pp = pcb->lnext;
                break;
            }
        pcb->listed = false;
    }
}

void tcp_demux_listen(struct tcp_pcb *pcb)
{
    if (pcb->listed)
        return;
    pcb->lnext = listeners;
    listeners = pcb;
    pcb->listed = true;
}

/* The live connection (not CLOSED, not listening) with this four-tuple, newest first; NULL: none. */
struct tcp_pcb *tcp_demux_conn(ip4_t laddr, u16 lport, ip4_t raddr, u16 rport)
{
    for (struct tcp_pcb *p = conn_hash[tuple_bucket(raddr, lport, rport)]; p; p = p->hnext)
        if (p->state != TCP_CLOSED && p->state != TCP_LISTEN && p->lport == lport && p->rport == rport &&
            p->raddr == raddr && p->laddr == laddr)
            return p;
    return NULL;
}

/* The listener for a segment to dst:port: one bound to dst itself wins over one bound to any address that
 * covers dst. */
struct tcp_pcb *tcp_demux_listener(ip4_t dst, u16 port)
{
    struct tcp_pcb *any = NULL;
    for (struct tcp_pcb *p = listeners; p; p = p->lnext) {
        if (p->state != TCP_LISTEN || p->lport != port)
            continue;
        if (p->laddr == dst)
            return p;
        if (!p->laddr && !any && net_any_accepts(p->fam, dst))
            any = p; /* the newest such listener, as the list walk found it first */
    }
    return any;
}
