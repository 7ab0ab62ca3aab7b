/* net/tcp_urg.c — TCP urgent data (RFC 9293 3.8.5, RFC 1122 4.2.2.4, RFC 6093) as Linux has it (tcp(7)):
 * the urgent pointer points one past the urgent byte (BSD's reading, Linux's default; RFC 1122's "last byte"
 * is what RFC 6093 says nobody implements).
 * Sending: send(MSG_OOB) makes the last byte it queued the urgent one; every segment that starts before it
 * carries URG and the pointer (0xffff when it lies further) until the peer acknowledges the byte.
 * Receiving: a new pointer (never one already seen or read past) signals SIGURG to the socket's owner and
 * waits for its byte; the byte stays in rbuf, as Linux keeps it in its queue, and is copied aside for
 * recv(MSG_OOB). A read stops before the mark and, starting at it, passes over the byte (reads it, with
 * SO_OOBINLINE); once the reader is past it the urgent state ends. A newer pointer makes the older byte
 * ordinary data, except that a reader standing at the older byte loses it (Linux's tcp_check_urg).
 * What runs where: tcp_urg_input runs from tcp_input, i.e. the network's receive path (the card's interrupt,
 * or the timer tick for loopback); the rest from the socket's syscalls. Both hold the big kernel lock with
 * interrupts off (docs/tasks.md), so the fields need no lock of their own. */
#include "tcp.h"

static void put16(u8 *p, u16 v) { p[0] = (u8)(v >> 8); p[1] = (u8)v; }

void tcp_urg_mark(struct tcp_pcb *pcb)
{
    pcb->snd_up = pcb->snd_end;
    pcb->snd_urg = true;
}

/* hdr: a 20-byte TCP header being built for a segment starting at seq (not a SYN or RST) */
void tcp_urg_out(const struct tcp_pcb *pcb, u32 seq, u8 *hdr)
{
    if (!pcb->snd_urg || !seq_lt(seq, pcb->snd_up))
        return;
    u32 up = pcb->snd_up - seq;
    hdr[13] |= TCP_URG;
    put16(hdr + 18, (u16)MIN(up, 0xffffu));
}

void tcp_urg_acked(struct tcp_pcb *pcb)
{
    if (pcb->snd_urg && seq_ge(pcb->snd_una, pcb->snd_up))
        pcb->snd_urg = false;
}

/* SO_OOBINLINE of the socket that holds pcb (an unaccepted child: its listener's, which accept passes on) */
static bool tcp_urg_inline(const struct tcp_pcb *pcb)
{
    struct socket *s = pcb->sock ? pcb->sock : pcb->parent ? pcb->parent->sock : NULL;
    return s && tcp_sock_oobinline(s);
}

/* A segment's URG: the pointer names the byte at ptr. */
static void tcp_urg_pointer(struct tcp_pcb *pcb, u32 ptr)
{
    u32 copied = tcp_copied_seq(pcb);
    if (seq_gt(copied, ptr) || seq_lt(ptr, pcb->rcv_nxt))
        return; /* read already, or its byte is here already: a repeat */
    if (pcb->urg_state != TCP_URG_NONE && !seq_gt(ptr, pcb->urg_seq))
        return; /* the one we have, or an older one */
    if (pcb->sock)
        tcp_sock_sigurg(pcb->sock);
    if (pcb->urg_state != TCP_URG_NONE && pcb->urg_seq == copied && copied != pcb->rcv_nxt &&
        !tcp_urg_inline(pcb)) {
        /* The reader stands at the older urgent byte: the next read would pass over it, and with the mark
         * moved on it would read it as data instead; Linux drops it. */
        pcb->rbuf_head = (pcb->rbuf_head + 1) % TCP_RBUF;
        pcb->rbuf_len--;
    }
    pcb->urg_state = TCP_URG_NOTYET;
    pcb->urg_seq = ptr;
}

/* Before the segment's text is taken (RFC 9293 3.10.7.4, sixth check). up: the header's pointer. */
void tcp_urg_input(struct tcp_pcb *pcb, u32 seq, u8 flags, u16 up, const u8 *data, u32 len)
{
    if (flags & TCP_URG)
        tcp_urg_pointer(pcb, seq + (up ? up - 1u : 0u));
    if (pcb->urg_state == TCP_URG_NOTYET && pcb->urg_seq - seq < len) {
        pcb->urg_byte = data[pcb->urg_seq - seq];
        pcb->urg_state = TCP_URG_VALID;
    }
}

/* What a read may take from the front of rbuf: all of it, or up to the mark; at the mark the urgent byte is
 * passed over (*skip = 1) unless SO_OOBINLINE. */
u32 tcp_urg_avail(const struct tcp_pcb *pcb, u32 *skip)
{
    u32 avail = pcb->rbuf_len;
    *skip = 0;
    if (pcb->urg_state == TCP_URG_NONE)
        return avail;
    u32 at = pcb->urg_seq - tcp_copied_seq(pcb);
    if (at >= avail)
        return avail; /* its byte has not come */
    if (at)
        return at;
    if (tcp_urg_inline(pcb))
        return avail;
    *skip = 1;
    return avail - 1;
}

void tcp_urg_consumed(struct tcp_pcb *pcb)
{
    if (pcb->urg_state != TCP_URG_NONE && seq_gt(tcp_copied_seq(pcb), pcb->urg_seq))
        pcb->urg_state = TCP_URG_NONE;
}

/* recv(MSG_OOB) (Linux's tcp_recv_urg): never waits. *full: 1 when the byte was there (for MSG_TRUNC). */
ssize_t tcp_recv_oob(struct tcp_pcb *pcb, void *kbuf, size_t n, bool peek, bool trunc, size_t *full)
{
    if (pcb->state == TCP_LISTEN)
        return -ENOTCONN;
    if (tcp_urg_inline(pcb) || pcb->urg_state == TCP_URG_NONE || pcb->urg_state == TCP_URG_READ)
        return -EINVAL;
    if (pcb->state == TCP_CLOSED && !pcb->fin_rcvd)
        return -ENOTCONN;
    if (pcb->urg_state == TCP_URG_VALID) {
        if (!peek)
            pcb->urg_state = TCP_URG_READ;
        *full = 1;
        if (!n)
            return 0;
        if (!trunc)
            *(u8 *)kbuf = pcb->urg_byte;
        return 1;
    }
    if (pcb->state == TCP_CLOSED || pcb->fin_rcvd || pcb->rd_shut)
        return 0;
    return -EAGAIN; /* the pointer came before its byte */
}

/* SIOCATMARK: the next read starts at the urgent byte */
bool tcp_at_mark(const struct tcp_pcb *pcb)
{
    return pcb->urg_state != TCP_URG_NONE && pcb->urg_seq == tcp_copied_seq(pcb);
}

/* FIONREAD: Linux counts only the bytes before a mark it holds (all of them with SO_OOBINLINE). */
size_t tcp_rx_inq(const struct tcp_pcb *pcb)
{
    u32 at = pcb->urg_seq - tcp_copied_seq(pcb);
    if (pcb->urg_state != TCP_URG_NONE && at < pcb->rbuf_len && !tcp_urg_inline(pcb))
        return at;
    return pcb->rbuf_len;
}

void tcp_set_sock(struct tcp_pcb *pcb, struct socket *s) { pcb->sock = s; }
