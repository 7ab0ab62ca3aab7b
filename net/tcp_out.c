/* net/tcp_out.c — building and sending TCP segments: data within the send and congestion windows (sender
 * silly-window avoidance, RFC 1122 4.2.3.4), SYNs with the MSS option, ACKs with the receiver's window
 * (receiver SWS avoidance, RFC 1122 4.2.3.3), and resets. */
#include "tcp.h"

#define TCP_SEG_MAX 9000 /* the largest segment we build: caps our MSS on a jumbo MTU */

struct tcp_stats tcp_stats;

static void put16(u8 *p, u16 v) { p[0] = (u8)(v >> 8); p[1] = (u8)v; }
static void put32(u8 *p, u32 v) { put16(p, (u16)(v >> 16)); put16(p + 2, (u16)v); }

u16 tcp_our_mss(ip4_t raddr)
{
    u32 mtu = net_if.mtu ? net_if.mtu : 576;
    /* IPv6 on the card: a 40-byte header instead of 20 (1440 on a 1500-byte link) */
    u32 v6 = ip6_mapped(raddr) && raddr != IP6_MAP_LL && raddr != IP6_MAP_GLOBAL ? 20 : 0;
    return (u16)(MIN(mtu, (u32)TCP_SEG_MAX) - 40 - v6);
}

u16 tcp_window(struct tcp_pcb *pcb)
{
    u32 space = TCP_RBUF - pcb->rbuf_len;
    if (space > 65535)
        space = 65535;
    u32 edge = pcb->rcv_nxt + space;
    /* Move the right edge only by a useful amount, never back (RFC 1122 4.2.3.3). */
    u32 step = MIN((u32)TCP_RBUF / 2, (u32)pcb->mss);
    if (seq_lt(pcb->rcv_adv, pcb->rcv_nxt) || seq_ge(edge, pcb->rcv_adv + step))
        pcb->rcv_adv = edge;
    return (u16)(pcb->rcv_adv - pcb->rcv_nxt);
}

/* One segment: header (+ MSS option on a SYN) and len bytes of the send buffer from seq. */
static void tcp_xmit(struct tcp_pcb *pcb, u32 seq, u8 flags, u32 len)
{
    static u8 buf[TCP_SEG_MAX];
    u32 hl = TCP_HLEN + ((flags & TCP_SYN) ? 4 : 0);
    KASSERT(hl + len <= sizeof(buf));
    memset(buf, 0, hl);
    put16(buf, net_ntohs(pcb->lport));
    put16(buf + 2, net_ntohs(pcb->rport));
    put32(buf + 4, seq);
    put32(buf + 8, (flags & TCP_ACK) ? pcb->rcv_nxt : 0);
    buf[12] = (u8)((hl / 4) << 4);
    buf[13] = flags;
    put16(buf + 14, (flags & TCP_RST) ? 0 : tcp_window(pcb));
    if (!(flags & (TCP_SYN | TCP_RST)))
        tcp_urg_out(pcb, seq, buf);
    if (flags & TCP_SYN) {
        buf[20] = 2; /* MSS */
        buf[21] = 4;
        put16(buf + 22, tcp_our_mss(pcb->raddr));
    }
    if (len) {
        u32 off = (pcb->sbuf_head + (seq - pcb->snd_una)) % TCP_SBUF;
        u32 first = MIN(len, TCP_SBUF - off);
        memcpy(buf + hl, pcb->sbuf + off, first);
        memcpy(buf + hl + first, pcb->sbuf, len - first);
    }
    u16 sum = ip_pseudo_csum(pcb->laddr, pcb->raddr, IPPROTO_TCP, buf, hl + len);
    memcpy(buf + 16, &sum, 2);
    if (flags & TCP_ACK) {
        pcb->ack_now = false;
        pcb->delack_at = 0;
    }
    if (flags & TCP_RST)
        tcp_stats.resets_sent++;
    tcp_stats.out_segs++;
    ip_output(pcb->laddr, pcb->raddr, IPPROTO_TCP, buf, hl + len);
}

void tcp_send_ctl(struct tcp_pcb *pcb, u32 seq, u8 flags) { tcp_xmit(pcb, seq, flags, 0); }

/* A bare ACK carries snd_max, not snd_nxt: after a go-back-N retransmission snd_nxt may lie behind what the
 * peer already holds, and it would drop the ACK as an old segment. */
void tcp_send_ack(struct tcp_pcb *pcb) { tcp_xmit(pcb, pcb->snd_max, TCP_ACK, 0); }

void tcp_send_syn(struct tcp_pcb *pcb)
{
    tcp_xmit(pcb, pcb->iss, TCP_SYN | (pcb->state == TCP_SYN_RCVD ? TCP_ACK : 0), 0);
}

void tcp_send_data(struct tcp_pcb *pcb, u32 seq, u32 len, bool fin)
{
    u8 flags = TCP_ACK | (fin ? TCP_FIN : 0) | (len && seq + len == pcb->snd_end ? TCP_PSH : 0);
    tcp_xmit(pcb, seq, flags, len);
}

/* Sends from snd_nxt what the windows allow; force: at least one byte (or the FIN) even into a zero window,
 * for a retransmission or a window probe. */
/* Before the handshake ends: our SYN (or SYN-ACK), once, or again when an ACK is owed. */
static void tcp_output_syn(struct tcp_pcb *pcb)
{
    if (pcb->snd_nxt != pcb->iss && !pcb->ack_now)
        return;
    if (pcb->snd_max == pcb->iss && !pcb->rtt_timing) {
        pcb->rtt_timing = true;
        pcb->rtt_seq = pcb->iss;
        pcb->rtt_start = tcp_now();
    }
    if (!pcb->rto_at)
        tcp_rto_arm(pcb);
    tcp_send_syn(pcb);
    pcb->snd_nxt = pcb->snd_max = pcb->iss + 1;
    pcb->ack_now = false;
}

void tcp_output_force(struct tcp_pcb *pcb, bool force)
{
    if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN)
        return;
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD) {
        tcp_output_syn(pcb);
        return;
    }
    bool sent = false;
    for (;;) {
        u32 left = seq_lt(pcb->snd_nxt, pcb->snd_end) ? pcb->snd_end - pcb->snd_nxt : 0;
        u32 wnd = MIN(pcb->snd_wnd, pcb->cwnd);
        u32 flight = pcb->snd_nxt - pcb->snd_una;
        u32 usable = wnd > flight ? wnd - flight : 0;
        if (force && !usable)
            usable = 1;
        u32 len = MIN(MIN(left, usable), (u32)pcb->mss);
        bool fin = pcb->fin_queued && pcb->snd_nxt + len == pcb->snd_end;
        if (!len && !fin)
            break;
        if (len < left && len < pcb->mss && flight && !force)
            break; /* a small segment into a small window: wait for the window to open */
        force = false;
        if (!pcb->rtt_timing && pcb->snd_nxt == pcb->snd_max) {
            pcb->rtt_timing = true;
            pcb->rtt_seq = pcb->snd_nxt;
            pcb->rtt_start = tcp_now();
        }
        if (seq_lt(pcb->snd_nxt, pcb->snd_max))
            tcp_stats.retransmits++, pcb->total_retrans++;
        if (!pcb->rto_at)
            tcp_rto_arm(pcb);
        tcp_send_data(pcb, pcb->snd_nxt, len, fin);
        pcb->snd_nxt += len + fin;
        if (seq_gt(pcb->snd_nxt, pcb->snd_max))
            pcb->snd_max = pcb->snd_nxt;
        sent = true;
    }
    if (!sent && pcb->ack_now)
        tcp_send_ack(pcb);
    /* Data waits behind a zero window with nothing in flight: the timer will probe it (persist). */
    if (!pcb->rto_at && pcb->snd_una == pcb->snd_max && seq_lt(pcb->snd_nxt, pcb->snd_end))
        tcp_rto_arm(pcb);
}

void tcp_output(struct tcp_pcb *pcb) { tcp_output_force(pcb, false); }

static u32 get32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }

void tcp_reset_reply(ip4_t src, ip4_t dst, const u8 *seg, u32 seglen)
{
    u8 flags = seg[13];
    if (flags & TCP_RST)
        return;
    /* A throwaway pcb carries the addresses and the sequence numbers into tcp_xmit. */
    struct tcp_pcb t = { 0 };
    t.laddr = dst;
    t.raddr = src;
    memcpy(&t.lport, seg + 2, 2);
    memcpy(&t.rport, seg, 2);
    if (flags & TCP_ACK) {
        tcp_xmit(&t, get32(seg + 8), TCP_RST, 0);
    } else {
        u32 hl = (u32)(seg[12] >> 4) * 4;
        t.rcv_nxt = get32(seg + 4) + (seglen - hl) + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
        tcp_xmit(&t, 0, TCP_RST | TCP_ACK, 0);
    }
}
