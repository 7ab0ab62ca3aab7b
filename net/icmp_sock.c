/* net/icmp_sock.c — ICMP "ping" and raw sockets (net/icmp_sock.h says what they are): creation with Linux's
 * permission rules (net/icmp_perm.c for ping_group_range), bind, connect, send, names. Options are
 * net/icmp_opt.c, the receive side net/icmp_rx.c, ICMP errors net/icmp_err.c. */
#include "icmp_sock.h"
#include "../kernel/cred.h" /* capable */

#define SIN6_LEN_RFC2133 24

struct icmp_sock *icmp_socks;

static struct icmp_sock *ks(struct socket *s)
{
    return s->priv;
}

/* ---- addresses: sockaddr_in for AF_INET, sockaddr_in6 (:: or ::1 only) for AF_INET6 ---- */

/* A sockaddr from the program into the pcb form. Errors as Linux's callers give them differ: bind says
 * EADDRNOTAVAIL for an address that is not ours, connect and send ENETUNREACH (EINVAL for a v4-mapped
 * destination of ICMPv6, which Linux refuses). Returns the family given or -errno. */
static int addr_in(struct icmp_sock *k, const void *kaddr, u32 alen, ip4_t *addr, u16 *port, enum inet_use use)
{
    if (!k->v6)
        return inet_addr_in(kaddr, alen, addr, port, true);
    static const u8 zero[16];
    u8 a[16];
    u16 fam;
    if (alen < SIN6_LEN_RFC2133)
        return -EINVAL;
    memcpy(&fam, kaddr, 2);
    if (fam != AF_INET6)
        return fam == AF_UNSPEC && use == INET_CONNECT ? AF_UNSPEC : -EAFNOSUPPORT;
    memcpy(port, (const u8 *)kaddr + 2, 2);
    memcpy(a, (const u8 *)kaddr + 8, 16);
    if (!memcmp(a, zero, 16))
        *addr = 0;
    else if (!memcmp(a, zero, 15) && a[15] == 1)
        *addr = NET_LOOP6;
    else if (!memcmp(a, zero, 10) && a[10] == 0xff && a[11] == 0xff)
        return use == INET_BIND ? -EADDRNOTAVAIL : -EINVAL;
    else {
        u32 scope = 0;
        if (alen >= 28)
            memcpy(&scope, (const u8 *)kaddr + 24, 4);
        int r = inet6_map_in(a, scope, addr, use, false); /* on the card (net/inet6.c); ENETUNREACH without one */
        if (r)
            return r;
    }
    return AF_INET6;
}

static void name_out(struct icmp_sock *k, void *kaddr, u32 *alen, ip4_t addr, u16 port)
{
    if (k->v6)
        inet6_addr_out(kaddr, alen, addr, port);
    else
        inet_addr_out(kaddr, alen, addr, port);
}

/* As for UDP (net/inet.c): wait for DHCP, then the sandbox's rule, which closes QEMU's own addresses (the
 * gateway 10.0.2.2, which QEMU would answer itself) unless tools/skiff run --allow-host opened them. */
static int route_ready(ip4_t dst)
{
    return inet_route_ready(dst, 0);
}

/* ---- idents (ping sockets' ports) ---- */

static bool ident_used(struct icmp_sock *self, u16 ident)
{
    for (struct icmp_sock *k = icmp_socks; k; k = k->next)
        if (k != self && !k->raw && k->v6 == self->v6 && k->ident == ident)
            return true;
    return false;
}

/* The newest binding of an ident takes its replies (icmp_rx.c delivers to the first match): k goes first. */
static void ident_set(struct icmp_sock *k, u16 ident)
{
    struct icmp_sock **pp = &icmp_socks;
    while (*pp != k)
        pp = &(*pp)->next;
    *pp = k->next;
    k->next = icmp_socks;
    icmp_socks = k;
    k->ident = ident;
}

/* Linux's ping_get_port: an ident the program names is taken even if another socket has it (every ping socket
 * has SO_REUSEADDR's sk_reuse set by its protocol switch entry); ident 0 takes the next one nobody has after a
 * rover shared by every ping socket. */
static int ident_take(struct icmp_sock *k, u16 ident)
{
    static u16 rover;
    if (ident) {
        ident_set(k, ident);
        return 0;
    }
    for (u32 i = 0; i < 65536; i++) {
        if (!++rover)
            rover = 1;
        if (!ident_used(k, net_htons(rover))) {
            ident_set(k, net_htons(rover));
            return 0;
        }
    }
    return -EAGAIN;
}

/* ---- the ops ---- */

static int icmp_bind(struct socket *s, const void *kaddr, u32 alen)
{
    struct icmp_sock *k = ks(s);
    ip4_t addr;
    u16 port;
    int fam = addr_in(k, kaddr, alen, &addr, &port, INET_BIND);
    if (fam < 0)
        return fam == -ENETUNREACH ? -EADDRNOTAVAIL : fam;
    if (fam == AF_UNSPEC && addr)
        return -EAFNOSUPPORT;
    if (addr && !ip_is_local(addr) && net_if.present && !net_if.up)
        net_wait_up(INET_UP_WAIT_NS); /* our own address is only known once DHCP is done */
    if (addr && !ip_is_local(addr) && !(!k->v6 && addr == IP4_BROADCAST))
        return -EADDRNOTAVAIL;
    if (k->raw) { /* a raw socket only filters by address; it may bind again */
        k->laddr = addr;
        return 0;
    }
    if (k->ident)
        return -EINVAL;
    int r = ident_take(k, port);
    if (!r)
        k->laddr = addr;
    return r;
}

static int icmp_connect(struct socket *s, const void *kaddr, u32 alen)
{
    struct icmp_sock *k = ks(s);
    ip4_t addr;
    u16 port;
    int fam = addr_in(k, kaddr, alen, &addr, &port, INET_CONNECT);
    if (fam < 0)
        return fam;
    if (fam == AF_UNSPEC) {
        k->connected = false;
        k->raddr = 0;
        return 0;
    }
    if (!addr)
        addr = k->v6 ? NET_LOOP6 : NET_IP4(127, 0, 0, 1); /* the any address as a destination: this host */
    int r = route_ready(addr);
    if (r)
        return r;
    if (!k->raw && !k->ident && (r = ident_take(k, 0)))
        return r;
    k->raddr = addr;
    k->connected = true;
    return 0;
}

/* Linux's ping_common_sendmsg: an echo request of at least a header, no more than 64 KiB. */
static int ping_check(struct icmp_sock *k, const u8 *msg, size_t n, int flags)
{
    if (n > 0xffff)
        return -EMSGSIZE;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (n < 8)
        return -EINVAL;
    if (msg[0] != (k->v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO) || msg[1] != 0)
        return -EINVAL;
    return 0;
}

/* The destination of a send: the address given, else the connected peer. */
static int send_dst(struct icmp_sock *k, const void *kaddr, u32 alen, ip4_t *dst)
{
    u16 port;
    if (!kaddr) {
        if (!k->connected)
            return -EDESTADDRREQ;
        *dst = k->raddr;
        return 0;
    }
    if (k->v6 && alen < 28 && !k->raw)
        return -EINVAL; /* ping_v6_sendmsg wants a whole sockaddr_in6 */
    int fam = addr_in(k, kaddr, alen, dst, &port, INET_SEND);
    if (fam == AF_UNSPEC || (fam < 0 && fam != -EAFNOSUPPORT && fam != -EINVAL))
        return fam == AF_UNSPEC ? -EAFNOSUPPORT : fam;
    if (fam < 0)
        return fam;
    if (!*dst)
        *dst = k->v6 ? NET_LOOP6 : NET_IP4(127, 0, 0, 1);
    return 0;
}

/* The message as it leaves: ping sockets get their ident and a checksum; ICMPv6 always gets its checksum
 * (IPV6_CHECKSUM); a raw ICMPv4 message leaves as written. */
static void finish_msg(struct icmp_sock *k, u8 *msg, size_t n)
{
    int off = k->raw ? (k->v6 ? k->csum_off : -1) : 2;
    if (!k->raw)
        memcpy(msg + 4, &k->ident, 2);
    if (off < 0 || (size_t)off + 2 > n)
        return;
    msg[off] = msg[off + 1] = 0;
    u16 c = k->v6 ? icmp6_csum(msg, n) : net_csum_fold(net_csum_add(0, msg, n));
    memcpy(msg + off, &c, 2);
}

/* A broadcast destination needs SO_BROADCAST, as Linux's route lookup says for every datagram socket. */
static bool broadcast_denied(struct socket *s, ip4_t dst)
{
    bool bcast = dst == IP4_BROADCAST || (net_if.up && net_if.mask != IP4_BROADCAST &&
                                          dst == (net_if.addr | ~net_if.mask));
    return bcast && !(s->opts & (1u << SO_BROADCAST));
}

static ssize_t icmp_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags)
{
    struct icmp_sock *k = ks(s);
    ip4_t dst;
    int r = k->raw ? (n > 0xffff ? -EMSGSIZE : 0) : ping_check(k, kbuf, n, flags);
    if (!r && k->raw && k->v6 && k->csum_off >= 0 && (size_t)k->csum_off + 1 >= n)
        r = -EINVAL; /* the checksum field must lie inside the message */
    if (!r)
        r = send_dst(k, kaddr, alen, &dst);
    if (!r && k->shut_wr)
        r = -EPIPE;
    if (!r && !k->v6 && broadcast_denied(s, dst))
        r = -EACCES;
    if (!r)
        r = route_ready(dst);
    if (!r && !k->raw && !k->ident)
        r = ident_take(k, 0);
    if (r)
        return r;
    u8 *msg = kmalloc(n ? n : 1);
    if (!msg)
        return -ENOBUFS;
    memcpy(msg, kbuf, n);
    finish_msg(k, msg, n);
    ip4_t src = k->laddr && k->laddr != IP4_BROADCAST ? k->laddr : ip_source_for(dst);
    r = ip_output(src, dst, k->v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, msg, n);
    kfree(msg);
    return r < 0 ? r : (ssize_t)n;
}

static unsigned icmp_poll(struct socket *s)
{
    struct icmp_sock *k = ks(s);
    unsigned ev = POLLOUT | POLLWRNORM;
    if (k->head || k->shut_rd)
        ev |= POLLIN | POLLRDNORM;
    if (s->so_error || k->errq)
        ev |= POLLERR;
    if (k->shut_rd)
        ev |= POLLRDHUP;
    if (k->shut_rd && k->shut_wr)
        ev |= POLLHUP;
    return ev;
}

static int icmp_shutdown(struct socket *s, int how)
{
    struct icmp_sock *k = ks(s);
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    k->shut_rd |= how != SHUT_WR;
    k->shut_wr |= how != SHUT_RD;
    sched_kick_io();
    return k->connected ? 0 : -ENOTCONN;
}

/* A raw socket's port is its protocol, as Linux shows it; a ping socket's its ident. */
static int icmp_getname(struct socket *s, void *kaddr, u32 *alen, bool peer)
{
    struct icmp_sock *k = ks(s);
    if (peer) {
        if (!k->connected)
            return -ENOTCONN;
        name_out(k, kaddr, alen, k->raddr, 0);
        return 0;
    }
    u16 port = k->raw ? net_htons((u16)s->protocol) : k->ident;
    name_out(k, kaddr, alen, k->laddr, port);
    return 0;
}

static int icmp_ioctl(struct socket *s, unsigned cmd, int *val)
{
    struct icmp_sock *k = ks(s);
    if (!k->raw)
        return -ENOTTY; /* Linux's ping sockets answer no ioctl */
    if (cmd == FIONREAD) {
        *val = k->head ? (int)k->head->len : 0;
        return 0;
    }
    if (cmd == SIOCOUTQ) {
        *val = 0; /* messages leave at once */
        return 0;
    }
    return -ENOTTY;
}

static void icmp_release(struct socket *s)
{
    struct icmp_sock *k = ks(s);
    struct icmp_sock **pp = &icmp_socks;
    while (*pp && *pp != k)
        pp = &(*pp)->next;
    if (*pp)
        *pp = k->next;
    icmp_sock_flush(k);
    kfree(k);
}

static const struct sock_ops icmp_ops = {
    .bind = icmp_bind,
    .connect = icmp_connect,
    .listen = inet_no_listen,
    .accept = inet_no_accept,
    .send = icmp_send,
    .recv = icmp_sock_recv,
    .poll = icmp_poll,
    .shutdown = icmp_shutdown,
    .getname = icmp_getname,
    .setsockopt = icmp_sock_setsockopt,
    .getsockopt = icmp_sock_getsockopt,
    .ioctl = icmp_ioctl,
    .recv_ctl = icmp_sock_recv_ctl,
    .release = icmp_release,
};

/* From inet_create for SOCK_RAW, and for SOCK_DGRAM with an ICMP protocol. */
int icmp_sock_create(struct socket *s, int type, int protocol)
{
    bool v6 = s->family == AF_INET6;
    int want = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    if (type == SOCK_RAW) {
        if (protocol < 0 || protocol >= 263) /* IPPROTO_MAX */
            return -EINVAL;
        if (!capable(CAP_NET_RAW))
            return -EPERM;
        if (protocol != want) {
            klog("net: raw sockets of protocol %d are not implemented (only ICMP and ICMPv6): "
                 "EPROTONOSUPPORT\n", protocol);
            return -EPROTONOSUPPORT;
        }
    } else if (protocol != want) {
        return -EPROTONOSUPPORT;
    } else if (!icmp_ping_allowed()) {
        return -EACCES;
    }
    struct icmp_sock *k = kzalloc(sizeof(*k));
    if (!k)
        return -ENOMEM;
    k->s = s;
    k->v6 = v6;
    k->raw = type == SOCK_RAW;
    k->csum_off = v6 ? 2 : -1;
    k->tail = &k->head;
    k->errq_tail = &k->errq;
    k->next = icmp_socks;
    icmp_socks = k;
    s->priv = k;
    s->ops = &icmp_ops;
    s->protocol = protocol;
    return 0;
}
