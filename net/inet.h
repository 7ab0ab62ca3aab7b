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
#define IP_MTU 14
#define TCP_NODELAY 1
#define TCP_MAXSEG 2
#define TCP_CORK 3
#define TCP_KEEPIDLE 4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT 6
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
};

bool inet_nonblock(struct socket *s);
int inet_addr_in(const void *kaddr, u32 alen, ip4_t *addr, u16 *port, bool allow_unspec);
void inet_addr_out(void *kaddr, u32 *alen, ip4_t addr, u16 port);
int inet_route_ready(ip4_t dst);
int inet_bind_addr(struct socket *s, const void *kaddr, u32 alen, ip4_t *addr, u16 *port);
int inet_no_listen(struct socket *s, int backlog);
int inet_no_accept(struct socket *s, struct socket *newsock);
int inet_stream_create(struct socket *s, int protocol);   /* net/inet_tcp.c */
/* net/inet_opt.c: IPPROTO_IP and IPPROTO_TCP options (the socket's priv starts with its struct inet_opts). */
int inet_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len);
int inet_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len);
