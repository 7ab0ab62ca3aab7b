/* net/socket.h — the socket layer. A socket is a file (its struct file's ops are the socket file ops, priv a
 * struct socket), so read/write/close/poll/epoll/dup/fork work on it as on any file. The syscalls
 * (syscalls/socket.c) check and copy the user's arguments (addresses, iovecs, option values) to and from
 * kernel memory and call the family's ops with kernel pointers only; an op that would block returns -EAGAIN,
 * and the generic code waits (unless O_NONBLOCK / MSG_DONTWAIT, or SO_RCVTIMEO/SO_SNDTIMEO expire) and calls
 * it again.
 *
 * Families: AF_UNIX (net/unix.c: stream, datagram and seqpacket, path and abstract names, socketpair) and
 * AF_INET and AF_INET6 (net/inet.c, net/inet6.c, over net/net.h's UDP and TCP), AF_NETLINK (net/netlink.c:
 * NETLINK_ROUTE). Any other family is EAFNOSUPPORT. */
#pragma once
#include "../fs/vfs.h"

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_PACKET 17
#define AF_NETLINK 16

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_PACKET 10 /* obsolete: a packet socket */
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_ERRQUEUE 0x2000
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000
#define MSG_SKIFF_CONT 0x10000000 /* kernel-internal, to a stream's recv op: the call already has bytes */

struct socket;

struct sock_ops {
    /* kaddr/alen: the sockaddr as the program passed it, copied into the kernel (alen <= 128). */
    int (*bind)(struct socket *s, const void *kaddr, u32 alen);
    int (*connect)(struct socket *s, const void *kaddr, u32 alen); /* -EINPROGRESS: poll for POLLOUT */
    int (*listen)(struct socket *s, int backlog);
    int (*accept)(struct socket *s, struct socket *newsock);       /* fills newsock, or -EAGAIN */
    /* Stream: bytes taken (a short count is fine), -EAGAIN when none fit, -EPIPE (the generic code sends
     * SIGPIPE unless MSG_NOSIGNAL). Datagram: the whole datagram or an error. kaddr NULL: no address given. */
    ssize_t (*send)(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags);
    /* Into kbuf; *full gets a datagram's whole length (for MSG_TRUNC); the sender's address into kaddr
     * (room *alen, set to its length; 0 when there is none). 0 at the end of a stream; -EAGAIN when empty. */
    ssize_t (*recv)(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full);
    unsigned (*poll)(struct socket *s);                            /* POLLIN/POLLOUT/POLLHUP/POLLERR/POLLRDHUP */
    int (*shutdown)(struct socket *s, int how);
    int (*getname)(struct socket *s, void *kaddr, u32 *alen, bool peer);
    /* Options the generic code does not keep itself (SOL_SOCKET ones it does: see socket.c); -ENOPROTOOPT
     * for the rest. */
    int (*setsockopt)(struct socket *s, int level, int name, const void *kval, u32 len);
    int (*getsockopt)(struct socket *s, int level, int name, void *kval, u32 *len);
    int (*pair)(struct socket *a, struct socket *b);               /* socketpair; NULL: EOPNOTSUPP */
    void (*release)(struct socket *s);                             /* the last file reference is gone */
    /* Optional. FIONREAD/SIOCINQ (0x541b) and SIOCOUTQ (0x5411): *val, or -EINVAL/-ENOTTY. */
    int (*ioctl)(struct socket *s, unsigned cmd, int *val);
    /* Optional: control messages. send_ctl checks a sendmsg's control data (SOL_SOCKET cmsgs, kernel copy)
     * and keeps what the next send attaches; recv_ctl writes what the last datagram/bytes received carried
     * into kctl (room *len, set to the length used; MSG_CTRUNC into *mflags when cut). NULL: EOPNOTSUPP. */
    int (*send_ctl)(struct socket *s, const void *kctl, u32 len);
    void (*drop_ctl)(struct socket *s);                            /* a send failed: undo send_ctl */
    int (*recv_ctl)(struct socket *s, void *kctl, u32 *len, int *mflags, int flags);
    /* Optional: the poll channel (kernel/pollwait.c) that every change of what poll says is kicked on; NULL:
     * pollers of the socket wait on the any-event queue. */
    const void *(*poll_chan)(struct socket *s);
};

struct socket {
    int family, type, protocol;     /* type without SOCK_NONBLOCK/SOCK_CLOEXEC */
    const struct sock_ops *ops;
    void *priv;                     /* the family's state */
    struct file *file;              /* the file this socket is */
    bool remote;                    /* the other end may be outside the VM (AF_INET): a lone task may wait */
    bool listening;
    int so_error;                   /* SO_ERROR: the family may set it; reading clears it */
    u64 rcvtimeo_ns, sndtimeo_ns;   /* SO_RCVTIMEO/SO_SNDTIMEO, 0: none */
    int rcvbuf, sndbuf;             /* SO_RCVBUF/SO_SNDBUF as reported */
    u32 opts;                       /* SO_REUSEADDR, SO_KEEPALIVE, ... bits the generic code records */
    int linger_on, linger_sec;      /* SO_LINGER (recorded) */
    int priority, rcvlowat;         /* SO_PRIORITY, SO_RCVLOWAT (recorded) */
    /* net/sockopt_more.c */
    u8 tstamp;                      /* SO_TIMESTAMP*: SOCK_TS_* bits */
    int mark;                       /* SO_MARK (recorded: skiff has no packet filter or policy routing) */
    int peek_off;                   /* SO_PEEK_OFF: where MSG_PEEK starts; negative: off (the default -1) */
    int incoming_cpu;               /* SO_INCOMING_CPU (-1 until set) */
    bool passsec;                   /* SO_PASSSEC (AF_UNIX; no security module: no SCM_SECURITY) */
    int bound_if;                   /* SO_BINDTODEVICE: ifindex (1 lo, 2 eth0), 0: none */
    u64 cookie;                     /* SO_COOKIE, given on first request */
    u64 rx_stamp;                   /* realtime ns when what the last receive took arrived (0: unknown) */
};

struct sock_family {
    int family;
    /* type is SOCK_STREAM/DGRAM/SEQPACKET/...: fill s->ops and s->priv, or -ESOCKTNOSUPPORT/-EPROTONOSUPPORT */
    int (*create)(struct socket *s, int type, int protocol);
};
extern const struct sock_family unix_family;
extern const struct sock_family inet_family;
extern const struct sock_family inet6_family;                   /* net/inet.c and net/inet6.c */
extern const struct sock_family netlink_family;                 /* net/netlink.c */

/* socket.c */
extern const struct file_ops sock_file_ops;
/* net/ifioctl.c: netdevice(7)'s SIOCGIF* (and SIOCSIF*: EPERM or EOPNOTSUPP) on any socket */
bool net_if_ioctl_cmd(unsigned cmd);
long net_if_ioctl(int family, unsigned cmd, void *uarg);
struct socket *sock_of(struct file *f);                 /* NULL unless f is a socket */
const char *sock_proto_name(const struct socket *s);     /* its protocol as Linux names it: system.sockprotoname */
/* net/netlink.c, for mq_notify's SIGEV_THREAD: the netlink socket open as fd (a reference: file_put it), or
 * -EBADF, -ENOTSOCK, -EINVAL (another family), as Linux's netlink_getsockbyfd; a datagram from the kernel to it. */
int netlink_sock_get(int fd, struct file **out);
void netlink_sock_send(struct file *f, const void *data, u32 len);
/* A new socket of family/type/protocol (type may carry SOCK_NONBLOCK), wrapped in a new file. */
int sock_create(int family, int type, int protocol, struct socket **out);
/* The generic wait for an op that said -EAGAIN: 0 to try again, or -EAGAIN/-EINTR/-ETIMEDOUT(->EAGAIN)/
 * -EDEADLK (nobody else could ever make progress: a lone task waiting on a socket whose other end is in
 * this VM). */
long sock_wait(struct socket *s, bool nonblock, u64 deadline_ns, const char *what);

/* One send or receive, with the data still in user memory (the iovecs were checked with vm_range_ok). */
struct sock_iov { u64 base, len; };      /* struct iovec */
struct sock_msg {
    const struct sock_iov *iov;
    int iovcnt;
    size_t total;                        /* the sum of the lengths (at most MAX_RW) */
    void *kaddr;                         /* send: destination or NULL; recv: room for SOCK_ADDR_MAX bytes */
    u32 alen;                            /* send: its length; recv: set to the sender's (0: none) */
    int flags;                           /* MSG_* as the program gave them */
    int mflags;                          /* recv: msg_flags out (MSG_TRUNC, MSG_CTRUNC) */
    void *kctl;                          /* control data (kernel copy) or NULL */
    u32 ctllen;                          /* send: its length; recv: room in, used out */
};
#define SOCK_ADDR_MAX 128                /* sizeof(struct sockaddr_storage) */
ssize_t sock_sendmsg(struct socket *s, struct sock_msg *m);
ssize_t sock_recvmsg(struct socket *s, struct sock_msg *m);
/* The SOL_SOCKET options; the syscalls have copied the value in (setsockopt) or give room (getsockopt). */
int sock_setsockopt(struct socket *s, int level, int name, const void *kval, u32 len);
int sock_getsockopt(struct socket *s, int level, int name, void *kval, u32 *len);

#define SOL_SOCKET 1
#define SO_ACCEPTCONN 30
#define SO_PEERCRED 17
#define SO_PASSCRED 16
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLRDHUP 0x2000
#define SOCK_BUF_DEFAULT 212992          /* net.core.[rw]mem_default */
#define SOCK_BUF_MAX 212992              /* net.core.[rw]mem_max as Linux ships it */
struct ucred_k { i32 pid; u32 uid, gid; };
struct cmsghdr_k { u64 len; i32 level, type; };

/* net/sockopt_more.c: the SOL_SOCKET options sockopt.c passes on (timestamps, SO_MARK, SO_PEEK_OFF,
 * SO_BINDTODEVICE, SO_COOKIE, ...): 0, -errno, or -ENOPROTOOPT for an option no one knows. */
#define SOCK_TS_ON 1                     /* SOCK_RCVTSTAMP */
#define SOCK_TS_NS 2                     /* SOCK_RCVTSTAMPNS */
#define SOCK_TS_NEW 4                    /* the _NEW (64-bit) option set it */
int sock_set_more(struct socket *s, int name, const void *kval, u32 len);
int sock_get_more(struct socket *s, int name, void *kval, u32 *len);
/* One control message into kctl (room bytes left) as Linux's put_cmsg: cut to what fits (MSG_CTRUNC), or
 * nothing when not even a header fits. Returns the bytes used (CMSG_SPACE when whole). */
u32 sock_put_cmsg(void *kctl, u32 room, int level, int type, const void *data, u32 len, int *mflags);
/* The timestamp control message the socket's SO_TIMESTAMP* options ask for, about s->rx_stamp. */
u32 sock_put_stamp(struct socket *s, void *kctl, u32 room, int *mflags);
/* SO_PEEK_OFF after a receive: a peek moves it forward by what was copied, a read back by what was taken. */
void sock_peek_off_update(struct socket *s, int flags, size_t copied, size_t taken);
void sock_kick(struct socket *s); /* readiness of s may have changed: its poll channel (or every I/O waiter) */
