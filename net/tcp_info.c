/* net/tcp_info.c — getsockopt(IPPROTO_TCP, TCP_INFO) (tcp(7)): a connection's state and what the sender knows
 * of the path, in Linux's struct tcp_info (its uapi layout up to tcpi_snd_wnd, 232 bytes: what musl declares;
 * glibc declares the first 104; a program learns how much it got from the returned length). Times in
 * microseconds, windows in segments, as Linux reports them. Not kept by skiff's TCP, so 0: pacing rates,
 * segment counts, bytes sent and retransmitted, delivery rate and count, busy/limited times, DSACK and reordering
 * counts; bytes acked and received come from the sequence numbers, so they wrap at 4 GiB. */
#include "tcp.h"

struct tcp_info_k {
    u8 state, ca_state, retransmits, probes, backoff, options;
    u8 wscale;                        /* snd_wscale:4 (low nibble), rcv_wscale:4 */
    u8 app_limited;
    u32 rto, ato, snd_mss, rcv_mss;
    u32 unacked, sacked, lost, retrans, fackets;
    u32 last_data_sent, last_ack_sent, last_data_recv, last_ack_recv;
    u32 pmtu, rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd, advmss, reordering;
    u32 rcv_rtt, rcv_space;
    u32 total_retrans;
    u64 pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
    u32 segs_out, segs_in, notsent_bytes, min_rtt, data_segs_in, data_segs_out;
    u64 delivery_rate, busy_time, rwnd_limited, sndbuf_limited;
    u32 delivered, delivered_ce;
    u64 bytes_sent, bytes_retrans;
    u32 dsack_dups, reord_seen, rcv_ooopack, snd_wnd;
} __attribute__((packed, aligned(8)));
_Static_assert(sizeof(struct tcp_info_k) == 232, "struct tcp_info up to tcpi_snd_wnd (Linux uapi)");
_Static_assert(__builtin_offsetof(struct tcp_info_k, pacing_rate) == 104, "the 64-bit fields follow the first 104");

/* Linux's TCP_* state numbers (include/net/tcp_states.h's order), from skiff's. */
static u8 linux_state(enum tcp_state st)
{
    static const u8 map[] = {
        [TCP_CLOSED] = 7,      [TCP_LISTEN] = 10,     [TCP_SYN_SENT] = 2, [TCP_SYN_RCVD] = 3,
        [TCP_ESTABLISHED] = 1, [TCP_FIN_WAIT_1] = 4,  [TCP_FIN_WAIT_2] = 5, [TCP_CLOSE_WAIT] = 8,
        [TCP_CLOSING] = 11,    [TCP_LAST_ACK] = 9,    [TCP_TIME_WAIT] = 6,
    };
    return (unsigned)st < sizeof(map) ? map[st] : 7;
}

static u32 us(u64 ns)
{
    return (u32)MIN(ns / 1000, 0xffffffffull);
}

u32 tcp_info_fill(const struct tcp_pcb *pcb, void *out)
{
    struct tcp_info_k i = { 0 };
    i.state = linux_state(pcb->state);
    bool open = pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN;
    i.retransmits = (u8)MIN(pcb->retries, 255);
    i.rto = us(pcb->rto);
    i.ato = 40000;                    /* Linux's TCP_ATO_MIN: 40 ms */
    i.snd_mss = open ? pcb->mss : 536;
    i.rcv_mss = open ? pcb->mss : 0;
    i.unacked = open && pcb->mss ? (pcb->snd_max - pcb->snd_una + pcb->mss - 1) / pcb->mss : 0;
    i.rtt = us(pcb->srtt);
    i.rttvar = us(pcb->rttvar);
    i.snd_ssthresh = pcb->mss && pcb->ssthresh < 0x7fffffffu ? pcb->ssthresh / pcb->mss : 0x7fffffff;
    i.snd_cwnd = pcb->mss ? MAX(pcb->cwnd / pcb->mss, 1u) : 10;
    i.advmss = open ? pcb->mss : 536;
    i.reordering = 3;                 /* net.ipv4.tcp_reordering */
    bool v6 = ip6_mapped(pcb->raddr) && !ip_is_local(pcb->raddr); /* IPv6 on the card: 40-byte header */
    i.pmtu = open ? (u32)pcb->mss + (v6 ? 60 : 40) : 0;
    i.rcv_ssthresh = i.rcv_space = open ? TCP_RBUF : 0;
    i.total_retrans = pcb->total_retrans;
    if (open) {
        /* from the sequence numbers (the SYN takes one): modulo 4 GiB, a long connection's wrap */
        i.bytes_acked = pcb->snd_una - pcb->iss - 1;
        i.bytes_received = pcb->rcv_nxt - pcb->irs - 1;
        i.notsent_bytes = pcb->snd_end - pcb->snd_nxt;
        i.snd_wnd = pcb->snd_wnd;
    }
    memcpy(out, &i, sizeof(i));
    return sizeof(i);
}
