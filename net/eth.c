/* net/eth.c — Ethernet II framing: received frames go to ARP, IPv4 or IPv6 by their type; sent frames get our
 * MAC as the source. IPv6 multicast frames (33:33:..., RFC 2464 7) are taken too: ip6_input keeps the groups
 * we are in (all-nodes, our solicited-node groups). The device strips and adds the FCS, so lengths here exclude it. */
#include "net.h"

const u8 eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
struct net_stats net_stats;

void eth_input(const u8 *frame, size_t len)
{
    if (len < ETH_HLEN) {
        net_stats.eth_rx_short++;
        return;
    }
    net_stats.eth_rx++;
    u16 type = (u16)(frame[12] << 8 | frame[13]);
    /* Only frames for us or for everyone; of multicast frames (low bit of the first byte), IPv6's. */
    bool mcast6 = frame[0] == 0x33 && frame[1] == 0x33 && type == ETHERTYPE_IP6;
    if (memcmp(frame, net_if.mac, 6) && memcmp(frame, eth_broadcast, 6) && !mcast6) {
        net_stats.eth_rx_other_type++;
        return;
    }
    if (type == ETHERTYPE_ARP)
        arp_input(frame + ETH_HLEN, len - ETH_HLEN);
    else if (type == ETHERTYPE_IP)
        ip_input(frame + ETH_HLEN, len - ETH_HLEN);
    else if (type == ETHERTYPE_IP6)
        ip6_input(frame + ETH_HLEN, len - ETH_HLEN);
    else
        net_stats.eth_rx_other_type++;
}

int eth_xmit(u8 *frame, const u8 dst[6], u16 type, size_t payload_len)
{
    if (!net_if.present || !net_if.xmit)
        return -ENETDOWN;
    KASSERT(payload_len <= ETH_FRAME_MAX - ETH_HLEN);
    memcpy(frame, dst, 6);
    memcpy(frame + 6, net_if.mac, 6);
    frame[12] = (u8)(type >> 8);
    frame[13] = (u8)type;
    size_t len = ETH_HLEN + payload_len;
    if (len < 60) { /* the minimum frame: pad with zeros (the receiver goes by the IP length) */
        memset(frame + len, 0, 60 - len);
        len = 60;
    }
    int r = net_if.xmit(frame, len);
    if (r < 0)
        net_stats.eth_tx_err++;
    else
        net_stats.eth_tx++;
    return r;
}
