/* net/unix.c — AF_UNIX (unix(7)): stream, datagram and seqpacket sockets in this VM. This file holds names
 * and connections: bind to a path (an S_IFSOCK node in the ramfs), to an abstract name (sun_path[0] == 0) or
 * an automatic one, socketpair, listen/connect/accept with a backlog, getsockname/getpeername, SO_PEERCRED,
 * and what closing does to the other end. unix_io.c moves the data. As on Linux, a stream connect completes
 * at once against an unaccepted "embryo" socket that accept later hands out; a listener holds backlog + 1. */
#include "unix.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"

static struct usock *abstract_list;
static u32 autobind_next;

bool usock_dead(const struct usock *u)
{
    return u->dead;
}

static struct ucred_k current_cred(void)
{
    const struct cred *c = cred_current(); /* SO_PEERCRED reports the effective ids, as Linux */
    return (struct ucred_k){ current_proc()->pid, c->euid, c->egid };
}

static struct usock *usock_new(int type)
{
    struct usock *u = kzalloc(sizeof(*u));
    if (!u)
        return NULL;
    u->refs = 1;
    u->type = type;
    u->cred = current_cred();
    return u;
}

void usock_put(struct usock *u)
{
    if (--u->refs > 0)
        return;
    KASSERT(!u->rq && !u->aq && !u->peer);
    kfree(u);
}

void usock_set_err(struct usock *u, int err)
{
    if (u->sock)
        u->sock->so_error = err;
    else
        u->err = err;
}

/* sock_error(): the pending error, cleared. */
int usock_take_err(struct usock *u)
{
    int e = u->sock ? u->sock->so_error : u->err;
    if (u->sock)
        u->sock->so_error = 0;
    u->err = 0;
    return e;
}

void usock_peer_set(struct usock *u, struct usock *peer)
{
    if (peer)
        peer->refs++;
    if (u->peer)
        usock_put(u->peer);
    u->peer = peer;
}

/* Linux's unix_validate_addr: a name longer than the family, at most sizeof(sockaddr_un), AF_UNIX. */
int unix_check_addr(const void *kaddr, u32 alen)
{
    if (alen <= UNIX_PATH_OFF || alen > UNIX_ADDR_MAX)
        return -EINVAL;
    return *(const u16 *)kaddr == AF_UNIX ? 0 : -EINVAL;
}

/* The path of a filesystem name, NUL-terminated (sun_path may fill all 108 bytes without one). */
static void addr_path(const void *kaddr, u32 alen, char *path)
{
    size_t n = strnlen((const char *)kaddr + UNIX_PATH_OFF, alen - UNIX_PATH_OFF);
    memcpy(path, (const char *)kaddr + UNIX_PATH_OFF, n);
    path[n] = 0;
}

static struct usock *abstract_find(const void *kaddr, u32 alen)
{
    for (struct usock *u = abstract_list; u; u = u->next_abstract)
        if (u->alen == alen && !memcmp(u->addr, kaddr, alen))
            return u;
    return NULL;
}

/* unix_find_other: the live socket bound to the name, checked against our type. */
struct usock *usock_find(const void *kaddr, u32 alen, int type, int *err)
{
    struct usock *u;
    if (((const char *)kaddr)[UNIX_PATH_OFF]) {
        char path[UNIX_ADDR_MAX];
        addr_path(kaddr, alen, path);
        struct inode *ino;
        *err = vfs_lookup(current_proc()->cwd, path, WALK_FOLLOW, &ino);
        if (!*err)
            *err = perm_inode(ino, MAY_WRITE); /* connecting needs write permission on the socket's name */
        if (*err)
            return NULL;
        u = (ino->mode & S_IFMT) == S_IFSOCK ? ino->priv : NULL;
    } else {
        u = abstract_find(kaddr, alen);
    }
    *err = !u ? -ECONNREFUSED : u->type != type ? -EPROTOTYPE : 0;
    return *err ? NULL : u;
}

static int bind_path(struct usock *u, const void *kaddr, u32 alen)
{
    char path[UNIX_ADDR_MAX];
    addr_path(kaddr, alen, path);
    struct walk w;
    int rc = vfs_walk(current_proc()->cwd, path, 0, &w);
    if (rc)
        return rc;
    if (w.node)
        return -EADDRINUSE;
    if (w.trailing_slash)
        return -ENOENT;
    if (u->alen)
        return -EINVAL; /* already bound: Linux checks after making the node, then removes it */
    u32 perm = u->sock->file->inode->mode & 0777 & ~current_proc()->umask;
    struct inode *ino = vfs_create(w.dir, w.name, S_IFSOCK | perm, &rc);
    if (!ino)
        return rc;
    ino->mode = S_IFSOCK | perm;
    ino->fops = NULL; /* open() is ENXIO (syscalls/fs.c) */
    ino->priv = u;
    inode_get(ino);
    u->ino = ino;
    u->alen = UNIX_PATH_OFF + (u32)strlen(path) + 1; /* what getsockname reports, as Linux */
    memset(u->addr, 0, sizeof(u->addr));
    *(u16 *)u->addr = AF_UNIX;
    memcpy(u->addr + UNIX_PATH_OFF, path, strlen(path));
    return 0;
}

static int bind_abstract(struct usock *u, const void *kaddr, u32 alen)
{
    if (u->alen)
        return -EINVAL;
    if (abstract_find(kaddr, alen))
        return -EADDRINUSE;
    memcpy(u->addr, kaddr, alen);
    u->alen = alen;
    u->next_abstract = abstract_list;
    abstract_list = u;
    return 0;
}

/* An abstract name of five hex digits, as Linux picks. */
int usock_autobind(struct usock *u)
{
    if (u->alen)
        return 0;
    u8 a[8] = { AF_UNIX, 0, 0 };
    for (u32 tries = 0; tries < 0x100000; tries++) {
        ksnprintf((char *)a + 3, 6, "%05x", autobind_next++ & 0xfffff);
        if (!abstract_find(a, sizeof(a)))
            return bind_abstract(u, a, sizeof(a));
    }
    return -ENOSPC;
}

static int unix_bind(struct socket *s, const void *kaddr, u32 alen)
{
    struct usock *u = s->priv;
    if (alen == UNIX_PATH_OFF && *(const u16 *)kaddr == AF_UNIX)
        return usock_autobind(u);
    int rc = unix_check_addr(kaddr, alen);
    if (rc)
        return rc;
    return ((const char *)kaddr)[UNIX_PATH_OFF] ? bind_path(u, kaddr, alen) : bind_abstract(u, kaddr, alen);
}

static int unix_listen(struct socket *s, int backlog)
{
    struct usock *u = s->priv;
    if (u->type != SOCK_STREAM && u->type != SOCK_SEQPACKET)
        return -EOPNOTSUPP;
    if (!u->alen || (u->state != U_UNCONN && u->state != U_LISTEN))
        return -EINVAL;
    if (backlog > u->backlog)
        unix_kick(u); /* connectors waiting for room look again */
    u->backlog = backlog;
    u->state = U_LISTEN;
    u->cred = current_cred();
    s->listening = true;
    return 0;
}

/* Linux binds a SO_PASSCRED socket to an automatic name before it connects or sends. */
int unix_passcred_bind(struct socket *s)
{
    struct usock *u = s->priv;
    return (s->opts & (1u << SO_PASSCRED)) && !u->alen ? usock_autobind(u) : 0;
}

static int stream_connect(struct socket *s, const void *kaddr, u32 alen)
{
    struct usock *u = s->priv;
    int rc = unix_check_addr(kaddr, alen);
    if (rc || (rc = unix_passcred_bind(s)))
        return rc;
    struct usock *l = usock_find(kaddr, alen, u->type, &rc);
    if (!l)
        return rc;
    if (l->state != U_LISTEN || l->shut_rd)
        return -ECONNREFUSED;
    if (l->aq_len > l->backlog)
        return -EAGAIN;
    if (u->state == U_CONN)
        return -EISCONN;
    if (u->state != U_UNCONN)
        return -EINVAL;
    struct usock *e = usock_new(u->type);
    if (!e)
        return -ENOMEM;
    memcpy(e->addr, l->addr, l->alen);
    e->alen = l->alen;
    e->state = U_CONN;
    e->peercred = u->cred = current_cred();
    e->has_peercred = true;
    u->peercred = l->cred;
    u->has_peercred = true;
    usock_peer_set(e, u);
    usock_peer_set(u, e);
    u->state = U_CONN;
    if (l->aq_tail)
        l->aq_tail->aq_next = e;
    else
        l->aq = e;
    l->aq_tail = e;
    l->aq_len++;
    unix_kick(l);
    unix_kick(u);
    return 0;
}

/* A datagram socket only records its default peer; AF_UNSPEC dissolves it. Changing peers drops what the old
 * one had queued for us, as Linux does. */
static int dgram_connect(struct socket *s, const void *kaddr, u32 alen)
{
    struct usock *u = s->priv, *to = NULL;
    if (alen < UNIX_PATH_OFF)
        return -EINVAL;
    if (*(const u16 *)kaddr != AF_UNSPEC) {
        int rc = unix_check_addr(kaddr, alen);
        if (rc || (rc = unix_passcred_bind(s)))
            return rc;
        if (!(to = usock_find(kaddr, alen, u->type, &rc)))
            return rc;
        if (to->peer && to->peer != u)
            return -EPERM;
    }
    if (u->peer && u->peer != to)
        unix_purge(u);
    usock_peer_set(u, to);
    u->state = to ? U_CONN : U_UNCONN;
    unix_kick(u);
    return 0;
}

static int unix_connect(struct socket *s, const void *kaddr, u32 alen)
{
    return s->type == SOCK_DGRAM ? dgram_connect(s, kaddr, alen) : stream_connect(s, kaddr, alen);
}

static int unix_accept(struct socket *s, struct socket *ns)
{
    struct usock *l = s->priv;
    if (l->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (l->state != U_LISTEN)
        return -EINVAL;
    struct usock *e = l->aq;
    if (!e)
        return -EAGAIN;
    l->aq = e->aq_next;
    if (!l->aq)
        l->aq_tail = NULL;
    l->aq_len--;
    e->aq_next = NULL;
    struct usock *fresh = ns->priv;
    ns->priv = e;
    ns->ops = s->ops;
    e->sock = ns;
    ns->so_error = e->err;
    e->err = 0;
    usock_put(fresh);
    unix_kick(l); /* a connector waiting for backlog room */
    return 0;
}

static int unix_getname(struct socket *s, void *kaddr, u32 *alen, bool peer)
{
    struct usock *u = s->priv;
    if (peer) {
        if (!u->peer || (u->type != SOCK_DGRAM && u->state != U_CONN))
            return -ENOTCONN;
        u = u->peer;
    }
    if (!u->alen) {
        *(u16 *)kaddr = AF_UNIX;
        *alen = UNIX_PATH_OFF;
        return 0;
    }
    memcpy(kaddr, u->addr, u->alen);
    *alen = u->alen;
    return 0;
}

static int unix_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len)
{
    struct usock *u = s->priv;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP; /* AF_UNIX has no options of its own: Linux's sock_no_getsockopt */
    if (name != SO_PEERCRED || !u->has_peercred)
        return -ENOPROTOOPT;
    memcpy(kval, &u->peercred, sizeof(u->peercred));
    *len = sizeof(u->peercred);
    return 0;
}

static int unix_pair(struct socket *a, struct socket *b)
{
    struct usock *x = a->priv, *y = b->priv;
    usock_peer_set(x, y);
    usock_peer_set(y, x);
    x->state = y->state = U_CONN;
    x->peercred = y->peercred = current_cred();
    x->has_peercred = y->has_peercred = true;
    return 0;
}

static void unbind(struct usock *u)
{
    if (u->ino) {
        u->ino->priv = NULL;
        inode_put(u->ino);
        u->ino = NULL;
    } else if (u->alen) {
        struct usock **pp = &abstract_list;
        while (*pp && *pp != u)
            pp = &(*pp)->next_abstract;
        if (*pp)
            *pp = u->next_abstract;
    }
}

/* The socket is gone (its file closed, or an unaccepted embryo with its listener): the other end of a
 * connection sees end-of-file and EPIPE, and ECONNRESET if we left data unread. */
static void usock_release(struct usock *u, bool embryo)
{
    u->sock = NULL;
    u->dead = true;
    unbind(u);
    while (u->aq) {
        struct usock *e = u->aq;
        u->aq = e->aq_next;
        usock_release(e, true);
    }
    u->aq_tail = NULL;
    struct usock *p = u->peer;
    if (p && u->type != SOCK_DGRAM) {
        p->shut_rd = p->shut_wr = true;
        if (u->rq || embryo)
            usock_set_err(p, ECONNRESET);
    }
    unix_purge(u);
    unix_fds_put(u->tx_fds, u->tx_nfds);
    unix_fds_put(u->rx_fds, u->rx_nfds);
    u->tx_fds = u->rx_fds = NULL;
    usock_peer_set(u, NULL);
    if (p)
        unix_kick(p);
    unix_kick(u);
    usock_put(u);
}

static void unix_release(struct socket *s)
{
    usock_release(s->priv, false);
}

/* Poll channels: a stream or seqpacket socket's is its usock, kicked (unix_kick) at every change of its
 * queue, its buffer room, its state and its peer's; datagram sockets share one channel, because room in a
 * receiver's queue concerns every socket connected to it and none of them is listed there. */
static char unix_dgram_chan;

static const void *unix_chan(const struct usock *u)
{
    return u->type == SOCK_DGRAM ? (const void *)&unix_dgram_chan : u;
}

void unix_kick(struct usock *u)
{
    sched_kick_chan(unix_chan(u));
}

static const void *unix_poll_chan(struct socket *s)
{
    return unix_chan(s->priv);
}

const struct sock_ops unix_stream_ops = {
    .bind = unix_bind, .connect = unix_connect, .listen = unix_listen, .accept = unix_accept,
    .send = unix_stream_send, .recv = unix_stream_recv, .poll = unix_poll, .shutdown = unix_shutdown,
    .getname = unix_getname, .getsockopt = unix_getsockopt, .pair = unix_pair, .release = unix_release,
    .ioctl = unix_ioctl, .send_ctl = unix_send_ctl, .drop_ctl = unix_drop_ctl, .recv_ctl = unix_recv_ctl,
    .poll_chan = unix_poll_chan,
};

const struct sock_ops unix_dgram_ops = {
    .bind = unix_bind, .connect = unix_connect, .listen = unix_listen, .accept = unix_accept,
    .send = unix_dgram_send, .recv = unix_dgram_recv, .poll = unix_poll, .shutdown = unix_shutdown,
    .getname = unix_getname, .getsockopt = unix_getsockopt, .pair = unix_pair, .release = unix_release,
    .ioctl = unix_ioctl, .send_ctl = unix_send_ctl, .drop_ctl = unix_drop_ctl, .recv_ctl = unix_recv_ctl,
    .poll_chan = unix_poll_chan,
};

static int unix_create(struct socket *s, int type, int protocol)
{
    if (protocol && protocol != AF_UNIX)
        return -EPROTONOSUPPORT;
    if (type == SOCK_RAW)
        type = SOCK_DGRAM; /* as Linux: BSD allowed it */
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
        return -ESOCKTNOSUPPORT;
    struct usock *u = usock_new(type);
    if (!u)
        return -ENOMEM;
    u->sock = s;
    s->type = type;
    s->priv = u;
    s->ops = type == SOCK_STREAM ? &unix_stream_ops : &unix_dgram_ops;
    return 0;
}

const struct sock_family unix_family = { .family = AF_UNIX, .create = unix_create };

/* One line of /proc/net/unix for s (a Unix socket, else nothing): Num, RefCount, Protocol, Flags (__SO_ACCEPTCON
 * for a listener), Type, St (SS_UNCONNECTED 1, SS_CONNECTED 3), Inode, and the bound name (@ for an abstract
 * one, whose leading NUL Linux shows so). Returns the bytes written (ksnprintf's count). */
size_t unix_proc_line(struct socket *s, u64 ino, char *buf, size_t size)
{
    if (s->ops != &unix_stream_ops && s->ops != &unix_dgram_ops)
        return 0;
    struct usock *u = s->priv;
    size_t n = (size_t)ksnprintf(buf, size, "0000000000000000: %08X %08X %08X %04X %02X %5lu", (u32)u->refs + 1,
                                 0u, u->state == U_LISTEN ? 0x10000u : 0u, (u32)u->type,
                                 u->state == U_CONN ? 3u : 1u, ino);
    if (u->alen > UNIX_PATH_OFF) {
        const char *name = (const char *)u->addr + UNIX_PATH_OFF;
        u32 len = u->alen - UNIX_PATH_OFF;
        bool abstract = name[0] == 0;
        n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, " %s%.*s", abstract ? "@" : "",
                               (int)(abstract ? len - 1 : strnlen(name, len)), abstract ? name + 1 : name);
    }
    n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, "\n");
    return n;
}
