/* net/sockopt_more.c — the SOL_SOCKET options net/sockopt.c hands on, as Linux 6.x answers them (socket(7)):
 *   SO_TIMESTAMP, SO_TIMESTAMPNS and their _NEW twins: each receive of a datagram (UDP, AF_UNIX datagram and
 *     seqpacket) or of TCP bytes carries a control message with when the data arrived (AF_UNIX streams carry
 *     none, as Linux);
 *   SO_PEEK_OFF: MSG_PEEK starts that many bytes in and moves on (net/socket.c, unix_io.c, udp.c);
 *   SO_BINDTODEVICE/SO_BINDTOIFINDEX: "lo" (1), "eth0" (2, with a network card), other names ENODEV; recorded
 *     (skiff has one route per destination, so the binding changes nothing it sends);
 *   SO_MARK (CAP_NET_ADMIN or CAP_NET_RAW) and SO_INCOMING_CPU: recorded (no packet filter, one CPU);
 *   SO_COOKIE: a number for the socket, given on first request;
 *   SO_PASSCRED, SO_PASSSEC: AF_UNIX only (EOPNOTSUPP elsewhere, as Linux 6.16+); SO_PEERCRED of a socket
 *     that has no peer's credentials (any AF_INET one) is pid 0, uid and gid -1. */
#include "socket.h"
#include "net.h"
#include "../kernel/cred.h"
#include "../kernel/errno.h"
#include "../kernel/boot.h"

#define SO_PASSSEC 34
#define SO_TIMESTAMP_OLD 29
#define SO_TIMESTAMPNS_OLD 35
#define SO_MARK 36
#define SO_PEEK_OFF 42
#define SO_INCOMING_CPU 49
#define SO_COOKIE 57
#define SO_BINDTOIFINDEX 62
#define SO_TIMESTAMP_NEW 63
#define SO_TIMESTAMPNS_NEW 64
#define SO_BINDTODEVICE 25
#define IFNAMSIZ 16
#define CAP_NET_ADMIN 12
#define CMSG_ALIGN8(n) (((n) + 7u) & ~7u)

_Static_assert(sizeof(struct cmsghdr_k) == 16, "struct cmsghdr is 16 bytes on x86_64");

/* Linux's sock_set_timestamp: on sets RCVTSTAMP (and RCVTSTAMPNS for the ns options), off clears both. */
static void set_timestamp(struct socket *s, int name, bool on)
{
    if (!on) {
        s->tstamp = 0;
        return;
    }
    bool ns = name == SO_TIMESTAMPNS_OLD || name == SO_TIMESTAMPNS_NEW;
    bool is_new = name == SO_TIMESTAMP_NEW || name == SO_TIMESTAMPNS_NEW;
    s->tstamp = SOCK_TS_ON | (ns ? SOCK_TS_NS : 0) | (is_new ? SOCK_TS_NEW : 0);
}

static int get_timestamp(const struct socket *s, int name)
{
    bool on = s->tstamp & SOCK_TS_ON, ns = s->tstamp & SOCK_TS_NS, is_new = s->tstamp & SOCK_TS_NEW;
    switch (name) {
    case SO_TIMESTAMP_OLD: return on && !is_new && !ns;
    case SO_TIMESTAMPNS_OLD: return ns && !is_new;
    case SO_TIMESTAMP_NEW: return on && is_new && !ns;
    default: return ns && is_new;
    }
}

/* An interface name to its index: 0 for "", -ENODEV for one skiff does not have. */
static int if_index(const char *name)
{
    if (!name[0])
        return 0;
    if (!strcmp(name, "lo"))
        return 1;
    if (!strcmp(name, "eth0") && net_if.present)
        return 2;
    return -ENODEV;
}

/* Linux takes any index that is not negative (SO_BINDTOIFINDEX does not look it up). */
static int bind_dev(struct socket *s, int index)
{
    if (index < 0)
        return -EINVAL;
    if (!capable(CAP_NET_RAW))
        return -EPERM;
    s->bound_if = index;
    return 0;
}

static int set_bindtodevice(struct socket *s, const void *kval, u32 len)
{
    char name[IFNAMSIZ];
    memset(name, 0, sizeof(name));
    memcpy(name, kval, MIN(len, (u32)IFNAMSIZ - 1)); /* Linux takes at most IFNAMSIZ - 1 bytes */
    int index = if_index(name);
    return index < 0 ? index : bind_dev(s, index);
}

int sock_set_more(struct socket *s, int name, const void *kval, u32 len)
{
    if (name == SO_BINDTODEVICE) /* a string: no int length check */
        return set_bindtodevice(s, kval, len);
    if (len < sizeof(int))
        return -EINVAL;
    int val;
    memcpy(&val, kval, sizeof(val));
    switch (name) {
    case SO_TIMESTAMP_OLD: case SO_TIMESTAMPNS_OLD: case SO_TIMESTAMP_NEW: case SO_TIMESTAMPNS_NEW:
        set_timestamp(s, name, val != 0);
        return 0;
    case SO_MARK:
        if (!capable(CAP_NET_ADMIN) && !capable(CAP_NET_RAW))
            return -EPERM;
        s->mark = val;
        return 0;
    case SO_PEEK_OFF:
        s->peek_off = val;
        return 0;
    case SO_INCOMING_CPU:
        s->incoming_cpu = val;
        return 0;
    case SO_BINDTOIFINDEX:
        return bind_dev(s, val);
    case SO_PASSSEC:
        if (s->family != AF_UNIX)
            return -EOPNOTSUPP;
        s->passsec = val != 0;
        return 0;
    }
    return -ENOPROTOOPT;
}

static int get_bindtodevice(struct socket *s, void *kval, u32 *len)
{
    if (!s->bound_if) {
        *len = 0;
        return 0;
    }
    if (*len < IFNAMSIZ)
        return -EINVAL;
    if (s->bound_if > 2 || (s->bound_if == 2 && !net_if.present))
        return -ENXIO; /* no interface has that index */
    const char *name = s->bound_if == 1 ? "lo" : "eth0";
    *len = (u32)strlen(name) + 1;
    memcpy(kval, name, *len);
    return 0;
}

int sock_get_more(struct socket *s, int name, void *kval, u32 *len)
{
    static u64 next_cookie = 1; /* touched from syscalls only */
    int v;
    switch (name) {
    case SO_TIMESTAMP_OLD: case SO_TIMESTAMPNS_OLD: case SO_TIMESTAMP_NEW: case SO_TIMESTAMPNS_NEW:
        v = get_timestamp(s, name);
        break;
    case SO_MARK: v = s->mark; break;
    case SO_PEEK_OFF: v = s->peek_off; break;
    case SO_INCOMING_CPU: v = s->incoming_cpu; break;
    case SO_BINDTOIFINDEX: v = s->bound_if; break;
    case SO_BINDTODEVICE:
        return get_bindtodevice(s, kval, len);
    case SO_COOKIE:
        if (*len < sizeof(u64))
            return -EINVAL;
        if (!s->cookie)
            s->cookie = next_cookie++;
        memcpy(kval, &s->cookie, sizeof(u64));
        *len = sizeof(u64);
        return 0;
    case SO_PASSSEC:
        if (s->family != AF_UNIX)
            return -EOPNOTSUPP;
        v = s->passsec;
        break;
    default:
        return -ENOPROTOOPT;
    }
    memcpy(kval, &v, sizeof(v));
    *len = sizeof(v);
    return 0;
}

u32 sock_put_cmsg(void *kctl, u32 room, int level, int type, const void *data, u32 len, int *mflags)
{
    struct cmsghdr_k c = { sizeof(c) + len, level, type };
    if (!kctl || room < sizeof(c)) {
        *mflags |= MSG_CTRUNC;
        return 0;
    }
    u32 whole = (u32)c.len;
    if (room < whole) {
        *mflags |= MSG_CTRUNC;
        c.len = room;
    }
    memcpy(kctl, &c, sizeof(c));
    memcpy((u8 *)kctl + sizeof(c), data, (u32)c.len - sizeof(c));
    return MIN(room, CMSG_ALIGN8(whole));
}

u32 sock_put_stamp(struct socket *s, void *kctl, u32 room, int *mflags)
{
    if (!(s->tstamp & SOCK_TS_ON) || !s->rx_stamp)
        return 0;
    /* timeval, timespec, __kernel_sock_timeval and __kernel_timespec are all two 64-bit words on x86_64 */
    i64 t[2] = { (i64)(s->rx_stamp / 1000000000ull), (i64)(s->rx_stamp % 1000000000ull) };
    int type = s->tstamp & SOCK_TS_NEW ? (s->tstamp & SOCK_TS_NS ? SO_TIMESTAMPNS_NEW : SO_TIMESTAMP_NEW)
                                       : (s->tstamp & SOCK_TS_NS ? SO_TIMESTAMPNS_OLD : SO_TIMESTAMP_OLD);
    if (!(s->tstamp & SOCK_TS_NS))
        t[1] /= 1000; /* microseconds */
    return sock_put_cmsg(kctl, room, SOL_SOCKET, type, t, sizeof(t), mflags);
}

void sock_peek_off_update(struct socket *s, int flags, size_t copied, size_t taken)
{
    if (s->peek_off < 0)
        return;
    if (flags & MSG_PEEK)
        s->peek_off += (int)copied;
    else
        s->peek_off = taken >= (size_t)s->peek_off ? 0 : s->peek_off - (int)taken;
}
