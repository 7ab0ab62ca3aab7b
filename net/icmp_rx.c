/* net/icmp_rx.c — the receive side of ICMP sockets (net/icmp_sock.h): which sockets a received ICMP message
 * goes to (every raw socket of its protocol that its filter lets through; the ping socket whose ident an echo
 * reply carries), their queues, recvmsg with its control messages (SO_TIMESTAMP, IP_TTL, IPV6_HOPLIMIT), and
 * ICMPv6 input for ::1 (echo replies, RFC 4443 4.2). Delivery runs from the loopback tick or the card's
 * interrupt, with interrupts off; the queues are touched there and from syscalls. */
#include "icmp_sock.h"
#include "../kernel/boot.h"

#define SOL_IP 0
#define IP_TTL_CMSG 2           /* IP_TTL: the control message IP_RECVTTL asks for */
#define IPV6_HOPLIMIT 52
#define SO_TIMESTAMP_OLD 29
#define CMSG_ALIGN(n) (((n) + 7) & ~(u64)7)

void icmp_sock_flush(struct icmp_sock *k)
{
    while (k->head) {
        struct icmp_msg *m = k->head;
        k->head = m->next;
        kfree(m);
    }
    k->tail = &k->head;
    k->queued = 0;
    icmp_errq_flush(k);
}

/* The ICMPv6 checksum (RFC 4443 2.3) of a message from ::1 to ::1: the IPv6 pseudo-header (RFC 8200 8.1)
 * is both addresses, the upper-layer length and the next header, 58. */
u16 icmp6_csum(const void *msg, size_t len)
{
    u8 ph[40] = { 0 };
    ph[15] = ph[31] = 1;
    u32 l = net_htonl((u32)len);
    memcpy(ph + 32, &l, 4);
    ph[39] = IPPROTO_ICMPV6;
    return net_csum_fold(net_csum_add(net_csum_add(0, ph, sizeof(ph)), msg, len));
}

/* A copy of data at the end of a queue (k's messages, or its error queue), the receive buffer allowing; *out
 * gets it (NULL when dropped). */
void icmp_enqueue(struct icmp_sock *k, struct icmp_msg ***tail, ip4_t src, u8 ttl, const u8 *data, size_t len,
                  struct icmp_msg **out)
{
    struct icmp_msg *m = NULL;
    if (!k->shut_rd && k->queued + len <= (size_t)k->s->rcvbuf)
        m = kzalloc(sizeof(*m) + len);
    if (out)
        *out = m;
    if (!m) {
        net_stats.icmp_sock_drop++;
        return;
    }
    m->src = src;
    m->ttl = ttl;
    m->stamp_ns = clock_realtime_ns();
    m->len = len;
    memcpy(m->data, data, len);
    **tail = m;
    *tail = &m->next;
    k->queued += len;
    net_stats.icmp_sock_rx++;
    sched_kick_io();
}

static void enqueue(struct icmp_sock *k, ip4_t src, u8 ttl, const u8 *data, size_t len)
{
    icmp_enqueue(k, &k->tail, src, ttl, data, len, NULL);
}

/* Does k take a message from src to dst? Its bound address must match; a raw socket's connected peer too
 * (Linux's raw_v4_match), never a ping socket's (ping_lookup looks at the ident and the local address only). */
static bool addr_match(const struct icmp_sock *k, ip4_t src, ip4_t dst)
{
    return (!k->laddr || k->laddr == dst) && (!k->raw || !k->connected || k->raddr == src);
}

static bool raw_passes(const struct icmp_sock *k, u8 type)
{
    if (k->v6)
        return !(k->filter6[type >> 5] & (1u << (type & 31)));
    return type >= 32 || !(k->filter & (1u << type));
}

/* An ICMP message for this host (from net/ip.c, before net/icmp.c looks at it, as Linux's raw delivery):
 * raw sockets get the IP packet ip (ip_len bytes, header included); the ping socket of an echo reply's ident
 * gets the message itself, if its checksum is right. */
void icmp_sock_input(const u8 *ip, size_t ip_len, const u8 *msg, size_t len)
{
    bool csum_ok = net_csum_fold(net_csum_add(0, msg, len)) == 0;
    ip4_t src, dst;
    memcpy(&src, ip + 12, 4);
    memcpy(&dst, ip + 16, 4);
    u8 ttl = ip[8];
    u16 ident;
    memcpy(&ident, msg + 4, 2);
    bool ping = msg[0] == ICMP_ECHO_REPLY && msg[1] == 0 && csum_ok; /* for one ping socket at most */
    for (struct icmp_sock *k = icmp_socks; k; k = k->next) {
        if (k->v6 || !addr_match(k, src, dst))
            continue;
        if (k->raw && raw_passes(k, msg[0])) {
            enqueue(k, src, ttl, ip, ip_len);
        } else if (!k->raw && ping && k->ident == ident) {
            enqueue(k, src, ttl, msg, len);
            ping = false;
        }
    }
}

/* An ICMPv6 message for the sockets: raw ones through their filters, an echo reply to its ping socket. From
 * icmp6_input (loopback) and from net/icmp6.c (the card), src and dst in the pcb's form. */
void icmp6_sock_deliver(ip4_t src, ip4_t dst, u8 hops, const u8 *msg, size_t len)
{
    u16 ident = 0;
    if (len >= 8)
        memcpy(&ident, msg + 4, 2);
    bool ping = msg[0] == ICMP6_ECHO_REPLY && msg[1] == 0 && len >= 8; /* for one ping socket at most */
    for (struct icmp_sock *k = icmp_socks; k; k = k->next) {
        if (!k->v6 || !addr_match(k, src, dst))
            continue;
        if (k->raw && raw_passes(k, msg[0])) {
            enqueue(k, src, hops, msg, len);
        } else if (!k->raw && ping && k->ident == ident) {
            enqueue(k, src, hops, msg, len);
            ping = false;
        }
    }
}

/* ICMPv6 between our own addresses (::1, or our IPv6 addresses on the card, which take the loopback path),
 * carried over the loopback (net/icmp_sock.h): for the sockets, and the reply to an echo request. */
void icmp6_input(ip4_t src, ip4_t dst, u8 hops, const u8 *msg, size_t len)
{
    net_stats.icmp_rx++;
    bool ours = (src == NET_LOOP6 && dst == NET_LOOP6) || (ip6_is_ours(src) && ip6_is_ours(dst));
    if (!ours || len < 4 || icmp6_csum(msg, len) != 0) {
        net_stats.icmp_bad++;
        return;
    }
    icmp6_sock_deliver(src, dst, hops, msg, len);
    if (msg[0] != ICMP6_ECHO_REQUEST || msg[1] != 0 || len < 8)
        return;
    u8 *reply = kmalloc(len);
    if (!reply)
        return;
    memcpy(reply, msg, len);
    reply[0] = ICMP6_ECHO_REPLY;
    reply[2] = reply[3] = 0;
    u16 c = icmp6_csum(reply, len);
    memcpy(reply + 2, &c, 2);
    if (ip_output(dst, src, IPPROTO_ICMPV6, reply, len) == 0)
        net_stats.icmp_echo_replied++;
    kfree(reply);
}

/* ---- recvmsg ---- */

ssize_t icmp_sock_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full)
{
    struct icmp_sock *k = s->priv;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (flags & MSG_ERRQUEUE)
        return icmp_errq_recv(k, kbuf, n, kaddr, alen, full);
    k->last_err = false;
    if (s->so_error) { /* an ICMP error (net/icmp_err.c): reported once, before what is queued, as Linux */
        int e = s->so_error;
        s->so_error = 0;
        return -e;
    }
    struct icmp_msg *m = k->head;
    if (!m)
        return k->shut_rd ? 0 : -EAGAIN;
    size_t c = MIN(n, m->len);
    memcpy(kbuf, m->data, c);
    *full = m->len;
    if (kaddr && alen) {
        if (k->v6)
            inet6_addr_out(kaddr, alen, m->src, 0);
        else
            inet_addr_out(kaddr, alen, m->src, 0);
    }
    k->last_ttl = m->ttl;
    k->last_stamp = m->stamp_ns;
    k->last_err = false;
    if (!(flags & MSG_PEEK)) {
        k->head = m->next;
        if (!k->head)
            k->tail = &k->head;
        k->queued -= m->len;
        kfree(m);
    }
    return (ssize_t)c;
}

/* One control message at kctl + *used, if it fits in room (else MSG_CTRUNC, as Linux's put_cmsg). */
static void put_cmsg(u8 *kctl, u32 room, u32 *used, int level, int type, const void *data, u32 dlen, int *mflags)
{
    struct cmsghdr_k c = { sizeof(c) + dlen, level, type };
    if (!kctl || *used + c.len > room) {
        *mflags |= MSG_CTRUNC;
        return;
    }
    memcpy(kctl + *used, &c, sizeof(c));
    memcpy(kctl + *used + sizeof(c), data, dlen);
    *used = MIN(room, *used + (u32)CMSG_ALIGN(c.len));
}

int icmp_sock_recv_ctl(struct socket *s, void *kctl, u32 *len, int *mflags, int flags)
{
    struct icmp_sock *k = s->priv;
    u32 room = kctl ? *len : 0, used = 0;
    (void)flags;
    if (k->timestamp) {
        i64 tv[2] = { (i64)(k->last_stamp / 1000000000ull), (i64)(k->last_stamp % 1000000000ull / 1000) };
        put_cmsg(kctl, room, &used, SOL_SOCKET, SO_TIMESTAMP_OLD, tv, sizeof(tv), mflags);
    }
    int ttl = k->last_ttl;
    if (!k->v6 && k->recvttl)
        put_cmsg(kctl, room, &used, SOL_IP, IP_TTL_CMSG, &ttl, sizeof(ttl), mflags);
    if (k->v6 && k->recvhops)
        put_cmsg(kctl, room, &used, IPPROTO_IPV6, IPV6_HOPLIMIT, &ttl, sizeof(ttl), mflags);
    if (k->last_err)
        used += icmp_errq_cmsg(k, kctl ? (u8 *)kctl + used : NULL, room - used, mflags);
    *len = used;
    return 0;
}
