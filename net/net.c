/* net/net.c — the stack's start and its clock. net_init runs at boot after PCI (which found the NIC, if any)
 * and starts DHCP without waiting for it. net_timer is driven by the scheduler's 1 kHz tick, which runs while
 * net_timer_needed() says so: loopback packets are delivered on every tick, the protocols' timers (ARP retries,
 * DHCP retransmissions, TCP's) every NET_TICK_MS. */
#include "net.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"

static u64 next_slow_tick;

void net_timer_arm(void)
{
    timer_check_needed();
}

bool net_timer_needed(void)
{
    return ip_loopback_pending() || arp_timer_needed();
}

void net_timer(u64 now)
{
    ip_loopback_drain();
    if (now < next_slow_tick)
        return;
    next_slow_tick = now + NET_TICK_MS * 1000000ull;
    arp_timer(now);
}

void net_init(void)
{
    if (!net_if.present) {
        klog("net: no network device (tools/skiff run --net adds one)\n");
        return;
    }
    klog("net: interface %02x:%02x:%02x:%02x:%02x:%02x, mtu %u\n", net_if.mac[0], net_if.mac[1], net_if.mac[2],
         net_if.mac[3], net_if.mac[4], net_if.mac[5], net_if.mtu);
}
