/* net/socket.c — the generic socket layer: a socket is a file (read = recv, write = send, poll, ioctl,
 * release), with an S_IFSOCK inode of its own so that fstat and /proc/self/fd show what Linux shows. Sends and
 * receives run the family's non-blocking ops and wait here when they say -EAGAIN; the SOL_SOCKET options the
 * family does not need live here too (socket_opt.c would be the next split if this grows). */
#include "socket.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/boot.h"

#define NPROTO 46       /* Linux's AF_MAX: families at or above it are EAFNOSUPPORT before any lookup */
#define SOCK_MAX 11     /* types at or above it are EINVAL */
#define STREAM_CHUNK (64 * 1024)
#define RECV_MAX (256 * 1024)      /* one stream receive (or peek) moves at most this much per op call */
#define DGRAM_MAX (1024 * 1024)    /* skiff's largest datagram (Linux: SO_SNDBUF - 32, up to 8 MiB) */

static const struct sock_family *const families[] = { &unix_family, &inet_family, &inet6_family, &netlink_family };

static const struct sock_family *family_of(int family)
{
    for (size_t i = 0; i < ARRAY_SIZE(families); i++)
        if (families[i]->family == family)
            return families[i];
    return NULL;
}

struct socket *sock_of(struct file *f)
{
    return f && f->ops == &sock_file_ops ? f->priv : NULL;
}

/* Packet sockets (AF_PACKET, SOCK_PACKET) are not implemented (/proc/config.gz: no CONFIG_PACKET). A caller
 * without CAP_NET_RAW gets what Linux's packet_create answers it first, EPERM; one with it that the family is
 * missing. */
static int packet_refused(void)
{
    if (!capable(CAP_NET_RAW))
        return -EPERM;
    kerr("skiff: packet sockets are not implemented: EAFNOSUPPORT\n");
    return -EAFNOSUPPORT;
}

int sock_create(int family, int type, int protocol, struct socket **out)
{
    u32 fflags = (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0;
    type &= SOCK_TYPE_MASK;
    if (family < 0 || family >= NPROTO)
        return -EAFNOSUPPORT;
    if (type < 0 || type >= SOCK_MAX)
        return -EINVAL;
    if (family == AF_PACKET || (family == AF_INET && type == SOCK_PACKET))
        return packet_refused(); /* Linux turns AF_INET's obsolete SOCK_PACKET into a packet socket */
    const struct sock_family *fam = family_of(family);
    if (!fam)
        return -EAFNOSUPPORT;
    if (file_room())
        return -ENFILE; /* fs.file-max: Linux allocates the socket's file last, skiff checks first */
    struct socket *s = kzalloc(sizeof(*s));
    struct inode *ino = s ? ramfs_new_inode(S_IFSOCK | 0777) : NULL;
    if (!ino) {
        kfree(s);
        return -ENOMEM;
    }
    s->family = family;
    s->type = type;
    s->protocol = protocol;
    s->rcvbuf = s->sndbuf = SOCK_BUF_DEFAULT;
    s->rcvlowat = 1;
    s->peek_off = s->incoming_cpu = -1;
    int rc = fam->create(s, type, protocol);
    struct file *f = rc ? NULL : file_new(&sock_file_ops, O_RDWR | fflags, s);
    if (!f) {
        if (!rc && s->ops->release)
            s->ops->release(s);
        kfree(ino);
        kfree(s);
        return rc ? rc : -ENOMEM;
    }
    ino->nlink = 1; /* as sockfs: fstat says 1; release drops it so that the inode goes with the file */
    f->inode = ino;
    inode_get(ino);
    s->file = f;
    *out = s;
    return 0;
}

/* Linux's rule for a wait on another party: -EAGAIN when non-blocking or when the SO_*TIMEO deadline passed,
 * -EINTR for a signal; for a socket whose other end is in this VM, a caller that is the only task left
 * would wait forever, so it gets EDEADLK with a line in the log (with a deadline it sleeps until then). */
long sock_wait(struct socket *s, bool nonblock, u64 deadline_ns, const char *what)
{
    if (nonblock)
        return -EAGAIN;
    u64 now = clock_monotonic_ns();
    if (deadline_ns && now >= deadline_ns)
        return -EAGAIN;
    if (!s->remote && !deadline_ns && sched_alone() && !alarm_may_signal(current_proc())) {
        kerr("skiff: %s would wait forever (no other thread or process exists): EDEADLK\n", what);
        return -EDEADLK;
    }
    sched_wait(deadline_ns ? deadline_ns - now : ~0ull);
    if (signal_pending())
        return -EINTR;
    return 0;
}

/* Copies n bytes between kbuf and the iovecs, starting at byte off of the whole vector. Returns how many
 * moved (short at a fault). */
static size_t iov_copy(const struct sock_msg *m, size_t off, void *kbuf, size_t n, bool to_user)
{
    size_t done = 0;
    for (int i = 0; i < m->iovcnt && done < n; i++) {
        u64 len = m->iov[i].len;
        if (off >= len) {
            off -= len;
            continue;
        }
        size_t c = MIN(len - off, n - done);
        void *u = (u8 *)m->iov[i].base + off;
        size_t got = to_user ? copy_to_user_partial(u, (u8 *)kbuf + done, c)
                             : copy_from_user_partial((u8 *)kbuf + done, u, c);
        done += got;
        if (got < c)
            break;
        off = 0;
    }
    return done;
}

/* MSG_ERRQUEUE never waits (Linux's sock_error_queue readers): an empty error queue is EAGAIN at once. */
static bool nonblocking(struct socket *s, int flags)
{
    return (flags & (MSG_DONTWAIT | MSG_ERRQUEUE)) || (s->file && (s->file->flags & O_NONBLOCK));
}

static u64 deadline_of(u64 timeo_ns)
{
    return timeo_ns ? clock_monotonic_ns() + timeo_ns : 0;
}

static ssize_t send_failed(struct socket *s, ssize_t rc, int flags)
{
    if (rc == -EPIPE && s->type == SOCK_STREAM && !(flags & MSG_NOSIGNAL))
        signal_send(current, SIGPIPE);
    return rc;
}

/* A stream: chunks of at most STREAM_CHUNK, waiting for room between them; what was sent before an error or a
 * signal is the result. A datagram goes whole or not at all. */
static ssize_t do_sendmsg(struct socket *s, struct sock_msg *m)
{
    bool stream = s->type == SOCK_STREAM, nb = nonblocking(s, m->flags);
    u64 deadline = deadline_of(s->sndtimeo_ns);
    if (!stream && m->total > DGRAM_MAX)
        return -EMSGSIZE;
    if (m->ctllen >= sizeof(struct cmsghdr_k)) {
        if (!s->ops->send_ctl) {
            kerr("skiff: control messages on this socket family are not implemented: EOPNOTSUPP\n");
            return -EOPNOTSUPP;
        }
        int rc = s->ops->send_ctl(s, m->kctl, m->ctllen);
        if (rc)
            return rc;
    }
    size_t cap = stream ? MIN(m->total, (size_t)STREAM_CHUNK) : m->total;
    u8 *kbuf = kmalloc(cap ? cap : 1);
    if (!kbuf)
        return -ENOMEM;
    size_t done = 0, have = 0; /* kbuf holds bytes [done, done + have) */
    ssize_t rc = 0;
    for (;;) {
        size_t want = MIN(m->total - done, cap);
        if (have < want) {
            have = iov_copy(m, done, kbuf, want, false);
            if (have < want) {
                rc = -EFAULT;
                break;
            }
        }
        int fl = m->flags;
        if (stream && done + want < m->total)
            fl &= ~MSG_OOB; /* only the message's last byte goes out of band */
        rc = s->ops->send(s, kbuf, want, m->kaddr, m->alen, fl);
        if (rc == -EAGAIN) {
            rc = sock_wait(s, nb, deadline, "a send to a full socket");
            if (rc)
                break;
            continue;
        }
        if (rc < 0)
            break;
        done += (size_t)rc;
        if (!stream || done >= m->total)
            break;
        memmove(kbuf, kbuf + rc, want - (size_t)rc);
        have = want - (size_t)rc;
    }
    kfree(kbuf);
    if (rc < 0 && s->ops->drop_ctl)
        s->ops->drop_ctl(s);
    if (stream && done)
        return (ssize_t)done;
    return rc < 0 ? send_failed(s, rc, m->flags) : (ssize_t)done;
}

/* SO_PEEK_OFF: a program's MSG_PEEK starts s->peek_off bytes in; the bytes before it are peeked and dropped.
 * When nothing lies past the offset the socket counts as empty (-EAGAIN: a blocking call waits for more). */
#define PEEK_OFF_MAX (16u << 20) /* beyond any socket's queue */
static ssize_t stream_peek_at(struct socket *s, u8 *kbuf, size_t want, int flags, size_t *full)
{
    size_t skip = (size_t)s->peek_off;
    if (skip > PEEK_OFF_MAX)
        return -EAGAIN;
    u8 *tmp = kmalloc(skip + want + 1);
    if (!tmp)
        return -ENOMEM;
    u32 alen = SOCK_ADDR_MAX;
    ssize_t rc = s->ops->recv(s, tmp, skip + want, NULL, &alen, flags, full);
    if (rc > 0 && (size_t)rc <= skip) {
        rc = -EAGAIN;
    } else if (rc > 0) {
        rc -= (ssize_t)skip;
        memcpy(kbuf, tmp + skip, (size_t)rc);
    }
    kfree(tmp);
    return rc;
}

/* A stream receive peeks, copies out, then consumes what reached the program, so that a bad buffer loses
 * nothing (as on Linux). It returns what is there (at least one byte), or everything with MSG_WAITALL. */
static ssize_t recv_stream(struct socket *s, struct sock_msg *m, u8 *kbuf, size_t cap, bool nb, u64 deadline)
{
    size_t done = 0;
    bool peek = m->flags & MSG_PEEK;
    m->flags &= ~MSG_SKIFF_CONT;
    for (;;) {
        size_t full = 0;
        u32 alen = SOCK_ADDR_MAX;
        size_t want = MIN(m->total - done, cap);
        int cont = done ? MSG_SKIFF_CONT : 0; /* a unix stream's read stops at an out-of-band mark then */
        ssize_t rc = peek && s->peek_off >= 0 ? stream_peek_at(s, kbuf, want, m->flags, &full)
                                              : s->ops->recv(s, kbuf, want, NULL, &alen, m->flags | MSG_PEEK | cont, &full);
        if (rc == -EAGAIN) {
            if (done && !(m->flags & MSG_WAITALL))
                return done;
            if (!peek) /* a read of nothing: it still passes over the marks (a unix stream's, TCP's urgent byte) */
                s->ops->recv(s, kbuf, 0, NULL, &alen, m->flags | cont, &full);
            rc = sock_wait(s, nb, deadline, "a receive from an empty socket");
            if (!rc)
                continue;
        }
        if (rc <= 0)
            return done ? (ssize_t)done : rc;
        size_t got = iov_copy(m, done, kbuf, (size_t)rc, true);
        if (!got)
            return done ? (ssize_t)done : -EFAULT;
        if (!peek) {
            alen = SOCK_ADDR_MAX;
            s->ops->recv(s, kbuf, got, m->kaddr, &alen, (m->flags & ~MSG_PEEK) | cont, &full);
            m->alen = m->kaddr ? alen : 0;
        }
        done += got;
        if (got < (size_t)rc || peek || done >= m->total)
            return done;
    }
}

static ssize_t recv_dgram(struct socket *s, struct sock_msg *m, u8 *kbuf, size_t cap, bool nb, u64 deadline)
{
    for (;;) {
        size_t full = 0;
        u32 alen = SOCK_ADDR_MAX;
        ssize_t rc = s->ops->recv(s, kbuf, cap, m->kaddr, &alen, m->flags, &full);
        if (rc == -EAGAIN) {
            rc = sock_wait(s, nb, deadline, "a receive from an empty socket");
            if (!rc)
                continue;
        }
        if (rc < 0)
            return rc;
        m->alen = m->kaddr ? alen : 0;
        if (iov_copy(m, 0, kbuf, (size_t)rc, true) < (size_t)rc)
            return -EFAULT;
        /* SO_PEEK_OFF: Linux moves it back by the whole datagram on AF_UNIX, by what was copied on UDP */
        sock_peek_off_update(s, m->flags, (size_t)rc, s->family == AF_UNIX ? full : (size_t)rc);
        if (full > (size_t)rc)
            m->mflags |= MSG_TRUNC;
        return (m->flags & MSG_TRUNC) ? (ssize_t)full : rc;
    }
}

/* TCP's recv(MSG_OOB): one call with the program's flags, which takes the urgent byte (or says why not) at
 * once, never waits, and takes it even into no room (MSG_TRUNC then), as Linux's tcp_recv_urg. */
static ssize_t recv_urgent(struct socket *s, struct sock_msg *m, u8 *kbuf)
{
    size_t full = 0;
    u32 alen = 0;
    ssize_t rc = s->ops->recv(s, kbuf, m->total, NULL, &alen, m->flags, &full);
    if (rc < 0)
        return rc;
    if (full) /* the byte was there: a result of 0 had no room for it */
        m->mflags |= MSG_OOB | (full > (size_t)rc ? MSG_TRUNC : 0);
    if (rc > 0 && !(m->flags & MSG_TRUNC) && iov_copy(m, 0, kbuf, (size_t)rc, true) < (size_t)rc)
        return -EFAULT;
    return rc;
}

static bool tcp_urgent(const struct socket *s, int flags)
{
    return (flags & MSG_OOB) && s->type == SOCK_STREAM && (s->family == AF_INET || s->family == AF_INET6);
}

static ssize_t do_recvmsg(struct socket *s, struct sock_msg *m)
{
    size_t cap = MIN(m->total, (size_t)(s->type == SOCK_STREAM ? RECV_MAX : DGRAM_MAX));
    u8 *kbuf = kmalloc(cap ? cap : 1);
    if (!kbuf)
        return -ENOMEM;
    m->mflags = 0;
    m->alen = 0;
    bool nb = nonblocking(s, m->flags);
    u64 deadline = deadline_of(s->rcvtimeo_ns);
    s->rx_stamp = 0; /* the family sets it to when what it hands over arrived */
    ssize_t rc = tcp_urgent(s, m->flags)     ? recv_urgent(s, m, kbuf)
                 : s->type == SOCK_STREAM ? recv_stream(s, m, kbuf, cap, nb, deadline)
                                          : recv_dgram(s, m, kbuf, cap, nb, deadline);
    kfree(kbuf);
    if ((m->flags & MSG_OOB) && rc > 0)
        m->mflags |= MSG_OOB; /* what it read was the out-of-band byte */
    if (s->type == SOCK_STREAM && rc > 0)
        sock_peek_off_update(s, m->flags, (size_t)rc, (size_t)rc);
    u32 room = m->kctl ? m->ctllen : 0, used = 0;
    m->ctllen = 0;
    if (rc >= 0) /* as Linux: the timestamp comes before the family's messages */
        used = sock_put_stamp(s, m->kctl, room, &m->mflags);
    room -= used;
    if (s->ops->recv_ctl && rc >= 0) {
        /* always: descriptors the program did not ask for are closed, as Linux's read() on such a socket */
        s->ops->recv_ctl(s, m->kctl ? (u8 *)m->kctl + used : NULL, &room, &m->mflags, m->flags);
        m->ctllen = used + room;
    } else {
        m->ctllen = used;
    }
    return rc;
}

/* The file is held while the call may wait, so that a close by another thread cannot free the socket under it. */
ssize_t sock_sendmsg(struct socket *s, struct sock_msg *m)
{
    struct file *f = s->file;
    file_get(f);
    ssize_t rc = do_sendmsg(s, m);
    file_put(f);
    return rc;
}

ssize_t sock_recvmsg(struct socket *s, struct sock_msg *m)
{
    struct file *f = s->file;
    file_get(f);
    ssize_t rc = do_recvmsg(s, m);
    file_put(f);
    return rc;
}

/* ---- the file ops ---- */

static ssize_t sock_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    if (!n)
        return 0; /* as Linux's sock_read_iter */
    struct sock_iov iov = { (u64)ubuf, n };
    struct sock_msg m = { .iov = &iov, .iovcnt = 1, .total = n };
    return sock_recvmsg(f->priv, &m);
}

static ssize_t sock_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct socket *s = f->priv;
    struct sock_iov iov = { (u64)ubuf, n };
    struct sock_msg m = { .iov = &iov, .iovcnt = 1, .total = n, .flags = s->type == SOCK_SEQPACKET ? MSG_EOR : 0 };
    return sock_sendmsg(s, &m);
}

static unsigned sock_poll(struct file *f)
{
    struct socket *s = f->priv;
    return s->ops->poll ? s->ops->poll(s) : (POLLIN | POLLOUT);
}

#define FIONREAD 0x541b
#define SIOCOUTQ 0x5411
#define SIOCATMARK 0x8905

static long sock_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    struct socket *s = f->priv;
    if (net_if_ioctl_cmd(cmd))
        return net_if_ioctl(s->family, cmd, (void *)arg); /* net/ifioctl.c: the interfaces, on any socket */
    if (cmd != FIONREAD && cmd != SIOCOUTQ && !(cmd == SIOCATMARK && (s->family == AF_UNIX || s->type == SOCK_STREAM)))
        return -ENOTTY;
    if (!s->ops->ioctl)
        return -ENOTTY;
    int v = 0;
    int rc = s->ops->ioctl(s, cmd, &v);
    if (rc)
        return rc;
    return copy_to_user((void *)arg, &v, sizeof(v));
}

static void sock_release(struct file *f)
{
    struct socket *s = f->priv;
    if (s->ops->release)
        s->ops->release(s);
    if (f->inode)
        f->inode->nlink = 0; /* the file's inode_put frees it */
    kfree(s);
    sched_kick_io();
}

static const void *sock_chan(struct file *f)
{
    struct socket *s = f->priv;
    return s->ops->poll_chan ? s->ops->poll_chan(s) : NULL;
}

/* Readiness of s may have changed: its channel's watchers (and every any-event waiter) look again. */
void sock_kick(struct socket *s)
{
    const void *chan = s->ops->poll_chan ? s->ops->poll_chan(s) : NULL;
    if (chan)
        sched_kick_chan(chan);
    else
        sched_kick_io();
}

const struct file_ops sock_file_ops = { .read = sock_read, .write = sock_write, .ioctl = sock_ioctl,
                                        .poll = sock_poll, .release = sock_release, .poll_chan = sock_chan };

/* The name Linux gives a socket's protocol (its struct proto), which sockfs shows as the read-only extended
 * attribute system.sockprotoname (syscalls/xattr.c): "UNIX-STREAM" and "UNIX", "TCP", "UDP", "PING", "RAW",
 * their "v6" forms, "NETLINK". */
const char *sock_proto_name(const struct socket *s)
{
    bool v6 = s->family == AF_INET6;
    if (s->family == AF_UNIX)
        return s->type == SOCK_STREAM ? "UNIX-STREAM" : "UNIX";
    if (s->family == AF_NETLINK)
        return "NETLINK";
    if (s->type == SOCK_STREAM)
        return v6 ? "TCPv6" : "TCP";
    if (s->type == SOCK_RAW)
        return v6 ? "RAWv6" : "RAW";
    if (s->protocol == (v6 ? 58 : 1)) /* IPPROTO_ICMPV6, IPPROTO_ICMP: a ping socket */
        return v6 ? "PINGv6" : "PING";
    return v6 ? "UDPv6" : "UDP";
}
