/* net/inet.c — the AF_INET family of the socket layer: sockaddr_in checks with Linux's errors, and SOCK_DGRAM
 * over net/udp.c (SOCK_STREAM over net/tcp.c lives in net/inet_tcp.c). Calls that need the network wait for
 * DHCP to configure the interface, at most INET_UP_WAIT_NS, then fail with ENETUNREACH; 127.0.0.0/8 needs no
 * interface. AF_INET6 sockets run the same code (net/inet6.c converts their addresses); SOCK_RAW and ICMP
 * "ping" sockets are net/icmp_sock.c's. */
#include "inet.h"
#include "icmp_sock.h"
#include "../kernel/boot.h"

bool inet_nonblock(struct socket *s)
{
    return s->file && (s->file->flags & O_NONBLOCK);
}

/* A sockaddr_in from the program: EINVAL when too short, EAFNOSUPPORT for another family (AF_UNSPEC too unless
 * allow_unspec, which the caller then treats itself). */
int inet_addr_in(const void *kaddr, u32 alen, ip4_t *addr, u16 *port, bool allow_unspec)
{
    struct sockaddr_in sin;
    if (alen < sizeof(sin))
        return -EINVAL;
    memcpy(&sin, kaddr, sizeof(sin));
    if (sin.sin_family != AF_INET && !(allow_unspec && sin.sin_family == AF_UNSPEC))
        return -EAFNOSUPPORT;
    *addr = sin.sin_addr;
    *port = sin.sin_port;
    if (sin.sin_addr == NET_LOOP6 || ip6_mapped(sin.sin_addr))
        return -ENETUNREACH; /* the internal forms of ::1 and IPv6 addresses (net.h); bind says EADDRNOTAVAIL */
    return sin.sin_family;
}

/* Writes a sockaddr_in into kaddr (the socket layer always gives SOCK_ADDR_MAX bytes of room); *alen becomes
 * its length. */
void inet_addr_out(void *kaddr, u32 *alen, ip4_t addr, u16 port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = port, .sin_addr = addr };
    memcpy(kaddr, &sin, sizeof(sin));
    *alen = sizeof(sin);
}

/* The sandbox (docs/net.md): QEMU's user network makes its own hosts stand for the host itself (the gateway
 * 10.0.2.2 is the host's 127.0.0.1; the DNS forwarder would pass any port on to the host's resolver address),
 * and link-local 169.254/16 is where clouds answer with credentials. A program's connect or send to them is
 * refused as Linux refuses a "prohibit" route (EACCES), except DNS on port 53, unless tools/skiff run
 * --allow-host put `net_host=1` on the command line. Replies on connections the host opened (--port) are not
 * sends of this kind and pass. Read once; never written from an interrupt. */
static bool sandbox_denies(ip4_t dst, u16 port)
{
    static int allow = -1;
    if (allow < 0) {
        const char *v = boot_arg("net_host");
        allow = v && v[0] == '1';
    }
    if (allow || ip_is_local(dst) || dst == IP4_BROADCAST)
        return false;
    if (ip6_mapped(dst))
        return ip6_sandboxed(dst, port);
    bool linklocal = (dst & 0xffff) == NET_IP4(169, 254, 0, 0);
    bool slirp_host = net_if.up && (dst & net_if.mask) == (net_if.addr & net_if.mask);
    if (slirp_host && dst == net_if.dns && port == net_htons(53))
        return false;
    if (!linklocal && !slirp_host)
        return false;
    static bool said;
    if (!said) {
        said = true;
        klog("net: a connection to %u.%u.%u.%u refused (EACCES): the host's own services and link-local "
             "addresses are closed to the guest; tools/skiff run --allow-host opens them\n",
             dst & 0xff, dst >> 8 & 0xff, dst >> 16 & 0xff, dst >> 24);
    }
    return true;
}

/* The network is needed to reach dst:port (port in network order): wait for DHCP if it is still running, then
 * the sandbox's rule. */
int inet_route_ready(ip4_t dst, u16 port)
{
    if (ip_is_local(dst))
        return 0;
    int r = ip6_mapped(dst) ? ip6_wait_up(dst, INET_UP_WAIT_NS) : net_if.up ? 0 : net_wait_up(INET_UP_WAIT_NS);
    if (!r && sandbox_denies(dst, port))
        r = -EACCES;
    return r;
}

/* bind's address checks, shared by both types: our address, any, 127/8, or broadcast (datagrams only). */
int inet_bind_addr(struct socket *s, const void *kaddr, u32 alen, ip4_t *addr, u16 *port)
{
    int fam = s->family == AF_INET6 ? inet6_addr_in(s, kaddr, alen, addr, port, INET_BIND, 0)
                                    : inet_addr_in(kaddr, alen, addr, port, true);
    if (fam < 0)
        return fam == -ENETUNREACH ? -EADDRNOTAVAIL : fam;
    if (fam == AF_UNSPEC && *addr != 0)
        return -EAFNOSUPPORT; /* Linux takes AF_UNSPEC only with INADDR_ANY, for old programs */
    if (*addr && (*addr & 0xff) != 127 && !net_if.up && net_if.present)
        net_wait_up(INET_UP_WAIT_NS); /* our own address is only known once DHCP is done */
    if (*addr && !ip_is_local(*addr) && !(s->type == SOCK_DGRAM && *addr == IP4_BROADCAST))
        return -EADDRNOTAVAIL;
    return 0;
}

struct inet_dgram {
    struct inet_opts opts;              /* first: net/inet_opt.c finds it at s->priv */
    struct udp_pcb *pcb;
    bool shut_rd, shut_wr;
};

/* A destination for connect or send, in either family: the family given (AF_UNSPEC: none) or -errno. laddr:
 * the socket's bound address (AF_INET6 needs it). */
int inet_dst_in(struct socket *s, const void *kaddr, u32 alen, ip4_t *addr, u16 *port, enum inet_use use,
                ip4_t laddr)
{
    if (s->family == AF_INET6)
        return inet6_addr_in(s, kaddr, alen, addr, port, use, laddr);
    return inet_addr_in(kaddr, alen, addr, port, s->type == SOCK_DGRAM);
}

int inet_set_family(struct socket *s, u8 fam)
{
    if (s->type == SOCK_STREAM)
        return inet_stream_family(s, fam);
    return udp_set_family(((struct inet_dgram *)s->priv)->pcb, fam);
}

/* ---- SOCK_DGRAM ---- */

static struct udp_pcb *dgram_pcb(struct socket *s)
{
    return ((struct inet_dgram *)s->priv)->pcb;
}

/* An ICMP error UDP heard of becomes the socket's error (SO_ERROR); the next send or receive reports it. */
static int dgram_take_error(struct socket *s)
{
    int e = udp_error(dgram_pcb(s));
    if (e)
        s->so_error = -e;
    e = s->so_error;
    s->so_error = 0;
    return -e;
}

static int dgram_bind(struct socket *s, const void *kaddr, u32 alen)
{
    ip4_t addr;
    u16 port;
    int r = inet_bind_addr(s, kaddr, alen, &addr, &port);
    return r ? r : udp_bind(dgram_pcb(s), addr, port);
}

static bool broadcast_denied(struct socket *s, ip4_t dst)
{
    bool bcast = dst == IP4_BROADCAST || (net_if.up && net_if.mask != IP4_BROADCAST &&
                                          dst == (net_if.addr | ~net_if.mask));
    return bcast && !(s->opts & (1u << SO_BROADCAST));
}

static int dgram_connect(struct socket *s, const void *kaddr, u32 alen)
{
    ip4_t addr;
    u16 port;
    int fam = inet_dst_in(s, kaddr, alen, &addr, &port, INET_CONNECT, udp_bound_addr(dgram_pcb(s)));
    if (fam < 0)
        return fam;
    if (fam == AF_UNSPEC)
        return udp_connect(dgram_pcb(s), 0, 0);
    if (!addr)
        addr = NET_IP4(127, 0, 0, 1); /* Linux: INADDR_ANY as a destination means this host */
    if (broadcast_denied(s, addr))
        return -EACCES;
    int r = inet_route_ready(addr, port);
    return r ? r : udp_connect(dgram_pcb(s), addr, port);
}

static ssize_t dgram_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags)
{
    struct inet_dgram *d = s->priv;
    ip4_t addr = 0, raddr;
    u16 port = 0, rport;
    if ((flags & MSG_OOB) && s->family == AF_INET)
        return -EOPNOTSUPP; /* Linux's udp_sendmsg; udpv6_sendmsg ignores the flag */
    if (d->shut_wr)
        return -EPIPE;
    int err = dgram_take_error(s);
    if (err)
        return err;
    if (kaddr) {
        int fam = inet_dst_in(s, kaddr, alen, &addr, &port, INET_SEND, udp_bound_addr(d->pcb));
        if (fam < 0)
            return fam;
        if (fam != AF_UNSPEC) {
            if (!port)
                return -EINVAL;
            if (!addr)
                addr = NET_IP4(127, 0, 0, 1);
        } else {
            addr = 0; /* AF_UNSPEC: the connected peer, as without an address */
            port = 0;
        }
    }
    udp_remote(d->pcb, &raddr, &rport);
    if (!port && !rport)
        return -EDESTADDRREQ;
    ip4_t dst = port ? addr : raddr;
    if (broadcast_denied(s, dst))
        return -EACCES;
    int r = inet_route_ready(dst, port ? port : rport);
    if (r)
        return r;
    udp_set_tos(d->pcb, (u8)((struct inet_opts *)s->priv)->tos);
    return udp_sendto(d->pcb, kbuf, n, addr, port);
}

static ssize_t dgram_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full)
{
    struct inet_dgram *d = s->priv;
    ip4_t addr;
    u16 port;
    /* MSG_OOB: ignored, as Linux's udp_recvmsg */
    int err = dgram_take_error(s);
    if (err)
        return err;
    ssize_t r = (flags & MSG_PEEK) && s->peek_off >= 0 /* SO_PEEK_OFF */
                    ? udp_peek_at(d->pcb, kbuf, n, &addr, &port, (size_t)s->peek_off, full)
                    : udp_recvfrom(d->pcb, kbuf, n, &addr, &port, flags & MSG_PEEK, full);
    if (r >= 0) {
        ip4_t src, dst;
        udp_rx_info(d->pcb, &src, &dst, &s->rx_stamp);
    }
    if (r == -EAGAIN && d->shut_rd)
        return 0; /* after shutdown(SHUT_RD) an empty socket reads as the end */
    if (r >= 0 && kaddr && alen)
        inet_name_out(s, kaddr, alen, addr, port);
    return r;
}

/* IP_PKTINFO and IPV6_RECVPKTINFO, about the datagram the receive took */
static int dgram_recv_ctl(struct socket *s, void *kctl, u32 *len, int *mflags, int flags)
{
    ip4_t src, dst;
    u64 stamp;
    (void)flags;
    udp_rx_info(dgram_pcb(s), &src, &dst, &stamp);
    *len = inet_put_pktinfo(s, src, dst, udp_rx_tos(dgram_pcb(s)), kctl, *len, mflags);
    return 0;
}

static unsigned dgram_poll(struct socket *s)
{
    struct inet_dgram *d = s->priv;
    unsigned ev = udp_poll(d->pcb);
    int e = udp_error(d->pcb);
    if (e)
        s->so_error = -e;
    if (s->so_error)
        ev |= POLLERR;
    if (d->shut_rd)
        ev |= POLLIN | POLLRDHUP;
    if (d->shut_rd && d->shut_wr)
        ev |= POLLHUP;
    return ev;
}

/* Linux sets the flags even on an unconnected socket (so that pollers wake) but says ENOTCONN. */
static int dgram_shutdown(struct socket *s, int how)
{
    struct inet_dgram *d = s->priv;
    ip4_t raddr;
    u16 rport;
    if (how != 0 && how != 2 && how != 1)
        return -EINVAL;
    d->shut_rd |= how != 1;
    d->shut_wr |= how != 0;
    sock_kick(s);
    udp_remote(d->pcb, &raddr, &rport);
    return rport ? 0 : -ENOTCONN;
}

static int dgram_getname(struct socket *s, void *kaddr, u32 *alen, bool peer)
{
    ip4_t addr;
    u16 port;
    if (peer) {
        udp_remote(dgram_pcb(s), &addr, &port);
        if (!port)
            return -ENOTCONN;
    } else {
        udp_local(dgram_pcb(s), &addr, &port);
    }
    inet_name_out(s, kaddr, alen, addr, port);
    return 0;
}

static int dgram_ioctl(struct socket *s, unsigned cmd, int *val)
{
    if (cmd == FIONREAD) { /* the next datagram's size (Linux: 0 when none) */
        size_t full = 0;
        u8 none;
        if (udp_recvfrom(dgram_pcb(s), &none, 0, NULL, NULL, true, &full) < 0)
            full = 0;
        *val = (int)full;
        return 0;
    }
    if (cmd == SIOCOUTQ) {
        *val = 0; /* datagrams leave at once */
        return 0;
    }
    return -ENOTTY;
}

static void dgram_release(struct socket *s)
{
    udp_close(dgram_pcb(s));
    kfree(s->priv);
}

/* The UDP pcb: a datagram queued and an ICMP error are kicked on it (net/udp.c); a send never ends
 * writability. */
static const void *dgram_poll_chan(struct socket *s)
{
    return ((struct inet_dgram *)s->priv)->pcb;
}

static const struct sock_ops dgram_ops = {
    .poll_chan = dgram_poll_chan,
    .bind = dgram_bind,
    .connect = dgram_connect,
    .listen = inet_no_listen,
    .accept = inet_no_accept,
    .send = dgram_send,
    .recv = dgram_recv,
    .poll = dgram_poll,
    .shutdown = dgram_shutdown,
    .getname = dgram_getname,
    .setsockopt = inet_setsockopt,
    .getsockopt = inet_getsockopt,
    .ioctl = dgram_ioctl,
    .recv_ctl = dgram_recv_ctl,
    .release = dgram_release,
};

int inet_no_listen(struct socket *s, int backlog)
{
    (void)s;
    (void)backlog;
    return -EOPNOTSUPP;
}

int inet_no_accept(struct socket *s, struct socket *newsock)
{
    (void)s;
    (void)newsock;
    return -EOPNOTSUPP;
}

static int dgram_create(struct socket *s, int protocol)
{
    if (protocol != 0 && protocol != IPPROTO_UDP)
        return -EPROTONOSUPPORT;
    struct inet_dgram *d = kzalloc(sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->pcb = udp_new();
    if (!d->pcb) {
        kfree(d);
        return -ENOMEM;
    }
    s->priv = d;
    s->ops = &dgram_ops;
    return 0;
}

static int inet_create(struct socket *s, int type, int protocol)
{
    s->remote = true; /* the other end may be outside the VM: a lone task may wait */
    if (type == SOCK_STREAM || type == SOCK_DGRAM)
        s->protocol = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP; /* SO_PROTOCOL as Linux reports it */
    int r;
    bool icmp = protocol == (s->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (type == SOCK_RAW || (type == SOCK_DGRAM && icmp))
        return icmp_sock_create(s, type, protocol); /* net/icmp_sock.c: ping and raw sockets */
    switch (type) {
    case SOCK_DGRAM:
    case SOCK_STREAM:
        r = type == SOCK_DGRAM ? dgram_create(s, protocol) : inet_stream_create(s, protocol);
        if (!r && s->family == AF_INET6)
            inet_set_family(s, NET_FAM_V6); /* Linux's default: IPV6_V6ONLY off (net.ipv6.bindv6only 0) */
        return r;
    default:
        return -ESOCKTNOSUPPORT;
    }
}

const struct sock_family inet_family = { .family = AF_INET, .create = inet_create };
const struct sock_family inet6_family = { .family = AF_INET6, .create = inet_create };

/* The UDP block of an AF_INET or AF_INET6 datagram socket, else NULL (/proc/net/udp: net/procnet.c). */
struct udp_pcb *inet_dgram_pcb(struct socket *s)
{
    return s->ops == &dgram_ops ? ((struct inet_dgram *)s->priv)->pcb : NULL;
}
