/* net/inet.h — what net/inet.c (the family, datagrams) and net/inet_tcp.c (streams) share. */
#pragma once
#include "net.h"
#include "socket.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define INET_UP_WAIT_NS (3ull * 1000000000ull) /* how long a socket call waits for DHCP */

struct sockaddr_in {
    u16 sin_family;
    u16 sin_port;       /* network order */
    ip4_t sin_addr;
    u8 sin_zero[8];
};

#ifndef SOL_SOCKET
#define SOL_SOCKET 1
#endif
#define SO_REUSEADDR_BIT 2
#define SO_BROADCAST 6
#define SO_KEEPALIVE_BIT 9
#define IPPROTO_IP 0
#define IPPROTO_IPV6 41
#define IP_TOS 1
#define IP_TTL 2
#define IP_MTU_DISCOVER 10
#define IP_RECVERR 11
#define IP_PKTINFO 8
#define IP_RECVTOS 13
#define IP_MTU 14
#define IPV6_UNICAST_HOPS 16
#define IPV6_RECVPKTINFO 49
#define IPV6_V6ONLY 26
#define IPV6_TCLASS 67
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
#define TCP_SYNCNT 7
#define TCP_DEFER_ACCEPT 9
#define TCP_QUICKACK 12
#define TCP_USER_TIMEOUT 18
#ifndef FIONREAD
#define FIONREAD 0x541b
#endif
#ifndef SIOCOUTQ
#define SIOCOUTQ 0x5411
#endif
#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif

/* Per-socket IP and TCP options: recorded, read back, and acted on where skiff can (IP_TTL is not: every
 * packet leaves with TTL 64). */
struct inet_opts {
    int tos, ttl, mtu_discover, recverr;
    int nodelay, cork, keepidle, keepintvl, keepcnt, quickack, user_timeout, defer_accept, maxseg;
    int v6only, tclass, hops6;          /* IPPROTO_IPV6 (net/inet6.c) */
    int pktinfo, recvpktinfo6;          /* IP_PKTINFO, IPV6_RECVPKTINFO: control messages (net/inet_cmsg.c) */
    int recvtos;                        /* IP_RECVTOS: an IP_TOS control message with each datagram */
    int syncnt;                         /* TCP_SYNCNT: SYN retransmissions before connect gives up (0: 6) */
};

bool inet_nonblock(struct socket *s);
int inet_addr_in(const void *kaddr, u32 alen, ip4_t *addr, u16 *port, bool allow_unspec);
void inet_addr_out(void *kaddr, u32 *alen, ip4_t addr, u16 port);
int inet_route_ready(ip4_t dst, u16 port);
int inet_bind_addr(struct socket *s, const void *kaddr, u32 alen, ip4_t *addr, u16 *port);
int inet_no_listen(struct socket *s, int backlog);
int inet_no_accept(struct socket *s, struct socket *newsock);
int inet_stream_create(struct socket *s, int protocol);   /* net/inet_tcp.c */
int inet_stream_family(struct socket *s, u8 fam);        /* net/inet_tcp.c: tcp_set_family on its pcb */
int inet_set_family(struct socket *s, u8 fam);           /* the pcb's enum net_fam, either type */

/* net/inet6.c: AF_INET6 over the same code. A sockaddr from the program (use says which call: Linux's errors
 * differ) into the pcb's IPv4 form (net.h: ::, ::ffff:a.b.c.d, ::1); laddr: the socket's local address (a
 * destination :: means ::1, or 127.0.0.1 for a socket bound to a v4-mapped address). Returns the family the
 * program gave (AF_INET6; AF_INET and AF_UNSPEC to datagram connect/send, as Linux) or -errno. */
enum inet_use { INET_BIND, INET_CONNECT, INET_SEND };
int inet6_addr_in(struct socket *s, const void *kaddr, u32 alen, ip4_t *addr, u16 *port, enum inet_use use,
                  ip4_t laddr);
int inet_dst_in(struct socket *s, const void *kaddr, u32 alen, ip4_t *addr, u16 *port, enum inet_use use,
                ip4_t laddr);                            /* net/inet.c: either family */
void inet6_addr_out(void *kaddr, u32 *alen, ip4_t addr, u16 port);   /* a sockaddr_in6 of 28 bytes */
int inet6_map_in(const u8 a[16], u32 scope, ip4_t *addr, enum inet_use use, bool stream); /* on the card */
int inet6_setsockopt(struct socket *s, int name, const void *kval, u32 len);
int inet6_getsockopt(struct socket *s, int name, int *v);
/* Either family: the sockaddr for s (sockaddr_in or sockaddr_in6). */
void inet_name_out(struct socket *s, void *kaddr, u32 *alen, ip4_t addr, u16 port);
/* net/inet_opt.c: IPPROTO_IP and IPPROTO_TCP options (the socket's priv starts with its struct inet_opts). */
int inet_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len);
int inet_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len);
/* net/inet_cmsg.c: IP_PKTINFO/IPV6_PKTINFO for a datagram from src to dst, into kctl (room bytes): bytes used. */
u32 inet_put_pktinfo(struct socket *s, ip4_t src, ip4_t dst, u8 tos, void *kctl, u32 room, int *mflags);
struct tcp_pcb *inet_stream_pcb(struct socket *s);        /* net/inet_tcp.c: NULL unless an inet stream socket */
struct udp_pcb *inet_dgram_pcb(struct socket *s);         /* net/inet.c: NULL unless an inet datagram socket */
