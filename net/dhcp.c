/* net/dhcp.c — a DHCP client (RFC 2131, options from RFC 2132): DISCOVER, OFFER, REQUEST, ACK, then the
 * interface is up with the address, subnet mask, router and DNS server the ACK gave. It runs from the timer
 * and the receive path, never blocking the boot. Retransmissions back off 1, 2, 4, 8, 16 s (RFC 2131 4.1 asks
 * for 4 s doubling up to 64 s; a VM's DHCP server answers at once, so skiff starts sooner); after
 * DHCP_TRIES unanswered messages the client gives up and the interface stays down (logged).
 * Not implemented: renewal (RENEWING/REBINDING at T1/T2): the lease is assumed to outlive the VM (QEMU's
 * lasts a day); DHCPDECLINE after an ARP probe; DHCPRELEASE at power-off. */
#include "net.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"
#include "../fs/vfs.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_MAGIC 0x63825363u
#define DHCP_TRIES 6

#define OPT_PAD 0
#define OPT_MASK 1
#define OPT_ROUTER 3
#define OPT_DNS 6
#define OPT_HOSTNAME 12
#define OPT_REQ_IP 50
#define OPT_LEASE 51
#define OPT_MSGTYPE 53
#define OPT_SERVER 54
#define OPT_PARAMS 55
#define OPT_END 255

#define DHCPDISCOVER 1
#define DHCPOFFER 2
#define DHCPREQUEST 3
#define DHCPACK 5
#define DHCPNAK 6

struct dhcp_msg {
    u8 op, htype, hlen, hops;
    u32 xid;
    u16 secs, flags;
    ip4_t ciaddr, yiaddr, siaddr, giaddr;
    u8 chaddr[16];
    u8 sname[64];
    u8 file[128];
    u32 magic;
    u8 options[312];
} __attribute__((packed));

enum dhcp_state { DHCP_OFF, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND, DHCP_FAILED };

static struct {
    enum dhcp_state state;
    struct udp_pcb *pcb;
    u32 xid;
    int tries;
    u64 next_tx, started;
    ip4_t offered, server;
} dhcp;

static u8 *opt_put(u8 *o, u8 code, const void *val, u8 len)
{
    *o++ = code;
    *o++ = len;
    memcpy(o, val, len);
    return o + len;
}

static void dhcp_send(u8 type)
{
    struct dhcp_msg m;
    memset(&m, 0, sizeof(m));
    m.op = 1; /* BOOTREQUEST */
    m.htype = 1;
    m.hlen = 6;
    m.xid = dhcp.xid;
    u64 secs = (clock_monotonic_ns() - dhcp.started) / 1000000000ull;
    m.secs = net_htons((u16)MIN(secs, 0xffffull));
    m.flags = net_htons(0x8000); /* broadcast replies: we cannot take unicast before we have an address */
    memcpy(m.chaddr, net_if.mac, 6);
    m.magic = net_htonl(DHCP_MAGIC);
    u8 *o = m.options;
    o = opt_put(o, OPT_MSGTYPE, &type, 1);
    if (type == DHCPREQUEST) {
        o = opt_put(o, OPT_REQ_IP, &dhcp.offered, 4);
        o = opt_put(o, OPT_SERVER, &dhcp.server, 4);
    }
    static const u8 params[] = { OPT_MASK, OPT_ROUTER, OPT_DNS, OPT_LEASE };
    o = opt_put(o, OPT_PARAMS, params, sizeof(params));
    *o++ = OPT_END;
    size_t len = (size_t)(o - (u8 *)&m);
    if (len < 300)
        len = 300; /* the BOOTP minimum some servers expect */
    net_stats.dhcp_tx++;
    udp_sendto(dhcp.pcb, &m, len, IP4_BROADCAST, net_htons(DHCP_SERVER_PORT));
    /* Back off: 1, 2, 4, 8, 16 s. */
    dhcp.next_tx = clock_monotonic_ns() + (1000000000ull << MIN(dhcp.tries, 4));
    dhcp.tries++;
    net_timer_arm();
}

static void dhcp_restart(void)
{
    random_fill(&dhcp.xid, sizeof(dhcp.xid));
    dhcp.state = DHCP_SELECTING;
    dhcp.tries = 0;
    dhcp_send(DHCPDISCOVER);
}

struct dhcp_offer { u8 type; ip4_t mask, router, dns, server; u32 lease; };

/* The options we use; false if they are malformed. */
static bool dhcp_parse(const u8 *o, size_t len, struct dhcp_offer *r)
{
    size_t i = 0;
    while (i < len) {
        u8 code = o[i++];
        if (code == OPT_PAD)
            continue;
        if (code == OPT_END)
            return true;
        if (i >= len || i + 1 + o[i] > len)
            return false;
        u8 n = o[i++];
        const u8 *v = o + i;
        i += n;
        if (code == OPT_MSGTYPE && n >= 1)
            r->type = v[0];
        else if (code == OPT_MASK && n >= 4)
            memcpy(&r->mask, v, 4);
        else if (code == OPT_ROUTER && n >= 4)
            memcpy(&r->router, v, 4);
        else if (code == OPT_DNS && n >= 4)
            memcpy(&r->dns, v, 4);
        else if (code == OPT_SERVER && n >= 4)
            memcpy(&r->server, v, 4);
        else if (code == OPT_LEASE && n >= 4)
            r->lease = (u32)v[0] << 24 | (u32)v[1] << 16 | (u32)v[2] << 8 | v[3];
    }
    return true;
}

static void fmt_ip(char *buf, size_t size, ip4_t a)
{
    ksnprintf(buf, size, "%u.%u.%u.%u", a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >> 24);
}

/* /etc/resolv.conf names the DNS server DHCP gave, unless the root brought its own. */
static void dhcp_write_resolv(ip4_t dns)
{
    if (!dns)
        return;
    int err;
    struct inode *etc = ramfs_lookup(vfs_root, "etc", 3);
    if (!etc)
        etc = ramfs_mkdir(vfs_root, "etc", 0755, &err);
    if (!etc || !S_ISDIR(etc->mode) || ramfs_lookup(etc, "resolv.conf", 11))
        return;
    struct inode *f = ramfs_create(etc, "resolv.conf", 0644, &err);
    if (!f)
        return;
    char ip[16], line[40];
    fmt_ip(ip, sizeof(ip), dns);
    int n = ksnprintf(line, sizeof(line), "nameserver %s\n", ip);
    ramfs_pwrite(f, line, (size_t)n, 0);
}

static void dhcp_bound(ip4_t addr, const struct dhcp_offer *o)
{
    net_if.addr = addr;
    net_if.mask = o->mask ? o->mask : NET_IP4(255, 255, 255, 0);
    net_if.gw = o->router;
    net_if.dns = o->dns;
    net_if.up = true;
    dhcp.state = DHCP_BOUND;
    dhcp_write_resolv(o->dns);
    char a[16], g[16], d[16];
    fmt_ip(a, sizeof(a), addr);
    fmt_ip(g, sizeof(g), o->router);
    fmt_ip(d, sizeof(d), o->dns);
    int prefix = 0;
    for (u32 m = net_if.mask; m; m &= m - 1)
        prefix++;
    klog("net: dhcp: %s/%d, router %s, dns %s, lease %u s\n", a, prefix, g, d, o->lease);
    sched_kick_io(); /* sockets waiting for the interface */
}

static void dhcp_recv(ip4_t src, u16 sport, const u8 *data, size_t len)
{
    (void)src;
    (void)sport;
    struct dhcp_msg m;
    net_stats.dhcp_rx++;
    size_t fixed = offsetof(struct dhcp_msg, options);
    if (len < fixed)
        return;
    memcpy(&m, data, fixed); /* the options are read where they are: a server may send more than 312 bytes */
    if (m.op != 2 || m.xid != dhcp.xid || memcmp(m.chaddr, net_if.mac, 6) || m.magic != net_htonl(DHCP_MAGIC))
        return;
    struct dhcp_offer o = { 0 };
    if (!dhcp_parse(data + fixed, len - fixed, &o))
        return;
    if (dhcp.state == DHCP_SELECTING && o.type == DHCPOFFER && m.yiaddr && o.server) {
        dhcp.offered = m.yiaddr;
        dhcp.server = o.server;
        dhcp.state = DHCP_REQUESTING;
        dhcp.tries = 0;
        dhcp_send(DHCPREQUEST);
    } else if (dhcp.state == DHCP_REQUESTING && o.type == DHCPACK && m.yiaddr == dhcp.offered) {
        dhcp_bound(m.yiaddr, &o);
    } else if (dhcp.state == DHCP_REQUESTING && o.type == DHCPNAK) {
        klog("net: dhcp: the server refused our request; starting over\n");
        dhcp_restart();
    }
}

void dhcp_start(void)
{
    dhcp.pcb = udp_new();
    if (!dhcp.pcb || udp_bind(dhcp.pcb, 0, net_htons(DHCP_CLIENT_PORT))) {
        klog("net: dhcp: cannot bind port 68\n");
        dhcp.state = DHCP_FAILED;
        return;
    }
    udp_set_recv(dhcp.pcb, dhcp_recv);
    dhcp.started = clock_monotonic_ns();
    dhcp_restart();
}

void dhcp_timer(u64 now)
{
    if ((dhcp.state != DHCP_SELECTING && dhcp.state != DHCP_REQUESTING) || now < dhcp.next_tx)
        return;
    if (dhcp.tries >= DHCP_TRIES) {
        if (dhcp.state == DHCP_REQUESTING) { /* the offer went stale: ask anew, once more */
            dhcp_restart();
            return;
        }
        dhcp.state = DHCP_FAILED;
        kerr("skiff: net: no answer from a DHCP server: the network stays down\n");
        sched_kick_io();
        return;
    }
    dhcp_send(dhcp.state == DHCP_SELECTING ? DHCPDISCOVER : DHCPREQUEST);
}

bool dhcp_timer_needed(void)
{
    return dhcp.state == DHCP_SELECTING || dhcp.state == DHCP_REQUESTING;
}

bool dhcp_failed(void)
{
    return dhcp.state == DHCP_FAILED;
}
