/* net/tcp.h — TCP's private state, shared by net/tcp.c (the API for the socket layer), net/tcp_in.c (segment
 * arrival, RFC 9293 3.10.7), net/tcp_out.c (segment building and sending) and net/tcp_timer.c (RTO per
 * RFC 6298, persist, delayed ACK, TIME-WAIT). */
#pragma once
#include "net.h"
#include "../kernel/errno.h"
#include "../fs/vfs.h" /* POLLIN... */

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000 /* as net/socket.h has it; tcp.h stays free of the socket layer */
#endif

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_HLEN 20
#define TCP_SBUF (64 * 1024)       /* send buffer: unacknowledged and unsent bytes */
#define TCP_RBUF (64 * 1024)       /* receive buffer: the window we offer (no window scaling: <= 65535) */
#define TCP_DEFAULT_MSS 536        /* RFC 1122 4.2.2.6: when the peer sends no MSS option */
#define TCP_MS 1000000ull
#define TCP_RTO_INIT (1000 * TCP_MS)  /* RFC 6298 2.1 */
#define TCP_RTO_MIN (200 * TCP_MS)    /* RFC 6298 says 1 s; 200 ms as Linux, for a LAN */
#define TCP_RTO_MAX (60000 * TCP_MS)
#define TCP_SYN_RETRIES 6
#define TCP_DATA_RETRIES 12
#define TCP_DELACK (40 * TCP_MS)     /* RFC 1122 4.2.3.2: under 500 ms */
#define TCP_TIME_WAIT_NS (2000 * TCP_MS) /* 2*MSL shortened to 2 s: a VM's connections are short-lived */
#define TCP_FIN_WAIT_2_NS (30000 * TCP_MS) /* an orphan in FIN-WAIT-2 whose peer never closes */
#define TCP_INVALID_ACK_GAP (500 * TCP_MS) /* answers to out-of-sync segments, at most one per */
#define TCP_OOO_MAX 64               /* out-of-order segments kept per connection */
#define TCP_EPHEMERAL_LO 49152

enum tcp_state {
    TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RCVD, TCP_ESTABLISHED, TCP_FIN_WAIT_1, TCP_FIN_WAIT_2,
    TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK, TCP_TIME_WAIT,
};

/* A segment that arrived ahead of rcv_nxt, kept sorted by seq until the hole before it fills. */
struct tcp_ooo {
    struct tcp_ooo *next;
    u32 seq, len;
    bool fin;
    u8 data[];
};

struct tcp_pcb {
    struct tcp_pcb *next, *prev;   /* on tcp_pcbs, newest first */
    struct tcp_pcb *hnext, *lnext; /* tcp_demux.c: its four-tuple's bucket, the listeners' list */
    bool hashed, listed;
    struct tcp_pcb *tnext, *tprev; /* tcp_timer.c: on the list of blocks that may have a timer set */
    bool timed;
    enum tcp_state state;
    ip4_t laddr, raddr;            /* network order; laddr 0: any (listeners, unbound) */
    u16 lport, rport;              /* network order; lport 0: unbound */
    u8 fam;                        /* enum net_fam: what laddr 0 covers (net.h) */
    bool owned;                    /* a socket holds it (tcp_close not yet called) */
    bool ever_connected;           /* left CLOSED at least once (for ENOTCONN vs EPIPE) */
    int err;                       /* pending error, -errno, for tcp_error */

    /* Listener: children in SYN-RCVD or established and not yet accepted. */
    struct tcp_pcb *parent;        /* a child not yet accepted: its listener */
    struct tcp_pcb *acc_next;      /* next on the listener's accept queue */
    struct tcp_pcb *acc_head, *acc_tail;
    int backlog, pending;          /* pending: children alive (SYN-RCVD + queued) */

    /* Send side (RFC 9293 3.3.1). sbuf holds the bytes from snd_una up to snd_end. */
    u32 iss, snd_una, snd_nxt, snd_max, snd_end, snd_wnd, snd_wl1, snd_wl2;
    u32 max_wnd;                   /* the largest window the peer offered */
    u16 mss;                       /* what we send per segment: the peer's MSS, capped by our MTU */
    u8 *sbuf;
    u32 sbuf_head, sbuf_len;       /* ring: first byte (seq snd_una) at sbuf_head */
    bool fin_queued;               /* shutdown(SHUT_WR)/close: a FIN follows the data, at seq snd_end */
    u32 cwnd, ssthresh, recover;   /* RFC 5681, RFC 6582 (NewReno) */
    int dupacks;
    bool in_recovery;

    /* Receive side. rbuf holds in-order bytes not yet read. */
    u32 irs, rcv_nxt, rcv_adv;     /* rcv_adv: the right edge we advertised */
    u8 *rbuf;
    u32 rbuf_head, rbuf_len;
    bool fin_rcvd, rd_shut;
    struct tcp_ooo *ooo;
    int nooo;

    /* Timers: absolute monotonic deadlines in ns, 0 when off. */
    u64 rto_at;                    /* retransmission, or the persist probe when the window is zero */
    u64 delack_at;
    u64 close_at;                  /* TIME-WAIT's end, or an orphan's FIN-WAIT-2 timeout */
    u64 rto, srtt, rttvar;
    int retries;
    u32 total_retrans;             /* segments sent again over the connection's life (TCP_INFO) */
    int syn_retries;               /* TCP_SYNCNT, 0: TCP_SYN_RETRIES */
    u64 rx_stamp;                  /* realtime ns when the newest in-order data arrived (SO_TIMESTAMP) */
    bool rtt_timing;               /* Karn: one segment timed at a time, never a retransmitted one */
    u32 rtt_seq;
    u64 rtt_start;
    bool ack_now;                  /* an ACK is owed now (tcp_output sends one even without data) */
    u64 invalid_ack_at;            /* when we last answered a segment out of sync with us */

    /* Urgent data (net/tcp_urg.c). Send: snd_up is one past the urgent byte, announced while snd_urg.
     * Receive: the urgent byte at urg_seq stays in rbuf (a read passes over it unless SO_OOBINLINE); urg_state
     * says whether its pointer came, the byte too (urg_byte, for recv MSG_OOB), or it was read. */
    u32 snd_up, urg_seq;
    bool snd_urg;
    u8 urg_state, urg_byte;
    struct socket *sock;           /* the socket that holds it (net/inet_tcp.c), NULL before accept, after close */
};

enum { TCP_URG_NONE, TCP_URG_NOTYET, TCP_URG_VALID, TCP_URG_READ };

extern struct tcp_pcb *tcp_pcbs;

static inline bool seq_lt(u32 a, u32 b) { return (i32)(a - b) < 0; }
static inline bool seq_le(u32 a, u32 b) { return (i32)(a - b) <= 0; }
static inline bool seq_gt(u32 a, u32 b) { return (i32)(a - b) > 0; }
static inline bool seq_ge(u32 a, u32 b) { return (i32)(a - b) >= 0; }

/* Closed by its socket: it finishes alone (an unaccepted child is not an orphan: accept will own it). */
static inline bool tcp_orphan(const struct tcp_pcb *pcb) { return !pcb->owned && !pcb->parent; }

/* tcp.c */
void tcp_kick(const struct tcp_pcb *pcb);
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state st);
void tcp_drop(struct tcp_pcb *pcb, int err);   /* the connection is over: CLOSED, error set, freed if orphaned */
void tcp_free(struct tcp_pcb *pcb);            /* off every list and freed */
bool tcp_alloc_buffers(struct tcp_pcb *pcb);
void tcp_child_established(struct tcp_pcb *child);
u32 tcp_new_iss(void);
void tcp_init_conn(struct tcp_pcb *pcb, u32 iss);

/* tcp_demux.c: finding the block a segment is for */
void tcp_demux_add(struct tcp_pcb *pcb);       /* it has a peer: hashed by its four-tuple */
void tcp_demux_del(struct tcp_pcb *pcb);       /* off the hash and the listeners */
void tcp_demux_listen(struct tcp_pcb *pcb);
struct tcp_pcb *tcp_demux_conn(ip4_t laddr, u16 lport, ip4_t raddr, u16 rport);
struct tcp_pcb *tcp_demux_listener(ip4_t dst, u16 port);
void tcp_pcb_link(struct tcp_pcb *pcb);        /* tcp.c: onto tcp_pcbs */

/* tcp_out.c */
void tcp_output(struct tcp_pcb *pcb);          /* sends what the windows allow, and an owed ACK */
void tcp_output_force(struct tcp_pcb *pcb, bool force);
void tcp_send_ctl(struct tcp_pcb *pcb, u32 seq, u8 flags); /* an empty segment: ACK, RST, FIN... */
void tcp_send_syn(struct tcp_pcb *pcb);
void tcp_send_data(struct tcp_pcb *pcb, u32 seq, u32 len, bool fin);
void tcp_send_ack(struct tcp_pcb *pcb);
void tcp_reset_reply(ip4_t src, ip4_t dst, const u8 *seg, u32 seglen); /* RST for a segment nobody owns */
u16 tcp_window(struct tcp_pcb *pcb);           /* the window to advertise now (receiver SWS avoidance) */
u16 tcp_our_mss(ip4_t raddr);

/* tcp_urg.c: urgent data */
void tcp_urg_mark(struct tcp_pcb *pcb);         /* send(MSG_OOB): the last byte queued is urgent */
void tcp_urg_out(const struct tcp_pcb *pcb, u32 seq, u8 *hdr); /* URG and the pointer into a header for seq */
void tcp_urg_acked(struct tcp_pcb *pcb);        /* snd_una moved: the peer may have the urgent byte now */
void tcp_urg_input(struct tcp_pcb *pcb, u32 seq, u8 flags, u16 up, const u8 *data, u32 len);
u32 tcp_urg_avail(const struct tcp_pcb *pcb, u32 *skip); /* readable bytes after *skip, up to the mark */
void tcp_urg_consumed(struct tcp_pcb *pcb);     /* the reader moved: past the urgent byte, it is done with */
static inline u32 tcp_copied_seq(const struct tcp_pcb *pcb) { return pcb->rcv_nxt - pcb->rbuf_len; }
/* net/inet_tcp.c: what TCP asks of the socket that holds a pcb */
struct socket;
bool tcp_sock_oobinline(const struct socket *s); /* SO_OOBINLINE */
void tcp_sock_sigurg(struct socket *s);          /* SIGURG to its owner */

/* Counters of what the stack dropped or refused (read by tests and, later, /proc). */
struct tcp_stats {
    u64 in_segs, out_segs, bad_csum, malformed, resets_sent, backlog_drops, ooo_drops, retransmits;
    u64 fast_retransmits, timeouts;
};
extern struct tcp_stats tcp_stats;

/* tcp_timer.c */
u64 tcp_now(void);
void tcp_rto_arm(struct tcp_pcb *pcb);
void tcp_timer_track(struct tcp_pcb *pcb);     /* a timer was set: the tick looks at it */
void tcp_timer_untrack(struct tcp_pcb *pcb);   /* it is freed */
void tcp_rtt_sample(struct tcp_pcb *pcb, u64 rtt);
