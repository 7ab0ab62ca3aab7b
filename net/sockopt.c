/* net/sockopt.c — the SOL_SOCKET options, with Linux's conventions: values shorter than an int are EINVAL;
 * SO_RCVBUF/SO_SNDBUF are capped at the sysctl maximum, doubled, and floored at Linux's minimums; the
 * read-only ones (SO_TYPE, SO_ERROR, ...) are ENOPROTOOPT to set; a timeout with tv_usec out of range is EDOM,
 * a negative one means "do not wait". Options skiff only records (SO_KEEPALIVE, SO_LINGER, SO_PRIORITY, ...)
 * read back as set. */
#include "socket.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"

#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_NO_CHECK 11
#define SO_PRIORITY 12
#define SO_LINGER 13
#define SO_BSDCOMPAT 14
#define SO_REUSEPORT 15
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_TIMESTAMP_OLD 29
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67

#define SOCK_MIN_RCVBUF 2304   /* 2048 + an skb's aligned size, as Linux reports it */
#define SOCK_MIN_SNDBUF 4608
#define TIMEO_NOWAIT 1ull      /* a negative timeout: the deadline is already past */

/* The boolean options recorded in s->opts, by bit = option number. */
static bool is_flag(int name)
{
    switch (name) {
    case SO_DEBUG: case SO_REUSEADDR: case SO_DONTROUTE: case SO_BROADCAST: case SO_KEEPALIVE:
    case SO_OOBINLINE: case SO_NO_CHECK: case SO_REUSEPORT: case SO_PASSCRED:
        return true;
    }
    return false;
}

struct timeval_k { i64 sec, usec; };

static int set_timeout(u64 *timeo, const void *kval, u32 len)
{
    struct timeval_k tv;
    if (len < sizeof(tv))
        return -EINVAL;
    memcpy(&tv, kval, sizeof(tv));
    if (tv.usec < 0 || tv.usec >= 1000000)
        return -EDOM;
    if (tv.sec < 0)
        *timeo = TIMEO_NOWAIT;
    else if (tv.sec > 100000000) /* beyond what Linux's jiffies hold: no timeout */
        *timeo = 0;
    else
        *timeo = (u64)tv.sec * 1000000000ull + (u64)tv.usec * 1000ull;
    return 0;
}

static int buf_size(int val, bool force, int minimum)
{
    u32 v = (u32)val;
    if (!force && v > SOCK_BUF_MAX)
        v = SOCK_BUF_MAX;
    if (v > 0x3fffffff)
        v = 0x3fffffff;
    return MAX((int)(v * 2), minimum);
}

/* SO_TIMESTAMP on an ICMP socket is its own (net/icmp_opt.c, icmp_rx.c); every other socket's is sockopt_more.c's. */
static bool family_timestamp_opt(struct socket *s)
{
    return (s->family == AF_INET || s->family == AF_INET6) && (s->type == SOCK_RAW ||
           (s->type == SOCK_DGRAM && (s->protocol == 1 || s->protocol == 58)));
}

int sock_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len)
{
    if (level != SOL_SOCKET)
        return s->ops->setsockopt ? s->ops->setsockopt(s, level, name, kval, len) : -EOPNOTSUPP;
    if (len < sizeof(int))
        return sock_set_more(s, name, kval, len); /* SO_BINDTODEVICE takes any length; the rest EINVAL */
    int val;
    memcpy(&val, kval, sizeof(val));
    if (name == SO_PASSCRED && s->family != AF_UNIX && s->family != AF_NETLINK)
        return -EOPNOTSUPP; /* Linux 6.16+: AF_UNIX and AF_NETLINK only */
    if (name == SO_REUSEPORT && val && s->family != AF_INET && s->family != AF_INET6)
        return -EOPNOTSUPP; /* Linux 6.9+: SO_REUSEPORT is for inet sockets only */
    if (is_flag(name)) {
        s->opts = val ? (s->opts | 1u << name) : (s->opts & ~(1u << name));
        return 0;
    }
    switch (name) {
    case SO_SNDBUF: case SO_SNDBUFFORCE:
        s->sndbuf = buf_size(val, name == SO_SNDBUFFORCE, SOCK_MIN_SNDBUF);
        sock_kick(s); /* room may have appeared */
        return 0;
    case SO_RCVBUF: case SO_RCVBUFFORCE:
        s->rcvbuf = buf_size(val, name == SO_RCVBUFFORCE, SOCK_MIN_RCVBUF);
        return 0;
    case SO_PRIORITY:
        s->priority = val;
        return 0;
    case SO_RCVLOWAT:
        s->rcvlowat = val < 0 ? 0x7fffffff : val ? val : 1;
        return 0;
    case SO_LINGER: {
        int l[2];
        if (len < sizeof(l))
            return -EINVAL;
        memcpy(l, kval, sizeof(l));
        s->linger_on = l[0] != 0;
        s->linger_sec = l[0] ? l[1] : s->linger_sec;
        return 0;
    }
    case SO_BSDCOMPAT:
        return 0;
    case SO_RCVTIMEO_OLD: case SO_RCVTIMEO_NEW:
        return set_timeout(&s->rcvtimeo_ns, kval, len);
    case SO_SNDTIMEO_OLD: case SO_SNDTIMEO_NEW:
        return set_timeout(&s->sndtimeo_ns, kval, len);
    case SO_TIMESTAMP_OLD: /* ICMP sockets keep their own (net/icmp_opt.c); the rest: sockopt_more.c */
        if (family_timestamp_opt(s))
            return s->ops->setsockopt(s, level, name, kval, len);
        break;
    }
    return sock_set_more(s, name, kval, len);
}

static u32 get_timeout(u64 timeo, void *kval)
{
    struct timeval_k tv = { 0, 0 };
    if (timeo > TIMEO_NOWAIT) {
        tv.sec = (i64)(timeo / 1000000000ull);
        tv.usec = (i64)(timeo % 1000000000ull / 1000);
    }
    memcpy(kval, &tv, sizeof(tv));
    return sizeof(tv);
}

/* Fills kval (room SOCK_ADDR_MAX bytes) and sets *len (in: the length the program gave, at most 256) to the
 * option's length; the syscall copies out min(the program's length, *len). */
int sock_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len)
{
    if (level != SOL_SOCKET)
        return s->ops->getsockopt ? s->ops->getsockopt(s, level, name, kval, len) : -EOPNOTSUPP;
    int v;
    u32 room = *len;
    *len = sizeof(int);
    if (name == SO_PASSCRED && s->family != AF_UNIX && s->family != AF_NETLINK)
        return -EOPNOTSUPP;
    if (is_flag(name)) {
        v = (s->opts >> name) & 1;
    } else {
        switch (name) {
        case SO_TYPE: v = s->type; break;
        case SO_DOMAIN: v = s->family; break;
        case SO_PROTOCOL: v = s->protocol; break;
        case SO_ERROR: v = s->so_error; s->so_error = 0; break;
        case SO_ACCEPTCONN: v = s->listening; break;
        case SO_SNDBUF: v = s->sndbuf; break;
        case SO_RCVBUF: v = s->rcvbuf; break;
        case SO_PRIORITY: v = s->priority; break;
        case SO_RCVLOWAT: v = s->rcvlowat; break;
        case SO_SNDLOWAT: v = 1; break;
        case SO_BSDCOMPAT: v = 0; break;
        case SO_LINGER: {
            int l[2] = { s->linger_on, s->linger_sec };
            memcpy(kval, l, sizeof(l));
            *len = sizeof(l);
            return 0;
        }
        case SO_RCVTIMEO_OLD: case SO_RCVTIMEO_NEW:
            *len = get_timeout(s->rcvtimeo_ns, kval);
            return 0;
        case SO_SNDTIMEO_OLD: case SO_SNDTIMEO_NEW:
            *len = get_timeout(s->sndtimeo_ns, kval);
            return 0;
        case SO_PEERCRED: {
            int rc = s->family == AF_UNIX ? s->ops->getsockopt(s, level, name, kval, len) : -ENOPROTOOPT;
            if (rc != -ENOPROTOOPT)
                return rc;
            struct ucred_k none = { 0, ~0u, ~0u }; /* no peer: as Linux */
            memcpy(kval, &none, sizeof(none));
            *len = sizeof(none);
            return 0;
        }
        case SO_TIMESTAMP_OLD:
            if (family_timestamp_opt(s))
                return s->ops->getsockopt(s, level, name, kval, len);
            *len = room;
            return sock_get_more(s, name, kval, len);
        default:
            *len = room;
            return sock_get_more(s, name, kval, len);
        }
    }
    memcpy(kval, &v, sizeof(v));
    return 0;
}
