/* net/net.h — skiff's own TCP/IP stack: one Ethernet interface (virtio-net), IPv4, ARP, ICMP echo, UDP, TCP,
 * and a DHCP client that configures the interface at boot (RFC 791, 826, 792, 768, 793, 2131); IPv6 on the same
 * interface with neighbour discovery and SLAAC (net/ip6.h: RFC 8200, 4443, 4861, 4862).
 *
 * Layering, bottom up: a driver hands each received frame to eth_input(); eth_input() passes ARP to arp_input()
 * IPv6 to ip6_input() (net/ip6.c) and IPv4 to ip_input(), which checks the header and passes the payload to icmp_input(), udp_input() or
 * tcp_input(). Going down, a transport calls ip_output(), which resolves the next hop with ARP (queueing the
 * packet until the reply) and hands a frame to the driver through net_if.xmit.
 *
 * Addresses and ports are kept in network byte order everywhere (ip4_t, the u16 ports in headers and in the
 * socket addresses a program passes); host order only inside arithmetic. Nothing here touches user memory:
 * the socket layer copies in and out. Everything runs with interrupts off (the kernel is not preemptible), so
 * the stack takes no locks. */
#pragma once
#include "../kernel/kernel.h"
#include "../kernel/errno.h"

typedef u32 ip4_t; /* an IPv4 address, network byte order */

static inline u16 net_htons(u16 x) { return (u16)((x << 8) | (x >> 8)); }
static inline u16 net_ntohs(u16 x) { return net_htons(x); }
static inline u32 net_htonl(u32 x) { return __builtin_bswap32(x); }
static inline u32 net_ntohl(u32 x) { return __builtin_bswap32(x); }
#define NET_IP4(a, b, c, d) ((ip4_t)((u32)(a) | (u32)(b) << 8 | (u32)(c) << 16 | (u32)(d) << 24))

#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

/* IPv6 (net/inet6.c) rides on the IPv4 core. An AF_INET6 socket's pcb holds IPv4 addresses: 0 for ::, an IPv4
 * address for ::ffff:a.b.c.d, NET_LOOP6 for ::1, and a stand-in (below) for an address on the card. NET_LOOP6 is an address
 * of 127/8 so that ::1 traffic takes the loopback path; AF_INET sockets can neither name it (net/inet.c refuses
 * it) nor receive it (a wildcard v4 pcb does not match it), so ::1 and 127.0.0.1 stay apart as on Linux.
 * A pcb's fam says which destinations its wildcard address (0) covers. */
#define NET_LOOP6 NET_IP4(127, 6, 6, 1)
enum net_fam { NET_FAM_V4, NET_FAM_V6, NET_FAM_V6ONLY }; /* AF_INET, AF_INET6, AF_INET6 with IPV6_V6ONLY */

/* IPv6 on the card (net/ip6.c, ip6_map.c, nd6.c, icmp6.c): pcbs keep 32-bit addresses, so every other IPv6
 * address (ours, a peer's) gets a stand-in in 240.6.0.0/16 (class E: never a real IPv4 address here).
 * ip_output hands a packet to a stand-in to ip6_output, which rebuilds it as IPv6 (real addresses, checksums
 * over the IPv6 pseudo-header); ip6_input does the reverse. Our own addresses have fixed stand-ins. */
#define IP6_MAP_NET NET_IP4(240, 6, 0, 0)
#define IP6_MAP_LL NET_IP4(240, 6, 0, 1)      /* our link-local address, fe80::EUI-64 */
#define IP6_MAP_GLOBAL NET_IP4(240, 6, 0, 2)  /* our SLAAC address, prefix from the router + EUI-64 */
static inline bool ip6_mapped(ip4_t a) { return (a & 0xffff) == IP6_MAP_NET; }

/* Does a pcb of family fam bound to the wildcard address take a packet for dst? */
static inline bool net_any_accepts(u8 fam, ip4_t dst)
{
    return dst == NET_LOOP6 || ip6_mapped(dst) ? fam != NET_FAM_V4 : fam != NET_FAM_V6ONLY;
}

/* Do two local bindings (family, address) on one port cover a common destination (a bind conflict)? */
static inline bool net_bind_overlap(u8 fa, ip4_t a, u8 fb, ip4_t b)
{
    if (a && b)
        return a == b;
    if (!a && !b)
        return !((fa == NET_FAM_V4 && fb == NET_FAM_V6ONLY) || (fa == NET_FAM_V6ONLY && fb == NET_FAM_V4));
    return a ? net_any_accepts(fb, a) : net_any_accepts(fa, b);
}

/* The one interface. Addresses are 0 until DHCP (or the kernel command line) configures them. */
struct netif {
    bool present;       /* a driver took a device */
    bool up;            /* addressed: DHCP finished */
    u8 mac[6];
    u16 mtu;            /* IP MTU: 1500 */
    ip4_t addr, mask, gw, dns;
    int (*xmit)(const void *frame, size_t len); /* the driver: queue one Ethernet frame; 0 or -errno */
};
extern struct netif net_if;

/* Checksums (RFC 1071): the ones' complement sum, folded and complemented by net_csum_fold. */
u32 net_csum_add(u32 sum, const void *data, size_t len);
u16 net_csum_fold(u32 sum);
/* The TCP/UDP checksum over the pseudo-header and the segment (header + data, checksum field included). */
u16 ip_pseudo_csum(ip4_t src, ip4_t dst, u8 proto, const void *seg, size_t len);

/* Input, from the driver (interrupt context) down the layers. */
void eth_input(const u8 *frame, size_t len);
void arp_input(const u8 *pkt, size_t len);
void ip_input(const u8 *pkt, size_t len);
void icmp_input(ip4_t src, ip4_t dst, const u8 *msg, size_t len);
/* ICMP sockets (net/icmp_rx.c): a copy of each ICMP message received (ip: the whole IPv4 packet), and ICMPv6
 * for ::1, which travels over the loopback as IPv4 protocol 58 (net/icmp_sock.h). */
void icmp_sock_input(const u8 *ip, size_t ip_len, const u8 *msg, size_t len);
void icmp6_input(ip4_t src, ip4_t dst, u8 hops, const u8 *msg, size_t len);
/* An ICMP error (destination unreachable, time exceeded, parameter problem) from `from`, quoting orig: for the
 * ping socket whose echo request it quotes (net/icmp_err.c). ttl: the error's own. */
void icmp_sock_error(ip4_t from, u8 ttl, u8 type, u8 code, const u8 *orig, size_t len);
u8 ip_in_tos(void);                  /* its TOS byte (IP_RECVTOS) */
u8 ip_in_ttl(void);                  /* the TTL of the IPv4 packet being delivered (net/ip.c) */
/* /proc/sys/net/ipv4/ping_group_range (net/icmp_sock.c): its text, and a write of it (0 or -errno) */
int icmp_ping_group_range(char *buf, size_t size);
int icmp_ping_group_set(const char *text, size_t n);
void udp_input(ip4_t src, ip4_t dst, const u8 *seg, size_t len);
void tcp_input(ip4_t src, ip4_t dst, const u8 *seg, size_t len);

/* Output: an IPv4 packet from addr (0: the interface's) to dst carrying payload (copied). 0 or -errno
 * (-ENETUNREACH when the interface is down, -EMSGSIZE beyond the MTU: skiff does not fragment). */
int ip_output(ip4_t src, ip4_t dst, u8 proto, const void *payload, size_t len);
int ip_output_tos(ip4_t src, ip4_t dst, u8 proto, u8 tos, const void *payload, size_t len); /* IP_TOS */

/* IPv6 (net/ip6*.c): stand-ins (ip6_map allocates one; ip6_map_find does not, 0 when there is none; ip6_unmap
 * gives the address back, false for what is no stand-in), our addresses, output between stand-ins, input from
 * the card, and the wait for the router's advertisement (0, -ENETUNREACH or -EINTR, as net_wait_up). */
ip4_t ip6_map(const u8 a[16]);
ip4_t ip6_map_find(const u8 a[16]);
bool ip6_unmap(ip4_t s, u8 out[16]);
bool ip6_is_ours(ip4_t s);                      /* IP6_MAP_LL once the card is up, IP6_MAP_GLOBAL after SLAAC */
ip4_t ip6_source_for(ip4_t dst);                /* our stand-in to talk to dst from (0: none yet) */
int ip6_output(ip4_t src, ip4_t dst, u8 proto, const void *payload, size_t len);
void ip6_input(const u8 *pkt, size_t len);
bool ip6_port_unreachable(void);                /* an IPv6 packet is being delivered: answered; else false */
int ip6_wait_up(ip4_t dst, u64 timeout_ns);
bool ip6_sandboxed(ip4_t dst, u16 port);        /* QEMU's own IPv6 hosts (net/inet.c's rule), not DNS */
void nd6_start(void);                           /* link-local address and router solicitation (net/nd6.c) */
void nd6_timer(u64 now_ns);
bool nd6_timer_needed(void);
/* ICMPv6 from the card for sockets (net/icmp_rx.c): src, dst stand-ins, the checksum already checked. */
void icmp6_sock_deliver(ip4_t src, ip4_t dst, u8 hops, const u8 *msg, size_t len);

/* ---- Internals shared by the lower layers (net/eth.c, net/arp.c, net/ip.c, net/net.c). ---- */
#define ETH_HLEN 14
#define ETH_FRAME_MAX 1514           /* header + 1500 bytes of payload; no FCS (the device adds it) */
#define ETH_FRAME_BUF 1536           /* a frame buffer: room for the largest frame (and the 60-byte minimum) */
#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IP6 0x86dd
#define IP4_BROADCAST 0xffffffffu
#define IP_HLEN 20                   /* skiff sends no IP options */
extern const u8 eth_broadcast[6];
/* A frame whose payload starts at frame + ETH_HLEN: fills the header (dst, our MAC, type) and transmits. */
int eth_xmit(u8 *frame, const u8 dst[6], u16 type, size_t payload_len);
/* An IPv4 packet of len bytes at frame + ETH_HLEN (frame: ETH_FRAME_BUF bytes) for next hop nh: sent now if
 * its MAC is known, else queued (a copy, a few per destination) until ARP answers. 0 or -errno. */
int arp_output(ip4_t nh, u8 *frame, size_t len);
void arp_timer(u64 now_ns);          /* retries and gives up on unanswered requests */
bool arp_timer_needed(void);
void ip_loopback_drain(void);        /* packets sent to ourselves, delivered from the tick (never nested) */
bool ip_loopback_pending(void);
bool ip_is_local(ip4_t a);           /* our address, or 127.0.0.0/8 */
size_t ip_mtu_for(ip4_t dst);        /* the largest IP packet to dst: 1500 on the card, 65535 on loopback */
ip4_t ip_source_for(ip4_t dst);      /* the source address ip_output uses for dst (src 0): 127.0.0.1 or ours */
void ip_port_unreachable(void);      /* from udp_input: answer the packet being delivered with ICMP */
void icmp_port_unreachable(const u8 *ip_pkt, size_t len);
void net_timer_arm(void);            /* something needs net_timer: start the tick */
void net_timer_poke(void);           /* the same, only if net_timer_needed() (after input, after output) */
void dhcp_start(void);               /* net/dhcp.c: from net_init */
void dhcp_timer(u64 now_ns);
bool dhcp_timer_needed(void);
bool dhcp_failed(void);              /* no server answered: the interface will not come up */
int virtio_net_stats(char *buf, size_t size);   /* drivers/virtio_net.c: the NIC's counters */
void virtio_net_counts(u64 *rx_bytes, u64 *rx_frames, u64 *tx_bytes, u64 *tx_frames);
int net_proc_counters(char *buf, size_t size);  /* /proc/net/skiff */
int net_proc_route(char *buf, size_t size);     /* /proc/net/route */
int net_proc_dev(char *buf, size_t size);       /* /proc/net/dev */
int net_proc_if_inet6(char *buf, size_t size);  /* /proc/net/if_inet6 */
/* net/procnet.c: the socket tables netstat, lsof and ss read */
int net_proc_tcp(char *buf, size_t size);
int net_proc_tcp6(char *buf, size_t size);
int net_proc_udp(char *buf, size_t size);
int net_proc_udp6(char *buf, size_t size);
int net_proc_unix(char *buf, size_t size);
int ip6_proc_if_inet6(char *buf, size_t size);  /* its eth0 lines (net/ip6_sock.c) */
int ip6_proc_state(char *buf, size_t size);      /* /proc/net/skiff's IPv6 lines (net/ip6_sock.c) */
/* For a socket call that needs the interface: 0 once it is up (waiting up to timeout_ns for DHCP),
 * -ENETUNREACH (no device, no DHCP answer, or the wait ran out) or -EINTR. */
int net_wait_up(u64 timeout_ns);

/* Counters, one table (/proc/net/skiff lists them). */
#define NET_COUNTERS(X) \
    X(eth_rx) X(eth_tx) X(eth_tx_err) X(eth_rx_short) X(eth_rx_other_type) \
    X(arp_rx) X(arp_tx) X(arp_bad) X(arp_queued) X(arp_queue_full) X(arp_unresolved_drop) \
    X(ip_rx) X(ip_tx) X(ip_bad_header) X(ip_bad_csum) X(ip_not_ours) X(ip_frag_drop) X(ip_proto_drop) \
    X(ip_loopback) X(ip_tx_unreach) \
    X(icmp_rx) X(icmp_bad) X(icmp_echo_replied) X(icmp_unreach_rx) X(icmp_unreach_tx) X(icmp_sock_rx) X(icmp_sock_drop) \
    X(udp_rx) X(udp_tx) X(udp_bad) X(udp_bad_csum) X(udp_no_port) X(udp_queue_full) \
    X(dhcp_tx) X(dhcp_rx) \
    X(ip6_rx) X(ip6_tx) X(ip6_bad_header) X(ip6_not_ours) X(ip6_ext_drop) X(ip6_frag_drop) X(ip6_proto_drop) \
    X(ip6_bad_csum) X(ip6_tx_unreach) X(icmp6_rx) X(icmp6_bad) X(icmp6_echo_replied) X(icmp6_unreach_rx) \
    X(icmp6_unreach_tx) X(nd_rx) X(nd_tx) X(nd_bad) X(nd_queued) X(nd_unresolved_drop) X(nd_ra_rx)
#define NET_COUNTER_FIELD(n) u64 n;
struct net_stats { NET_COUNTERS(NET_COUNTER_FIELD) };
extern struct net_stats net_stats;

/* Time: net_timer runs every NET_TICK_MS while net_timer_needed() says so (retransmissions, ARP, DHCP). */
#define NET_TICK_MS 10
void net_timer(u64 now_ns);
bool net_timer_needed(void);
bool net_idle(void);   /* from the scheduler when every task waits: loopback delivered at once; true if any */

/* Boot: find the device (drivers/virtio_net.c registers through pci), then configure it by DHCP. */
void net_init(void);

/* ---- TCP (net/tcp.c), for the socket layer. A pcb is one connection or one listener. Calls never block:
 * they return -EAGAIN and the socket layer waits (sched_wait_io) and retries; the stack calls
 * sched_kick_io() whenever a pcb's readiness may have changed. */
struct tcp_pcb;
struct tcp_pcb *tcp_new(void);
int tcp_bind(struct tcp_pcb *pcb, ip4_t addr, u16 port);      /* port 0: an ephemeral one */
int tcp_set_family(struct tcp_pcb *pcb, u8 fam);              /* enum net_fam; -EINVAL once bound */
int tcp_listen(struct tcp_pcb *pcb, int backlog);
struct tcp_pcb *tcp_accept(struct tcp_pcb *listener, int *err); /* a new established pcb, or NULL + -EAGAIN */
int tcp_connect(struct tcp_pcb *pcb, ip4_t addr, u16 port);   /* -EINPROGRESS; tcp_poll says when done */
ssize_t tcp_send(struct tcp_pcb *pcb, const void *kbuf, size_t n); /* bytes queued, or -EAGAIN/-EPIPE/... */
ssize_t tcp_recv(struct tcp_pcb *pcb, void *kbuf, size_t n, bool peek); /* 0 at end of stream */
int tcp_shutdown(struct tcp_pcb *pcb, int how);               /* SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 */
void tcp_close(struct tcp_pcb *pcb);                           /* the socket is gone; the pcb finishes alone */
unsigned tcp_poll(const struct tcp_pcb *pcb);                  /* POLLIN/POLLOUT/POLLHUP/POLLERR */
int tcp_error(struct tcp_pcb *pcb);                            /* pending error (-ECONNREFUSED...), cleared */
u32 tcp_info_fill(const struct tcp_pcb *pcb, void *out);      /* TCP_INFO's struct tcp_info at out; its length */
void tcp_local(const struct tcp_pcb *pcb, ip4_t *addr, u16 *port);
void tcp_remote(const struct tcp_pcb *pcb, ip4_t *addr, u16 *port);
size_t tcp_rx_queued(const struct tcp_pcb *pcb);  /* bytes ready to read (FIONREAD) */
size_t tcp_tx_queued(const struct tcp_pcb *pcb);  /* bytes sent but unacknowledged, or unsent (SIOCOUTQ) */
u64 tcp_rx_stamp(const struct tcp_pcb *pcb);      /* realtime ns of the newest data received (SO_TIMESTAMP) */
void tcp_set_syn_retries(struct tcp_pcb *pcb, int n); /* TCP_SYNCNT for the next connect, 0: the default */
/* Urgent data (net/tcp_urg.c) */
struct socket;
ssize_t tcp_send_urg(struct tcp_pcb *pcb, const void *kbuf, size_t n, bool urgent); /* urgent: MSG_OOB */
ssize_t tcp_recv_oob(struct tcp_pcb *pcb, void *kbuf, size_t n, bool peek, bool trunc, size_t *full);
bool tcp_at_mark(const struct tcp_pcb *pcb);      /* SIOCATMARK */
size_t tcp_rx_inq(const struct tcp_pcb *pcb);     /* FIONREAD: the bytes up to the urgent mark */
void tcp_set_sock(struct tcp_pcb *pcb, struct socket *s); /* the socket that holds it (SO_OOBINLINE, SIGURG) */
/* TCP's part of net_timer (net/tcp_timer.c): retransmissions, persist probes, delayed ACKs, TIME-WAIT. */
void tcp_timer(u64 now_ns);
bool tcp_timer_needed(void);

/* ---- UDP (net/udp.c), for the socket layer. Datagrams queue on the pcb until read; calls never block. */
struct udp_pcb;
struct udp_pcb *udp_new(void);
struct udp_pcb_info { ip4_t laddr, raddr; u16 lport, rport; u8 fam; size_t queued; };
void udp_pcb_info(const struct udp_pcb *pcb, struct udp_pcb_info *out); /* for /proc/net/udp */
int udp_bind(struct udp_pcb *pcb, ip4_t addr, u16 port);       /* port 0: an ephemeral one */
int udp_set_family(struct udp_pcb *pcb, u8 fam);               /* enum net_fam; -EINVAL once bound */
int udp_connect(struct udp_pcb *pcb, ip4_t addr, u16 port);    /* the default peer; addr 0, port 0: none */
ssize_t udp_sendto(struct udp_pcb *pcb, const void *kbuf, size_t n, ip4_t addr, u16 port); /* addr 0: the peer */
/* One datagram into kbuf (truncated to n; *full gets its whole length), its sender in *addr, *port;
 * -EAGAIN when none is queued. */
ssize_t udp_recvfrom(struct udp_pcb *pcb, void *kbuf, size_t n, ip4_t *addr, u16 *port, bool peek, size_t *full);
/* A peek that starts off bytes in (SO_PEEK_OFF); what the last receive or peek took: sender, destination,
 * arrival (realtime ns). */
ssize_t udp_peek_at(struct udp_pcb *pcb, void *kbuf, size_t n, ip4_t *addr, u16 *port, size_t off, size_t *full);
void udp_rx_info(const struct udp_pcb *pcb, ip4_t *src, ip4_t *dst, u64 *stamp);
u8 udp_rx_tos(const struct udp_pcb *pcb);            /* the TOS byte of the datagram the last receive took */
void udp_set_tos(struct udp_pcb *pcb, u8 tos);       /* what IPv4 datagrams leave with (IP_TOS) */
unsigned udp_poll(const struct udp_pcb *pcb);
void udp_close(struct udp_pcb *pcb);
void udp_local(const struct udp_pcb *pcb, ip4_t *addr, u16 *port);
ip4_t udp_bound_addr(const struct udp_pcb *pcb);                /* what bind gave (0: any or unbound) */
void udp_remote(const struct udp_pcb *pcb, ip4_t *addr, u16 *port);
int udp_error(struct udp_pcb *pcb);  /* a pending ICMP error (-ECONNREFUSED...), cleared; 0: none */
void udp_icmp_error(ip4_t src, u16 sport, ip4_t dst, u16 dport, int err); /* from net/icmp.c */
/* A kernel receiver (DHCP): each datagram for pcb goes to fn at once instead of the queue. */
typedef void (*udp_recv_fn)(ip4_t src, u16 sport, const u8 *data, size_t len);
void udp_set_recv(struct udp_pcb *pcb, udp_recv_fn fn);
