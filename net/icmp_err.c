/* net/icmp_err.c — ICMP errors about what an IPv4 ping socket sent (Linux's ping_err): a destination
 * unreachable, time exceeded or parameter problem that quotes one of our echo requests finds the ping socket of
 * its identifier. Without IP_RECVERR only a hard error (RFC 1122 4.2.3.9's kind: protocol or port unreachable,
 * a prohibited or unknown destination, a parameter problem) reaches a connected socket, as SO_ERROR; with
 * IP_RECVERR every one becomes SO_ERROR and an entry of the error queue, which recvmsg(MSG_ERRQUEUE) reads: the
 * quoted ICMP message, the original destination as the address, and an IP_RECVERR control message (struct
 * sock_extended_err, origin ICMP, then the sender of the error: ip(7)). */
#include "icmp_sock.h"

#define ICMP_UNREACH 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMPROB 12
#define SOL_IP 0
#define IP_RECVERR 11
#define SO_EE_ORIGIN_ICMP 2
#define CMSG_ALIGN(n) (((n) + 7) & ~(u64)7)
#ifndef EHOSTDOWN
#define EHOSTDOWN 112            /* asm-generic/errno.h; only ICMP gives these in skiff */
#endif
#ifndef ENONET
#define ENONET 64
#endif

struct sock_extended_err {
    u32 ee_errno;
    u8 ee_origin, ee_type, ee_code, ee_pad;
    u32 ee_info, ee_data;
};
_Static_assert(sizeof(struct sock_extended_err) == 16, "struct sock_extended_err as in <linux/errqueue.h>");

/* Destination unreachable codes 0-15 (RFC 792, 1122, 1812): the errno, and whether the error is hard. */
static const struct { u8 err, hard; } unreach_err[16] = {
    { ENETUNREACH, 0 }, { EHOSTUNREACH, 0 }, { ENOPROTOOPT, 1 }, { ECONNREFUSED, 1 },
    { EMSGSIZE, 0 },    { EOPNOTSUPP, 0 },   { ENETUNREACH, 1 }, { EHOSTDOWN, 1 },
    { ENONET, 1 },      { ENETUNREACH, 1 },  { EHOSTUNREACH, 1 }, { ENETUNREACH, 0 },
    { EHOSTUNREACH, 0 }, { EHOSTUNREACH, 1 }, { EHOSTUNREACH, 1 }, { EHOSTUNREACH, 1 },
};

/* The errno an ICMP error stands for, and whether it is hard; 0 for one that concerns no socket. */
static int error_of(u8 type, u8 code, bool *hard)
{
    *hard = false;
    if (type == ICMP_UNREACH && code < 16) {
        *hard = unreach_err[code].hard;
        return unreach_err[code].err;
    }
    if (type == ICMP_TIME_EXCEEDED)
        return EHOSTUNREACH;
    if (type == ICMP_PARAMPROB) {
        *hard = true;
        return EPROTO;
    }
    return 0;
}

/* The ping socket that sent the echo request quoted in orig (an IP header and what followed it). */
static struct icmp_sock *ping_of(const u8 *orig, size_t len, size_t *hlen)
{
    if (len < IP_HLEN || (orig[0] >> 4) != 4 || orig[9] != IPPROTO_ICMP)
        return NULL;
    *hlen = (size_t)(orig[0] & 15) * 4;
    if (*hlen < IP_HLEN || len < *hlen + 8 || orig[*hlen] != ICMP_ECHO)
        return NULL;
    ip4_t src;
    u16 ident;
    memcpy(&src, orig + 12, 4);
    memcpy(&ident, orig + *hlen + 4, 2);
    for (struct icmp_sock *k = icmp_socks; k; k = k->next)
        if (!k->raw && !k->v6 && k->ident == ident && (!k->laddr || k->laddr == src))
            return k;
    return NULL;
}

/* From net/icmp.c: an error from `from` (with the TTL it came with), its type and code, quoting orig. */
void icmp_sock_error(ip4_t from, u8 ttl, u8 type, u8 code, const u8 *orig, size_t len)
{
    size_t hlen;
    bool hard;
    struct icmp_sock *k = ping_of(orig, len, &hlen);
    int err = k ? error_of(type, code, &hard) : 0;
    if (!err)
        return;
    if (!k->opts.recverr && (!hard || !k->connected))
        return;
    if (k->opts.recverr) {
        struct icmp_msg *m;
        icmp_enqueue(k, &k->errq_tail, from, ttl, orig + hlen, len - hlen, &m);
        if (m) {
            memcpy(&m->orig_dst, orig + 16, 4);
            m->ee_errno = err;
            m->ee_type = type;
            m->ee_code = code;
        }
    }
    k->s->so_error = err;
    sched_kick_io();
}

ssize_t icmp_errq_recv(struct icmp_sock *k, void *kbuf, size_t n, void *kaddr, u32 *alen, size_t *full)
{
    struct icmp_msg *m = k->errq;
    if (!m)
        return -EAGAIN;
    size_t c = MIN(n, m->len);
    memcpy(kbuf, m->data, c);
    *full = m->len;
    if (kaddr && alen)
        inet_addr_out(kaddr, alen, m->orig_dst, 0);
    k->errq = m->next;
    if (!k->errq)
        k->errq_tail = &k->errq;
    k->queued -= m->len;
    k->last_ttl = m->ttl;
    k->last_stamp = m->stamp_ns;
    k->last_err = true;
    k->last_ee = *m;
    k->last_ee.next = NULL;
    kfree(m);
    return (ssize_t)c;
}

void icmp_errq_flush(struct icmp_sock *k)
{
    while (k->errq) {
        struct icmp_msg *m = k->errq;
        k->errq = m->next;
        kfree(m);
    }
    k->errq_tail = &k->errq;
}

/* The IP_RECVERR control message of the entry the last receive read, at kctl (room bytes); its length. The
 * socket layer sets MSG_ERRQUEUE in msg_flags for a receive with it (icmp_sock_recv_ctl's caller). */
u32 icmp_errq_cmsg(struct icmp_sock *k, u8 *kctl, u32 room, int *mflags)
{
    struct {
        struct cmsghdr_k h;
        struct sock_extended_err ee;
        struct sockaddr_in offender;
    } c = { 0 };
    _Static_assert(sizeof(c) == 48, "an IP_RECVERR control message: header, sock_extended_err, sockaddr_in");
    *mflags |= MSG_ERRQUEUE;
    c.h = (struct cmsghdr_k){ sizeof(c), SOL_IP, IP_RECVERR };
    c.ee = (struct sock_extended_err){ .ee_errno = (u32)k->last_ee.ee_errno, .ee_origin = SO_EE_ORIGIN_ICMP,
                                       .ee_type = k->last_ee.ee_type, .ee_code = k->last_ee.ee_code };
    c.offender = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = k->last_ee.src };
    if (!kctl || room < sizeof(c)) {
        *mflags |= MSG_CTRUNC;
        return 0;
    }
    memcpy(kctl, &c, sizeof(c));
    return (u32)CMSG_ALIGN(sizeof(c));
}
