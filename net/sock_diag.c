/* net/sock_diag.c — NETLINK_SOCK_DIAG (sock_diag(7)): SOCK_DIAG_BY_FAMILY dumps of TCP and UDP sockets, IPv4 and
 * IPv6 (struct inet_diag_req_v2 in, struct inet_diag_msg out, linux/inet_diag.h) and of Unix sockets (struct
 * unix_diag_req, struct unix_diag_msg and the UNIX_DIAG_* attributes, linux/unix_diag.h), and one Unix socket
 * by inode. ss(8) lists sockets this way. The data is /proc/net's (net/procnet.c): every TCP connection
 * block, the UDP and Unix sockets the processes hold.
 * A dump's filter program (INET_DIAG_REQ_BYTECODE) is net/sock_diag_bc.c's.
 * Not done (test/conformance/partial): inet replies carry INET_DIAG_SHUTDOWN only (no tcp_info, memory or
 * congestion attributes); the lookup of one inet socket, the old
 * TCPDIAG_GETSOCK/DCCPDIAG_GETSOCK requests and SOCK_DESTROY are EOPNOTSUPP;
 * timers and retransmits are 0; a listener's UNIX_DIAG_ICONS is empty and UNIX_DIAG_MEMINFO is not given;
 * other families (netlink, packet) and protocols ENOENT, as Linux without their diag module. */
#include "sock_diag.h"
#include "inet.h"
#include "ip6.h"
#include "tcp.h"
#include "unix.h"
#include "procnet.h"
#include "../kernel/errno.h"
#include "../kernel/cred.h"

#define ESTALE_K 116

#define TCPDIAG_GETSOCK 18
#define DCCPDIAG_GETSOCK 19
#define SOCK_DIAG_BY_FAMILY 20
#define SOCK_DESTROY 21
#define AF_MAX_K 46
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define TCP_ESTABLISHED_K 1
#define TCP_CLOSE_K 7
#define TCP_LISTEN_K 10
#define INET_DIAG_REQ_BYTECODE 1
#define INET_DIAG_SHUTDOWN 8
#define UDIAG_SHOW_NAME 0x01
#define UDIAG_SHOW_VFS 0x02
#define UDIAG_SHOW_PEER 0x04
#define UDIAG_SHOW_ICONS 0x08
#define UDIAG_SHOW_RQLEN 0x10
#define UDIAG_SHOW_UID 0x40
enum { UNIX_DIAG_NAME, UNIX_DIAG_VFS, UNIX_DIAG_PEER, UNIX_DIAG_ICONS, UNIX_DIAG_RQLEN, UNIX_DIAG_MEMINFO,
       UNIX_DIAG_SHUTDOWN, UNIX_DIAG_UID };

struct inet_diag_sockid_k { u16 sport, dport; u32 src[4], dst[4]; u32 ifindex; u32 cookie[2]; };
struct inet_diag_req_v2_k { u8 family, protocol, ext, pad; u32 states; struct inet_diag_sockid_k id; };
struct inet_diag_msg_k {
    u8 family, state, timer, retrans;
    struct inet_diag_sockid_k id;
    u32 expires, rqueue, wqueue, uid, inode;
};
struct unix_diag_req_k { u8 family, protocol; u16 pad; u32 states, ino, show; u32 cookie[2]; };
struct unix_diag_msg_k { u8 family, type, state, pad; u32 ino; u32 cookie[2]; };
_Static_assert(sizeof(struct inet_diag_req_v2_k) == 56, "struct inet_diag_req_v2");
_Static_assert(sizeof(struct inet_diag_msg_k) == 72, "struct inet_diag_msg");
_Static_assert(sizeof(struct unix_diag_req_k) == 24, "struct unix_diag_req");
_Static_assert(sizeof(struct unix_diag_msg_k) == 16, "struct unix_diag_msg");

struct diag_dump {
    struct nl_reply r;
    struct held *h;
    int nheld;
    int done_err;                     /* what NLMSG_DONE reports */
    const u8 *bc;                     /* the filter program (INET_DIAG_REQ_BYTECODE), or NULL */
    int bc_len;
};

static const struct held *held_of(const struct diag_dump *d, const struct socket *s)
{
    for (int i = 0; s && i < d->nheld; i++)
        if (d->h[i].s == s)
            return &d->h[i];
    return NULL;
}

/* The addresses as inet_diag_sockid has them: network order, an IPv4 one in the first word. */
static void put_addr(u32 out[4], bool v6, ip4_t a)
{
    if (v6)
        addr6_words(a, out);
    else
        out[0] = a;
}

/* The socket's cookie: a number unique among the sockets that exist (its inode's, as it has one). */
static void put_cookie(u32 c[2], u64 ino)
{
    c[0] = (u32)ino;
    c[1] = (u32)(ino >> 32);
}

static void inet_msg(struct diag_dump *d, bool v6, unsigned state, ip4_t la, u16 lp, ip4_t ra, u16 rp, u32 rq,
                     u32 wq, const struct held *o, u8 shutdown, bool full)
{
    if (d->bc) {
        struct sock_diag_entry e = { .family = v6 ? AF_INET6 : AF_INET, .sport = net_ntohs(lp), .dport = net_ntohs(rp),
                                     .mark = o ? (u32)o->s->mark : 0, .ifindex = o ? (u32)o->s->bound_if : 0 };
        put_addr(e.saddr, v6, la);
        put_addr(e.daddr, v6, ra);
        if (!sock_diag_bc_run(d->bc, d->bc_len, &e))
            return;
    }
    struct inet_diag_msg_k *m = nl_msg_begin(&d->r, SOCK_DIAG_BY_FAMILY, sizeof(*m));
    if (!m)
        return;
    m->family = v6 ? AF_INET6 : AF_INET;
    m->state = (u8)state;
    m->id.sport = lp;
    m->id.dport = rp;
    put_addr(m->id.src, v6, la);
    put_addr(m->id.dst, v6, ra);
    put_cookie(m->id.cookie, o ? o->ino : 0);
    m->rqueue = rq;
    m->wqueue = wq;
    m->uid = o ? o->uid : 0;
    m->inode = o ? (u32)o->ino : 0;
    if (full) /* a socket, not a TIME-WAIT block: Linux adds its shutdown state */
        nl_put_u8(&d->r, INET_DIAG_SHUTDOWN, shutdown);
    nl_msg_end(&d->r);
}

static void dump_tcp(struct diag_dump *d, bool v6, u32 states)
{
    for (struct tcp_pcb *p = tcp_pcbs; p; p = p->next) {
        if ((p->fam != NET_FAM_V4) != v6 || !p->lport)
            continue; /* the other family's, or not yet bound (as /proc/net/tcp) */
        unsigned st = tcp_state_code(p->state);
        if (!(states & (1u << st)))
            continue;
        const struct held *o = NULL;
        for (int i = 0; i < d->nheld && !o; i++)
            if (inet_stream_pcb(d->h[i].s) == p)
                o = &d->h[i];
        bool listen = p->state == TCP_LISTEN;
        u8 shut = (u8)((p->rd_shut ? 1 : 0) | (p->fin_queued ? 2 : 0));
        inet_msg(d, v6, st, p->laddr, p->lport, p->raddr, p->rport, listen ? (u32)p->pending : p->rbuf_len,
                 listen ? (u32)p->backlog : p->sbuf_len, o, shut, st != 6);
    }
}

static void dump_udp(struct diag_dump *d, bool v6, u32 states)
{
    for (int i = 0; i < d->nheld; i++) {
        struct udp_pcb *pcb = inet_dgram_pcb(d->h[i].s);
        struct udp_pcb_info u;
        if (!pcb)
            continue;
        udp_pcb_info(pcb, &u);
        unsigned st = u.raddr ? TCP_ESTABLISHED_K : TCP_CLOSE_K;
        if ((u.fam != NET_FAM_V4) != v6 || !u.lport || !(states & (1u << st)))
            continue;
        inet_msg(d, v6, st, u.laddr, u.lport, u.raddr, u.rport, (u32)u.queued, 0, &d->h[i], 0, true);
    }
}

static int inet_diag(struct diag_dump *d, const struct nlmsghdr_k *req)
{
    if (req->len < NL_HDRLEN + sizeof(struct inet_diag_req_v2_k))
        return -EINVAL;
    const struct inet_diag_req_v2_k *q = (const void *)(req + 1);
    bool known = q->protocol == IPPROTO_TCP || q->protocol == IPPROTO_UDP;
    if (!(req->flags & NLM_F_DUMP)) {
        if (!known)
            return -ENOENT; /* Linux: no diag handler for the protocol (its module absent) */
        kerr("sock_diag: the lookup of one inet socket is not implemented: EOPNOTSUPP\n");
        return -EOPNOTSUPP;
    }
    const struct nlattr_k *tb[INET_DIAG_REQ_BYTECODE + 1];
    if (req->len > NL_HDRLEN + sizeof(*q)) { /* attributes: a filter program, checked before the dump (EINVAL) */
        if (nl_parse(req, sizeof(*q), tb, INET_DIAG_REQ_BYTECODE + 1, false) || !tb[INET_DIAG_REQ_BYTECODE])
            return -EINVAL;
        int rc = sock_diag_bc_audit(nla_data(tb[INET_DIAG_REQ_BYTECODE]), (int)nla_len(tb[INET_DIAG_REQ_BYTECODE]));
        if (rc)
            return rc;
        d->bc = nla_data(tb[INET_DIAG_REQ_BYTECODE]);
        d->bc_len = (int)nla_len(tb[INET_DIAG_REQ_BYTECODE]);
    }
    bool v6 = q->family == AF_INET6;
    if (!known)
        d->done_err = -ENOENT; /* found by the dump itself on Linux: its NLMSG_DONE says so */
    else if (q->protocol == IPPROTO_TCP)
        dump_tcp(d, v6, q->states);
    else
        dump_udp(d, v6, q->states);
    return 1;
}

static unsigned unix_state(const struct usock *u)
{
    return u->state == U_LISTEN ? TCP_LISTEN_K : u->state == U_CONN ? TCP_ESTABLISHED_K : TCP_CLOSE_K;
}

/* Bytes waiting to be read: all of a stream's, a datagram socket's next one (Linux's unix_inq_len). */
static u32 unix_inq(const struct usock *u)
{
    u32 n = 0;
    for (const struct umsg *m = u->rq; m; m = m->next) {
        n += (u32)(m->len - m->off);
        if (u->type == SOCK_DGRAM)
            break;
    }
    return n;
}

static void unix_msg(struct diag_dump *d, const struct held *o, u32 show)
{
    const struct usock *u = o->s->priv;
    struct unix_diag_msg_k *m = nl_msg_begin(&d->r, SOCK_DIAG_BY_FAMILY, sizeof(*m));
    if (!m)
        return;
    *m = (struct unix_diag_msg_k){ AF_UNIX, (u8)u->type, (u8)unix_state(u), 0, (u32)o->ino, { 0, 0 } };
    put_cookie(m->cookie, o->ino);
    if ((show & UDIAG_SHOW_NAME) && u->alen > UNIX_PATH_OFF)
        nl_put(&d->r, UNIX_DIAG_NAME, u->addr + UNIX_PATH_OFF, u->alen - UNIX_PATH_OFF);
    if ((show & UDIAG_SHOW_VFS) && u->ino) { /* the node's inode and device (the kernel's dev_t: major << 20) */
        u64 dev = u->ino->sb ? u->ino->sb->dev : 0;
        u32 v[2] = { (u32)u->ino->ino, (u32)(((dev >> 8) & 0xfff) << 20 | (dev & 0xff) | ((dev >> 12) & 0xfff00)) };
        nl_put(&d->r, UNIX_DIAG_VFS, v, sizeof(v));
    }
    if ((show & UDIAG_SHOW_PEER) && u->peer) {
        const struct held *po = held_of(d, u->peer->sock);
        nl_put_u32(&d->r, UNIX_DIAG_PEER, po ? (u32)po->ino : 0);
    }
    if ((show & UDIAG_SHOW_ICONS) && u->state == U_LISTEN)
        nl_put(&d->r, UNIX_DIAG_ICONS, NULL, 0);
    if (show & UDIAG_SHOW_RQLEN) {
        u32 q[2] = { u->state == U_LISTEN ? (u32)u->aq_len : unix_inq(u),
                     u->state == U_LISTEN ? (u32)u->backlog : (u32)u->wmem };
        nl_put(&d->r, UNIX_DIAG_RQLEN, q, sizeof(q));
    }
    if (show & UDIAG_SHOW_UID)
        nl_put_u32(&d->r, UNIX_DIAG_UID, o->uid);
    nl_put_u8(&d->r, UNIX_DIAG_SHUTDOWN, (u8)((u->shut_rd ? 1 : 0) | (u->shut_wr ? 2 : 0)));
    nl_msg_end(&d->r);
}

static bool is_unix(const struct socket *s)
{
    return s->ops == &unix_stream_ops || s->ops == &unix_dgram_ops;
}

static int unix_diag(struct diag_dump *d, const struct nlmsghdr_k *req)
{
    if (req->len < NL_HDRLEN + sizeof(struct unix_diag_req_k))
        return -EINVAL;
    const struct unix_diag_req_k *q = (const void *)(req + 1);
    if (req->flags & NLM_F_DUMP) {
        for (int i = 0; i < d->nheld; i++)
            if (is_unix(d->h[i].s) && (q->states & (1u << unix_state(d->h[i].s->priv))))
                unix_msg(d, &d->h[i], q->show);
        return 1;
    }
    /* one socket, by inode; the cookie must match unless it is INET_DIAG_NOCOOKIE (~0, ~0) */
    if (!q->ino)
        return -EINVAL;
    for (int i = 0; i < d->nheld; i++) {
        if (!is_unix(d->h[i].s) || (u32)d->h[i].ino != q->ino)
            continue;
        u32 c[2];
        put_cookie(c, d->h[i].ino);
        if ((q->cookie[0] != ~0u || q->cookie[1] != ~0u) && (q->cookie[0] != c[0] || q->cookie[1] != c[1]))
            return -ESTALE_K; /* Linux: the socket of that inode is another one now */
        unix_msg(d, &d->h[i], q->show);
        return 2;
    }
    return -ENOENT;
}

int sock_diag_request(struct nl_sock *k, const struct nlmsghdr_k *req)
{
    if (req->type == TCPDIAG_GETSOCK || req->type == DCCPDIAG_GETSOCK || req->type == SOCK_DESTROY) {
        kerr("sock_diag: message type %u (the old inet_diag_req, or SOCK_DESTROY) is not implemented: EOPNOTSUPP\n",
             req->type);
        return -EOPNOTSUPP;
    }
    if (req->type != SOCK_DIAG_BY_FAMILY)
        return -EINVAL; /* as Linux for a type sock_diag does not know */
    if (req->len < NL_HDRLEN + 2)
        return -EINVAL;
    const u8 *fam = (const u8 *)(req + 1);
    if (*fam >= AF_MAX_K)
        return -EINVAL;
    if (*fam != AF_INET && *fam != AF_INET6 && *fam != AF_UNIX)
        return -ENOENT;
    struct diag_dump d;
    d.h = kmalloc(HELD_MAX * sizeof(*d.h));
    if (!d.h)
        return -ENOMEM;
    d.nheld = held_sockets(d.h);
    d.done_err = 0;
    d.bc = NULL;
    d.bc_len = 0;
    bool dump = (req->flags & NLM_F_DUMP) != 0;
    nl_reply_init(&d.r, k, req, dump);
    int rc = *fam == AF_UNIX ? unix_diag(&d, req) : inet_diag(&d, req);
    if (rc == 1)
        nl_reply_done(&d.r, d.done_err);
    else if (rc == 2)
        rc = nl_reply_flush(&d.r) ? -ENOMEM : 0; /* one socket: its message, then the ack if asked */
    else
        nl_reply_flush(&d.r);
    kfree(d.h);
    return rc;
}
