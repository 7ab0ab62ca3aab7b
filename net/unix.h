/* net/unix.h — AF_UNIX internals shared by unix.c (names, connections) and unix_io.c (data, readiness).
 * A struct usock outlives its socket while others point at it (a connected peer, a datagram it sent that is
 * still queued): refs counts the socket, each peer link and each queued message it sent. */
#pragma once
#include "socket.h"

#define UNIX_PATH_OFF 2           /* offsetof(struct sockaddr_un, sun_path) */
#define UNIX_ADDR_MAX 110         /* sizeof(struct sockaddr_un) */
#define UNIX_MAX_DGRAM_QLEN 10    /* net.unix.max_dgram_qlen */
#define SCM_MAX_FD 253

enum ustate { U_UNCONN, U_LISTEN, U_CONN };

struct umsg {
    struct umsg *next;
    u8 *data;
    size_t len, off;              /* unread bytes are [off, len) */
    struct usock *from;           /* the sender (a ref): its address, its send-buffer accounting */
    struct file **fds;            /* SCM_RIGHTS carried, or NULL */
    int nfds;
    struct ucred_k cred;          /* the sender's (or what its SCM_CREDENTIALS said), for SO_PASSCRED */
    u64 stamp;                    /* realtime ns when it was queued (SO_TIMESTAMP) */
    bool peeked;                  /* a datagram MSG_PEEK returned (SO_PEEK_OFF skips an empty one after) */
};

struct usock {
    int refs;
    struct socket *sock;          /* NULL for an unaccepted embryo, and once the file is closed */
    bool dead;                    /* its file was closed (or, an embryo, its listener's) */
    int type;
    enum ustate state;
    struct usock *peer;           /* a ref; stays set (to a dead socket) after the peer closes */
    u8 addr[UNIX_ADDR_MAX + 2];   /* the bound name as getsockname returns it */
    u32 alen;                     /* 0: unbound */
    struct inode *ino;            /* path-bound: the S_IFSOCK node (a ref) */
    struct usock *next_abstract;  /* the abstract namespace list */
    struct umsg *rq, *rq_tail;    /* the receive queue */
    struct umsg *oob;             /* stream: the message of rq holding the pending out-of-band byte, or NULL */
    int rq_len;
    size_t wmem;                  /* bytes this socket sent that are still queued */
    bool shut_rd, shut_wr;
    int err;                      /* pending error while there is no socket (an embryo) */
    struct usock *aq, *aq_tail, *aq_next; /* listener: connections not yet accepted; embryo: the next one */
    int aq_len, backlog;
    struct ucred_k cred;          /* this socket's credentials (at create/listen time) */
    struct ucred_k peercred;
    bool has_peercred;
    struct file **tx_fds, **rx_fds; /* SCM_RIGHTS: to attach to the next send / taken by the last receive */
    int tx_nfds, rx_nfds;
    struct ucred_k tx_cred, rx_cred; /* SCM_CREDENTIALS given for the next send / of the last message read */
    bool tx_has_cred, rx_has_cred;
};

extern const struct sock_ops unix_stream_ops, unix_dgram_ops;

/* unix.c */
void usock_put(struct usock *u);
struct usock *usock_find(const void *kaddr, u32 alen, int type, int *err);
int unix_check_addr(const void *kaddr, u32 alen);
bool usock_dead(const struct usock *u);
void usock_set_err(struct usock *u, int err);
int usock_take_err(struct usock *u);
void usock_peer_set(struct usock *u, struct usock *peer);
int usock_autobind(struct usock *u);
int unix_passcred_bind(struct socket *s);

/* unix_io.c */
ssize_t unix_stream_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags);
ssize_t unix_stream_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full);
ssize_t unix_dgram_send(struct socket *s, const void *kbuf, size_t n, const void *kaddr, u32 alen, int flags);
ssize_t unix_dgram_recv(struct socket *s, void *kbuf, size_t n, void *kaddr, u32 *alen, int flags, size_t *full);
unsigned unix_poll(struct socket *s);
int unix_shutdown(struct socket *s, int how);
int unix_ioctl(struct socket *s, unsigned cmd, int *val);
int unix_send_ctl(struct socket *s, const void *kctl, u32 len);
void unix_drop_ctl(struct socket *s);
int unix_recv_ctl(struct socket *s, void *kctl, u32 *len, int *mflags, int flags);
void unix_purge(struct usock *u);
void unix_kick(struct usock *u);                /* u's readiness may have changed: its poll channel */
void unix_fds_put(struct file **fds, int n);
size_t unix_proc_line(struct socket *s, u64 ino, char *buf, size_t size); /* unix.c: /proc/net/unix */
