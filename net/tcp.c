/* net/tcp.c — TCP's interface to the socket layer (net/net.h): pcbs, binding, listen/accept, connect, the send
 * and receive buffers, shutdown and close, poll. Segment arrival is net/tcp_in.c, sending net/tcp_out.c,
 * timers net/tcp_timer.c. */
#include "tcp.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"

struct tcp_pcb *tcp_pcbs;

/* Readiness of pcb may have changed and a timer may be armed: its poll channel (the pcb's address: a socket's
 * pcb stays its own for the socket's life) is kicked, the net tick started. pcb may be freed already: only its
 * address is used. Runs from the receive path and the net tick (interrupt context). */
void tcp_kick(const struct tcp_pcb *pcb)
{
    sched_kick_chan(pcb);
    net_timer_poke();
}

struct tcp_pcb *tcp_new(void)
{
    struct tcp_pcb *pcb = kzalloc(sizeof(*pcb));
    if (!pcb)
        return NULL;
    pcb->owned = true;
    pcb->state = TCP_CLOSED;
    tcp_pcb_link(pcb);
    return pcb;
}

void tcp_pcb_link(struct tcp_pcb *pcb)
{
    pcb->prev = NULL;
    pcb->next = tcp_pcbs;
    if (tcp_pcbs)
        tcp_pcbs->prev = pcb;
    tcp_pcbs = pcb;
}

u32 tcp_new_iss(void)
{
    u32 iss;
    random_fill(&iss, sizeof(iss));
    return iss;
}

bool tcp_alloc_buffers(struct tcp_pcb *pcb)
{
    if (!pcb->sbuf)
        pcb->sbuf = kmalloc(TCP_SBUF);
    if (!pcb->rbuf)
        pcb->rbuf = kmalloc(TCP_RBUF);
    return pcb->sbuf && pcb->rbuf;
}

void tcp_free(struct tcp_pcb *pcb)
{
    if (pcb->prev)
        pcb->prev->next = pcb->next;
    else if (tcp_pcbs == pcb)
        tcp_pcbs = pcb->next;
    if (pcb->next)
        pcb->next->prev = pcb->prev;
    tcp_demux_del(pcb);
    tcp_timer_untrack(pcb);
    struct tcp_pcb *l = pcb->parent;
    if (l) {
        l->pending--;
        for (struct tcp_pcb **pp = &l->acc_head; *pp; pp = &(*pp)->acc_next)
            if (*pp == pcb) {
                *pp = pcb->acc_next;
                break;
            }
        l->acc_tail = NULL;
        for (struct tcp_pcb *c = l->acc_head; c; c = c->acc_next)
            l->acc_tail = c;
    }
    while (pcb->ooo) {
        struct tcp_ooo *o = pcb->ooo;
        pcb->ooo = o->next;
        kfree(o);
    }
    kfree(pcb->sbuf);
    kfree(pcb->rbuf);
    kfree(pcb);
}

/* TIME-WAIT has nothing left to send (our FIN is acknowledged) and takes no more data (the peer's FIN came):
 * it only answers a resent FIN. Its 128 KiB of buffers go at once, as Linux keeps only a small timewait record:
 * a server closing hundreds of short connections a second holds them for 2*MSL (nginx without keep-alive took
 * ~30 MB of a 128 MB guest). Bytes the socket's owner has not read yet stay until it reads them or closes. */
static void tcp_shed_buffers(struct tcp_pcb *pcb)
{
    if (!pcb->sbuf_len) {
        kfree(pcb->sbuf);
        pcb->sbuf = NULL;
        pcb->sbuf_head = 0;
    }
    if (!pcb->owned) {
        pcb->rbuf_head = pcb->rbuf_len = 0;
    }
    if (!pcb->rbuf_len) {
        kfree(pcb->rbuf);
        pcb->rbuf = NULL;
        pcb->rbuf_head = 0;
    }
}

void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state st)
{
    pcb->state = st;
    if (st == TCP_TIME_WAIT) {
        pcb->rto_at = 0;
        pcb->close_at = tcp_now() + TCP_TIME_WAIT_NS;
        tcp_timer_track(pcb);
        tcp_shed_buffers(pcb);
    } else if (st == TCP_FIN_WAIT_2 && tcp_orphan(pcb)) {
        pcb->close_at = tcp_now() + TCP_FIN_WAIT_2_NS;
        tcp_timer_track(pcb);
    }
}

void tcp_drop(struct tcp_pcb *pcb, int err)
{
    pcb->state = TCP_CLOSED;
    pcb->rto_at = pcb->delack_at = pcb->close_at = 0;
    if (!pcb->owned) { /* closed by its socket, or a child never accepted */
        tcp_free(pcb);
        return;
    }
    if (err)
        pcb->err = err;
}

/* A passive open finished its handshake: it waits on the listener's accept queue. */
void tcp_child_established(struct tcp_pcb *c)
{
    struct tcp_pcb *l = c->parent;
    c->acc_next = NULL;
    if (l->acc_tail)
        l->acc_tail->acc_next = c;
    else
        l->acc_head = c;
    l->acc_tail = c;
}

/* A bind conflicts with a listener or another bound socket on the port; connections on it (accepted ones,
 * TIME-WAIT) do not, as if every socket had SO_REUSEADDR: a restarted server binds at once. */
static bool port_in_use(ip4_t addr, u16 port, const struct tcp_pcb *self)
{
    for (struct tcp_pcb *p = tcp_pcbs; p; p = p->next)
        if (p != self && p->lport == port && (p->state == TCP_LISTEN || p->state == TCP_CLOSED) &&
            net_bind_overlap(p->fam, p->laddr, self->fam, addr))
            return true;
    return false;
}

static int bind_ephemeral(struct tcp_pcb *pcb, ip4_t addr)
{
    u16 start;
    random_fill(&start, sizeof(start));
    u32 n = 65536 - TCP_EPHEMERAL_LO;
    for (u32 i = 0; i < n; i++) {
        u16 port = net_htons((u16)(TCP_EPHEMERAL_LO + (start + i) % n));
        bool used = false;
        for (struct tcp_pcb *p = tcp_pcbs; p && !used; p = p->next)
            used = p != pcb && p->lport == port;
        if (!used) {
            pcb->laddr = addr;
            pcb->lport = port;
            return 0;
        }
    }
    return -EADDRINUSE;
}

int tcp_bind(struct tcp_pcb *pcb, ip4_t addr, u16 port)
{
    if (pcb->lport || pcb->state != TCP_CLOSED)
        return -EINVAL;
    if (addr && !ip_is_local(addr))
        return -EADDRNOTAVAIL;
    if (!port)
        return bind_ephemeral(pcb, addr);
    if (port_in_use(addr, port, pcb))
        return -EADDRINUSE;
    pcb->laddr = addr;
    pcb->lport = port;
    return 0;
}

int tcp_set_family(struct tcp_pcb *pcb, u8 fam)
{
    if (pcb->lport)
        return -EINVAL; /* as Linux's IPV6_V6ONLY after bind */
    pcb->fam = fam;
    return 0;
}

int tcp_listen(struct tcp_pcb *pcb, int backlog)
{
    if (pcb->state != TCP_CLOSED && pcb->state != TCP_LISTEN)
        return -EINVAL;
    if (!pcb->lport) {
        int r = bind_ephemeral(pcb, 0);
        if (r < 0)
            return r;
    }
    pcb->backlog = backlog < 1 ? 1 : MIN(backlog, 4096);
    pcb->state = TCP_LISTEN;
    tcp_demux_listen(pcb);
    return 0;
}

struct tcp_pcb *tcp_accept(struct tcp_pcb *l, int *err)
{
    if (l->state != TCP_LISTEN) {
        *err = -EINVAL;
        return NULL;
    }
    struct tcp_pcb *c = l->acc_head;
    if (!c) {
        *err = -EAGAIN;
        return NULL;
    }
    l->acc_head = c->acc_next;
    if (!l->acc_head)
        l->acc_tail = NULL;
    l->pending--;
    c->parent = NULL;
    c->acc_next = NULL;
    c->owned = true;
    *err = 0;
    return c;
}

/* Fresh connection state for an active or passive open. */
void tcp_init_conn(struct tcp_pcb *pcb, u32 iss)
{
    pcb->iss = pcb->snd_una = pcb->snd_nxt = pcb->snd_max = iss;
    pcb->snd_end = iss + 1; /* the SYN; data starts after it */
    pcb->sbuf_head = pcb->sbuf_len = pcb->rbuf_head = pcb->rbuf_len = 0;
    pcb->fin_queued = pcb->fin_rcvd = pcb->rd_shut = false;
    pcb->mss = TCP_DEFAULT_MSS;
    pcb->rto = TCP_RTO_INIT;
    pcb->srtt = pcb->rttvar = 0;
    pcb->retries = 0;
    pcb->ssthresh = 65535;
    pcb->dupacks = 0;
    pcb->in_recovery = false;
    pcb->recover = iss;
    pcb->snd_urg = false;
    pcb->urg_state = TCP_URG_NONE;
    pcb->ever_connected = true;
}

int tcp_connect(struct tcp_pcb *pcb, ip4_t addr, u16 port)
{
    if (pcb->state == TCP_SYN_SENT)
        return -EALREADY;
    if (pcb->state != TCP_CLOSED)
        return -EISCONN;
    if (!port)
        return -ECONNREFUSED;
    if (!addr)
        addr = NET_IP4(127, 0, 0, 1); /* as Linux: INADDR_ANY as a destination is this host */
    ip4_t src = pcb->laddr;
    if (!src)
        src = ip_source_for(addr); /* 127.0.0.1 or ::1 for loopback, else the interface's (IPv4 or IPv6) */
    if (!src)
        return -ENETUNREACH;
    if (!pcb->lport) {
        int r = bind_ephemeral(pcb, 0);
        if (r < 0)
            return r;
    }
    struct tcp_pcb *same = tcp_demux_conn(src, pcb->lport, addr, port);
    if (same && same != pcb)
        return -EADDRNOTAVAIL;
    if (!tcp_alloc_buffers(pcb))
        return -ENOMEM;
    pcb->laddr = src;
    pcb->raddr = addr;
    pcb->rport = port;
    tcp_demux_add(pcb);
    pcb->err = 0;
    tcp_init_conn(pcb, tcp_new_iss());
    pcb->state = TCP_SYN_SENT;
    tcp_output(pcb);
    tcp_kick(pcb);
    return -EINPROGRESS;
}

ssize_t tcp_send(struct tcp_pcb *pcb, const void *kbuf, size_t n) { return tcp_send_urg(pcb, kbuf, n, false); }

ssize_t tcp_send_urg(struct tcp_pcb *pcb, const void *kbuf, size_t n, bool urgent)
{
    if (pcb->err)
        return tcp_error(pcb);
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD)
        return -EAGAIN;
    if (pcb->state != TCP_ESTABLISHED && pcb->state != TCP_CLOSE_WAIT)
        return pcb->ever_connected ? -EPIPE : -ENOTCONN;
    if (pcb->fin_queued)
        return -EPIPE;
    u32 room = TCP_SBUF - pcb->sbuf_len;
    if (!room)
        return -EAGAIN;
    u32 take = (u32)MIN((size_t)room, n);
    u32 tail = (pcb->sbuf_head + pcb->sbuf_len) % TCP_SBUF;
    u32 first = MIN(take, TCP_SBUF - tail);
    memcpy(pcb->sbuf + tail, kbuf, first);
    memcpy(pcb->sbuf, (const u8 *)kbuf + first, take - first);
    pcb->sbuf_len += take;
    pcb->snd_end += take;
    if (urgent && take)
        tcp_urg_mark(pcb);
    tcp_output(pcb);
    tcp_kick(pcb);
    return take;
}

/* Reading stops at the urgent mark and passes over the urgent byte (tcp_urg.c). n 0 without peek (the
 * socket layer's read of nothing before it waits): only that passing over. */
ssize_t tcp_recv(struct tcp_pcb *pcb, void *kbuf, size_t n, bool peek)
{
    if (pcb->state == TCP_LISTEN || !pcb->ever_connected)
        return -ENOTCONN;
    u32 skip, avail = tcp_urg_avail(pcb, &skip);
    if (skip && !peek) {
        pcb->rbuf_head = (pcb->rbuf_head + skip) % TCP_RBUF;
        pcb->rbuf_len -= skip;
        tcp_urg_consumed(pcb);
    }
    if (!avail) {
        if (pcb->err)
            return peek ? pcb->err : tcp_error(pcb);
        if (pcb->fin_rcvd || pcb->rd_shut || pcb->state == TCP_CLOSED)
            return 0;
        return -EAGAIN;
    }
    u32 take = (u32)MIN((size_t)avail, n);
    u32 head = (pcb->rbuf_head + (peek ? skip : 0)) % TCP_RBUF;
    u32 first = MIN(take, TCP_RBUF - head);
    memcpy(kbuf, pcb->rbuf + head, first);
    memcpy((u8 *)kbuf + first, pcb->rbuf, take - first);
    if (peek)
        return take;
    pcb->rbuf_head = (pcb->rbuf_head + take) % TCP_RBUF;
    pcb->rbuf_len -= take;
    tcp_urg_consumed(pcb);
    /* A window update when the window we offer grows from small: the peer may be waiting on it. */
    u32 before = pcb->rcv_adv - pcb->rcv_nxt;
    if (pcb->state >= TCP_ESTABLISHED && !pcb->fin_rcvd) {
        u32 after = tcp_window(pcb);
        if (after > before && (before < pcb->mss || after - before >= 2u * pcb->mss)) {
            pcb->ack_now = true;
            tcp_output(pcb);
            tcp_kick(pcb);
        }
    }
    return take;
}

/* Every child of a listener that goes away: reset and freed. */
static void tcp_abort_children(struct tcp_pcb *l)
{
    for (struct tcp_pcb *p = tcp_pcbs, *next; p; p = next) {
        next = p->next;
        if (p->parent == l) {
            tcp_send_ctl(p, p->snd_max, TCP_RST | TCP_ACK);
            tcp_free(p);
        }
    }
}

/* Queue our FIN after the data (SHUT_WR, close). */
static void tcp_queue_fin(struct tcp_pcb *pcb)
{
    if (pcb->fin_queued)
        return;
    pcb->fin_queued = true;
    if (pcb->state == TCP_ESTABLISHED)
        tcp_set_state(pcb, TCP_FIN_WAIT_1);
    else if (pcb->state == TCP_CLOSE_WAIT)
        tcp_set_state(pcb, TCP_LAST_ACK);
    tcp_output(pcb); /* in SYN-SENT/SYN-RCVD the FIN waits for the handshake */
}

int tcp_shutdown(struct tcp_pcb *pcb, int how)
{
    if (how < 0 || how > 2)
        return -EINVAL;
    if (pcb->state == TCP_LISTEN) {
        if (how != 1) {
            tcp_abort_children(pcb);
            pcb->state = TCP_CLOSED;
        }
        return 0;
    }
    if (pcb->state == TCP_CLOSED)
        return -ENOTCONN;
    if (how != 1)
        pcb->rd_shut = true;
    if (how != 0)
        tcp_queue_fin(pcb);
    tcp_kick(pcb);
    return 0;
}

void tcp_close(struct tcp_pcb *pcb)
{
    pcb->owned = false;
    switch (pcb->state) {
    case TCP_LISTEN:
        tcp_abort_children(pcb);
        tcp_free(pcb);
        return;
    case TCP_CLOSED:
    case TCP_SYN_SENT:
        tcp_free(pcb);
        return;
    default:
        break;
    }
    if (pcb->rbuf_len && pcb->state != TCP_TIME_WAIT) {
        /* Unread data is lost: tell the peer with a reset rather than a FIN (RFC 2525 2.17). */
        tcp_send_ctl(pcb, pcb->snd_max, TCP_RST | TCP_ACK);
        tcp_free(pcb);
        return;
    }
    pcb->rd_shut = true;
    if (pcb->state == TCP_TIME_WAIT)
        tcp_shed_buffers(pcb); /* nobody will read what is left */
    if (pcb->state == TCP_FIN_WAIT_2) {
        pcb->close_at = tcp_now() + TCP_FIN_WAIT_2_NS;
        tcp_timer_track(pcb);
    }
    tcp_queue_fin(pcb);
    tcp_kick(pcb);
}

unsigned tcp_poll(const struct tcp_pcb *pcb)
{
    if (pcb->state == TCP_LISTEN)
        return pcb->acc_head ? POLLIN : 0;
    unsigned m = pcb->err ? POLLERR : 0;
    bool closed = pcb->state == TCP_CLOSED;
    bool rd_done = pcb->fin_rcvd || pcb->rd_shut || (closed && pcb->ever_connected);
    if (closed || (rd_done && pcb->fin_queued))
        m |= POLLHUP;
    if (pcb->state == TCP_SYN_SENT || pcb->state == TCP_SYN_RCVD)
        return m;
    u32 skip;
    if (tcp_urg_avail(pcb, &skip) || rd_done)
        m |= POLLIN; /* not for an urgent byte alone, which a read passes over */
    if (pcb->urg_state == TCP_URG_VALID)
        m |= POLLPRI;
    if (rd_done)
        m |= POLLRDHUP;
    if (closed || pcb->fin_queued || pcb->sbuf_len < TCP_SBUF)
        m |= POLLOUT;
    return m;
}

int tcp_error(struct tcp_pcb *pcb)
{
    int e = pcb->err;
    pcb->err = 0;
    return e;
}

void tcp_local(const struct tcp_pcb *pcb, ip4_t *addr, u16 *port)
{
    *addr = pcb->laddr;
    *port = pcb->lport;
}

void tcp_remote(const struct tcp_pcb *pcb, ip4_t *addr, u16 *port)
{
    *addr = pcb->raddr;
    *port = pcb->rport;
}

size_t tcp_rx_queued(const struct tcp_pcb *pcb) { return pcb->rbuf_len; }

size_t tcp_tx_queued(const struct tcp_pcb *pcb) { return pcb->sbuf_len; }

u64 tcp_rx_stamp(const struct tcp_pcb *pcb) { return pcb->rx_stamp; }

void tcp_set_syn_retries(struct tcp_pcb *pcb, int n) { pcb->syn_retries = n; }
