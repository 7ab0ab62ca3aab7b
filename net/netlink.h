/* net/netlink.h — AF_NETLINK (netlink(7)) internals shared by net/netlink.c (the sockets: ports, queues,
 * options), net/netlink_msg.c (building replies: messages, attributes, acks, NLMSG_DONE) and the NETLINK_ROUTE
 * requests (rtnetlink(7): net/netlink_route.c links and dispatch, net/netlink_addr.c addresses and routes,
 * net/netlink_rtget.c one route's lookup).
 *
 * The kernel answers a request while the program's sendmsg runs, as Linux does: every reply is queued on the
 * sender's socket before sendmsg returns. Dumps are built whole at that moment (skiff has two interfaces) and
 * cut into datagrams of at most the size Linux's dumps use, so a program reading with a 4 KiB buffer gets
 * whole messages. Nothing here runs from interrupt context: the big kernel lock covers it all. */
#pragma once
#include "socket.h"

#define NETLINK_ROUTE 0
#define NETLINK_USERSOCK 2
#define NETLINK_SOCK_DIAG 4
#define MAX_LINKS 32                  /* protocols 0..31 */
#define SOL_NETLINK 270

/* struct nlmsghdr and the flags and types of linux/netlink.h */
struct nlmsghdr_k { u32 len; u16 type, flags; u32 seq, pid; };
_Static_assert(sizeof(struct nlmsghdr_k) == 16, "struct nlmsghdr");
struct nlattr_k { u16 len, type; };
#define NL_ALIGN(n) (((n) + 3u) & ~3u)
#define NL_HDRLEN 16u
#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI 0x2
#define NLM_F_ACK 0x4
#define NLM_F_ECHO 0x8
#define NLM_F_DUMP_FILTERED 0x20
#define NLM_F_ROOT 0x100
#define NLM_F_MATCH 0x200
#define NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH)
#define NLM_F_CAPPED 0x100            /* on an NLMSG_ERROR: the request's payload is left out */
#define NLMSG_NOOP 1
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLMSG_MIN_TYPE 0x10           /* below: control messages, which the kernel only acknowledges */

/* One queued datagram. */
struct nl_dgram {
    struct nl_dgram *next;
    u32 len;
    u32 from;                         /* the sender's port (0: the kernel) */
    u32 group;                        /* the multicast group it went to (0: unicast) */
    struct ucred_k cred;              /* the sending process's (SO_PASSCRED); the kernel's are 0 */
    u8 data[];
};

struct nl_sock {
    struct socket *s;
    struct nl_sock *next;             /* every netlink socket (ports are unique per protocol) */
    int protocol;
    bool bound;
    u32 port;                         /* nl_pid: valid once bound */
    u32 groups;                       /* multicast groups 1..32 subscribed (bit g-1) */
    u32 dst_port, dst_group;          /* connect()'s peer (dst_group: a group number, 0: none) */
    struct nl_dgram *head, *tail;
    u32 queued;                       /* bytes in the receive queue */
    int err;                          /* a pending error (ENOBUFS: a reply did not fit), reported by recv */
    u32 max_recv;                     /* the largest buffer a receive offered (sizes dump datagrams) */
    u32 last_group;                   /* what the last receive took: its group (NETLINK_PKTINFO) */
    struct ucred_k last_cred;         /* and its sender's credentials (SO_PASSCRED) */
    bool had_groups;                  /* a group was ever asked for (NETLINK_LIST_MEMBERSHIPS' length) */
    /* SOL_NETLINK options */
    bool pktinfo, broadcast_error, no_enobufs, listen_all_nsid, cap_ack, ext_ack, strict;
};

static inline u32 nl_group_mask(u32 group) { return group && group <= 32 ? 1u << (group - 1) : 0; }

/* netlink_opt.c: the socket ops for SOL_NETLINK options and a receive's control messages */
int nl_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len);
int nl_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len);
int nl_recv_ctl(struct socket *s, void *kctl, u32 *len, int *mflags, int flags);

/* netlink.c: queue a datagram of len bytes on k (a copy), from port `from` to group `group` (0: unicast).
 * Returns 0, or -ENOBUFS when the receive buffer is full (k->err is set to report it) — except for a dump's
 * datagrams, which Linux never drops (its dumps wait for room): they are queued regardless. */
int nl_deliver(struct nl_sock *k, const void *data, u32 len, u32 from, u32 group, bool dump);

/* netlink_msg.c: a reply being built. Messages go into the current datagram until it would pass `limit`;
 * then that datagram is queued and the next one starts. */
struct nl_reply {
    struct nl_sock *k;
    u8 *buf;                          /* the current datagram */
    u32 len, cap, limit;
    u32 msg;                          /* offset of the message being built */
    u32 seq;                          /* the request's sequence number, echoed */
    u16 flags;                        /* added to every message (NLM_F_MULTI for a dump) */
    bool failed;                      /* out of memory, or a message bigger than a datagram */
};
void nl_reply_init(struct nl_reply *r, struct nl_sock *k, const struct nlmsghdr_k *req, bool multi);
void *nl_msg_begin(struct nl_reply *r, u16 type, u32 fixed); /* header + fixed zeroed bytes; NULL on failure */
void nl_put(struct nl_reply *r, u16 type, const void *data, u32 len);   /* one attribute */
void nl_put_u8(struct nl_reply *r, u16 type, u8 v);
void nl_put_u32(struct nl_reply *r, u16 type, u32 v);
void nl_put_str(struct nl_reply *r, u16 type, const char *s);
void nl_msg_end(struct nl_reply *r);
int nl_reply_flush(struct nl_reply *r);                           /* queues what is left; 0 or -errno */
/* NLMSG_DONE with its int (0 or -errno) closes a dump. */
int nl_reply_done(struct nl_reply *r, int err);
/* An NLMSG_ERROR about req (err 0: an acknowledgement), with req's payload unless err is 0 or
 * NETLINK_CAP_ACK is set. */
void nl_ack(struct nl_sock *k, const struct nlmsghdr_k *req, int err);
/* The attributes after `off` bytes of a request's payload: tb[type] points at each (the last wins) for
 * types below max; -EINVAL when the payload is shorter than off, or (strict) bytes are left over. */
int nl_parse(const struct nlmsghdr_k *req, u32 off, const struct nlattr_k **tb, int max, bool strict);
static inline const void *nla_data(const struct nlattr_k *a) { return a + 1; }
static inline u32 nla_len(const struct nlattr_k *a) { return a->len - 4u; }

/* netlink_route.c: one NETLINK_ROUTE request from k: 0 (acknowledged if NLM_F_ACK), -errno (an
 * NLMSG_ERROR), or 1 for a dump, which answers for itself (never acknowledged, as Linux). */
int rtnl_request(struct nl_sock *k, const struct nlmsghdr_k *req);
/* sock_diag.c: one NETLINK_SOCK_DIAG request, answered as rtnl_request's */
int sock_diag_request(struct nl_sock *k, const struct nlmsghdr_k *req);
/* netlink_addr.c */
int rtnl_dump_addr(struct nl_sock *k, const struct nlmsghdr_k *req);
int rtnl_dump_route(struct nl_sock *k, const struct nlmsghdr_k *req);
int rtnl_get_route(struct nl_sock *k, const struct nlmsghdr_k *req);  /* netlink_rtget.c: `ip route get` */
/* The interfaces (netlink_route.c): lo is index 1, eth0 index 2 when there is a card. */
int rtnl_if_count(void);
const char *rtnl_if_name(int index);
