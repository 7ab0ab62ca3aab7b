/* net/inet_tcp.c — SOCK_STREAM sockets of the AF_INET family over net/tcp.c. Connection state as the socket
 * sees it (Linux's SS_* states): new, connecting (a non-blocking connect in progress), connected, listening.
 * TCP's pending errors (connection refused, reset, timed out) become SO_ERROR when poll or connect sees them.
 * Urgent data (send/recv MSG_OOB, SO_OOBINLINE, SIOCATMARK, POLLPRI, SIGURG) is net/tcp_urg.c's.
 * Not implemented: a new connect after a failed
 * one (it reports the failure once, then ECONNABORTED: Linux would try again); AF_UNSPEC connect to dissolve a
 * connection (EAFNOSUPPORT). */
#include "inet.h"

#define SIOCATMARK 0x8905

enum stream_state { ST_NEW, ST_CONNECTING, ST_CONNECTED, ST_LISTENING, ST_FAILED };

struct inet_stream {
    struct inet_opts opts;              /* first: net/inet_opt.c finds it at s->priv */
    struct tcp_pcb *pcb;
    enum stream_state st;
    bool bound;
    bool reported;                      /* a connect call has reported the connection's success */
};

static struct inet_stream *stream_of(struct socket *s)
{
    return s->priv;
}

/* A pending TCP error moves to SO_ERROR (positive errno), where getsockopt and connect find it. */
static void take_error(struct socket *s)
{
    int e = tcp_error(stream_of(s)->pcb);
    if (e)
        s->so_error = -e;
}

/* A connecting socket that TCP has since established (or failed) moves on. */
static void stream_update(struct socket *s)
{
    struct inet_stream *t = stream_of(s);
    if (t->st != ST_CONNECTING)
        return;
    unsigned ev = tcp_poll(t->pcb);
    if (ev & POLLERR) {
        take_error(s);
        t->st = ST_FAILED;
    } else if ((ev & POLLHUP) && !(ev & POLLRDHUP)) {
        t->st = ST_FAILED; /* closed without ever connecting (a connection that ended says POLLRDHUP too) */
    } else if (ev & POLLOUT) {
        t->st = ST_CONNECTED;
    }
}

static int stream_bind(struct socket *s, const void *kaddr, u32 alen)
{
    struct inet_stream *t = stream_of(s);
    ip4_t addr;
    u16 port;
    int r = inet_bind_addr(s, kaddr, alen, &addr, &port);
    if (r)
        return r;
    if (t->bound)
        return -EINVAL;
    r = tcp_bind(t->pcb, addr, port);
    if (!r)
        t->bound = true;
    return r;
}

static int stream_connect(struct socket *s, const void *kaddr, u32 alen)
{
    struct inet_stream *t = stream_of(s);
    stream_update(s);
    switch (t->st) {
    case ST_CONNECTED:
        /* Linux: the first connect after a non-blocking one completed reports success, later ones EISCONN. */
        if (!t->reported) {
            t->reported = true;
            return 0;
        }
        return -EISCONN;
    case ST_LISTENING:
        return -EISCONN;
    case ST_CONNECTING:
        return -EALREADY;
    case ST_FAILED: {
        /* The outcome of an earlier non-blocking connect: its error once, then the socket is spent. */
        int e = s->so_error;
        s->so_error = 0;
        return e ? -e : -ECONNABORTED;
    }
    case ST_NEW:
        break;
    }
    ip4_t addr, laddr;
    u16 port, lport;
    tcp_local(t->pcb, &laddr, &lport);
    int r = inet_dst_in(s, kaddr, alen, &addr, &port, INET_CONNECT, laddr);
    if (r < 0)
        return r;
    if (!addr)
        addr = NET_IP4(127, 0, 0, 1); /* Linux: INADDR_ANY as a destination means this host */
    if (addr == IP4_BROADCAST || (addr & 0xf0) == 0xe0)
        return -ENETUNREACH; /* no broadcast or multicast streams */
    if ((r = inet_route_ready(addr, port)))
        return r;
    tcp_set_syn_retries(t->pcb, t->opts.syncnt);
    r = tcp_connect(t->pcb, addr, port);
    if (r == -EINPROGRESS || r == 0) {
        t->bound = true;
        t->st = r ? ST_CONNECTING : ST_CONNECTED;
        t->reported = r == 0 || !inet_nonblock(s); /* a blocking connect reports the outcome itself */
    }
    return r;
}

static int stream_listen(struct socket *s, int backlog)
{
    struct inet_stream *t = stream_of(s);
    if (t->st != ST_NEW && t->st != ST_LISTENING)
        return -EINVAL;
    if (!t->bound) {
        int r = tcp_bind(t->pcb, 0, 0); /* Linux binds an ephemeral port */
        if (r)
            return r;
        t->bound = true;
    }
    int r = tcp_listen(t->pcb, backlog < 1 ? 1 : backlog > 4096 ? 4096 : backlog);
    if (r)
        return r;
    t->st = ST_LISTENING;
    s->listening = true;
    return 0;
}


static int stream_accept(struct socket *s, struct socket *newsock)
{
    struct inet_stream *t = stream_of(s);
    if (t->st != ST_LISTENING)
        return -EINVAL;
    int err = -EAGAIN;
    struct tcp_pcb *pcb = tcp_accept(t->pcb, &err);
    if (!pcb)
        return err ? err : -EAGAIN;
    /* newsock was made by our create (sock_create of the listener's type): its fresh pcb gives way. */
    struct inet_stream *n = newsock->priv;
    tcp_set_sock(n->pcb, NULL);
    tcp_close(n->pcb);
    n->opts = t->opts; /* Linux: an accepted socket inherits the listener's options */
    n->pcb = pcb;
    tcp_set_sock(pcb, newsock);
    n->st = ST_CONNECTED;
    n->bound = true;
    n->reported = true;
    newsock->opts = s->opts;
    return 0;
}

static ssize_t stream_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags)
{
    (void)kaddr; /* Linux ignores a destination given to a TCP send */
    (void)alen;
    struct inet_stream *t = stream_of(s);
    stream_update(s);
    if (t->st == ST_CONNECTING)
        return -EAGAIN; /* Linux waits for the connection to finish */
    if (t->st == ST_FAILED && s->so_error) {
        int e = s->so_error;
        s->so_error = 0;
        return -e;
    }
    if (t->st != ST_CONNECTED)
        return -EPIPE; /* as Linux's tcp_sendmsg says for a socket that never connected */
    if (s->so_error) { /* a reset that poll already moved to SO_ERROR */
        int e = s->so_error;
        s->so_error = 0;
        return -e;
    }
    ssize_t r = tcp_send_urg(t->pcb, kbuf, n, flags & MSG_OOB);
    if (r == -EPIPE || r == -ECONNRESET)
        take_error(s);
    return r;
}

static ssize_t stream_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full)
{
    (void)kaddr;
    struct inet_stream *t = stream_of(s);
    if (alen)
        *alen = 0; /* a stream has no sender address to give */
    if (flags & MSG_OOB) /* net/socket.c calls once, with the program's flags (recv_urgent) */
        return t->st == ST_LISTENING ? -ENOTCONN : tcp_recv_oob(t->pcb, kbuf, n, flags & MSG_PEEK, flags & MSG_TRUNC, full);
    stream_update(s);
    if (t->st == ST_CONNECTING)
        return -EAGAIN;
    if (t->st == ST_FAILED && s->so_error) {
        int e = s->so_error;
        s->so_error = 0;
        return -e;
    }
    if (t->st != ST_CONNECTED)
        return -ENOTCONN;
    if ((flags & MSG_SKIFF_CONT) && tcp_at_mark(t->pcb))
        return 0; /* a read that has bytes already stops at the urgent mark, MSG_WAITALL or not */
    if (!tcp_rx_queued(t->pcb)) {
        /* After the data, a pending error (a reset), reported once even to a peek, as Linux's sock_error():
         * the socket layer peeks before it reads. */
        take_error(s);
        if (s->so_error) {
            int e = s->so_error;
            s->so_error = 0;
            return -e;
        }
    }
    ssize_t r = tcp_recv(t->pcb, kbuf, n, flags & MSG_PEEK);
    if (r >= 0 && full)
        *full = (size_t)r;
    if (r > 0)
        s->rx_stamp = tcp_rx_stamp(t->pcb);
    return r;
}

static unsigned stream_poll(struct socket *s)
{
    struct inet_stream *t = stream_of(s);
    if (t->st == ST_NEW)
        return POLLOUT | POLLHUP; /* as Linux's tcp_poll for a socket in CLOSE */
    stream_update(s);
    unsigned ev = tcp_poll(t->pcb);
    if (ev & POLLERR)
        take_error(s);
    if (s->so_error)
        ev |= POLLERR;
    return ev;
}

static int stream_shutdown(struct socket *s, int how)
{
    struct inet_stream *t = stream_of(s);
    stream_update(s);
    if (t->st == ST_NEW || t->st == ST_FAILED)
        return -ENOTCONN;
    int r = tcp_shutdown(t->pcb, how);
    sock_kick(s);
    return r;
}

static int stream_getname(struct socket *s, void *kaddr, u32 *alen, bool peer)
{
    struct inet_stream *t = stream_of(s);
    ip4_t addr;
    u16 port;
    stream_update(s);
    if (peer) {
        if (t->st != ST_CONNECTED)
            return -ENOTCONN;
        tcp_remote(t->pcb, &addr, &port);
    } else {
        tcp_local(t->pcb, &addr, &port);
    }
    inet_name_out(s, kaddr, alen, addr, port);
    return 0;
}

static int stream_ioctl(struct socket *s, unsigned cmd, int *val)
{
    struct inet_stream *t = stream_of(s);
    if (cmd == SIOCATMARK) {
        *val = tcp_at_mark(t->pcb); /* a listener too: 0 */
        return 0;
    }
    if (cmd != FIONREAD && cmd != SIOCOUTQ)
        return -ENOTTY;
    if (t->st == ST_LISTENING)
        return -EINVAL; /* as Linux for a listener */
    size_t n = cmd == FIONREAD ? tcp_rx_inq(t->pcb) : tcp_tx_queued(t->pcb);
    *val = (int)MIN(n, (size_t)0x7fffffff);
    return 0;
}

static void stream_release(struct socket *s)
{
    struct inet_stream *t = stream_of(s);
    tcp_set_sock(t->pcb, NULL);
    tcp_close(t->pcb);
    kfree(t);
}

#define TCP_INFO 11

/* TCP_INFO is the connection's (net/tcp_info.c); the rest are the inet options'. */
static int stream_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len)
{
    if (level == IPPROTO_TCP && name == TCP_INFO) {
        *len = MIN(*len, tcp_info_fill(stream_of(s)->pcb, kval));
        return 0;
    }
    return inet_getsockopt(s, level, name, kval, len);
}

/* The pcb: TCP kicks it at every change (tcp_kick); a socket keeps its pcb for its life (accept gives the new
 * socket its pcb before the program sees it). */
static const void *stream_poll_chan(struct socket *s)
{
    return stream_of(s)->pcb;
}

static const struct sock_ops stream_ops = {
    .poll_chan = stream_poll_chan,
    .bind = stream_bind,
    .connect = stream_connect,
    .listen = stream_listen,
    .accept = stream_accept,
    .send = stream_send,
    .recv = stream_recv,
    .poll = stream_poll,
    .shutdown = stream_shutdown,
    .getname = stream_getname,
    .setsockopt = inet_setsockopt,
    .getsockopt = stream_getsockopt,
    .ioctl = stream_ioctl,
    .release = stream_release,
};

int inet_stream_family(struct socket *s, u8 fam)
{
    return tcp_set_family(stream_of(s)->pcb, fam);
}

int inet_stream_create(struct socket *s, int protocol)
{
    if (protocol != 0 && protocol != IPPROTO_TCP)
        return -EPROTONOSUPPORT;
    struct inet_stream *t = kzalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->pcb = tcp_new();
    if (!t->pcb) {
        kfree(t);
        return -ENOMEM;
    }
    s->priv = t;
    s->ops = &stream_ops;
    tcp_set_sock(t->pcb, s);
    return 0;
}

/* TCP asks, for urgent data (net/tcp_urg.c; from the receive path too) */
#define SO_OOBINLINE 10
bool tcp_sock_oobinline(const struct socket *s) { return s->opts & (1u << SO_OOBINLINE); }

void tcp_sock_sigurg(struct socket *s)
{
    if (s->file)
        sigio_urgent(s->file);
}

/* The connection block of an AF_INET or AF_INET6 stream socket, else NULL (/proc/net/tcp: net/procnet.c). */
struct tcp_pcb *inet_stream_pcb(struct socket *s)
{
    return s->ops == &stream_ops ? stream_of(s)->pcb : NULL;
}
