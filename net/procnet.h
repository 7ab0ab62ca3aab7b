/* net/procnet.h — what /proc/net (net/procnet.c) and NETLINK_SOCK_DIAG (net/sock_diag.c) both read: the
 * sockets the processes hold and Linux's numbers for TCP states and addresses. */
#pragma once
#include "socket.h"
#include "tcp.h"

/* The sockets the processes hold, each once: its file's inode number and owner. */
struct held { struct socket *s; u64 ino; u32 uid; };
#define HELD_MAX 512
int held_sockets(struct held *h);               /* h: HELD_MAX entries; returns how many */
/* Linux's TCP state numbers (include/net/tcp_states.h) for skiff's. */
unsigned tcp_state_code(enum tcp_state st);
/* An IPv6 socket's address as its 16 bytes (IPv4 ones v4-mapped), in four words as /proc/net/tcp6 prints them. */
void addr6_words(ip4_t a, u32 w[4]);
