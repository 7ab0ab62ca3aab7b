/* net/unix_io.c — AF_UNIX data: each send queues a message on the receiver; a stream reads across messages,
 * a datagram or seqpacket receive takes one (the rest of it is cut: MSG_TRUNC). What a sender may have queued
 * is bounded by its SO_SNDBUF (208 KiB by default, as Linux; skiff counts payload bytes, Linux counts buffer
 * overhead too, so Linux blocks somewhat sooner); an unconnected datagram receiver also holds at most
 * max_dgram_qlen + 1 datagrams from others. SCM_RIGHTS file descriptors ride on the message they were sent
 * with. No op waits: -EAGAIN sends the generic layer (net/socket.c) to wait.
 * Out-of-band data (Linux's CONFIG_AF_UNIX_OOB), on streams only: send(MSG_OOB) queues the last byte as a
 * message of its own, the receiver's oob; recv(MSG_OOB) takes it and leaves the emptied message in the queue
 * as the mark; an ordinary read stops before the mark and, when it starts there, passes over it (an OOB byte
 * not yet taken is then lost, unless SO_OOBINLINE reads it as data). A newer OOB byte makes the older one
 * ordinary data. SIOCATMARK says whether the next read starts at the mark; poll says POLLPRI while one is
 * pending; the receiver's owner (F_SETOWN) gets SIGURG. */
#include "unix.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/boot.h"

#define SIOCOUTQ 0x5411

#define SIOCATMARK 0x8905
#define SO_OOBINLINE_BIT (1u << 10)

void unix_fds_put(struct file **fds, int n)
{
    for (int i = 0; i < n; i++)
        file_put(fds[i]);
    kfree(fds);
}

static void umsg_free(struct umsg *m)
{
    m->from->wmem -= m->len;
    unix_kick(m->from); /* the sender has room again */
    usock_put(m->from);
    unix_fds_put(m->fds, m->nfds);
    kfree(m->data);
    kfree(m);
}

/* Drops everything queued for u (its close, or a datagram socket changing peers). */
void unix_purge(struct usock *u)
{
    u->oob = NULL;
    while (u->rq) {
        struct umsg *m = u->rq;
        u->rq = m->next;
        umsg_free(m);
    }
    u->rq_tail = NULL;
    u->rq_len = 0;
}

static int enqueue(struct usock *from, struct usock *to, const void *kbuf, size_t n)
{
    struct umsg *m = kzalloc(sizeof(*m));
    u8 *data = m ? kmalloc(n ? n : 1) : NULL;
    if (!data) {
        kfree(m);
        return -ENOBUFS;
    }
    memcpy(data, kbuf, n);
    m->data = data;
    m->len = n;
    m->from = from;
    from->refs++;
    from->wmem += n;
    m->fds = from->tx_fds;
    m->nfds = from->tx_nfds;
    m->cred = from->tx_has_cred ? from->tx_cred : (struct ucred_k){ current_proc()->pid, 0, 0 };
    m->stamp = clock_realtime_ns();
    from->tx_has_cred = false;
    from->tx_fds = NULL;
    from->tx_nfds = 0;
    if (to->rq_tail)
        to->rq_tail->next = m;
    else
        to->rq = m;
    to->rq_tail = m;
    to->rq_len++;
    unix_kick(to);
    return 0;
}

static size_t sndbuf(const struct usock *u)
{
    return u->sock ? (size_t)u->sock->sndbuf : SOCK_BUF_DEFAULT;
}

/* The last byte of a MSG_OOB send, as its own message: the receiver's pending out-of-band byte. */
static int queue_oob(struct usock *u, const u8 *byte)
{
    int rc = enqueue(u, u->peer, byte, 1);
    if (rc)
        return rc;
    u->peer->oob = u->peer->rq_tail;
    if (u->peer->sock && u->peer->sock->file)
        sigio_urgent(u->peer->sock->file); /* as Linux's queue_oob: SIGURG to the receiver's owner */
    return 0;
}

ssize_t unix_stream_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags)
{
    struct usock *u = s->priv;
    bool oob = flags & MSG_OOB;
    if (oob && !n)
        return -EOPNOTSUPP; /* no byte to send out of band */
    if (kaddr && alen)
        return u->state == U_CONN ? -EISCONN : -EOPNOTSUPP;
    if (u->state != U_CONN)
        return -ENOTCONN;
    if (u->shut_wr || usock_dead(u->peer) || u->peer->shut_rd)
        return -EPIPE;
    if (!n)
        return 0;
    if (u->wmem >= sndbuf(u))
        return -EAGAIN;
    size_t normal = oob ? n - 1 : n;
    size_t c = MIN(normal, sndbuf(u) - u->wmem);
    int rc = c ? enqueue(u, u->peer, kbuf, c) : 0;
    if (rc)
        return rc;
    if (c < normal || !oob || (c && u->wmem >= sndbuf(u)))
        return (ssize_t)c; /* the rest, with the out-of-band byte, comes with the next call */
    rc = queue_oob(u, (const u8 *)kbuf + normal);
    return rc ? (c ? (ssize_t)c : rc) : (ssize_t)n;
}

static void set_from(struct umsg *m, void *kaddr, u32 *alen)
{
    if (!kaddr)
        return;
    struct usock *f = m->from;
    *alen = f->alen;
    if (f->alen)
        memcpy(kaddr, f->addr, f->alen);
}

/* The head message is read: unlink it; its descriptors wait for recv_ctl. */
static void consume_head(struct usock *u)
{
    struct umsg *m = u->rq;
    u->rq = m->next;
    if (!u->rq)
        u->rq_tail = NULL;
    u->rq_len--;
    if (m->fds) {
        unix_fds_put(u->rx_fds, u->rx_nfds);
        u->rx_fds = m->fds;
        u->rx_nfds = m->nfds;
        m->fds = NULL;
        m->nfds = 0;
    }
    umsg_free(m); /* kicks the sender: it has room again */
    unix_kick(u);
}

/* recv(MSG_OOB): the pending out-of-band byte (EINVAL when there is none, or SO_OOBINLINE reads it inline). */
static ssize_t stream_recv_oob(struct socket *s, struct usock *u, void *kbuf, size_t n, int flags, size_t *full)
{
    struct umsg *m = u->oob;
    if ((s->opts & SO_OOBINLINE_BIT) || !m)
        return -EINVAL;
    if (n)
        *(u8 *)kbuf = m->data[m->off];
    *full = 1;
    if (!(flags & MSG_PEEK)) {
        m->off = m->len; /* emptied, it stays in the queue as the mark */
        u->oob = NULL;
        unix_kick(u);
    }
    return 1;
}

/* Before a stream read takes from m (Linux's manage_oob): an emptied mark is passed over (dropped unless
 * peeking) unless the read already has bytes; the read stops before the out-of-band byte when it has bytes,
 * else takes it as data (SO_OOBINLINE) or drops it. Returns where to read next, or NULL to stop. */
static struct umsg *stream_oob_step(struct socket *s, struct usock *u, struct umsg *m, int flags, size_t done)
{
    bool peek = flags & MSG_PEEK, inl = s->opts & SO_OOBINLINE_BIT;
    if (m->off < m->len && m != u->oob)
        return m;
    if (m->off == m->len) {
        if (done && (!u->oob || m == u->oob))
            return NULL;
        if (peek) {
            m = m->next;
        } else {
            consume_head(u); /* m is the head when not peeking */
            m = u->rq;
        }
        if (!m)
            return NULL;
    }
    if (m != u->oob)
        return m;
    if (done)
        return NULL;
    if (!peek) {
        u->oob = NULL;
        if (!inl) {
            m->off = m->len; /* the byte is lost */
            consume_head(u);
            m = u->rq;
        }
    } else if (!inl) {
        m = m->next;
    }
    return m;
}

ssize_t unix_stream_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full)
{
    struct usock *u = s->priv;
    if (alen)
        *alen = 0;
    if (flags & MSG_OOB)
        return stream_recv_oob(s, u, kbuf, n, flags, full);
    if (u->state != U_CONN)
        return -EINVAL;
    size_t had = (flags & MSG_SKIFF_CONT) ? 1 : 0; /* the caller's read already has bytes (net/socket.c) */
    struct umsg *first = u->rq ? stream_oob_step(s, u, u->rq, flags, had) : NULL;
    if (!first) { /* even for n == 0, as Linux */
        int e = usock_take_err(u);
        return e ? -e : u->shut_rd ? 0 : -EAGAIN;
    }
    set_from(first, kaddr, alen);
    u->rx_cred = first->cred;
    u->rx_has_cred = true;
    size_t done = 0;
    for (struct umsg *m = first; m && done < n;) {
        size_t c = MIN(n - done, m->len - m->off);
        memcpy((u8 *)kbuf + done, m->data + m->off, c);
        done += c;
        bool had_fds = m->fds != NULL;
        if (flags & MSG_PEEK) {
            m = m->next;
        } else {
            m->off += c;
            if (m->off == m->len)
                consume_head(u);
            m = u->rq;
        }
        if (had_fds)
            break; /* as Linux: a read ends after the message that carried descriptors */
        if (m)
            m = stream_oob_step(s, u, m, flags, had + done);
    }
    *full = done;
    return (ssize_t)done;
}

ssize_t unix_dgram_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags)
{
    struct usock *u = s->priv, *to;
    int rc;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (u->type == SOCK_SEQPACKET) {
        if ((rc = usock_take_err(u)))
            return -rc;
        if (u->state != U_CONN)
            return -ENOTCONN;
        kaddr = NULL; /* a seqpacket send ignores any address */
    } else if (kaddr && alen) {
        if ((rc = unix_check_addr(kaddr, alen)))
            return rc;
    } else if (!u->peer) {
        return -ENOTCONN;
    }
    if (n + 32 > sndbuf(u))
        return -EMSGSIZE;
    if ((rc = unix_passcred_bind(s)))
        return rc;
    if (u->shut_wr)
        return -EPIPE;
    if (u->wmem >= sndbuf(u))
        return -EAGAIN;
    if (kaddr && alen) {
        if (!(to = usock_find(kaddr, alen, u->type, &rc)))
            return rc;
        if (to->peer && to->peer != u)
            return -EPERM;
    } else {
        to = u->peer;
        if (usock_dead(to)) {
            if (u->type == SOCK_SEQPACKET)
                return -EPIPE;
            usock_peer_set(u, NULL); /* as Linux: the connection is gone */
            u->state = U_UNCONN;
            return -ECONNREFUSED;
        }
    }
    if (to->shut_rd)
        return -EPIPE;
    if (to != u && to->peer != u && to->rq_len > UNIX_MAX_DGRAM_QLEN)
        return -EAGAIN;
    rc = enqueue(u, to, kbuf, n);
    return rc ? rc : (ssize_t)n;
}

/* SO_PEEK_OFF for datagrams, as Linux's __skb_try_recv_from_queue: datagrams that end at or before the offset
 * are passed over (an empty one only once it has been peeked), and the peek starts *skip bytes into the one
 * found. NULL: nothing lies past the offset. */
static struct umsg *peek_skip(struct usock *u, size_t off, size_t *skip)
{
    struct umsg *m = u->rq;
    while (m && off >= m->len && (off || m->peeked)) {
        off -= m->len;
        m = m->next;
    }
    *skip = m ? off : 0;
    return m;
}

ssize_t unix_dgram_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full)
{
    struct usock *u = s->priv;
    if (alen)
        *alen = 0;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (u->type == SOCK_SEQPACKET && u->state != U_CONN)
        return -ENOTCONN;
    size_t skip = 0;
    struct umsg *m = (flags & MSG_PEEK) && s->peek_off >= 0 ? peek_skip(u, (size_t)s->peek_off, &skip) : u->rq;
    if (!m) {
        int e = u->rq ? 0 : usock_take_err(u);
        return e ? -e : u->shut_rd && !u->rq ? 0 : -EAGAIN;
    }
    size_t c = MIN(n, m->len - skip);
    memcpy(kbuf, m->data + skip, c);
    *full = m->len - skip;
    set_from(m, kaddr, alen);
    u->rx_cred = m->cred;
    u->rx_has_cred = true;
    s->rx_stamp = m->stamp;
    if (flags & MSG_PEEK)
        m->peeked = true;
    else
        consume_head(u);
    return (ssize_t)c;
}

/* Linux's unix_poll and unix_dgram_poll, with the POLLRDNORM/POLLWRNORM twins. */
unsigned unix_poll(struct socket *s)
{
    struct usock *u = s->priv;
    unsigned mask = 0;
    if (s->so_error)
        mask |= POLLERR;
    if (u->shut_rd && u->shut_wr)
        mask |= POLLHUP;
    if (u->shut_rd)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (u->rq || u->aq)
        mask |= POLLIN | POLLRDNORM;
    if (u->oob)
        mask |= POLLPRI;
    if (u->type != SOCK_DGRAM && u->state == U_UNCONN)
        mask |= POLLHUP;
    bool writable = u->state != U_LISTEN && u->wmem * 4 <= sndbuf(u);
    struct usock *p = u->peer;
    if (writable && u->type != SOCK_STREAM && p && !usock_dead(p) && p->peer != u &&
        p->rq_len > UNIX_MAX_DGRAM_QLEN)
        writable = false;
    if (writable)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

int unix_shutdown(struct socket *s, int how)
{
    struct usock *u = s->priv;
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    bool rd = how != SHUT_WR, wr = how != SHUT_RD;
    u->shut_rd |= rd;
    u->shut_wr |= wr;
    struct usock *p = u->peer;
    if (p && u->type != SOCK_DGRAM) {
        p->shut_wr |= rd;
        p->shut_rd |= wr;
        unix_kick(p);
    }
    unix_kick(u);
    return 0;
}

int unix_ioctl(struct socket *s, unsigned cmd, int *val)
{
    struct usock *u = s->priv;
    if (cmd == SIOCOUTQ) {
        *val = (int)u->wmem;
        return 0;
    }
    if (cmd == SIOCATMARK) { /* Linux: the head is the OOB byte, or an emptied mark with no newer one behind */
        struct umsg *h = u->rq;
        *val = h && (h == u->oob || (h->off == h->len && (!u->oob || h->next == u->oob)));
        return 0;
    }
    if (u->state == U_LISTEN)
        return -EINVAL;
    size_t n = 0;
    for (struct umsg *m = u->rq; m; m = m->next) {
        n += m->len - m->off;
        if (u->type == SOCK_DGRAM)
            break; /* a datagram socket says the size of the next one */
    }
    *val = (int)n;
    return 0;
}

/* ---- control messages ---- */

#define CMSG_ALIGN(n) (((n) + 7) & ~(u64)7)

static int add_rights(struct usock *u, const struct cmsghdr_k *c)
{
    int n = (int)((c->len - sizeof(*c)) / sizeof(int));
    if (n <= 0)
        return 0;
    if (u->tx_nfds + n > SCM_MAX_FD)
        return -EINVAL;
    struct file **fds = krealloc(u->tx_fds, (size_t)(u->tx_nfds + n) * sizeof(*fds));
    if (!fds)
        return -ENOMEM;
    u->tx_fds = fds;
    const int *nums = (const int *)(c + 1);
    for (int i = 0; i < n; i++) {
        struct file *f = fd_get(current_proc()->fdt, nums[i]);
        if (!f)
            return -EBADF;
        file_get(f);
        u->tx_fds[u->tx_nfds++] = f;
    }
    return 0;
}

/* Linux's __scm_send: every header must fit; SOL_SOCKET ones are SCM_RIGHTS (files, at most 253) or
 * SCM_CREDENTIALS (must be the sender's own); anything else at SOL_SOCKET is EINVAL; other levels are ignored. */
int unix_send_ctl(struct socket *s, const void *kctl, u32 len)
{
    struct usock *u = s->priv;
    int rc = 0;
    for (u64 off = 0; !rc && off + sizeof(struct cmsghdr_k) <= len;) {
        const struct cmsghdr_k *c = (const void *)((const u8 *)kctl + off);
        if (c->len < sizeof(*c) || c->len > len - off) {
            rc = -EINVAL;
            break;
        }
        if (c->level == SOL_SOCKET) {
            if (c->type == SCM_RIGHTS) {
                rc = add_rights(u, c);
            } else if (c->type == SCM_CREDENTIALS) {
                struct ucred_k cr;
                if (c->len != sizeof(*c) + sizeof(cr)) {
                    rc = -EINVAL;
                    break;
                }
                memcpy(&cr, c + 1, sizeof(cr));
                const struct cred *me = cred_current(); /* one's own ids, or the capability to claim others */
                if ((cr.pid != current_proc()->pid && !capable(CAP_SYS_ADMIN)) ||
                    (!(cr.uid == me->uid || cr.uid == me->euid || cr.uid == me->suid) && !capable(CAP_SETUID)) ||
                    (!(cr.gid == me->gid || cr.gid == me->egid || cr.gid == me->sgid) && !capable(CAP_SETGID)))
                    rc = -EPERM;
                u->tx_cred = cr;
                u->tx_has_cred = !rc;
            } else {
                rc = -EINVAL;
            }
        }
        off += CMSG_ALIGN(c->len);
    }
    if (rc)
        unix_drop_ctl(s);
    return rc;
}

void unix_drop_ctl(struct socket *s)
{
    struct usock *u = s->priv;
    u->tx_has_cred = false;
    unix_fds_put(u->tx_fds, u->tx_nfds);
    u->tx_fds = NULL;
    u->tx_nfds = 0;
}

/* With SO_PASSCRED, first an SCM_CREDENTIALS message: the sender's pid, uid and gid. */
static u32 put_creds(struct usock *u, u8 *kctl, u32 room, int *mflags)
{
    struct cmsghdr_k c = { sizeof(c) + sizeof(struct ucred_k), SOL_SOCKET, SCM_CREDENTIALS };
    if (room < c.len) {
        *mflags |= MSG_CTRUNC;
        return 0;
    }
    memcpy(kctl, &c, sizeof(c));
    memcpy(kctl + sizeof(c), &u->rx_cred, sizeof(u->rx_cred));
    return MIN(room, (u32)CMSG_ALIGN(c.len));
}

/* The descriptors the last receive took become new fds in this process, in one SCM_RIGHTS message; those
 * that do not fit in the program's control buffer are closed and MSG_CTRUNC says so. */
static u32 put_rights(struct usock *u, u8 *kctl, u32 room, int *mflags, int flags)
{
    int fit = room > sizeof(struct cmsghdr_k) ? (int)((room - sizeof(struct cmsghdr_k)) / sizeof(int)) : 0;
    int n = MIN(fit, u->rx_nfds), got = 0;
    int *nums = (int *)(kctl + sizeof(struct cmsghdr_k));
    for (int i = 0; i < n; i++) {
        int fd = fd_install(current_proc()->fdt, u->rx_fds[i], 0, flags & MSG_CMSG_CLOEXEC);
        if (fd < 0)
            break;
        u->rx_fds[i] = NULL;
        nums[got++] = fd;
    }
    if (got < u->rx_nfds)
        *mflags |= MSG_CTRUNC;
    for (int i = got; i < u->rx_nfds; i++)
        file_put(u->rx_fds[i]);
    kfree(u->rx_fds);
    u->rx_fds = NULL;
    u->rx_nfds = 0;
    if (!got)
        return 0;
    struct cmsghdr_k c = { sizeof(c) + (u64)got * sizeof(int), SOL_SOCKET, SCM_RIGHTS };
    memcpy(kctl, &c, sizeof(c));
    return MIN(room, (u32)CMSG_ALIGN(c.len)); /* CMSG_SPACE, as Linux's msg_controllen */
}

int unix_recv_ctl(struct socket *s, void *kctl, u32 *len, int *mflags, int flags)
{
    struct usock *u = s->priv;
    u32 room = kctl ? *len : 0, used = 0;
    if (u->rx_has_cred && (s->opts & (1u << SO_PASSCRED)))
        used = put_creds(u, kctl, room, mflags);
    u->rx_has_cred = false;
    if (u->rx_fds && !(flags & MSG_PEEK))
        used += put_rights(u, (u8 *)kctl + used, room - used, mflags, flags);
    *len = used;
    return 0;
}
