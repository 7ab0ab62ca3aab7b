/* test/conformance/sockdiag.c — NETLINK_SOCK_DIAG (sock_diag(7)), read only: SOCK_DIAG_BY_FAMILY dumps of TCP
 * and UDP over IPv4 and IPv6 (struct inet_diag_req_v2 / inet_diag_msg) and of Unix sockets (unix_diag_req /
 * unix_diag_msg with UNIX_DIAG_NAME, RQLEN, PEER, SHUTDOWN, UID), the state filter, filter programs
 * (INET_DIAG_REQ_BYTECODE: a port, an address prefix, a jump; malformed ones EINVAL), one Unix socket by inode, and
 * the errors (a short request, a family past AF_MAX, a protocol without a handler, an unknown message type, inode 0
 * or one that does not exist). The host has sockets of its own: only the test's, found by inode, are compared. */
/* covers: socket sendto recvfrom */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

/* linux/netlink.h, sock_diag.h, inet_diag.h, unix_diag.h, written out: musl has no kernel headers */
struct nlhdr { unsigned len; unsigned short type, flags; unsigned seq, pid; };
struct diag_sockid { unsigned short sport, dport; unsigned src[4], dst[4]; unsigned ifindex, cookie[2]; };
struct inet_req { unsigned char family, protocol, ext, pad; unsigned states; struct diag_sockid id; };
struct inet_msg { unsigned char family, state, timer, retrans; struct diag_sockid id;
                  unsigned expires, rqueue, wqueue, uid, inode; };
struct unix_req { unsigned char family, protocol; unsigned short pad; unsigned states, ino, show, cookie[2]; };
struct unix_msg { unsigned char family, type, state, pad; unsigned ino, cookie[2]; };
#define NETLINK_SOCK_DIAG 4
#define SOCK_DIAG_BY_FAMILY 20
#define NLM_F_REQUEST 1
#define NLM_F_DUMP 0x300
#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define UDIAG_SHOW_NAME 1
#define UDIAG_SHOW_PEER 4
#define UDIAG_SHOW_RQLEN 0x10
#define UDIAG_SHOW_UID 0x40
enum { UNIX_DIAG_NAME, UNIX_DIAG_VFS, UNIX_DIAG_PEER, UNIX_DIAG_ICONS, UNIX_DIAG_RQLEN, UNIX_DIAG_MEMINFO,
       UNIX_DIAG_SHUTDOWN, UNIX_DIAG_UID };
#define ST_ESTABLISHED 1
#define ST_CLOSE 7
#define ST_LISTEN 10
#define ALL_STATES 0xfff

static int nl;
static unsigned seq = 100;
static char buf[65536];

/* Sends one request (payload p of n bytes); 0 or -errno of send. */
static int request(unsigned short type, unsigned short flags, const void *p, unsigned n)
{
    char m[256];
    struct nlhdr h = { (unsigned)sizeof h + n, type, (unsigned short)(NLM_F_REQUEST | flags), ++seq, 0 };
    memcpy(m, &h, sizeof h);
    memcpy(m + sizeof h, p, n);
    struct sockaddr_nl { unsigned short fam, pad; unsigned pid, groups; } k = { AF_NETLINK, 0, 0, 0 };
    return sendto(nl, m, h.len, 0, (struct sockaddr *)&k, sizeof k) == (long)h.len ? 0 : -errno;
}

/* Reads the answer to the last request: fn(message) for each SOCK_DIAG_BY_FAMILY message until NLMSG_DONE (its
 * error: 0, or negative for one the dump ran into) or an NLMSG_ERROR (its error, negative, or 0 for an
 * acknowledgement). *count: the messages seen. */
static int answer(void (*fn)(const struct nlhdr *, void *), void *arg, int *count)
{
    *count = 0;
    for (int rounds = 0; rounds < 10000; rounds++) {
        long n = recv(nl, buf, sizeof buf, 0);
        if (n <= 0)
            return -1000;
        for (long off = 0; off + (long)sizeof(struct nlhdr) <= n;) {
            const struct nlhdr *h = (const void *)(buf + off);
            if (h->len < sizeof *h || off + (long)h->len > n)
                return -1001;
            if (h->seq != seq)
                return -1002;
            if (h->type == NLMSG_DONE) /* its int: 0, or the error the dump ran into */
                return h->len >= sizeof *h + 4 ? *(const int *)(h + 1) : 0;
            if (h->type == NLMSG_ERROR)
                return *(const int *)(h + 1);
            if (h->type != SOCK_DIAG_BY_FAMILY)
                return -1003;
            ++*count;
            fn(h, arg);
            if (!(h->flags & 2)) /* NLM_F_MULTI: a dump goes on; a single answer ends here (then its ack, if asked) */
                return 0;
            off += (h->len + 3) & ~3u;
        }
    }
    return -1004;
}

/* ---- inet ---- */

struct inet_find { unsigned ino; struct inet_msg m; int found; };

static void inet_pick(const struct nlhdr *h, void *arg)
{
    struct inet_find *f = arg;
    const struct inet_msg *m = (const void *)(h + 1);
    if (m->inode == f->ino) {
        f->m = *m;
        f->found++;
    }
}

static unsigned ino_of(int fd)
{
    struct stat st;
    return fstat(fd, &st) ? 0 : (unsigned)st.st_ino;
}

/* Dumps family/protocol with the states mask and, if bc, a filter program of bclen bytes (INET_DIAG_REQ_BYTECODE);
 * the message about fd's socket into *f (f->found: how many). */
static int inet_dump_bc(int family, int protocol, unsigned states, int fd, struct inet_find *f, const void *bc,
                        unsigned bclen)
{
    char m[200];
    struct inet_req r;
    memset(&r, 0, sizeof r);
    r.family = (unsigned char)family;
    r.protocol = (unsigned char)protocol;
    r.states = states;
    memcpy(m, &r, sizeof r);
    unsigned n = sizeof r;
    if (bc) {
        unsigned short a[2] = { (unsigned short)(4 + bclen), 1 }; /* INET_DIAG_REQ_BYTECODE */
        memcpy(m + n, a, 4);
        memcpy(m + n + 4, bc, bclen);
        n += 4 + ((bclen + 3) & ~3u);
    }
    memset(f, 0, sizeof *f);
    f->ino = ino_of(fd);
    int cnt, rc = request(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, m, n);
    return rc ? rc : answer(inet_pick, f, &cnt);
}

static int inet_dump(int family, int protocol, unsigned states, int fd, struct inet_find *f)
{
    return inet_dump_bc(family, protocol, states, fd, f, NULL, 0);
}

/* Filter programs (struct inet_diag_bc_op { u8 code, yes; u16 no; }, then the op's operands): a port
 * comparison (INET_DIAG_BC_S_EQ 11: the port in the next op's `no`), an address prefix (INET_DIAG_BC_S_COND 7:
 * struct inet_diag_hostcond { u8 family, prefix_len; int port; addr }), a jump (INET_DIAG_BC_JMP 1). */
static void filter_checks(int l, unsigned short port)
{
    struct inet_find f;
    unsigned char eq[8] = { 11, 8, 12, 0, 0, 0, 0, 0 };
    memcpy(eq + 6, &port, 2); /* host order, as Linux compares it */
    T_OK("sendto SOCK_DIAG_BY_FAMILY with a filter program (sport == the listener's)",
         inet_dump_bc(AF_INET, IPPROTO_TCP, 1 << ST_LISTEN, l, &f, eq, 8), 0);
    T_EQ("recvfrom the filtered dump: the listener", f.found, 1);
    unsigned short other = (unsigned short)(port ^ 1);
    memcpy(eq + 6, &other, 2);
    inet_dump_bc(AF_INET, IPPROTO_TCP, 1 << ST_LISTEN, l, &f, eq, 8);
    T_EQ("recvfrom a dump filtered on another port: not the listener", f.found, 0);
    unsigned char cond[16] = { 7, 16, 20, 0, AF_INET, 8, 0, 0, 0xff, 0xff, 0xff, 0xff, 127, 0, 0, 0 };
    inet_dump_bc(AF_INET, IPPROTO_TCP, 1 << ST_LISTEN, l, &f, cond, 16);
    T_EQ("recvfrom a dump filtered on src 127.0.0.0/8: the listener", f.found, 1);
    cond[12] = 10;
    inet_dump_bc(AF_INET, IPPROTO_TCP, 1 << ST_LISTEN, l, &f, cond, 16);
    T_EQ("recvfrom a dump filtered on src 10.0.0.0/8: not the listener", f.found, 0);
    unsigned char jmp[4] = { 1, 4, 8, 0 };
    inet_dump_bc(AF_INET, IPPROTO_TCP, ALL_STATES, l, &f, jmp, 4);
    T_EQ("recvfrom a dump filtered by a jump past the end: nothing", f.found, 0);
    unsigned char bad[4] = { 99, 4, 8, 0 };
    T_EQ("sendto SOCK_DIAG_BY_FAMILY with an unknown filter op",
         inet_dump_bc(AF_INET, IPPROTO_TCP, ALL_STATES, l, &f, bad, 4), -EINVAL);
    unsigned char odd[8] = { 11, 6, 12, 0, 0, 0, 0, 0 };
    T_EQ("sendto SOCK_DIAG_BY_FAMILY with a filter op's yes not a multiple of 4",
         inet_dump_bc(AF_INET, IPPROTO_TCP, ALL_STATES, l, &f, odd, 8), -EINVAL);
    unsigned char shortop[4] = { 11, 4, 8, 0 };
    T_EQ("sendto SOCK_DIAG_BY_FAMILY with a port comparison cut short",
         inet_dump_bc(AF_INET, IPPROTO_TCP, ALL_STATES, l, &f, shortop, 4), -EINVAL);
}

static unsigned short port_of(int fd)
{
    struct sockaddr_in6 a;
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    return a.sin6_port; /* sin_port is at the same place */
}

static void inet_checks(void)
{
    struct inet_find f;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 5);
    T_OK("sendto SOCK_DIAG_BY_FAMILY: a dump of TCP over IPv4", inet_dump(AF_INET, IPPROTO_TCP, 1 << ST_LISTEN, l, &f),
         0);
    T_EQ("recvfrom the TCP dump: the test's listener, once", f.found, 1);
    T_EQ("recvfrom the TCP dump: family AF_INET, state LISTEN", f.m.family * 100 + f.m.state,
         AF_INET * 100 + ST_LISTEN);
    T_EQ("recvfrom the TCP dump: its port", f.m.id.sport, port_of(l));
    T_EQ("recvfrom the TCP dump: its address", f.m.id.src[0], htonl(INADDR_LOOPBACK));
    T_EQ("recvfrom the TCP dump: no peer", f.m.id.dport + f.m.id.dst[0], 0);
    T_EQ("recvfrom the TCP dump: a listener's queues (0 waiting, backlog 5)", f.m.rqueue * 100 + f.m.wqueue, 5);
    T_EQ("recvfrom the TCP dump: its owner", f.m.uid, getuid());
    inet_dump(AF_INET, IPPROTO_TCP, 1 << ST_ESTABLISHED, l, &f);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY: idiag_states leaves out what it does not name", f.found, 0);
    inet_dump(AF_INET6, IPPROTO_TCP, ALL_STATES, l, &f);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY: an IPv4 socket is not in the IPv6 dump", f.found, 0);
    filter_checks(l, ntohs(port_of(l)));
    /* a connection: both ends, ESTABLISHED */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    socklen_t al = sizeof a;
    getsockname(l, (struct sockaddr *)&a, &al);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    write(c, "abc", 3);
    usleep(50000);
    inet_dump(AF_INET, IPPROTO_TCP, 1 << ST_ESTABLISHED, s, &f);
    T_EQ("recvfrom the TCP dump: the accepted end, ESTABLISHED", f.found * 100 + f.m.state, 100 + ST_ESTABLISHED);
    T_EQ("recvfrom the TCP dump: its peer's port", f.m.id.dport, port_of(c));
    T_EQ("recvfrom the TCP dump: the 3 bytes it has not read", f.m.rqueue, 3);
    inet_dump(AF_INET, IPPROTO_TCP, 1 << ST_ESTABLISHED, c, &f);
    T_EQ("recvfrom the TCP dump: the connecting end's peer is the listener's port", f.found * 100000 + f.m.id.dport,
         100000 + port_of(l));
    close(c);
    close(s);
    close(l);
    /* UDP */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    a.sin_port = 0;
    bind(u, (struct sockaddr *)&a, sizeof a);
    T_OK("sendto SOCK_DIAG_BY_FAMILY: a dump of UDP over IPv4", inet_dump(AF_INET, IPPROTO_UDP, ALL_STATES, u, &f), 0);
    T_EQ("recvfrom the UDP dump: the bound socket, state CLOSE (unconnected)", f.found * 100 + f.m.state,
         100 + ST_CLOSE);
    T_EQ("recvfrom the UDP dump: its port", f.m.id.sport, port_of(u));
    close(u);
    /* IPv6 */
    int l6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    bind(l6, (struct sockaddr *)&a6, sizeof a6);
    listen(l6, 3);
    T_OK("sendto SOCK_DIAG_BY_FAMILY: a dump of TCP over IPv6", inet_dump(AF_INET6, IPPROTO_TCP, ALL_STATES, l6, &f),
         0);
    T_EQ("recvfrom the TCP6 dump: the listener, family AF_INET6", f.found * 100 + f.m.family, 100 + AF_INET6);
    T_TRUE("recvfrom the TCP6 dump: its port and address ::1", f.m.id.sport == port_of(l6) &&
           !memcmp(f.m.id.src, &in6addr_loopback, 16));
    close(l6);
    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    bind(u6, (struct sockaddr *)&a6, sizeof a6);
    inet_dump(AF_INET6, IPPROTO_UDP, ALL_STATES, u6, &f);
    T_EQ("recvfrom the UDP6 dump: the bound socket", f.found * 100000 + f.m.id.sport, 100000 + port_of(u6));
    close(u6);
}

/* ---- unix ---- */

struct unix_find {
    unsigned ino;
    struct unix_msg m;
    int found;
    char name[110];
    int name_len, has_rqlen, has_shutdown;
    unsigned rq[2], peer, uid;
};

static void unix_pick(const struct nlhdr *h, void *arg)
{
    struct unix_find *f = arg;
    const struct unix_msg *m = (const void *)(h + 1);
    if (m->ino != f->ino)
        return;
    f->m = *m;
    f->found++;
    for (unsigned off = sizeof *h + sizeof *m; off + 4 <= h->len;) {
        const unsigned short *a = (const void *)((const char *)h + off);
        const char *v = (const char *)(a + 2);
        unsigned len = a[0] - 4u;
        if (a[0] < 4)
            break;
        if (a[1] == UNIX_DIAG_NAME && len < sizeof f->name)
            memcpy(f->name, v, len), f->name_len = (int)len;
        if (a[1] == UNIX_DIAG_RQLEN && len == 8)
            memcpy(f->rq, v, 8), f->has_rqlen = 1;
        if (a[1] == UNIX_DIAG_PEER && len == 4)
            memcpy(&f->peer, v, 4);
        if (a[1] == UNIX_DIAG_UID && len == 4)
            memcpy(&f->uid, v, 4);
        if (a[1] == UNIX_DIAG_SHUTDOWN && len == 1)
            f->has_shutdown = 1;
        off += (a[0] + 3u) & ~3u;
    }
}

static int unix_ask(unsigned short flags, unsigned states, unsigned ino, unsigned show, int fd, struct unix_find *f)
{
    struct unix_req r = { AF_UNIX, 0, 0, states, ino, show, { ~0u, ~0u } };
    memset(f, 0, sizeof *f);
    f->ino = ino_of(fd);
    int n, rc = request(SOCK_DIAG_BY_FAMILY, flags, &r, sizeof r);
    return rc ? rc : answer(unix_pick, f, &n);
}

static void unix_checks(void)
{
    struct unix_find f;
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    /* in /tmp, not the scratch directory: a 9P volume (run.sh --volume) makes no socket nodes */
    snprintf(a.sun_path, sizeof a.sun_path, "/tmp/skiff-sockdiag-%d", (int)getpid());
    unlink(a.sun_path);
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 4);
    unsigned show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN | UDIAG_SHOW_UID;
    T_OK("sendto SOCK_DIAG_BY_FAMILY: a dump of Unix sockets", unix_ask(NLM_F_DUMP, 1 << ST_LISTEN, 0, show, l, &f), 0);
    T_EQ("recvfrom the Unix dump: the listener, SOCK_STREAM, LISTEN", f.found * 10000 + f.m.type * 100 + f.m.state,
         10000 + SOCK_STREAM * 100 + ST_LISTEN);
    T_EQ("recvfrom the Unix dump: UNIX_DIAG_NAME is the path with its NUL", f.name_len, (long)strlen(a.sun_path) + 1);
    T_TRUE("recvfrom the Unix dump: UNIX_DIAG_NAME's bytes", !strcmp(f.name, a.sun_path));
    T_EQ("recvfrom the Unix dump: UNIX_DIAG_RQLEN of a listener (0 waiting, backlog 4)",
         f.has_rqlen * 10000 + f.rq[0] * 100 + f.rq[1], 10004);
    T_EQ("recvfrom the Unix dump: UNIX_DIAG_UID", f.uid, getuid());
    T_EQ("recvfrom the Unix dump: UNIX_DIAG_SHUTDOWN is always there", f.has_shutdown, 1);
    T_EQ("recvfrom the Unix dump: the listener has no peer", f.peer, 0);
    unix_ask(NLM_F_DUMP, 1 << ST_ESTABLISHED, 0, show, l, &f);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY: udiag_states leaves out what it does not name", f.found, 0);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "hello", 5);
    unix_ask(NLM_F_DUMP, 1 << ST_ESTABLISHED, 0, show, sv[0], &f);
    T_EQ("recvfrom the Unix dump: a socketpair's end, ESTABLISHED", f.found * 100 + f.m.state, 100 + ST_ESTABLISHED);
    T_EQ("recvfrom the Unix dump: UNIX_DIAG_PEER is the other end's inode", f.peer, ino_of(sv[1]));
    T_EQ("recvfrom the Unix dump: UNIX_DIAG_RQLEN: the 5 bytes unread", f.rq[0], 5);
    T_EQ("recvfrom the Unix dump: an unbound socket has no UNIX_DIAG_NAME", f.name_len, 0);
    T_OK("sendto SOCK_DIAG_BY_FAMILY: one Unix socket by inode", unix_ask(0, 0, ino_of(l), show, l, &f), 0);
    T_EQ("recvfrom the answer by inode: that socket, once", f.found * 100 + f.m.state, 100 + ST_LISTEN);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY: a Unix socket of inode 0", unix_ask(0, 0, 0, show, l, &f), -EINVAL);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY: a Unix socket of an inode no socket has",
         unix_ask(0, 0, 0x7ffffff0u, show, l, &f), -ENOENT);
    close(sv[0]);
    close(sv[1]);
    close(l);
    unlink(a.sun_path);
}

static void error_checks(void)
{
    int n;
    struct inet_find f;
    struct inet_req r;
    memset(&r, 0, sizeof r);
    r.family = AF_INET;
    r.protocol = IPPROTO_TCP;
    request(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &r, 1);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY shorter than struct sock_diag_req", answer(inet_pick, &f, &n), -EINVAL);
    request(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &r, 20);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY: an inet request shorter than inet_diag_req_v2", answer(inet_pick, &f, &n),
         -EINVAL);
    r.family = 200;
    request(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &r, sizeof r);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY of a family past AF_MAX", answer(inet_pick, &f, &n), -EINVAL);
    r.family = AF_INET;
    r.protocol = 200;
    request(SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &r, sizeof r);
    T_EQ("sendto SOCK_DIAG_BY_FAMILY of a protocol without a diag handler", answer(inet_pick, &f, &n), -ENOENT);
    r.protocol = IPPROTO_TCP;
    request(30, NLM_F_DUMP, &r, sizeof r);
    T_EQ("sendto a sock_diag message of an unknown type", answer(inet_pick, &f, &n), -EINVAL);
}

int main(void)
{
    tap_scratch("sockdiag");
    nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    T_TRUE("socket AF_NETLINK NETLINK_SOCK_DIAG", nl >= 0);
    if (nl < 0)
        return tap_done();
    inet_checks();
    unix_checks();
    error_checks();
    close(nl);
    tap_finish_dir();
    return tap_done();
}
