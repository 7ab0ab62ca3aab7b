/* net/tcp_in.c — a TCP segment arrives (RFC 9293 3.10.7, with RFC 5961's challenge ACKs): checksum and header
 * checks, demultiplexing by 4-tuple (then listeners), the handshake, ACK processing with RFC 5681 congestion
 * control and NewReno fast recovery (RFC 6582), in-order and out-of-order data, FIN. */
#include "tcp.h"
#include "../kernel/boot.h"

struct seg {
    ip4_t src, dst;
    u16 sport, dport; /* network order */
    u32 seq, ack;
    u8 flags;
    u16 wnd, mss;     /* mss 0: no option */
    u16 up;           /* the urgent pointer (with TCP_URG) */
    const u8 *data;
    u32 len;          /* data bytes */
};

static u16 get16(const u8 *p) { return (u16)(p[0] << 8 | p[1]); }
static u32 get32(const u8 *p) { return (u32)get16(p) << 16 | get16(p + 2); }

static bool tcp_parse(const u8 *p, size_t n, struct seg *s)
{
    if (n < TCP_HLEN || n > 65535)
        return false;
    u32 hl = (u32)(p[12] >> 4) * 4;
    if (hl < TCP_HLEN || hl > n)
        return false;
    memcpy(&s->sport, p, 2);
    memcpy(&s->dport, p + 2, 2);
    s->seq = get32(p + 4);
    s->ack = get32(p + 8);
    s->flags = p[13] & 0x3f;
    s->wnd = get16(p + 14);
    s->up = get16(p + 18);
    s->mss = 0;
    for (u32 i = TCP_HLEN; i < hl;) {
        if (p[i] == 0)
            break;
        if (p[i] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= hl || p[i + 1] < 2 || i + p[i + 1] > hl)
            return false;
        if (p[i] == 2 && p[i + 1] == 4)
            s->mss = get16(p + i + 2);
        i += p[i + 1];
    }
    s->data = p + hl;
    s->len = (u32)(n - hl);
    return s->sport && s->dport;
}

static bool tcp_unicast(ip4_t a)
{
    u32 h = net_ntohl(a);
    if (!a || a == 0xffffffff || (h >> 28) == 0xe)
        return false;
    return !(net_if.mask && net_if.mask != 0xffffffff && a == (net_if.addr | ~net_if.mask));
}

static struct tcp_pcb *tcp_lookup(const struct seg *s)
{
    struct tcp_pcb *c = tcp_demux_conn(s->dst, s->dport, s->src, s->sport);
    return c ? c : tcp_demux_listener(s->dst, s->dport);
}

static u32 tcp_rcv_space(const struct tcp_pcb *pcb) { return MIN(TCP_RBUF - pcb->rbuf_len, 65535u); }

static void tcp_peer_mss(struct tcp_pcb *pcb, u16 mss)
{
    u32 m = mss ? mss : TCP_DEFAULT_MSS;
    pcb->mss = (u16)MAX(MIN(m, (u32)tcp_our_mss(pcb->raddr)), 64u);
}

static void tcp_rtt_ack(struct tcp_pcb *pcb, u32 ack)
{
    if (pcb->rtt_timing && seq_gt(ack, pcb->rtt_seq)) {
        pcb->rtt_timing = false;
        tcp_rtt_sample(pcb, tcp_now() - pcb->rtt_start);
    }
}

/* The handshake is done (our SYN acknowledged): snd_una is past it. */
static void tcp_established(struct tcp_pcb *pcb, const struct seg *s)
{
    tcp_rtt_ack(pcb, s->ack);
    pcb->snd_una = pcb->iss + 1;
    if (seq_lt(pcb->snd_nxt, pcb->snd_una))
        pcb->snd_nxt = pcb->snd_una;
    pcb->snd_wnd = pcb->max_wnd = s->wnd;
    pcb->snd_wl1 = s->seq;
    pcb->snd_wl2 = s->ack;
    pcb->rto_at = 0;
    pcb->retries = 0;
    /* RFC 5681 3.1: the initial window */
    pcb->cwnd = pcb->mss > 2190 ? 2u * pcb->mss : pcb->mss > 1095 ? 3u * pcb->mss : 4u * pcb->mss;
    pcb->state = pcb->fin_queued ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED;
    if (pcb->parent)
        tcp_child_established(pcb);
}

static void tcp_listen_input(struct tcp_pcb *l, const struct seg *s, const u8 *raw, size_t n)
{
    if (s->flags & TCP_RST)
        return;
    if (s->flags & TCP_ACK) {
        tcp_reset_reply(s->src, s->dst, raw, (u32)n);
        return;
    }
    if (!(s->flags & TCP_SYN))
        return;
    if (l->pending >= l->backlog) {
        tcp_stats.backlog_drops++; /* the peer retransmits its SYN; maybe there is room then */
        return;
    }
    struct tcp_pcb *c = kzalloc(sizeof(*c));
    if (!c || !tcp_alloc_buffers(c)) {
        if (c)
            tcp_free(c);
        return;
    }
    c->laddr = s->dst;
    c->raddr = s->src;
    c->lport = s->dport;
    c->fam = l->fam;
    c->rport = s->sport;
    c->parent = l;
    l->pending++;
    tcp_init_conn(c, tcp_new_iss());
    tcp_peer_mss(c, s->mss);
    c->irs = s->seq;
    c->rcv_nxt = c->rcv_adv = s->seq + 1; /* data on the SYN is not kept: the peer sends it again */
    c->snd_wnd = s->wnd;
    c->state = TCP_SYN_RCVD;
    tcp_pcb_link(c);
    tcp_demux_add(c);
    tcp_output(c);
}

static void tcp_synsent_input(struct tcp_pcb *pcb, const struct seg *s)
{
    bool ack_ok = false;
    if (s->flags & TCP_ACK) {
        if (seq_le(s->ack, pcb->iss) || seq_gt(s->ack, pcb->snd_max)) {
            if (!(s->flags & TCP_RST))
                tcp_send_ctl(pcb, s->ack, TCP_RST);
            return;
        }
        ack_ok = true;
    }
    if (s->flags & TCP_RST) {
        if (ack_ok)
            tcp_drop(pcb, -ECONNREFUSED);
        return;
    }
    if (!(s->flags & TCP_SYN))
        return;
    pcb->irs = s->seq;
    pcb->rcv_nxt = pcb->rcv_adv = s->seq + 1;
    tcp_peer_mss(pcb, s->mss);
    if (ack_ok) {
        tcp_established(pcb, s);
        pcb->ack_now = true;
    } else {
        /* Simultaneous open: our SYN again, now with an ACK. */
        pcb->state = TCP_SYN_RCVD;
        pcb->snd_wnd = s->wnd;
        pcb->snd_nxt = pcb->iss;
    }
    tcp_output(pcb);
}

/* An ACK for a segment that is out of sync with us (old, or acknowledging the unsent). Two ends that disagree
 * (a forged segment moved one of them) would otherwise answer each other's ACKs forever: at most one such
 * ACK per TCP_INVALID_ACK_GAP, except for a segment at rcv_nxt (a zero-window probe wants its answer) and in
 * SYN-RCVD (a repeated SYN wants its SYN-ACK, and cannot start a war). */
static void tcp_invalid_ack(struct tcp_pcb *pcb, const struct seg *s)
{
    u64 now = tcp_now();
    bool exempt = s->seq == pcb->rcv_nxt || pcb->state == TCP_SYN_RCVD; /* a repeated SYN gets its SYN-ACK */
    if (!exempt && pcb->invalid_ack_at && now - pcb->invalid_ack_at < TCP_INVALID_ACK_GAP)
        return;
    pcb->invalid_ack_at = now;
    pcb->ack_now = true;
}

static bool tcp_acceptable(const struct tcp_pcb *pcb, const struct seg *s, u32 seglen)
{
    u32 wnd = tcp_rcv_space(pcb), nxt = pcb->rcv_nxt;
    if (!wnd)
        return s->seq == nxt && !s->len; /* an ACK, or a FIN into a zero window */
    bool first_in = seq_ge(s->seq, nxt) && seq_lt(s->seq, nxt + wnd);
    if (!seglen)
        return first_in;
    u32 last = s->seq + seglen - 1;
    return first_in || (seq_ge(last, nxt) && seq_lt(last, nxt + wnd));
}

static void tcp_retransmit_first(struct tcp_pcb *pcb)
{
    u32 left = seq_lt(pcb->snd_una, pcb->snd_end) ? pcb->snd_end - pcb->snd_una : 0;
    u32 len = MIN(left, (u32)pcb->mss);
    bool fin = pcb->fin_queued && pcb->snd_una + len == pcb->snd_end && seq_gt(pcb->snd_max, pcb->snd_end);
    if (!len && !fin)
        return;
    tcp_stats.retransmits++, pcb->total_retrans++;
    pcb->rtt_timing = false;
    tcp_send_data(pcb, pcb->snd_una, len, fin);
}

static void tcp_new_ack(struct tcp_pcb *pcb, u32 ack)
{
    u32 acked = ack - pcb->snd_una;
    u32 data = acked - (pcb->fin_queued && ack == pcb->snd_end + 1);
    KASSERT(data <= pcb->sbuf_len);
    pcb->sbuf_head = (pcb->sbuf_head + data) % TCP_SBUF;
    pcb->sbuf_len -= data;
    pcb->snd_una = ack;
    tcp_urg_acked(pcb);
    if (seq_lt(pcb->snd_nxt, ack))
        pcb->snd_nxt = ack;
    pcb->retries = 0;
    tcp_rtt_ack(pcb, ack);
    if (pcb->in_recovery) {
        if (seq_ge(ack, pcb->recover)) {
            pcb->in_recovery = false;
            pcb->cwnd = pcb->ssthresh;
        } else {
            /* RFC 6582 partial ACK: the next hole, and deflate by what was acknowledged */
            tcp_retransmit_first(pcb);
            pcb->cwnd = (pcb->cwnd > acked ? pcb->cwnd - acked : 0) + pcb->mss;
        }
    } else if (pcb->cwnd < pcb->ssthresh) {
        pcb->cwnd += MIN(acked, (u32)pcb->mss);
    } else {
        pcb->cwnd += MAX(1u, (u32)pcb->mss * pcb->mss / pcb->cwnd);
    }
    pcb->cwnd = MIN(pcb->cwnd, 2u * TCP_SBUF);
    pcb->dupacks = 0;
    if (pcb->snd_una == pcb->snd_max)
        pcb->rto_at = 0;
    else
        tcp_rto_arm(pcb);
}

static void tcp_dupack(struct tcp_pcb *pcb)
{
    if (pcb->in_recovery) {
        pcb->cwnd += pcb->mss; /* another segment left the network */
        return;
    }
    if (++pcb->dupacks != 3 || seq_lt(pcb->snd_una, pcb->recover))
        return;
    /* RFC 5681 3.2: fast retransmit, then fast recovery */
    pcb->ssthresh = MAX((pcb->snd_max - pcb->snd_una) / 2, 2u * pcb->mss);
    pcb->recover = pcb->snd_max;
    pcb->in_recovery = true;
    tcp_stats.fast_retransmits++;
    tcp_retransmit_first(pcb);
    pcb->cwnd = pcb->ssthresh + 3u * pcb->mss;
}

enum { ACK_GO, ACK_DONE, ACK_GONE };

/* RFC 9293 3.10.7.4, fifth check: ACK_GO to go on with the segment, ACK_DONE when it is done with,
 * ACK_GONE when the pcb is freed. */
static int tcp_ack_input(struct tcp_pcb *pcb, const struct seg *s)
{
    u32 ack = s->ack;
    if (seq_gt(ack, pcb->snd_max)) {
        tcp_invalid_ack(pcb, s); /* acknowledges what we never sent */
        return ACK_DONE;
    }
    if (seq_gt(ack, pcb->snd_una))
        tcp_new_ack(pcb, ack);
    else if (ack == pcb->snd_una && !s->len && !(s->flags & TCP_FIN) && s->wnd == pcb->snd_wnd &&
             pcb->snd_max != pcb->snd_una)
        tcp_dupack(pcb);
    if (seq_lt(pcb->snd_wl1, s->seq) || (pcb->snd_wl1 == s->seq && seq_le(pcb->snd_wl2, ack))) {
        bool opened = !pcb->snd_wnd && s->wnd;
        pcb->snd_wnd = s->wnd;
        pcb->max_wnd = MAX(pcb->max_wnd, (u32)s->wnd);
        pcb->snd_wl1 = s->seq;
        pcb->snd_wl2 = ack;
        if (opened && seq_gt(pcb->snd_nxt, pcb->snd_una))
            pcb->snd_nxt = pcb->snd_una; /* the window probe may have been dropped: send from the edge */
    }
    if (!pcb->snd_wnd)
        pcb->retries = 0; /* the peer answers our probes: a closed window is no reason to give up */
    bool fin_acked = pcb->fin_queued && pcb->snd_una == pcb->snd_end + 1;
    if (!fin_acked)
        return ACK_GO;
    switch (pcb->state) {
    case TCP_FIN_WAIT_1:
        tcp_set_state(pcb, TCP_FIN_WAIT_2);
        break;
    case TCP_CLOSING:
        tcp_set_state(pcb, TCP_TIME_WAIT);
        break;
    case TCP_LAST_ACK:
        if (!pcb->owned) {
            tcp_drop(pcb, 0);
            return ACK_GONE;
        }
        tcp_drop(pcb, 0);
        return ACK_DONE;
    default:
        break;
    }
    return ACK_GO;
}

static u32 tcp_deliver(struct tcp_pcb *pcb, const u8 *d, u32 len)
{
    len = MIN(len, TCP_RBUF - pcb->rbuf_len);
    if (!pcb->rd_shut) { /* after SHUT_RD data is acknowledged and thrown away */
        u32 tail = (pcb->rbuf_head + pcb->rbuf_len) % TCP_RBUF;
        u32 first = MIN(len, TCP_RBUF - tail);
        memcpy(pcb->rbuf + tail, d, first);
        memcpy(pcb->rbuf, d + first, len - first);
        pcb->rbuf_len += len;
        pcb->rx_stamp = clock_realtime_ns();
    }
    pcb->rcv_nxt += len;
    return len;
}

static void tcp_fin_input(struct tcp_pcb *pcb)
{
    pcb->rcv_nxt++;
    pcb->fin_rcvd = true;
    pcb->ack_now = true;
    while (pcb->ooo) {
        struct tcp_ooo *o = pcb->ooo;
        pcb->ooo = o->next;
        kfree(o);
    }
    pcb->nooo = 0;
    switch (pcb->state) {
    case TCP_ESTABLISHED:
        tcp_set_state(pcb, TCP_CLOSE_WAIT);
        break;
    case TCP_FIN_WAIT_1:
        tcp_set_state(pcb, TCP_CLOSING);
        break;
    case TCP_FIN_WAIT_2:
        tcp_set_state(pcb, TCP_TIME_WAIT);
        break;
    default:
        break;
    }
}

static void tcp_ooo_insert(struct tcp_pcb *pcb, u32 seq, const u8 *d, u32 len, bool fin)
{
    struct tcp_ooo **pp = &pcb->ooo;
    for (; *pp && seq_le((*pp)->seq, seq); pp = &(*pp)->next)
        if ((*pp)->seq == seq && (*pp)->len >= len && (*pp)->fin == fin)
            return; /* a duplicate */
    struct tcp_ooo *o = pcb->nooo < TCP_OOO_MAX ? kmalloc(sizeof(*o) + len) : NULL;
    if (!o) {
        tcp_stats.ooo_drops++;
        return;
    }
    o->seq = seq;
    o->len = len;
    o->fin = fin;
    memcpy(o->data, d, len);
    o->next = *pp;
    *pp = o;
    pcb->nooo++;
}

/* Segments that the hole's filling made in order. */
static void tcp_ooo_drain(struct tcp_pcb *pcb)
{
    struct tcp_ooo *o;
    while ((o = pcb->ooo) && seq_le(o->seq, pcb->rcv_nxt)) {
        pcb->ooo = o->next;
        pcb->nooo--;
        u32 end = o->seq + o->len;
        bool fin = false;
        if (seq_gt(end, pcb->rcv_nxt)) {
            u32 skip = pcb->rcv_nxt - o->seq;
            fin = tcp_deliver(pcb, o->data + skip, o->len - skip) == o->len - skip && o->fin;
        } else {
            fin = o->fin && end == pcb->rcv_nxt;
        }
        kfree(o);
        if (fin) {
            tcp_fin_input(pcb);
            return;
        }
    }
}

/* RFC 9293 3.10.7.4, seventh and eighth checks: text and FIN. False when the pcb is gone. */
static bool tcp_data_input(struct tcp_pcb *pcb, const struct seg *s)
{
    u32 seq = s->seq, len = s->len;
    const u8 *d = s->data;
    bool fin = s->flags & TCP_FIN;
    if (tcp_orphan(pcb) && len && seq_gt(seq + len, pcb->rcv_nxt)) {
        /* New data for a closed socket: nobody will read it. */
        tcp_send_ctl(pcb, pcb->snd_max, TCP_RST | TCP_ACK);
        tcp_drop(pcb, 0);
        return false;
    }
    if (seq_lt(seq, pcb->rcv_nxt)) {
        u32 cut = MIN(pcb->rcv_nxt - seq, len);
        d += cut;
        len -= cut;
        seq += cut;
    }
    u32 space = tcp_rcv_space(pcb), off = seq - pcb->rcv_nxt;
    if (off + len > space) {
        len = space > off ? space - off : 0;
        fin = false;
    }
    if (seq != pcb->rcv_nxt) {
        if (len || fin)
            tcp_ooo_insert(pcb, seq, d, len, fin);
        pcb->ack_now = true; /* a duplicate ACK tells the sender about the hole */
        return true;
    }
    bool had_ooo = pcb->ooo != NULL;
    u32 got = tcp_deliver(pcb, d, len);
    if (fin && got == len)
        tcp_fin_input(pcb);
    else
        tcp_ooo_drain(pcb);
    if (had_ooo || !len || pcb->delack_at)
        pcb->ack_now = true;
    else if (!pcb->ack_now) {
        pcb->delack_at = tcp_now() + TCP_DELACK;
        tcp_timer_track(pcb);
    }
    return true;
}

static void tcp_conn_input(struct tcp_pcb *pcb, struct seg *s)
{
    if (pcb->state == TCP_SYN_RCVD && (s->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
        s->seq == pcb->irs) {
        /* Simultaneous open: the peer's SYN-ACK repeats a SYN we hold; what is new is its ACK. */
        s->flags &= (u8)~TCP_SYN;
        s->seq++;
    }
    u32 seglen = s->len + !!(s->flags & TCP_SYN) + !!(s->flags & TCP_FIN);
    if (!tcp_acceptable(pcb, s, seglen)) {
        if (s->flags & TCP_RST)
            return;
        if (pcb->state == TCP_TIME_WAIT && (s->flags & TCP_FIN))
            tcp_set_state(pcb, TCP_TIME_WAIT); /* the peer resent its FIN: our ACK was lost; wait anew */
        tcp_invalid_ack(pcb, s);
        tcp_output(pcb);
        return;
    }
    if (s->flags & TCP_RST) {
        if (s->seq != pcb->rcv_nxt) {
            pcb->ack_now = true; /* RFC 5961 3.2: a challenge ACK */
            tcp_output(pcb);
            return;
        }
        int err = 0;
        if (pcb->state == TCP_SYN_RCVD)
            err = -ECONNREFUSED;
        else if (pcb->state <= TCP_CLOSE_WAIT)
            err = -ECONNRESET;
        tcp_drop(pcb, err);
        return;
    }
    if ((s->flags & TCP_SYN) || !(s->flags & TCP_ACK)) {
        pcb->ack_now = (s->flags & TCP_SYN) != 0; /* RFC 5961 4.2: a challenge ACK for a SYN */
        tcp_output(pcb);
        return;
    }
    if (pcb->state == TCP_SYN_RCVD) {
        if (seq_le(s->ack, pcb->snd_una) || seq_gt(s->ack, pcb->snd_max)) {
            tcp_send_ctl(pcb, s->ack, TCP_RST);
            return;
        }
        tcp_established(pcb, s);
    }
    int r = tcp_ack_input(pcb, s);
    if (r == ACK_GONE)
        return;
    if (r == ACK_DONE) {
        tcp_output(pcb);
        return;
    }
    bool open = pcb->state >= TCP_ESTABLISHED && pcb->state <= TCP_FIN_WAIT_2;
    if (open && ((s->flags & TCP_URG) || pcb->urg_state == TCP_URG_NOTYET))
        tcp_urg_input(pcb, s->seq, s->flags, s->up, s->data, s->len);
    if ((s->len || (s->flags & TCP_FIN)) && open)
        if (!tcp_data_input(pcb, s))
            return;
    tcp_output(pcb);
}

void tcp_input(ip4_t src, ip4_t dst, const u8 *seg, size_t n)
{
    struct seg s;
    tcp_stats.in_segs++;
    if (!tcp_parse(seg, n, &s)) {
        tcp_stats.malformed++;
        return;
    }
    if (ip_pseudo_csum(src, dst, IPPROTO_TCP, seg, n) != 0) {
        tcp_stats.bad_csum++;
        return;
    }
    if (!tcp_unicast(src) || !tcp_unicast(dst))
        return; /* RFC 1122 4.2.3.10: TCP is unicast only, and never reset a broadcast */
    s.src = src;
    s.dst = dst;
    struct tcp_pcb *pcb = tcp_lookup(&s);
    if (pcb && pcb->state == TCP_TIME_WAIT && (s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
        seq_gt(s.seq, pcb->rcv_nxt)) {
        tcp_drop(pcb, 0); /* RFC 1122 4.2.2.13: a new SYN may reopen a TIME-WAIT connection */
        pcb = tcp_lookup(&s);
    }
    if (!pcb) {
        tcp_reset_reply(src, dst, seg, (u32)n);
        return;
    }
    struct tcp_pcb *listener = pcb->parent; /* a child not yet accepted: its listener may become readable */
    if (pcb->state == TCP_LISTEN)
        tcp_listen_input(pcb, &s, seg, n);
    else if (pcb->state == TCP_SYN_SENT)
        tcp_synsent_input(pcb, &s);
    else
        tcp_conn_input(pcb, &s);
    tcp_kick(pcb);
    if (listener)
        tcp_kick(listener);
}
