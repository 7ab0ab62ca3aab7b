/* net/net.c — the stack's start, its clock and its counters. net_init runs at boot after PCI (which found the
 * NIC, if any) and starts DHCP without waiting for it. net_timer is driven by the scheduler's 1 kHz tick,
 * which runs while net_timer_needed() says so: loopback packets are delivered on every tick, the protocols'
 * timers (ARP retries, DHCP retransmissions, TCP's) every NET_TICK_MS. */
#include "net.h"
#include "tcp.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"

static u64 next_slow_tick;
static bool dhcp_to_start;   /* net_init found a card: the first tick starts DHCP, off the boot path */

void net_timer_arm(void)
{
    timer_check_needed();
}

/* After the stack ran (a frame received, a packet sent): start the tick if a protocol armed a timer. */
void net_timer_poke(void)
{
    if (net_timer_needed())
        timer_check_needed();
}

bool net_timer_needed(void)
{
    return dhcp_to_start || ip_loopback_pending() || arp_timer_needed() || dhcp_timer_needed() ||
           tcp_timer_needed() || nd6_timer_needed();
}

void net_timer(u64 now)
{
    if (dhcp_to_start) {
        dhcp_to_start = false;
        dhcp_start();
        nd6_start(); /* IPv6: link-local address, router solicitation */
    }
    ip_loopback_drain();
    if (now < next_slow_tick)
        return;
    next_slow_tick = now + NET_TICK_MS * 1000000ull;
    arp_timer(now);
    nd6_timer(now);
    dhcp_timer(now);
    tcp_timer(now);
}

/* The CPU would halt (every task waits): deliver what was sent to ourselves now instead of on the next tick,
 * so that two local processes talk without waiting a millisecond per packet. Safe here: no protocol is in the
 * middle of anything when the scheduler runs. True when something was delivered. */
bool net_idle(void)
{
    if (!ip_loopback_pending())
        return false;
    ip_loopback_drain();
    return true;
}

/* For a socket call that needs the interface: 0 once DHCP has configured it (waiting up to timeout_ns for
 * that), else -ENETUNREACH (no device, DHCP gave up, or still nothing after the wait), or -EINTR. */
int net_wait_up(u64 timeout_ns)
{
    u64 deadline = clock_monotonic_ns() + timeout_ns;
    while (!net_if.up) {
        if (!net_if.present || dhcp_failed() || clock_monotonic_ns() >= deadline)
            return -ENETUNREACH;
        sched_wait(10000000); /* DHCP's answer kicks I/O waiters; 10 ms bounds a missed kick */
        if (signal_pending())
            return -EINTR;
    }
    return 0;
}

/* /proc/net/skiff: the interface, then every counter as "name value". */
int net_proc_counters(char *buf, size_t size)
{
    size_t n = 0;
#define OUT(...) (n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
    OUT("present %d\nup %d\nmac %02x:%02x:%02x:%02x:%02x:%02x\n", net_if.present, net_if.up, net_if.mac[0],
        net_if.mac[1], net_if.mac[2], net_if.mac[3], net_if.mac[4], net_if.mac[5]);
    ip4_t a[4] = { net_if.addr, net_if.mask, net_if.gw, net_if.dns };
    const char *names[4] = { "addr", "mask", "gateway", "dns" };
    for (int i = 0; i < 4; i++)
        OUT("%s %u.%u.%u.%u\n", names[i], a[i] & 0xff, (a[i] >> 8) & 0xff, (a[i] >> 16) & 0xff, a[i] >> 24);
    if (n < size)
        n += (size_t)ip6_proc_state(buf + n, size - n);
#define NET_COUNTER_OUT(name) OUT("%s %lu\n", #name, net_stats.name);
    NET_COUNTERS(NET_COUNTER_OUT)
    OUT("tcp_in_segs %lu\ntcp_out_segs %lu\ntcp_bad_csum %lu\ntcp_malformed %lu\ntcp_resets_sent %lu\n"
        "tcp_backlog_drops %lu\ntcp_ooo_drops %lu\ntcp_retransmits %lu\n",
        tcp_stats.in_segs, tcp_stats.out_segs, tcp_stats.bad_csum, tcp_stats.malformed, tcp_stats.resets_sent,
        tcp_stats.backlog_drops, tcp_stats.ooo_drops, tcp_stats.retransmits);
    if (net_if.present && n < size)
        n += (size_t)virtio_net_stats(buf + n, size - n);
#undef OUT
    return (int)MIN(n, size);
}

/* /proc/net/route, as Linux prints it (busybox route reads it): addresses as the hex of their in-memory u32. */
int net_proc_route(char *buf, size_t size)
{
    size_t n = 0;
#define OUT(...) (n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
    OUT("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
    if (net_if.up) {
        if (net_if.gw) /* RTF_UP | RTF_GATEWAY */
            OUT("eth0\t00000000\t%08X\t0003\t0\t0\t0\t00000000\t0\t0\t0\n", net_if.gw);
        OUT("eth0\t%08X\t00000000\t0001\t0\t0\t0\t%08X\t0\t0\t0\n", net_if.addr & net_if.mask, net_if.mask);
    }
#undef OUT
    return (int)MIN(n, size);
}

/* /proc/net/dev: lo and, with a card, eth0 (bytes and packets; errors and drops as far as skiff counts them). */
int net_proc_dev(char *buf, size_t size)
{
    size_t n = 0;
#define OUT(...) (n += (size_t)ksnprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__))
    OUT("Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
        "carrier compressed\n");
    OUT("    lo: %7u %7lu    0    0    0     0          0         0 %8u %7lu    0    0    0     0       0"
        "          0\n", 0u, net_stats.ip_loopback, 0u, net_stats.ip_loopback);
    if (net_if.present) {
        u64 rxb, rxp, txb, txp;
        virtio_net_counts(&rxb, &rxp, &txb, &txp);
        u64 drop = net_stats.eth_rx_short + net_stats.ip_bad_header + net_stats.ip_bad_csum;
        OUT("  eth0: %8lu %7lu    0 %4lu    0     0          0         0 %8lu %7lu %4lu    0    0     0       0"
            "          0\n", rxb, rxp, drop, txb, txp, net_stats.eth_tx_err);
    }
#undef OUT
    return (int)MIN(n, size);
}

/* /proc/net/if_inet6, as Linux prints it: address, ifindex, prefix length, scope, flags (hex), name: ::1 on lo
 * (scope host 0x10, IFA_F_PERMANENT 0x80), then eth0's link-local and SLAAC addresses (net/ip6_sock.c).
 * Programs read this file to learn whether the host has IPv6 at all. */
int net_proc_if_inet6(char *buf, size_t size)
{
    size_t n = (size_t)ksnprintf(buf, size, "%032x %02x %02x %02x %02x %8s\n", 1, 1, 128, 0x10, 0x80, "lo");
    if (n < size)
        n += (size_t)ip6_proc_if_inet6(buf + n, size - n);
    return (int)MIN(n, size);
}

void net_init(void)
{
    if (!net_if.present) {
        klog("net: no network device (tools/skiff run --net adds one)\n");
        return;
    }
    klog("net: interface %02x:%02x:%02x:%02x:%02x:%02x, mtu %u\n", net_if.mac[0], net_if.mac[1], net_if.mac[2],
         net_if.mac[3], net_if.mac[4], net_if.mac[5], net_if.mtu);
    /* DHCP's first message costs a few milliseconds of device emulation: it leaves on the first tick, once
     * the program runs, instead of here. */
    dhcp_to_start = true;
    net_timer_arm();
}
