/* net/ifioctl.c — the interface ioctls (netdevice(7)) on any socket: SIOCGIFCONF, SIOCGIFNAME, and by name
 * SIOCGIFINDEX, FLAGS, MTU, HWADDR, TXQLEN, METRIC, MAP; the IPv4 ones (ADDR, NETMASK, BRDADDR, DSTADDR) on
 * AF_INET sockets only (ENOTTY elsewhere, as Linux's other families pass them on to a layer that does not know
 * them). The interfaces are lo (index 1, always up) and eth0 (index 2) when a network device is present.
 * Setting anything (SIOCSIF*) needs CAP_NET_ADMIN and is not supported (EOPNOTSUPP, said in the log). */
#include "socket.h"
#include "net.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"

#define SIOCGIFNAME 0x8910
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCGIFADDR 0x8915
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCGIFMETRIC 0x891d
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942
#define SIOCGIFMAP 0x8970
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772
#define IFNAMSIZ 16
#define CAP_NET_ADMIN 12

struct ifreq_k {
    char name[IFNAMSIZ];
    union {
        struct { u16 family; u8 data[14]; } addr;
        i16 flags;
        i32 ivalue;             /* ifindex, mtu, metric, txqlen */
        u8 map[24];
    };
};
_Static_assert(sizeof(struct ifreq_k) == 40, "struct ifreq");

struct ifconf_k {
    i32 len;
    u32 pad;
    u64 buf;
};
_Static_assert(sizeof(struct ifconf_k) == 16, "struct ifconf");

struct ifdesc {
    const char *name;
    int index;
    i16 flags;
    i32 mtu;
    u16 hwtype;
    const u8 *mac;
    ip4_t addr, mask, bcast; /* network order; addr 0: none */
};

/* Interface i (0: lo, 1: eth0) as netdevice(7) describes it; false when there is none. */
static bool if_desc(int i, struct ifdesc *d)
{
    static const u8 zero_mac[6];
    if (i == 0) {
        *d = (struct ifdesc){ "lo", 1, IFF_UP | IFF_LOOPBACK | IFF_RUNNING, 65536, ARPHRD_LOOPBACK, zero_mac,
                              net_htonl(0x7f000001), net_htonl(0xff000000), 0 };
        return true;
    }
    if (i != 1 || !net_if.present)
        return false;
    ip4_t bcast = net_if.addr ? (net_if.addr | ~net_if.mask) : 0;
    *d = (struct ifdesc){ "eth0", 2, IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST, net_if.mtu, ARPHRD_ETHER,
                          net_if.mac, net_if.addr, net_if.mask, bcast };
    return true;
}

static bool if_by_name(const char *name, struct ifdesc *d)
{
    for (int i = 0; if_desc(i, d); i++)
        if (!strcmp(d->name, name))
            return true;
    return false;
}

static void put_in(struct ifreq_k *r, ip4_t a)
{
    memset(&r->addr, 0, sizeof(r->addr));
    r->addr.family = AF_INET;
    memcpy(r->addr.data + 2, &a, 4); /* sin_port 0, then sin_addr */
}

/* SIOCGIFCONF: an entry per IPv4 address; a NULL buffer asks for the length. */
static long if_conf(void *uarg)
{
    struct ifconf_k c;
    if (copy_from_user(&c, uarg, sizeof(c)))
        return -EFAULT;
    i32 total = 0;
    struct ifdesc d;
    for (int i = 0; if_desc(i, &d); i++) {
        if (!d.addr)
            continue;
        if (c.buf && c.len - total < (i32)sizeof(struct ifreq_k))
            break;
        if (c.buf) {
            struct ifreq_k r;
            memset(&r, 0, sizeof(r));
            strcpy_k(r.name, d.name);
            put_in(&r, d.addr);
            if (copy_to_user((void *)(c.buf + (u64)total), &r, sizeof(r)))
                return -EFAULT;
        }
        total += (i32)sizeof(struct ifreq_k);
    }
    c.len = total;
    return copy_to_user(uarg, &c, sizeof(c)) ? -EFAULT : 0;
}

static long if_get(const struct ifdesc *d, struct ifreq_k *r, unsigned cmd, int family)
{
    bool v4 = cmd == SIOCGIFADDR || cmd == SIOCGIFNETMASK || cmd == SIOCGIFBRDADDR || cmd == SIOCGIFDSTADDR;
    if (v4 && family != AF_INET)
        return -ENOTTY;
    if (v4 && !d->addr)
        return -EADDRNOTAVAIL;
    switch (cmd) {
    case SIOCGIFADDR: put_in(r, d->addr); break;
    case SIOCGIFNETMASK: put_in(r, d->mask); break;
    case SIOCGIFBRDADDR: put_in(r, d->bcast); break;
    case SIOCGIFDSTADDR: put_in(r, d->addr); break; /* not point-to-point: the local address, as Linux */
    case SIOCGIFFLAGS: r->flags = d->flags; break;
    case SIOCGIFMTU: r->ivalue = d->mtu; break;
    case SIOCGIFINDEX: r->ivalue = d->index; break;
    case SIOCGIFTXQLEN: r->ivalue = 1000; break;
    case SIOCGIFMETRIC: r->ivalue = 0; break;
    case SIOCGIFMAP: memset(r->map, 0, sizeof(r->map)); break;
    case SIOCGIFHWADDR:
        memset(&r->addr, 0, sizeof(r->addr));
        r->addr.family = d->hwtype;
        memcpy(r->addr.data, d->mac, 6);
        break;
    }
    return 0;
}

static const u16 if_getters[] = { SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFDSTADDR, SIOCGIFBRDADDR, SIOCGIFNETMASK,
                                  SIOCGIFMETRIC, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFTXQLEN, SIOCGIFMAP };
/* SIOCSIFFLAGS, ADDR, DSTADDR, BRDADDR, NETMASK, METRIC, MTU, NAME, HWADDR, TXQLEN, MAP */
static const u16 if_setters[] = { 0x8914, 0x8916, 0x8918, 0x891a, 0x891c, 0x891e, 0x8922, 0x8923, 0x8924, 0x8943,
                                  0x8971 };

static bool in_list(const u16 *l, size_t n, unsigned cmd)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] == cmd)
            return true;
    return false;
}

bool net_if_ioctl_cmd(unsigned cmd)
{
    return cmd == SIOCGIFCONF || cmd == SIOCGIFNAME || in_list(if_getters, ARRAY_SIZE(if_getters), cmd) ||
           in_list(if_setters, ARRAY_SIZE(if_setters), cmd);
}

long net_if_ioctl(int family, unsigned cmd, void *uarg)
{
    if (cmd == SIOCGIFCONF)
        return if_conf(uarg);
    struct ifreq_k r;
    if (copy_from_user(&r, uarg, sizeof(r)))
        return -EFAULT;
    r.name[IFNAMSIZ - 1] = 0;
    struct ifdesc d;
    if (cmd == SIOCGIFNAME) {
        if (r.ivalue < 1 || !if_desc(r.ivalue - 1, &d))
            return -ENODEV;
        memset(r.name, 0, sizeof(r.name));
        strcpy_k(r.name, d.name);
        return copy_to_user(uarg, &r, sizeof(r)) ? -EFAULT : 0;
    }
    if (in_list(if_setters, ARRAY_SIZE(if_setters), cmd)) { /* SIOCSIF*: Linux checks the capability first */
        if (!capable(CAP_NET_ADMIN))
            return -EPERM;
        kerr("skiff: ioctl %#x (setting an interface) is not supported: EOPNOTSUPP\n", cmd);
        return -EOPNOTSUPP;
    }
    if (!if_by_name(r.name, &d))
        return family == AF_INET || !(cmd == SIOCGIFADDR || cmd == SIOCGIFNETMASK || cmd == SIOCGIFBRDADDR ||
                                      cmd == SIOCGIFDSTADDR) ? -ENODEV : -ENOTTY;
    long rc = if_get(&d, &r, cmd, family);
    if (rc)
        return rc;
    return copy_to_user(uarg, &r, sizeof(r)) ? -EFAULT : 0;
}
