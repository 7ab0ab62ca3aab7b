/* net/tcp_timer.c — TCP's clocks: the retransmission timeout (RFC 6298: SRTT/RTTVAR, Karn's rule, exponential
 * backoff, a retry limit that ends the connection with ETIMEDOUT), the persist probe of a zero window
 * (RFC 9293 3.8.6.1), delayed ACKs, TIME-WAIT (2 s here) and the FIN-WAIT-2 timeout of a closed socket.
 * net_timer calls tcp_timer every NET_TICK_MS while tcp_timer_needed() says so. */
#include "tcp.h"
#include "../kernel/boot.h"

#define TCP_CLOCK_G (NET_TICK_MS * TCP_MS) /* the timer's granularity: RFC 6298's G */

u64 tcp_now(void) { return clock_monotonic_ns(); }

void tcp_rto_arm(struct tcp_pcb *pcb)
{
    pcb->rto_at = tcp_now() + pcb->rto;
    tcp_timer_track(pcb);
}

/* The blocks that may have a timer set: every place that sets one calls tcp_timer_track, and the tick drops a
 * block from the list once none is set. The tick and the idle check (tcp_timer_needed) look at these alone, not
 * at every connection (thousands of idle keep-alive ones cost nothing). Same context rules as tcp_pcbs. */
static struct tcp_pcb *timed;

void tcp_timer_track(struct tcp_pcb *pcb)
{
    if (pcb->timed)
        return;
    pcb->tprev = NULL;
    pcb->tnext = timed;
    if (timed)
        timed->tprev = pcb;
    timed = pcb;
    pcb->timed = true;
}

void tcp_timer_untrack(struct tcp_pcb *pcb)
{
    if (!pcb->timed)
        return;
    if (pcb->tprev)
        pcb->tprev->tnext = pcb->tnext;
    else
        timed = pcb->tnext;
    if (pcb->tnext)
        pcb->tnext->tprev = pcb->tprev;
    pcb->tnext = pcb->tprev = NULL;
    pcb->timed = false;
}

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
    if (++pcb->retries > (syn ? (pcb->syn_retries ? pcb->syn_retries : TCP_SYN_RETRIES) : TCP_DATA_RETRIES)) {
        klog("tcp: connection to %x:%u timed out\n", net_ntohl(pcb->raddr), net_ntohs(pcb->rport));
        tcp_drop(pcb, -ETIMEDOUT);
        return;
    }
    tcp_stats.timeouts++;
    pcb->rto = MIN(pcb->rto * 2, (u64)TCP_RTO_MAX);
    pcb->rtt_timing = false; /* Karn: no sample from a retransmitted segment */
    if (syn) {
        tcp_send_syn(pcb);
        tcp_stats.retransmits++, pcb->total_retrans++;
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
        tcp_kick(pcb);
        return;
    }
    if (pcb->delack_at && now >= pcb->delack_at)
        tcp_send_ack(pcb);
    if (pcb->rto_at && now >= pcb->rto_at) {
        tcp_rto_expired(pcb);
        tcp_kick(pcb);
    }
}

void tcp_timer(u64 now)
{
    for (struct tcp_pcb *p = timed, *next; p; p = next) {
        next = p->tnext; /* p may be freed (and untracked) */
        if (!p->rto_at && !p->delack_at && !p->close_at) {
            tcp_timer_untrack(p);
            continue;
        }
        tcp_pcb_timer(p, now);
    }
}

bool tcp_timer_needed(void)
{
    return timed != NULL;
}
