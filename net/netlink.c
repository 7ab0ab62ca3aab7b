/* net/netlink.c — AF_NETLINK sockets (netlink(7)): SOCK_RAW and SOCK_DGRAM (the same thing), protocol
 * NETLINK_ROUTE and NETLINK_SOCK_DIAG (net/sock_diag.c) only (the others EPROTONOSUPPORT, as Linux says for a
 * protocol nobody registered). Ports (nl_pid) are unique: 0 in bind asks the kernel for one, which is the
 * process's pid if free, else a negative number; a send or connect before bind does the same. Messages to port 0 go to the kernel (net/netlink_route.c
 * answers them at once), to another port to that socket; multicast groups can be subscribed (bind's nl_groups,
 * NETLINK_ADD_MEMBERSHIP) and receive what other sockets send to them, but skiff's kernel sends no events: its
 * interfaces and addresses never change after boot except by DHCP and SLAAC, which are not announced. */
#include "netlink.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/cred.h"
#include "../syscalls/syscalls.h" /* fd_file_io */

#define CAP_NET_ADMIN 12
#define NL_ADDR_LEN 12                /* sizeof(struct sockaddr_nl) */

struct sockaddr_nl_k { u16 family, pad; u32 pid, groups; };
_Static_assert(sizeof(struct sockaddr_nl_k) == NL_ADDR_LEN, "struct sockaddr_nl");

static struct nl_sock *nl_socks;
static u32 nl_rover = (u32)-4097;     /* ports for a process's second and later sockets: -4097, -4098, ... */

static struct nl_sock *nk(struct socket *s)
{
    return s->priv;
}

static struct nl_sock *nl_find(int protocol, u32 port)
{
    for (struct nl_sock *k = nl_socks; k; k = k->next)
        if (k->bound && k->protocol == protocol && k->port == port)
            return k;
    return NULL;
}

static int nl_insert(struct nl_sock *k, u32 port)
{
    if (nl_find(k->protocol, port))
        return -EADDRINUSE;
    k->port = port;
    k->bound = true;
    return 0;
}

/* netlink(7): the first socket gets the process's pid, the next ones other unique numbers. */
static int nl_autobind(struct nl_sock *k)
{
    if (k->bound)
        return 0;
    if (!nl_insert(k, (u32)current_proc()->pid))
        return 0;
    for (u32 i = 0; i < 1u << 20; i++) {
        u32 port = nl_rover--;
        if (nl_rover == 0 || (int)nl_rover > -4097)
            nl_rover = (u32)-4097;
        if (!nl_insert(k, port))
            return 0;
    }
    return -EADDRINUSE;
}

int nl_deliver(struct nl_sock *k, const void *data, u32 len, u32 from, u32 group, bool dump)
{
    if (!dump && k->queued >= (u32)k->s->rcvbuf) {
        if (!k->no_enobufs)
            k->err = ENOBUFS;
        sock_kick(k->s);
        return -ENOBUFS;
    }
    struct nl_dgram *d = kmalloc(sizeof(*d) + (len ? len : 1));
    if (!d)
        return -ENOBUFS;
    d->next = NULL;
    d->len = len;
    d->from = from;
    d->group = group;
    d->cred = (struct ucred_k){ 0, 0, 0 };
    if (from) {
        const struct cred *c = cred_current();
        d->cred = (struct ucred_k){ current_proc()->pid, c->uid, c->gid };
    }
    memcpy(d->data, data, len);
    if (k->tail)
        k->tail->next = d;
    else
        k->head = d;
    k->tail = d;
    k->queued += len;
    sock_kick(k->s);
    return 0;
}

/* ---- mq_notify's SIGEV_THREAD (ipc/mqueue.c): the notification is a datagram to a netlink socket ---- */

int netlink_sock_get(int fd, struct file **out)
{
    struct file *f = fd_file_io(fd);
    if (!f)
        return -EBADF;
    struct socket *s = sock_of(f);
    if (!s)
        return -ENOTSOCK;
    if (s->family != AF_NETLINK)
        return -EINVAL;
    file_get(f);
    *out = f;
    return 0;
}

void netlink_sock_send(struct file *f, const void *data, u32 len)
{
    nl_deliver(sock_of(f)->priv, data, len, 0, 0, false);
}

/* ---- addresses ---- */

static void addr_out(void *kaddr, u32 *alen, u32 pid, u32 groups)
{
    struct sockaddr_nl_k a = { AF_NETLINK, 0, pid, groups };
    memcpy(kaddr, &a, sizeof(a));
    *alen = sizeof(a);
}

static bool may_send_to_others(void)
{
    return capable(CAP_NET_ADMIN); /* NETLINK_ROUTE lets only CAP_NET_ADMIN address other sockets or groups */
}

/* A sockaddr_nl from the program (bind, sendto): long enough and of AF_NETLINK, else EINVAL. */
static int nl_addr_in(const void *kaddr, u32 alen, struct sockaddr_nl_k *a)
{
    if (alen < NL_ADDR_LEN)
        return -EINVAL;
    memcpy(a, kaddr, sizeof(*a));
    return a->family == AF_NETLINK ? 0 : -EINVAL;
}

static int nl_bind(struct socket *s, const void *kaddr, u32 alen)
{
    struct nl_sock *k = nk(s);
    struct sockaddr_nl_k a;
    if (nl_addr_in(kaddr, alen, &a))
        return -EINVAL;
    if (k->protocol == NETLINK_SOCK_DIAG) { /* its 4 groups (SKNLGRP_*) are for CAP_NET_ADMIN only, as Linux */
        if (a.groups && !capable(CAP_NET_ADMIN))
            return -EPERM;
        a.groups &= 0xf;
    }
    if (k->bound && a.pid != k->port)
        return -EINVAL;
    if (!k->bound) {
        int rc = a.pid ? nl_insert(k, a.pid) : nl_autobind(k);
        if (rc)
            return rc;
    }
    k->groups = a.groups; /* NETLINK_ROUTE lets anyone listen (NL_CFG_F_NONROOT_RECV) */
    k->had_groups |= a.groups != 0;
    return 0;
}

static int nl_connect(struct socket *s, const void *kaddr, u32 alen)
{
    struct nl_sock *k = nk(s);
    struct sockaddr_nl_k a;
    if (alen < 2)
        return -EINVAL;
    memcpy(&a.family, kaddr, 2);
    if (a.family == AF_UNSPEC) {
        k->dst_port = k->dst_group = 0;
        return 0;
    }
    if (a.family != AF_NETLINK || alen < NL_ADDR_LEN)
        return -EINVAL;
    memcpy(&a, kaddr, sizeof(a));
    if ((a.groups || a.pid) && !may_send_to_others())
        return -EPERM;
    int rc = nl_autobind(k);
    if (rc)
        return rc;
    k->dst_port = a.pid;
    k->dst_group = a.groups ? (u32)__builtin_ffs((int)a.groups) : 0;
    return 0;
}

static int nl_getname(struct socket *s, void *kaddr, u32 *alen, bool peer)
{
    struct nl_sock *k = nk(s);
    if (peer)
        addr_out(kaddr, alen, k->dst_port, nl_group_mask(k->dst_group));
    else
        addr_out(kaddr, alen, k->bound ? k->port : 0, k->groups);
    return 0;
}

/* ---- sending: to the kernel, to a socket, to a group ---- */

/* netlink(7)'s kernel side: each message of the datagram in turn; a short or overlong one ends the datagram
 * silently, a message without NLM_F_REQUEST or of a control type is only acknowledged (if asked). */
static void nl_kernel_input(struct nl_sock *k, const u8 *buf, u32 n)
{
    while (n >= NL_HDRLEN) {
        struct nlmsghdr_k h;
        memcpy(&h, buf, sizeof(h));
        if (h.len < NL_HDRLEN || h.len > n)
            return;
        int err = 0;
        if ((h.flags & NLM_F_REQUEST) && h.type >= NLMSG_MIN_TYPE)
            err = k->protocol == NETLINK_SOCK_DIAG ? sock_diag_request(k, (const struct nlmsghdr_k *)buf)
                                                   : rtnl_request(k, (const struct nlmsghdr_k *)buf);
        if (err < 0 || (err == 0 && (h.flags & NLM_F_ACK)))
            nl_ack(k, (const struct nlmsghdr_k *)buf, err);
        u32 step = MIN(NL_ALIGN(h.len), n);
        buf += step;
        n -= step;
    }
}

/* Every other socket of the protocol subscribed to group hears it (the sender does not). */
static void nl_broadcast(struct nl_sock *from, const void *buf, u32 n, u32 group, u32 skip_port)
{
    for (struct nl_sock *k = nl_socks; k; k = k->next)
        if (k != from && k->bound && k->protocol == from->protocol && (k->groups & nl_group_mask(group)) &&
            k->port != skip_port)
            nl_deliver(k, buf, n, from->port, group, false);
}

static ssize_t nl_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags)
{
    struct nl_sock *k = nk(s);
    u32 dport = k->dst_port, dgroup = k->dst_group;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (kaddr) {
        struct sockaddr_nl_k a;
        if (nl_addr_in(kaddr, alen, &a))
            return -EINVAL;
        dport = a.pid;
        dgroup = a.groups ? (u32)__builtin_ffs((int)a.groups) : 0;
        if ((dport || dgroup) && !may_send_to_others())
            return -EPERM;
    }
    int rc = nl_autobind(k);
    if (rc)
        return rc;
    if (n + 32 > (size_t)s->sndbuf)
        return -EMSGSIZE;
    if (dgroup)
        nl_broadcast(k, kbuf, (u32)n, dgroup, dport);
    if (!dport) {
        nl_kernel_input(k, kbuf, (u32)n);
        return (ssize_t)n;
    }
    struct nl_sock *to = nl_find(k->protocol, dport);
    if (!to)
        return -ECONNREFUSED;
    rc = nl_deliver(to, kbuf, (u32)n, k->port, 0, false);
    return rc == -ENOBUFS ? -EAGAIN : (rc ? rc : (ssize_t)n);
}

/* ---- receiving ---- */

static ssize_t nl_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full)
{
    struct nl_sock *k = nk(s);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (k->err) { /* a pending error comes before any data, and once */
        int e = k->err;
        k->err = 0;
        return -e;
    }
    struct nl_dgram *d = k->head;
    if (!d)
        return -EAGAIN;
    if (n > k->max_recv)
        k->max_recv = (u32)MIN(n, (size_t)32768);
    size_t c = MIN(n, (size_t)d->len);
    memcpy(kbuf, d->data, c);
    *full = d->len;
    if (kaddr)
        addr_out(kaddr, alen, d->from, nl_group_mask(d->group));
    k->last_group = d->group;
    k->last_cred = d->cred;
    if (!(flags & MSG_PEEK)) {
        k->head = d->next;
        if (!k->head)
            k->tail = NULL;
        k->queued -= d->len;
        kfree(d);
        sched_kick_io(); /* a sender waiting for room in this queue */
    }
    return (ssize_t)c;
}

static unsigned nl_poll(struct socket *s)
{
    struct nl_sock *k = nk(s);
    unsigned ev = POLLOUT | POLLWRNORM;
    if (k->head)
        ev |= POLLIN | POLLRDNORM;
    if (k->err)
        ev |= POLLERR;
    return ev;
}

static int nl_ioctl(struct socket *s, unsigned cmd, int *val)
{
    struct nl_sock *k = nk(s);
    if (cmd == 0x541b) { /* FIONREAD: Linux's netlink answers no ioctl but the generic ones */
        *val = k->head ? (int)k->head->len : 0;
        return 0;
    }
    return -ENOTTY;
}

static void nl_release(struct socket *s)
{
    struct nl_sock *k = nk(s);
    for (struct nl_sock **pp = &nl_socks; *pp; pp = &(*pp)->next)
        if (*pp == k) {
            *pp = k->next;
            break;
        }
    while (k->head) {
        struct nl_dgram *d = k->head;
        k->head = d->next;
        kfree(d);
    }
    kfree(k);
}

static const void *nl_chan(struct socket *s)
{
    return s->priv;
}

static int nl_no_listen(struct socket *s, int backlog)
{
    (void)s;
    (void)backlog;
    return -EOPNOTSUPP;
}

static int nl_shutdown(struct socket *s, int how)
{
    (void)s;
    (void)how;
    return 0; /* Linux's netlink_ops has sock_no_shutdown */
}

static const struct sock_ops nl_ops = {
    .bind = nl_bind,
    .connect = nl_connect,
    .listen = nl_no_listen,
    .send = nl_send,
    .recv = nl_recv,
    .poll = nl_poll,
    .shutdown = nl_shutdown,
    .getname = nl_getname,
    .setsockopt = nl_setsockopt,
    .getsockopt = nl_getsockopt,
    .ioctl = nl_ioctl,
    .recv_ctl = nl_recv_ctl,
    .release = nl_release,
    .poll_chan = nl_chan,
};

static int nl_create(struct socket *s, int type, int protocol)
{
    if (type != SOCK_RAW && type != SOCK_DGRAM)
        return -ESOCKTNOSUPPORT;
    if (protocol < 0 || protocol >= MAX_LINKS)
        return -EPROTONOSUPPORT;
    if (protocol != NETLINK_ROUTE && protocol != NETLINK_SOCK_DIAG) {
        klog("netlink: protocol %d is not implemented (NETLINK_ROUTE and NETLINK_SOCK_DIAG only): EPROTONOSUPPORT\n",
             protocol);
        return -EPROTONOSUPPORT;
    }
    struct nl_sock *k = kzalloc(sizeof(*k));
    if (!k)
        return -ENOMEM;
    k->s = s;
    k->protocol = protocol;
    k->next = nl_socks;
    nl_socks = k;
    s->priv = k;
    s->ops = &nl_ops;
    return 0;
}

const struct sock_family netlink_family = { AF_NETLINK, nl_create };
