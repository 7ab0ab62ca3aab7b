/* net/slaac6.c — the host side of router discovery (RFC 4861 6.3) and stateless address autoconfiguration
 * (RFC 4862): the link-local address fe80::EUI-64 (RFC 4291 2.5.1 and appendix A: the MAC with the
 * universal/local bit flipped and ff:fe in the middle) as soon as the card is there; router solicitations
 * (QEMU's user network advertises only when asked); from the advertisement, the default router, the hop
 * limit, the MTU, the on-link prefix, a global address made of an autonomous /64 prefix and the same
 * interface identifier, and the DNS server (RDNSS, RFC 8106).
 *
 * Started from the first network tick (net.c), as DHCP, never on the boot path. Solicitations: at once, then
 * every RTR_SOLICITATION_INTERVAL (4 s), MAX_RTR_SOLICITATIONS (3) in all; then rs_gave_up until an
 * advertisement comes anyway. Lifetimes are recorded but not enforced (QEMU's never run out in a VM's life):
 * a router or prefix is kept until another advertisement changes it. No duplicate address detection. */
#include "ip6.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"

#define RS_INTERVAL_NS (4ull * 1000000000ull)
#define RS_MAX 3
#define ND_RS 133
#define ND_OPT_SLLA 1
#define ND_OPT_PREFIX 3
#define ND_OPT_MTU 5
#define ND_OPT_RDNSS 25
#define PFX_ONLINK 0x80
#define PFX_AUTO 0x40

static int rs_sent;
static u64 rs_next;                   /* when the next solicitation leaves, 0: none */

static void rs_send(void)
{
    static const u8 all_routers[16] = { 0xff, 0x02, [15] = 2 };
    struct { u8 type, code; u16 csum; u32 rsvd; u8 opt_type, opt_len, mac[6]; } __attribute__((packed)) m = {
        .type = ND_RS, .opt_type = ND_OPT_SLLA, .opt_len = 1 };
    _Static_assert(sizeof(m) == 16, "RFC 4861 4.1 with a source link-layer address option");
    memcpy(m.mac, net_if.mac, 6);
    m.csum = ip6_csum(ip6_st.ll, all_routers, IP6_NH_ICMP, &m, sizeof(m));
    rs_sent++;
    rs_next = clock_monotonic_ns() + RS_INTERVAL_NS; /* the next one, or after the last: giving up */
    net_stats.nd_tx++;
    ip6_send(ip6_st.ll, all_routers, IP6_NH_ICMP, ND_HOPS, &m, sizeof(m));
    net_timer_arm();
}

void nd6_start(void)
{
    if (!net_if.present)
        return;
    static const u8 ll_prefix[8] = { 0xfe, 0x80 };
    memcpy(ip6_st.ll, ll_prefix, 8);
    ip6_st.ll[8] = net_if.mac[0] ^ 0x02;
    ip6_st.ll[9] = net_if.mac[1];
    ip6_st.ll[10] = net_if.mac[2];
    ip6_st.ll[11] = 0xff;
    ip6_st.ll[12] = 0xfe;
    memcpy(ip6_st.ll + 13, net_if.mac + 3, 3);
    ip6_st.mtu = net_if.mtu;
    ip6_st.ll_ok = true;
    rs_send();
}

static void ra_prefix(const u8 *o)
{
    u8 plen = o[2], flags = o[3];
    u32 valid;
    memcpy(&valid, o + 4, 4);
    const u8 *pfx = o + 16;
    if (plen != 64 || ip6_is_linklocal(pfx) || ip6_is_multicast(pfx) || !valid)
        return; /* RFC 4862 5.5.3: only a /64 (our identifier's length), never link-local */
    if (!(flags & (PFX_AUTO | PFX_ONLINK)))
        return;
    memset(ip6_st.prefix, 0, 16);
    memcpy(ip6_st.prefix, pfx, 8);
    ip6_st.onlink = flags & PFX_ONLINK;
    if (!(flags & PFX_AUTO) || ip6_st.global_ok)
        return;
    memcpy(ip6_st.global, pfx, 8);
    memcpy(ip6_st.global + 8, ip6_st.ll + 8, 8);
    ip6_st.global_ok = true;
    klog("net: IPv6 address %04x:%04x:%04x:%04x:%04x:%04x:%04x:%04x/64 (SLAAC)\n",
         ip6_st.global[0] << 8 | ip6_st.global[1], ip6_st.global[2] << 8 | ip6_st.global[3],
         ip6_st.global[4] << 8 | ip6_st.global[5], ip6_st.global[6] << 8 | ip6_st.global[7],
         ip6_st.global[8] << 8 | ip6_st.global[9], ip6_st.global[10] << 8 | ip6_st.global[11],
         ip6_st.global[12] << 8 | ip6_st.global[13], ip6_st.global[14] << 8 | ip6_st.global[15]);
}

static void ra_options(const u8 src[16], const u8 *opt, size_t len)
{
    while (len >= 8) {
        size_t l = (size_t)opt[1] * 8;
        if (!l || l > len)
            break; /* slaac6_ra_input refused these already (nd6_opt) */
        if (opt[0] == ND_OPT_SLLA && l == 8)
            nd6_note(src, opt + 2, true);
        else if (opt[0] == ND_OPT_PREFIX && l == 32)
            ra_prefix(opt);
        else if (opt[0] == ND_OPT_MTU && l == 8) {
            u32 mtu = (u32)opt[4] << 24 | (u32)opt[5] << 16 | (u32)opt[6] << 8 | opt[7];
            if (mtu >= IP6_MIN_MTU && mtu <= net_if.mtu)
                ip6_st.mtu = (u16)mtu; /* never above the card's */
        } else if (opt[0] == ND_OPT_RDNSS && l >= 24 && !ip6_st.have_dns) {
            memcpy(ip6_st.dns, opt + 8, 16);
            ip6_st.have_dns = true;
        }
        opt += l;
        len -= l;
    }
}

/* A router advertisement (RFC 4861 4.2, validated as 6.1.2 says: from a link-local address, 16 bytes at
 * least, well-formed options; hop limit and code were checked by nd6_input). */
void slaac6_ra_input(const u8 src[16], const u8 *msg, size_t len)
{
    bool bad;
    if (len < 16 || !ip6_is_linklocal(src)) {
        net_stats.nd_bad++;
        return;
    }
    nd6_opt(msg + 16, len - 16, 0, NULL, &bad);
    if (bad) {
        net_stats.nd_bad++;
        return;
    }
    net_stats.nd_ra_rx++;
    u16 lifetime = (u16)(msg[6] << 8 | msg[7]);
    if (msg[4])
        ip6_st.hops = msg[4];
    if (lifetime) {
        memcpy(ip6_st.router, src, 16);
        ip6_st.have_router = true;
    } else if (ip6_st.have_router && ip6_eq(ip6_st.router, src)) {
        ip6_st.have_router = false; /* a lifetime of 0: no longer a default router */
    }
    ra_options(src, msg + 16, len - 16);
    rs_next = 0;
    ip6_st.rs_gave_up = false;
    sched_kick_io(); /* sockets waiting for an address (ip6_wait_up) */
}

void nd6_timer(u64 now)
{
    if (rs_next && now >= rs_next) {
        if (rs_sent < RS_MAX) {
            rs_send();
        } else {
            rs_next = 0;
            ip6_st.rs_gave_up = true;
            klog("net: no IPv6 router answered %d solicitations: no global IPv6 address\n", RS_MAX);
            sched_kick_io();
        }
    }
    nd6_cache_timer(now);
}

bool nd6_timer_needed(void)
{
    return rs_next || nd6_cache_timer_needed();
}
