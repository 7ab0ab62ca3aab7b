/* net/tcp_timer.c — TCP's clocks: the retransmission timeout (RFC 6298: SRTT/RTTVAR, Karn's rule, exponential
 * backoff, a retry limit that ends the connection with ETIMEDOUT), the persist probe of a zero window
 * (RFC 9293 3.8.6.1), delayed ACKs, TIME-WAIT (2 s here) and the FIN-WAIT-2 timeout of a closed socket.
 * net_timer calls tcp_timer every NET_TICK_MS while tcp_timer_needed() says so. */
#include "tcp.h"
#include "../kernel/boot.h"

#define TCP_CLOCK_G (NET_TICK_MS * TCP_MS) /* the timer's granularity: RFC 6298's G */

u64 tcp_now(void) { return clock_monotonic_ns(); }

void tcp_rto_arm(struct tcp_pcb *pcb) { pcb->rto_at = tcp_now() + pcb->rto; }

void tcp_rtt_sample(struct tcp_pcb *pcb, u64 r)
{
    if (!pcb->srtt) {
        pcb->srtt = r ? r : 1;
        pcb->rttvar = r / 2;
    } else {
        u64 diff = pcb->srtt > r ? pcb->srtt - r : r - pcb->srtt;
        pcb->rttvar = (3 * pcb->rttvar + diff) / 4;
        pcb->srtt = (7 * pcb->srtt + r) / 8;
    }
    u64 rto = pcb->srtt + MAX((u64)TCP_CLOCK_G, 4 * pcb->rttvar);
    pcb->rto = MIN(MAX(rto, (u64)TCP_RTO_MIN), (u64)TCP_RTO_MAX);
}

static void tcp_rto_expired(struct tcp_pcb *pcb)
{
    pcb->rto_at = 0;
    if (pcb->snd_una == pcb->snd_max) {
        /* Nothing in flight: the window was zero with data waiting. Probe it with one byte. */
        if (seq_lt(pcb->snd_nxt, pcb->snd_end) || pcb->fin_queued)
            tcp_output_force(pcb, true);
        return;
    }
    bool syn = pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD;
    if (++pcb->retries > (syn ? TCP_SYN_RETRIES : TCP_DATA_RETRIES)) {
        klog("tcp: connection to %x:%u timed out\n", net_ntohl(pcb->raddr), net_ntohs(pcb->rport));
        tcp_drop(pcb, -ETIMEDOUT);
        return;
    }
    tcp_stats.timeouts++;
    pcb->rto = MIN(pcb->rto * 2, (u64)TCP_RTO_MAX);
    pcb->rtt_timing = false; /* Karn: no sample from a retransmitted segment */
    if (syn) {
        tcp_send_syn(pcb);
        tcp_stats.retransmits++;
        tcp_rto_arm(pcb);
        return;
    }
    if (pcb->snd_wnd) {
        /* RFC 5681 (4): loss. One segment, then slow start from snd_una (go-back-N). */
        u32 flight = pcb->snd_max - pcb->snd_una;
        pcb->ssthresh = MAX(flight / 2, 2u * pcb->mss);
        pcb->cwnd = pcb->mss;
    }
    pcb->dupacks = 0;
    pcb->in_recovery = false;
    pcb->snd_nxt = pcb->snd_una;
    tcp_output_force(pcb, true);
}

static void tcp_pcb_timer(struct tcp_pcb *pcb, u64 now)
{
    if (pcb->close_at && now >= pcb->close_at) {
        tcp_drop(pcb, 0); /* TIME-WAIT over, or an orphan's FIN-WAIT-2 gave up */
        tcp_kick();
        return;
    }
    if (pcb->delack_at && now >= pcb->delack_at)
        tcp_send_ack(pcb);
    if (pcb->rto_at && now >= pcb->rto_at) {
        tcp_rto_expired(pcb);
        tcp_kick();
    }
}

void tcp_timer(u64 now)
{
    for (struct tcp_pcb *p = tcp_pcbs, *next; p; p = next) {
        next = p->next; /* p may be freed */
        tcp_pcb_timer(p, now);
    }
}

bool tcp_timer_needed(void)
{
    for (struct tcp_pcb *p = tcp_pcbs; p; p = p->next)
        if (p->rto_at || p->delack_at || p->close_at)
            return true;
    return false;
}
