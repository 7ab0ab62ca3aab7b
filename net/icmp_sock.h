/* net/icmp_sock.h — ICMP sockets (icmp(7), raw(7), ipv6(7)): what net/icmp_sock.c (the socket ops),
 * net/icmp_perm.c (ping_group_range), net/icmp_opt.c (options), net/icmp_rx.c (delivery of received messages,
 * the receive side of the ops, ICMPv6 over ::1) and net/icmp_err.c (ICMP errors, IP_RECVERR) share.
 *
 * Two kinds, in both families:
 * - "ping" sockets, SOCK_DGRAM with IPPROTO_ICMP or IPPROTO_ICMPV6 (Linux's net/ipv4/ping.c semantics): the
 *   program sends echo requests; the kernel sets the echo identifier to the socket's "port" (its ident, chosen
 *   at bind or at the first send) and computes the checksum; the socket receives the echo replies that carry
 *   its ident, without the IP header. Allowed when the caller's effective or a supplementary group lies in
 *   /proc/sys/net/ipv4/ping_group_range (no capability overrides it, as on Linux). ICMP errors about what a
 *   IPv4 ping socket sent (destination unreachable, time exceeded, parameter problem) become its SO_ERROR and,
 *   with IP_RECVERR, entries of its error queue (MSG_ERRQUEUE), as Linux's ping_err (net/icmp_err.c); ICMPv6
 *   errors are not given to ping sockets (docs/net.md).
 * - raw sockets, SOCK_RAW with IPPROTO_ICMP or IPPROTO_ICMPV6 (CAP_NET_RAW): the program writes the whole
 *   ICMP message; the socket receives a copy of every ICMP message this host receives (its own requests over
 *   loopback too), filtered by ICMP_FILTER / ICMP6_FILTER: IPv4 with the IP header, ICMPv6 without. The kernel
 *   computes ICMPv6 checksums (IPV6_CHECKSUM offset 2), never ICMPv4 ones. No IP_HDRINCL, no other protocols.
 *
 * ICMPv6 between our own addresses (::1, or the card's IPv6 addresses, net/ip6_map.c) travels over the
 * loopback inside an IPv4 packet of protocol 58; its checksum is the one over the IPv6 pseudo-header of ::1,
 * and icmp6_input answers echo requests as Linux's ICMPv6 does. To the card, ip6_output recomputes the
 * checksum over the real addresses; from it, net/icmp6.c hands messages to icmp6_sock_deliver. */
#pragma once
#include "inet.h"

#define IPPROTO_ICMPV6 58
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO 8
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129

/* One received message, queued until read. */
struct icmp_msg {
    struct icmp_msg *next;
    ip4_t src;                  /* the sender, in the pcb's form (NET_LOOP6 for ::1); an error's: who sent it */
    ip4_t orig_dst;             /* an error queue entry: where the message it is about went */
    int ee_errno;               /* an error queue entry: the errno it stands for; ICMP type and code: */
    u8 ee_type, ee_code;
    u8 ttl;                     /* IP TTL / IPv6 hop limit it arrived with */
    u64 stamp_ns;               /* CLOCK_REALTIME at arrival (SO_TIMESTAMP) */
    size_t len;
    u8 data[];
};

struct icmp_sock {
    struct inet_opts opts;      /* first: net/inet_opt.c finds it at s->priv */
    struct icmp_sock *next;     /* all ICMP sockets (icmp_socks) */
    struct socket *s;
    bool v6, raw;
    ip4_t laddr, raddr;         /* bound address, connected peer (0: none) */
    bool connected;
    u16 ident;                  /* ping: the echo identifier, network order; 0 until bound */
    u32 filter;                 /* raw IPv4: ICMP_FILTER, bit t set = drop type t (< 32) */
    u32 filter6[8];             /* raw ICMPv6: ICMP6_FILTER, bit set = drop */
    int csum_off;               /* raw ICMPv6: IPV6_CHECKSUM offset, -1: none */
    bool recvttl, recvhops, retopts, recverr6, timestamp;
    bool shut_rd, shut_wr;
    struct icmp_msg *head, **tail;
    size_t queued;              /* bytes queued, bounded by the socket's SO_RCVBUF */
    struct icmp_msg *errq, **errq_tail; /* IP_RECVERR's error queue (net/icmp_err.c) */
    u8 last_ttl;                /* what the last receive took, for its control messages */
    u64 last_stamp;
    bool last_err;              /* the last receive read the error queue: its IP_RECVERR message follows */
    struct icmp_msg last_ee;    /* that entry's header (no data) */
};

extern struct icmp_sock *icmp_socks;  /* touched from the loopback tick (input) and from syscalls */

int icmp_sock_create(struct socket *s, int type, int protocol);       /* net/icmp_sock.c, from inet_create */
bool icmp_ping_allowed(void);  /* net/icmp_perm.c: ping_group_range holds one of the caller's groups */
/* net/icmp_opt.c */
int icmp_sock_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len);
int icmp_sock_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len);
/* net/icmp_err.c: IP_RECVERR for IPv4 ping sockets */
ssize_t icmp_errq_recv(struct icmp_sock *k, void *kbuf, size_t n, void *kaddr, u32 *alen, size_t *full);
void icmp_errq_flush(struct icmp_sock *k);
u32 icmp_errq_cmsg(struct icmp_sock *k, u8 *kctl, u32 room, int *mflags);
/* net/icmp_rx.c */
void icmp_enqueue(struct icmp_sock *k, struct icmp_msg ***tail, ip4_t src, u8 ttl, const u8 *data, size_t len,
                  struct icmp_msg **out);
ssize_t icmp_sock_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full);
int icmp_sock_recv_ctl(struct socket *s, void *kctl, u32 *len, int *mflags, int flags);
void icmp_sock_flush(struct icmp_sock *k);                            /* frees the queue */
u16 icmp6_csum(const void *msg, size_t len);                          /* over ::1 -> ::1's pseudo-header */
