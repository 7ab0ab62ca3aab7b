/* net/ip6_sock.c — what the socket layer asks of IPv6 on the card: waiting for the router's advertisement,
 * the sandbox's rule for QEMU's IPv6 hosts, and eth0's lines of /proc/net/if_inet6. Kernel only (it waits). */
#include "ip6.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"

/* For a connect or send to dst: a link-local destination needs only the card (its address exists from the
 * first tick), so does a link-scope multicast group; any other needs the SLAAC address, which waits for the router's advertisement like IPv4 waits
 * for DHCP, at most timeout_ns, and fails at once once every solicitation went unanswered. 0, -ENETUNREACH
 * (as Linux without an IPv6 route) or -EINTR. */
int ip6_wait_up(ip4_t dst, u64 timeout_ns)
{
    u8 a[16];
    bool ll = dst != IP6_MAP_GLOBAL && ip6_unmap(dst, a) &&
              (ip6_is_linklocal(a) || (ip6_is_multicast(a) && (a[1] & 15) <= 2)); /* link scope */
    u64 deadline = clock_monotonic_ns() + timeout_ns;
    while (!(ll ? ip6_st.ll_ok : ip6_st.global_ok)) {
        if (!net_if.present || ip6_st.rs_gave_up || clock_monotonic_ns() >= deadline)
            return -ENETUNREACH;
        sched_wait(10000000); /* the advertisement kicks I/O waiters; 10 ms bounds a missed kick */
        if (signal_pending())
            return -EINTR;
    }
    return 0;
}

/* The IPv6 side of net/inet.c's sandbox: on QEMU's user network the router's hosts on the advertised prefix
 * (fec0::2 is the host's ::1, fec0::3 the DNS forwarder) and link-local fe80::/10 (the router itself) are the
 * host; closed as their IPv4 counterparts are, DNS excepted: port 53 of the advertised DNS server (RDNSS),
 * or, as QEMU 7.2 advertises none, of the prefix's ::3 (QEMU's default ipv6-dns, fec0::3). */
bool ip6_sandboxed(ip4_t dst, u16 port)
{
    u8 a[16];
    if (!ip6_unmap(dst, a) || ip6_addr_is_ours(a))
        return false;
    bool on_prefix = ip6_st.global_ok && !memcmp(a, ip6_st.prefix, 8);
    if (!on_prefix && !ip6_is_linklocal(a))
        return false;
    u8 dns[16] = { 0 };
    memcpy(dns, ip6_st.prefix, 8);
    dns[15] = 3;
    if (port == net_htons(53) && ip6_eq(a, ip6_st.have_dns ? ip6_st.dns : dns))
        return false;
    static bool said;
    if (!said) {
        said = true;
        klog("net: a connection to QEMU's IPv6 host %x:%x::%x refused (EACCES): the host's own services are closed "
             "to the guest; tools/skiff run --allow-host opens them\n", a[0] << 8 | a[1], a[2] << 8 | a[3],
             a[14] << 8 | a[15]);
    }
    return true;
}

/* /proc/net/if_inet6's lines for eth0 (index 2): the link-local address (scope link 0x20, permanent 0x80) and
 * the SLAAC one (scope global 0, flags 0: not permanent, as Linux shows an autoconfigured address). */
int ip6_proc_if_inet6(char *buf, size_t size)
{
    size_t n = 0;
    for (int i = 0; i < 2; i++) {
        const u8 *a = i ? ip6_st.global : ip6_st.ll;
        if (!(i ? ip6_st.global_ok : ip6_st.ll_ok))
            continue;
        for (int j = 0; j < 16; j++)
            n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, "%02x", a[j]);
        n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, " %02x %02x %02x %02x %8s\n", 2, 64,
                               i ? 0 : 0x20, i ? 0 : 0x80, "eth0");
    }
    return (int)MIN(n, size);
}

/* /proc/net/skiff's IPv6 lines: our addresses, the router, the DNS server (RDNSS), the hop limit and MTU. */
static size_t put6(char *buf, size_t size, size_t n, const char *name, const u8 *a, bool ok)
{
    n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, "%s ", name);
    for (int j = 0; j < 16; j += 2)
        n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, "%x%s", ok ? a[j] << 8 | a[j + 1] : 0,
                               j < 14 ? ":" : "\n");
    return n;
}

int ip6_proc_state(char *buf, size_t size)
{
    size_t n = 0;
    n = put6(buf, size, n, "addr6_ll", ip6_st.ll, ip6_st.ll_ok);
    n = put6(buf, size, n, "addr6", ip6_st.global, ip6_st.global_ok);
    n = put6(buf, size, n, "router6", ip6_st.router, ip6_st.have_router);
    n = put6(buf, size, n, "dns6", ip6_st.dns, ip6_st.have_dns);
    n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, "hops6 %u\nmtu6 %u\n", ip6_st.hops, ip6_st.mtu);
    return (int)MIN(n, size);
}
