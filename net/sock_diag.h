/* net/sock_diag.h — NETLINK_SOCK_DIAG internals: net/sock_diag.c (requests, dumps) and net/sock_diag_bc.c (the
 * INET_DIAG_REQ_BYTECODE filter program). */
#pragma once
#include "netlink.h"

#define AF_UNSPEC_K 0

/* What a filter program looks at: one socket (Linux's inet_diag_entry). Ports in host order, addresses as
 * inet_diag_sockid holds them (network order; an IPv4 one in the first word). */
struct sock_diag_entry {
    u8 family;
    u16 sport, dport;
    u32 saddr[4], daddr[4];
    u32 ifindex, mark;
};

int sock_diag_bc_audit(const u8 *bc, int len);  /* 0, -EINVAL, -EPERM (a mark condition), -EOPNOTSUPP (cgroup) */
bool sock_diag_bc_run(const u8 *bc, int len, const struct sock_diag_entry *e); /* the socket is to be listed */
