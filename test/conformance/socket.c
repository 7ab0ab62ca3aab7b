/* test/conformance/socket.c — sockets, through AF_UNIX: one process talks to itself with socketpair and by
 * connecting to its own listeners (a stream connect completes before accept, so nothing blocks). Names are
 * relative paths in the scratch directory and abstract names that carry the pid (never printed). Every wait
 * is non-blocking or bounded by SO_RCVTIMEO. SIGPIPE is counted by a handler. */
/* covers: socket socketpair bind connect listen accept accept4 sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg shutdown getsockname getpeername setsockopt getsockopt */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <sys/epoll.h>

static volatile int sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

static int pipefd[2];

static socklen_t mkpath(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t mkabstract(struct sockaddr_un *a, const char *tag)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "skiff-conf-%s-%d", tag, (int)getpid());
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void t_socket(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    T_TRUE("socket AF_UNIX SOCK_STREAM gives a new fd", s >= 3);
    struct stat st;
    T_OK("socket fstat", fstat(s, &st), 0);
    T_TRUE("socket fstat says S_IFSOCK", S_ISSOCK(st.st_mode));
    T_EQ("socket fstat size is 0", st.st_size, 0);
    char link[64], want[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", s);
    snprintf(want, sizeof want, "socket:[%lu]", (unsigned long)st.st_ino);
    char got[64] = "";
    ssize_t n = readlink(link, got, sizeof got - 1);
    T_TRUE("socket /proc/self/fd/N reads socket:[inode]", n > 0 && !strcmp(got, want));
    T_OK("socket is O_RDWR", fcntl(s, F_GETFL) & O_ACCMODE, O_RDWR);
    T_OK("socket fd is not close-on-exec", fcntl(s, F_GETFD), 0);
    T_ERR("socket lseek", lseek(s, 0, SEEK_SET), ESPIPE);
    close(s);
    s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    T_TRUE("socket SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK", s >= 0);
    T_OK("socket SOCK_CLOEXEC sets FD_CLOEXEC", fcntl(s, F_GETFD), FD_CLOEXEC);
    T_TRUE("socket SOCK_NONBLOCK sets O_NONBLOCK", fcntl(s, F_GETFL) & O_NONBLOCK);
    close(s);
    s = socket(AF_UNIX, SOCK_SEQPACKET, PF_UNIX);
    T_TRUE("socket SOCK_SEQPACKET with protocol PF_UNIX", s >= 0);
    close(s);
    s = socket(AF_UNIX, SOCK_RAW, 0);
    int v = 0;
    socklen_t l = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l);
    T_EQ("socket SOCK_RAW on AF_UNIX becomes SOCK_DGRAM", v, SOCK_DGRAM);
    close(s);
    T_ERR("socket unknown type flag", socket(AF_UNIX, SOCK_STREAM | 0x10, 0), EINVAL);
    T_ERR("socket type 11", socket(AF_UNIX, 11, 0), EINVAL);
    T_ERR("socket type 0", socket(AF_UNIX, 0, 0), ESOCKTNOSUPPORT);
    T_ERR("socket SOCK_RDM", socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
    T_ERR("socket AF_UNIX protocol 7", socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
    T_ERR("socket family 46", socket(46, SOCK_STREAM, 0), EAFNOSUPPORT);
    T_ERR("socket family -1", socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
    T_ERR("socket family 1000", socket(1000, SOCK_STREAM, 0), EAFNOSUPPORT);
}

static void t_socketpair(void)
{
    int sv[2] = { -1, -1 };
    char buf[64];
    T_OK("socketpair AF_UNIX SOCK_STREAM", socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    T_TRUE("socketpair gives two distinct fds", sv[0] >= 3 && sv[1] >= 3 && sv[0] != sv[1]);
    T_OK("socketpair write one end", write(sv[0], "ping", 4), 4);
    T_OK("socketpair read the other", read(sv[1], buf, sizeof buf), 4);
    T_TRUE("socketpair bytes arrive", !memcmp(buf, "ping", 4));
    T_OK("socketpair the other direction", write(sv[1], "pong!", 5), 5);
    T_OK("socketpair read it back", read(sv[0], buf, sizeof buf), 5);
    close(sv[0]);
    close(sv[1]);
    T_OK("socketpair SOCK_CLOEXEC|SOCK_NONBLOCK", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
    T_OK("socketpair SOCK_CLOEXEC on both", fcntl(sv[0], F_GETFD) + fcntl(sv[1], F_GETFD), 2);
    T_ERR("socketpair SOCK_NONBLOCK: empty read", read(sv[0], buf, 1), EAGAIN);
    close(sv[0]);
    close(sv[1]);
    T_ERR("socketpair into a kernel address", socketpair(AF_UNIX, SOCK_STREAM, 0, KADDR), EFAULT);
    T_ERR("socketpair unknown flag", socketpair(AF_UNIX, SOCK_STREAM | 0x20, 0, sv), EINVAL);
    T_ERR("socketpair family 46", socketpair(46, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    T_ERR("socketpair type 0", socketpair(AF_UNIX, 0, 0, sv), ESOCKTNOSUPPORT);
    T_ERR("socketpair protocol 3", socketpair(AF_UNIX, SOCK_STREAM, 3, sv), EPROTONOSUPPORT);
}

static void t_bind_names(void)
{
    struct sockaddr_un a, b;
    socklen_t al = mkpath(&a, "s1"), bl;
    int s = socket(AF_UNIX, SOCK_STREAM, 0), t = socket(AF_UNIX, SOCK_STREAM, 0);
    bl = sizeof b;
    T_OK("getsockname unbound", getsockname(s, (struct sockaddr *)&b, &bl), 0);
    T_EQ("getsockname unbound: length 2", bl, 2);
    T_EQ("getsockname unbound: AF_UNIX", b.sun_family, AF_UNIX);
    T_OK("bind a path", bind(s, (struct sockaddr *)&a, al), 0);
    struct stat st;
    T_OK("bind made the name", stat("s1", &st), 0);
    T_TRUE("bind the name is S_IFSOCK", S_ISSOCK(st.st_mode));
    T_EQ("bind the name's mode is 0777 & ~umask", st.st_mode & 07777, 0755);
    T_ERR("bind open() of the name", open("s1", O_RDONLY), ENXIO);
    T_ERR("bind the same path again", bind(t, (struct sockaddr *)&a, al), EADDRINUSE);
    T_ERR("bind an existing file", bind(t, (struct sockaddr *)&a, mkpath(&b, ".")), EADDRINUSE);
    T_ERR("bind a bound socket", bind(s, (struct sockaddr *)&b, mkpath(&b, "s2")), EINVAL);
    T_ERR("bind a bound socket left no name", stat("s2", &st), ENOENT);
    T_ERR("bind in a missing directory", bind(t, (struct sockaddr *)&b, mkpath(&b, "nodir/s")), ENOENT);
    T_ERR("bind length 1", bind(t, (struct sockaddr *)&a, 1), EINVAL);
    T_ERR("bind length 111", bind(t, (struct sockaddr *)&a, 111), EINVAL);
    T_ERR("bind length 129", bind(t, (struct sockaddr *)&a, 129), EINVAL);
    T_ERR("bind length -1", bind(t, (struct sockaddr *)&a, -1), EINVAL);
    struct sockaddr_un w = a;
    w.sun_family = AF_INET;
    T_ERR("bind a family other than AF_UNIX", bind(t, (struct sockaddr *)&w, al), EINVAL);
    T_ERR("bind address at a kernel address", bind(t, KADDR, al), EFAULT);
    T_ERR("bind a closed fd", bind(99, (struct sockaddr *)&a, al), EBADF);
    T_ERR("bind a pipe", bind(pipefd[0], (struct sockaddr *)&a, al), ENOTSOCK);
    bl = sizeof b;
    T_OK("getsockname a path", getsockname(s, (struct sockaddr *)&b, &bl), 0);
    T_EQ("getsockname a path: 2 + strlen + 1", bl, 2 + 2 + 1);
    T_TRUE("getsockname a path: the path", !strcmp(b.sun_path, "s1"));
    bl = 4;
    memset(&b, 0x55, sizeof b);
    T_OK("getsockname into 4 bytes", getsockname(s, (struct sockaddr *)&b, &bl), 0);
    T_EQ("getsockname truncated: the full length is reported", bl, 5);
    T_TRUE("getsockname truncated: 4 bytes copied", b.sun_path[1] == '1' && (unsigned char)b.sun_path[2] == 0x55);
    bl = (socklen_t)-1;
    T_ERR("getsockname negative length", getsockname(s, (struct sockaddr *)&b, &bl), EINVAL);
    T_ERR("getsockname length at a kernel address", getsockname(s, (struct sockaddr *)&b, KADDR), EFAULT);
    bl = sizeof b;
    T_ERR("getsockname address at a kernel address", getsockname(s, KADDR, &bl), EFAULT);
    T_ERR("getsockname a closed fd", getsockname(99, (struct sockaddr *)&b, &bl), EBADF);
    T_ERR("getsockname a pipe", getsockname(pipefd[0], (struct sockaddr *)&b, &bl), ENOTSOCK);
    /* a 108-byte sun_path without a NUL */
    struct sockaddr_un lng;
    memset(&lng, 0, sizeof lng);
    lng.sun_family = AF_UNIX;
    memset(lng.sun_path, 'x', sizeof lng.sun_path);
    int u = socket(AF_UNIX, SOCK_DGRAM, 0);
    T_OK("bind a 108-byte path without NUL", bind(u, (struct sockaddr *)&lng, sizeof lng), 0);
    bl = sizeof b + 8;
    char big[sizeof b + 8];
    getsockname(u, (struct sockaddr *)big, &bl);
    T_EQ("getsockname 108-byte path: length 111", bl, 111);
    char name[120];
    memset(name, 'x', 108);
    name[108] = 0;
    T_OK("unlink the 108-byte name", unlink(name), 0);
    close(u);
    /* abstract */
    al = mkabstract(&a, "abs");
    T_OK("bind an abstract name", bind(t, (struct sockaddr *)&a, al), 0);
    bl = sizeof b;
    getsockname(t, (struct sockaddr *)&b, &bl);
    T_EQ("getsockname abstract: the exact length", bl, al);
    T_TRUE("getsockname abstract: the name", !memcmp(&a, &b, al));
    u = socket(AF_UNIX, SOCK_STREAM, 0);
    T_ERR("bind an abstract name in use", bind(u, (struct sockaddr *)&a, al), EADDRINUSE);
    T_OK("bind the same name one byte longer is another name", bind(u, (struct sockaddr *)&a, al + 1), 0);
    close(u);
    u = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un fam = { .sun_family = AF_UNIX };
    T_OK("bind autobind (only sun_family)", bind(u, (struct sockaddr *)&fam, 2), 0);
    bl = sizeof b;
    getsockname(u, (struct sockaddr *)&b, &bl);
    T_EQ("getsockname autobind: length 8", bl, 8);
    T_TRUE("getsockname autobind: abstract, 5 hex digits", b.sun_path[0] == 0 && strspn(b.sun_path + 1, "0123456789abcdef") == 5);
    T_OK("bind autobind again is a no-op", bind(u, (struct sockaddr *)&fam, 2), 0);
    close(u);
    close(s);
    T_OK("bind the name outlives the socket", stat("s1", &st), 0);
    T_OK("unlink removes the name", unlink("s1"), 0);
    close(t);
}

/* A listener on path "L" with the given backlog. */
static int listener(int type, const char *path, int backlog)
{
    struct sockaddr_un a;
    int l = socket(AF_UNIX, type, 0);
    bind(l, (struct sockaddr *)&a, mkpath(&a, path));
    listen(l, backlog);
    return l;
}

static void t_connect_accept(void)
{
    struct sockaddr_un a, b;
    socklen_t al = mkpath(&a, "L"), bl;
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    T_ERR("listen an unbound socket", listen(u, 5), EINVAL);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    T_ERR("listen a datagram socket", listen(d, 5), EOPNOTSUPP);
    T_ERR("listen a closed fd", listen(99, 5), EBADF);
    T_ERR("listen a pipe", listen(pipefd[0], 5), ENOTSOCK);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&a, al);
    int v = -1;
    socklen_t vl = sizeof v;
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
    T_EQ("getsockopt SO_ACCEPTCONN before listen", v, 0);
    T_OK("listen backlog 1", listen(l, 1), 0);
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
    T_EQ("getsockopt SO_ACCEPTCONN after listen", v, 1);
    T_OK("listen again changes the backlog", listen(l, 1), 0);
    int c1 = socket(AF_UNIX, SOCK_STREAM, 0), c2 = socket(AF_UNIX, SOCK_STREAM, 0);
    int c3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    T_OK("connect to a listener", connect(c1, (struct sockaddr *)&a, al), 0);
    T_OK("connect a second (backlog 1 holds 2)", connect(c2, (struct sockaddr *)&a, al), 0);
    T_ERR("connect to a full backlog, non-blocking", connect(c3, (struct sockaddr *)&a, al), EAGAIN);
    struct pollfd pf = { l, POLLIN | POLLOUT, 0 };
    T_OK("poll a listener with connections pending", poll(&pf, 1, 0), 1);
    T_EQ("poll a listener: POLLIN, not POLLOUT", pf.revents, POLLIN);
    T_OK("write before accept", write(c1, "early", 5), 5);
    bl = sizeof b;
    memset(&b, 0x55, sizeof b);
    int s1 = accept4(l, (struct sockaddr *)&b, &bl, SOCK_CLOEXEC | SOCK_NONBLOCK);
    T_TRUE("accept4 SOCK_CLOEXEC|SOCK_NONBLOCK", s1 >= 0);
    T_EQ("accept4 the peer is unbound: length 2", bl, 2);
    T_EQ("accept4 the peer's family", b.sun_family, AF_UNIX);
    T_OK("accept4 SOCK_CLOEXEC", fcntl(s1, F_GETFD), FD_CLOEXEC);
    T_TRUE("accept4 SOCK_NONBLOCK", fcntl(s1, F_GETFL) & O_NONBLOCK);
    char buf[64];
    T_OK("accept the data sent before accept", read(s1, buf, sizeof buf), 5);
    bl = sizeof b;
    getsockname(s1, (struct sockaddr *)&b, &bl);
    T_TRUE("getsockname an accepted socket: the listener's name", bl == al && !strcmp(b.sun_path, "L"));
    bl = sizeof b;
    T_OK("getpeername a client", getpeername(c1, (struct sockaddr *)&b, &bl), 0);
    T_TRUE("getpeername a client: the listener's name", bl == al && !strcmp(b.sun_path, "L"));
    bl = sizeof b;
    T_OK("getpeername an accepted socket", getpeername(s1, (struct sockaddr *)&b, &bl), 0);
    T_EQ("getpeername an accepted socket: unbound client, length 2", bl, 2);
    T_ERR("getpeername an unconnected socket", getpeername(u, (struct sockaddr *)&b, &bl), ENOTCONN);
    T_ERR("getpeername a listener", getpeername(l, (struct sockaddr *)&b, &bl), ENOTCONN);
    T_ERR("getpeername a closed fd", getpeername(99, (struct sockaddr *)&b, &bl), EBADF);
    T_ERR("getpeername length at a kernel address", getpeername(c1, (struct sockaddr *)&b, KADDR), EFAULT);
    struct ucred cr = { 1, 1, 1 };
    socklen_t crl = sizeof cr;
    T_OK("getsockopt SO_PEERCRED of a client", getsockopt(c1, SOL_SOCKET, SO_PEERCRED, &cr, &crl), 0);
    T_TRUE("getsockopt SO_PEERCRED: the listener's pid, uid, gid",
           crl == sizeof cr && cr.pid == getpid() && cr.uid == getuid() && cr.gid == getgid());
    crl = sizeof cr;
    getsockopt(s1, SOL_SOCKET, SO_PEERCRED, &cr, &crl);
    T_TRUE("getsockopt SO_PEERCRED of an accepted socket: the client's", cr.pid == getpid() && cr.uid == getuid());
    crl = sizeof cr;
    getsockopt(u, SOL_SOCKET, SO_PEERCRED, &cr, &crl);
    T_TRUE("getsockopt SO_PEERCRED without a peer: 0, -1, -1", cr.pid == 0 && cr.uid == (uid_t)-1 && cr.gid == (gid_t)-1);
    int s2 = accept(l, NULL, NULL);
    T_TRUE("accept without an address", s2 >= 0);
    T_ERR("connect a connected socket", connect(c1, (struct sockaddr *)&a, al), EISCONN);
    T_ERR("connect a listener", connect(l, (struct sockaddr *)&a, al), EINVAL);
    T_OK("connect now that the backlog has room", connect(c3, (struct sockaddr *)&a, al), 0);
    int s3 = accept(l, NULL, NULL);
    T_TRUE("accept the third", s3 >= 0);
    fcntl(l, F_SETFL, O_NONBLOCK);
    T_ERR("accept with nothing pending, non-blocking", accept(l, NULL, NULL), EAGAIN);
    T_ERR("accept a socket that does not listen", accept(u, NULL, NULL), EINVAL);
    T_ERR("accept a datagram socket", accept(d, NULL, NULL), EOPNOTSUPP);
    T_ERR("accept4 unknown flag", SYS(SYS_accept4, l, NULL, NULL, O_APPEND), EINVAL);
    T_ERR("accept4 unknown flag on a closed fd", SYS(SYS_accept4, 99, NULL, NULL, O_APPEND), EBADF);
    T_ERR("accept4 unknown flag on a pipe", SYS(SYS_accept4, pipefd[0], NULL, NULL, O_APPEND), EINVAL);
    T_ERR("accept a closed fd", accept(99, NULL, NULL), EBADF);
    T_ERR("accept a pipe", accept(pipefd[0], NULL, NULL), ENOTSOCK);
    T_ERR("accept4 a closed fd", accept4(99, NULL, NULL, 0), EBADF);
    /* connect errors */
    T_ERR("connect to a missing path", connect(u, (struct sockaddr *)&b, mkpath(&b, "missing")), ENOENT);
    put_file("plain", "x", 1);
    T_ERR("connect to a regular file", connect(u, (struct sockaddr *)&b, mkpath(&b, "plain")), ECONNREFUSED);
    int nl = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(nl, (struct sockaddr *)&b, mkpath(&b, "notlistening"));
    T_ERR("connect to a socket that does not listen", connect(u, (struct sockaddr *)&b, mkpath(&b, "notlistening")), ECONNREFUSED);
    T_ERR("connect a datagram socket to a stream listener", connect(d, (struct sockaddr *)&a, al), EPROTOTYPE);
    struct sockaddr_un ab;
    socklen_t abl = mkabstract(&ab, "nobody");
    T_ERR("connect to an unbound abstract name", connect(u, (struct sockaddr *)&ab, abl), ECONNREFUSED);
    T_ERR("connect length 2", connect(u, (struct sockaddr *)&a, 2), EINVAL);
    T_ERR("connect length 200", connect(u, (struct sockaddr *)&a, 200), EINVAL);
    T_ERR("connect address at a kernel address", connect(u, KADDR, al), EFAULT);
    T_ERR("connect a closed fd", connect(99, (struct sockaddr *)&a, al), EBADF);
    T_ERR("connect a pipe", connect(pipefd[0], (struct sockaddr *)&a, al), ENOTSOCK);
    T_ERR("connect a pipe with a bad address: the address first", connect(pipefd[0], KADDR, al), EFAULT);
    /* an abstract listener */
    int al2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    bind(al2, (struct sockaddr *)&ab, abl);
    listen(al2, 5);
    int sc = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    T_OK("connect seqpacket to an abstract listener", connect(sc, (struct sockaddr *)&ab, abl), 0);
    int ss = accept(al2, NULL, NULL);
    T_OK("seqpacket send after accept", send(sc, "abc", 3, 0), 3);
    T_OK("seqpacket recv", recv(ss, buf, sizeof buf, MSG_DONTWAIT), 3);
    close(ss);
    T_OK("seqpacket recv after the peer closed: end of file", recv(sc, buf, sizeof buf, MSG_DONTWAIT), 0);
    T_ERR("seqpacket send after the peer closed", send(sc, "x", 1, MSG_NOSIGNAL), EPIPE);
    close(sc);
    close(al2);
    /* closing a listener with a connection pending */
    int c4 = socket(AF_UNIX, SOCK_STREAM, 0);
    connect(c4, (struct sockaddr *)&a, al);
    close(l);
    T_ERR("recv after the listener closed with our connection pending", recv(c4, buf, sizeof buf, MSG_DONTWAIT), ECONNRESET);
    T_OK("recv after that: end of file", recv(c4, buf, sizeof buf, MSG_DONTWAIT), 0);
    T_ERR("connect to a closed listener's name", connect(u, (struct sockaddr *)&a, al), ECONNREFUSED);
    unlink("L");
    T_ERR("connect after unlink", connect(u, (struct sockaddr *)&a, al), ENOENT);
    close(c4);
    close(nl);
    unlink("notlistening");
    close(c1); close(c2); close(c3); close(s1); close(s2); close(s3); close(u); close(d);
}

static void t_stream_io(void)
{
    int sv[2];
    char buf[256];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T_ERR("recv an empty stream, MSG_DONTWAIT", recv(sv[0], buf, 1, MSG_DONTWAIT), EAGAIN);
    T_OK("send 5", send(sv[0], "hello", 5, 0), 5);
    T_OK("send 6 more", send(sv[0], " world", 6, 0), 6);
    int n = -1;
    T_OK("ioctl FIONREAD on a stream", ioctl(sv[1], FIONREAD, &n), 0);
    T_EQ("ioctl FIONREAD counts every byte", n, 11);
    T_OK("recv MSG_PEEK", recv(sv[1], buf, 3, MSG_PEEK), 3);
    T_OK("recv reads across sends", recv(sv[1], buf, sizeof buf, 0), 11);
    T_TRUE("recv the bytes in order", !memcmp(buf, "hello world", 11));
    T_ERR("recv length 0 on an empty stream", recv(sv[1], buf, 0, MSG_DONTWAIT), EAGAIN);
    send(sv[0], "d", 1, 0);
    T_OK("recv length 0 with data there", recv(sv[1], buf, 0, MSG_DONTWAIT), 0);
    T_OK("recv length 0 consumed nothing", recv(sv[1], buf, 4, MSG_DONTWAIT), 1);
    send(sv[0], "abcdef", 6, 0);
    T_OK("recv MSG_WAITALL with the data there", recv(sv[1], buf, 6, MSG_WAITALL), 6);
    send(sv[0], "abc", 3, 0);
    T_OK("recv MSG_WAITALL|MSG_DONTWAIT returns what there is", recv(sv[1], buf, 6, MSG_WAITALL | MSG_DONTWAIT), 3);
    T_ERR("recv into a kernel address", recv(sv[1], KADDR, 4, MSG_DONTWAIT), EFAULT);
    send(sv[0], "zz", 2, 0);
    T_ERR("recv into an unmapped address", recv(sv[1], BADUPTR, 4, MSG_DONTWAIT), EFAULT);
    T_OK("recv: a failed copy lost nothing", recv(sv[1], buf, 4, MSG_DONTWAIT), 2);
    T_ERR("send from a kernel address", send(sv[0], KADDR, 4, 0), EFAULT);
    struct sockaddr_un a;
    socklen_t al = mkpath(&a, "x");
    T_ERR("sendto with an address on a connected stream", sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, al), EISCONN);
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    T_ERR("sendto with an address on an unconnected stream", sendto(u, "x", 1, 0, (struct sockaddr *)&a, al), EOPNOTSUPP);
    T_ERR("send on an unconnected stream", send(u, "x", 1, 0), ENOTCONN);
    T_ERR("recv on an unconnected stream", recv(u, buf, 1, 0), EINVAL);
    T_ERR("read on an unconnected stream", read(u, buf, 1), EINVAL);
    T_ERR("send a closed fd", send(99, "x", 1, 0), EBADF);
    T_ERR("send a pipe", send(pipefd[1], "x", 1, 0), ENOTSOCK);
    T_ERR("sendto a kernel buffer on a closed fd: the buffer first", sendto(99, KADDR, 1, 0, NULL, 0), EFAULT);
    T_ERR("recvfrom a closed fd", recvfrom(99, buf, 1, 0, NULL, NULL), EBADF);
    T_ERR("recvfrom a pipe", recvfrom(pipefd[0], buf, 1, 0, NULL, NULL), ENOTSOCK);
    /* readiness */
    struct pollfd pf = { sv[1], POLLIN | POLLOUT | POLLRDHUP, 0 };
    T_OK("poll an idle stream", poll(&pf, 1, 0), 1);
    T_EQ("poll an idle stream: POLLOUT", pf.revents, POLLOUT);
    send(sv[0], "q", 1, 0);
    poll(&pf, 1, 0);
    T_EQ("poll with data: POLLIN|POLLOUT", pf.revents, POLLIN | POLLOUT);
    pf.fd = u;
    poll(&pf, 1, 0);
    T_EQ("poll an unconnected stream: POLLOUT|POLLHUP", pf.revents, POLLOUT | POLLHUP);
    recv(sv[1], buf, sizeof buf, 0);
    /* fill it */
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    static char chunk[4096];
    long total = 0;
    ssize_t w;
    while ((w = write(sv[0], chunk, sizeof chunk)) > 0)
        total += w;
    T_TRUE("write until full: EAGAIN", w == -1 && errno == EAGAIN);
    T_TRUE("write until full: between 64 KiB and 208 KiB buffered", total >= 65536 && total <= 212992);
    pf.fd = sv[0];
    pf.events = POLLOUT;
    T_OK("poll a full stream: not writable", poll(&pf, 1, 0), 0);
    long got = 0;
    ssize_t r;
    while ((r = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT)) > 0)
        got += r;
    T_EQ("read back everything written", got, total);
    T_OK("poll a drained stream: writable", poll(&pf, 1, 0), 1);
    /* shutdown */
    send(sv[0], "tail", 4, 0);
    T_OK("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR), 0);
    T_ERR("send after SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    int before = sigpipes;
    T_ERR("write after SHUT_WR raises SIGPIPE", write(sv[0], "x", 1), EPIPE);
    T_EQ("write after SHUT_WR: one SIGPIPE", sigpipes - before, 1);
    before = sigpipes;
    send(sv[0], "x", 1, MSG_NOSIGNAL);
    T_EQ("send MSG_NOSIGNAL: no SIGPIPE", sigpipes - before, 0);
    pf.fd = sv[1];
    pf.events = POLLIN | POLLOUT | POLLRDHUP;
    poll(&pf, 1, 0);
    T_EQ("poll after the peer's SHUT_WR: POLLIN|POLLOUT|POLLRDHUP", pf.revents, POLLIN | POLLOUT | POLLRDHUP);
    T_OK("recv the data before the end", recv(sv[1], buf, sizeof buf, 0), 4);
    T_OK("recv after the peer's SHUT_WR: end of file", recv(sv[1], buf, sizeof buf, 0), 0);
    T_OK("send the other way still works", send(sv[1], "back", 4, 0), 4);
    T_OK("shutdown SHUT_RD", shutdown(sv[1], SHUT_RD), 0);
    T_ERR("send to a peer that did SHUT_RD", send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    T_ERR("shutdown how 3", shutdown(sv[0], 3), EINVAL);
    T_ERR("shutdown how -1", shutdown(sv[0], -1), EINVAL);
    T_ERR("shutdown a closed fd", shutdown(99, SHUT_RD), EBADF);
    T_ERR("shutdown a pipe", shutdown(pipefd[0], SHUT_RD), ENOTSOCK);
    T_OK("shutdown an unconnected socket", shutdown(u, SHUT_RDWR), 0);
    close(sv[0]);
    close(sv[1]);
    /* the peer closes */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    send(sv[0], "bye", 3, 0);
    close(sv[0]);
    pf.fd = sv[1];
    poll(&pf, 1, 0);
    T_EQ("poll after the peer closed: POLLIN|POLLOUT|POLLHUP|POLLRDHUP", pf.revents, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
    T_OK("read what the peer sent before closing", read(sv[1], buf, sizeof buf), 3);
    T_OK("read after the peer closed: end of file", read(sv[1], buf, sizeof buf), 0);
    T_ERR("write after the peer closed", send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
    close(sv[1]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    send(sv[0], "unread", 6, 0);
    close(sv[1]);
    T_ERR("recv after the peer closed with our data unread", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), ECONNRESET);
    T_OK("recv after that: end of file", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), 0);
    close(sv[0]);
    /* SO_RCVTIMEO */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct timeval tv = { 0, 100000 };
    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    T_ERR("recv with SO_RCVTIMEO 100 ms times out", recv(sv[0], buf, 1, 0), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    T_TRUE("recv SO_RCVTIMEO waited about 100 ms", ms >= 90 && ms < 2000);
    close(sv[0]);
    close(sv[1]);
    close(u);
}

static void t_dgram(void)
{
    int sv[2];
    char buf[256];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    send(sv[0], "one", 3, 0);
    send(sv[0], "second", 6, 0);
    send(sv[0], "", 0, 0);
    int n = -1;
    ioctl(sv[1], FIONREAD, &n);
    T_EQ("ioctl FIONREAD on a datagram socket: the next datagram", n, 3);
    T_OK("recv datagram one", recv(sv[1], buf, sizeof buf, 0), 3);
    T_OK("recv datagram two, 2-byte buffer: cut", recv(sv[1], buf, 2, 0), 2);
    T_OK("recv an empty datagram", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 0);
    T_ERR("recv datagrams: the cut part is gone", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    send(sv[0], "truncated", 9, 0);
    T_OK("recv MSG_TRUNC returns the full length", recv(sv[1], buf, 4, MSG_TRUNC), 9);
    send(sv[0], "peeked", 6, 0);
    T_OK("recv MSG_PEEK a datagram", recv(sv[1], buf, 2, MSG_PEEK), 2);
    T_OK("recv the datagram after a peek", recv(sv[1], buf, sizeof buf, 0), 6);
    static char big[212992];
    T_ERR("send a datagram of SO_SNDBUF - 31 bytes", send(sv[0], big, 212961, MSG_DONTWAIT), EMSGSIZE);
    T_OK("send a datagram of SO_SNDBUF - 32 bytes", send(sv[0], big, 212960, MSG_DONTWAIT), 212960);
    T_OK("recv the big datagram", recv(sv[1], big, sizeof big, 0), 212960);
    close(sv[1]);
    T_ERR("send to a closed peer", send(sv[0], "x", 1, 0), ECONNREFUSED);
    T_ERR("send after that: no peer any more", send(sv[0], "x", 1, 0), ENOTCONN);
    close(sv[0]);
    /* named datagram sockets */
    struct sockaddr_un a, b, from;
    socklen_t al = mkpath(&a, "D"), fl;
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *)&a, al);
    T_ERR("send on an unconnected datagram socket", send(s, "x", 1, 0), ENOTCONN);
    T_OK("sendto a path", sendto(s, "dg", 2, 0, (struct sockaddr *)&a, al), 2);
    fl = sizeof from;
    memset(&from, 0x55, sizeof from);
    T_OK("recvfrom", recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 2);
    T_EQ("recvfrom an unbound sender: address length 0", fl, 0);
    socklen_t bl = mkabstract(&b, "dgs");
    bind(s, (struct sockaddr *)&b, bl);
    sendto(s, "dg2", 3, 0, (struct sockaddr *)&a, al);
    fl = sizeof from;
    T_OK("recvfrom a bound sender", recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 3);
    T_TRUE("recvfrom: the sender's abstract name", fl == bl && !memcmp(&from, &b, bl));
    sendto(s, "dg3", 3, 0, (struct sockaddr *)&a, al);
    fl = 3;
    T_OK("recvfrom a 3-byte address buffer", recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 3);
    T_EQ("recvfrom truncated address: the full length", fl, bl);
    sendto(s, "dg4", 3, 0, (struct sockaddr *)&a, al);
    T_ERR("recvfrom address length at a kernel address", recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, KADDR), EFAULT);
    struct sockaddr_un m;
    T_ERR("sendto a missing path", sendto(s, "x", 1, 0, (struct sockaddr *)&m, mkpath(&m, "nothere")), ENOENT);
    socklen_t ml = mkabstract(&m, "nobody-dg");
    T_ERR("sendto an unbound abstract name", sendto(s, "x", 1, 0, (struct sockaddr *)&m, ml), ECONNREFUSED);
    T_ERR("sendto address length 1", sendto(s, "x", 1, 0, (struct sockaddr *)&a, 1), EINVAL);
    T_ERR("sendto address length 129", sendto(s, "x", 1, 0, (struct sockaddr *)&a, 129), EINVAL);
    T_ERR("sendto address at a kernel address", sendto(s, "x", 1, 0, KADDR, al), EFAULT);
    int st = listener(SOCK_STREAM, "SL", 1);
    struct sockaddr_un sl;
    T_ERR("sendto a stream socket's name", sendto(s, "x", 1, 0, (struct sockaddr *)&sl, mkpath(&sl, "SL")), EPROTOTYPE);
    close(st);
    unlink("SL");
    /* the receive queue of an unconnected receiver holds max_dgram_qlen + 1 */
    int q = 0;
    while (sendto(s, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, al) == 1 && q < 100)
        q++;
    T_EQ("sendto until the receiver is full: 11 datagrams", q, 11);
    T_TRUE("sendto a full receiver: EAGAIN", errno == EAGAIN);
    /* connect */
    T_OK("connect a datagram socket", connect(s, (struct sockaddr *)&a, al), 0);
    bl = sizeof b;
    T_OK("getpeername a connected datagram socket", getpeername(s, (struct sockaddr *)&b, &bl), 0);
    T_EQ("getpeername: the path's length", bl, al);
    int other = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un ob;
    socklen_t obl = mkabstract(&ob, "other");
    bind(other, (struct sockaddr *)&ob, obl);
    struct sockaddr_un b2;
    socklen_t b2l = mkabstract(&b2, "dgs");
    T_ERR("sendto a datagram socket connected to someone else", sendto(other, "x", 1, 0, (struct sockaddr *)&b2, b2l), EPERM);
    struct sockaddr unspec = { .sa_family = AF_UNSPEC };
    T_OK("connect AF_UNSPEC dissolves the association", connect(s, &unspec, sizeof unspec), 0);
    T_ERR("send after AF_UNSPEC", send(s, "x", 1, 0), ENOTCONN);
    T_ERR("connect a datagram socket, length 1", connect(s, (struct sockaddr *)&a, 1), EINVAL);
    T_ERR("shutdown SHUT_WR then send", (shutdown(other, SHUT_WR), sendto(other, "x", 1, 0, (struct sockaddr *)&a, al)), EPIPE);
    close(other);
    close(r);
    close(s);
    unlink("D");
}

static void t_msg(void)
{
    int sv[2];
    char b1[4], b2[16];
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cdefg", 5 } };
    struct msghdr mh = { .msg_iov = out, .msg_iovlen = 3 };
    T_OK("sendmsg gathers 3 iovecs", sendmsg(sv[0], &mh, 0), 7);
    struct iovec in[2] = { { b1, sizeof b1 }, { b2, sizeof b2 } };
    struct sockaddr_un from;
    struct msghdr rh = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = in, .msg_iovlen = 2 };
    T_OK("recvmsg scatters into 2 iovecs", recvmsg(sv[1], &rh, 0), 7);
    T_TRUE("recvmsg scatter: the bytes", !memcmp(b1, "abcd", 4) && !memcmp(b2, "efg", 3));
    T_EQ("recvmsg an unbound sender: msg_namelen 0", rh.msg_namelen, 0);
    T_EQ("recvmsg msg_flags 0", rh.msg_flags, 0);
    send(sv[0], "0123456789", 10, 0);
    in[0].iov_len = 4;
    rh.msg_iovlen = 1;
    T_OK("recvmsg a seqpacket record into 4 bytes", recvmsg(sv[1], &rh, 0), 4);
    T_EQ("recvmsg msg_flags MSG_TRUNC", rh.msg_flags, MSG_TRUNC);
    T_ERR("recvmsg seqpacket: the rest of the record is gone", recvmsg(sv[1], &rh, MSG_DONTWAIT), EAGAIN);
    mh.msg_iovlen = 1025;
    T_ERR("sendmsg 1025 iovecs", sendmsg(sv[0], &mh, 0), EMSGSIZE);
    T_ERR("recvmsg 1025 iovecs", (rh.msg_iovlen = 1025, recvmsg(sv[1], &rh, 0)), EMSGSIZE);
    rh.msg_iovlen = 1;
    struct iovec neg = { "x", (size_t)-1 };
    mh.msg_iov = &neg;
    mh.msg_iovlen = 1;
    T_ERR("sendmsg negative iovec length", sendmsg(sv[0], &mh, 0), EINVAL);
    struct iovec kio = { KADDR, 4 };
    mh.msg_iov = &kio;
    T_ERR("sendmsg iovec at a kernel address", sendmsg(sv[0], &mh, 0), EFAULT);
    T_ERR("sendmsg header at a kernel address", SYS(SYS_sendmsg, sv[0], KADDR, 0), EFAULT);
    T_ERR("recvmsg header at a kernel address", SYS(SYS_recvmsg, sv[1], KADDR, 0), EFAULT);
    T_ERR("sendmsg a closed fd", sendmsg(99, &mh, 0), EBADF);
    T_ERR("sendmsg a pipe", sendmsg(pipefd[1], &mh, 0), ENOTSOCK);
    T_ERR("recvmsg a closed fd", recvmsg(99, &rh, 0), EBADF);
    T_ERR("recvmsg a pipe", recvmsg(pipefd[0], &rh, 0), ENOTSOCK);
    T_ERR("recvmsg empty, MSG_DONTWAIT", recvmsg(sv[1], &rh, MSG_DONTWAIT), EAGAIN);
    int u = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    T_ERR("recvmsg an unconnected seqpacket socket", recvmsg(u, &rh, MSG_DONTWAIT), ENOTCONN);
    T_ERR("send an unconnected seqpacket socket", send(u, "x", 1, 0), ENOTCONN);
    close(u);
    close(sv[0]);
    close(sv[1]);

    /* SCM_RIGHTS */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    union { struct cmsghdr h; char b[CMSG_SPACE(2 * sizeof(int))]; } cu;
    memset(&cu, 0, sizeof cu);
    struct cmsghdr *c = &cu.h;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    memcpy(CMSG_DATA(c), &pipefd[0], sizeof(int));
    struct iovec one = { "F", 1 };
    struct msghdr fm = { .msg_iov = &one, .msg_iovlen = 1, .msg_control = c, .msg_controllen = CMSG_SPACE(sizeof(int)) };
    T_OK("sendmsg SCM_RIGHTS", sendmsg(sv[0], &fm, 0), 1);
    union { struct cmsghdr h; char b[256]; } ru;
    memset(&ru, 0, sizeof ru);
    char ch;
    struct iovec rio = { &ch, 1 };
    struct msghdr rm = { .msg_iov = &rio, .msg_iovlen = 1, .msg_control = &ru, .msg_controllen = sizeof ru };
    T_OK("recvmsg SCM_RIGHTS", recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC), 1);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
    T_TRUE("recvmsg SCM_RIGHTS: one SOL_SOCKET/SCM_RIGHTS header", rc && rc->cmsg_level == SOL_SOCKET &&
           rc->cmsg_type == SCM_RIGHTS && rc->cmsg_len == CMSG_LEN(sizeof(int)));
    T_EQ("recvmsg SCM_RIGHTS: msg_controllen is CMSG_SPACE", rm.msg_controllen, CMSG_SPACE(sizeof(int)));
    T_EQ("recvmsg msg_flags carries MSG_CMSG_CLOEXEC", rm.msg_flags, MSG_CMSG_CLOEXEC);
    int nfd = -1;
    if (rc)
        memcpy(&nfd, CMSG_DATA(rc), sizeof nfd);
    T_OK("recvmsg SCM_RIGHTS: MSG_CMSG_CLOEXEC on the new fd", fcntl(nfd, F_GETFD), FD_CLOEXEC);
    write(pipefd[1], "via", 3);
    char pb[8];
    T_OK("recvmsg SCM_RIGHTS: the new fd is the pipe", read(nfd, pb, sizeof pb), 3);
    close(nfd);
    sendmsg(sv[0], &fm, 0);
    rm.msg_controllen = sizeof(struct cmsghdr);
    T_OK("recvmsg SCM_RIGHTS without room", recvmsg(sv[1], &rm, 0), 1);
    T_EQ("recvmsg without room: MSG_CTRUNC", rm.msg_flags, MSG_CTRUNC);
    T_EQ("recvmsg without room: msg_controllen 0", rm.msg_controllen, 0);
    int bad = 99;
    memcpy(CMSG_DATA(c), &bad, sizeof(int));
    T_ERR("sendmsg SCM_RIGHTS with a closed fd", sendmsg(sv[0], &fm, 0), EBADF);
    c->cmsg_len = 200;
    T_ERR("sendmsg a control header longer than the buffer", sendmsg(sv[0], &fm, 0), EINVAL);
    c->cmsg_len = CMSG_LEN(sizeof(int));
    c->cmsg_type = 77;
    T_ERR("sendmsg an unknown SOL_SOCKET control message", sendmsg(sv[0], &fm, 0), EINVAL);
    struct ucred me = { getpid(), getuid(), getgid() };
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof me);
    memcpy(CMSG_DATA(c), &me, sizeof me);
    fm.msg_controllen = CMSG_SPACE(sizeof me);
    struct msghdr cm2 = fm;
    union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct ucred))]; } cr2;
    memcpy(&cr2, c, CMSG_LEN(sizeof me));
    cm2.msg_control = &cr2;
    T_OK("sendmsg SCM_CREDENTIALS with our own credentials", sendmsg(sv[0], &cm2, 0), 1);
    rm.msg_controllen = 0;
    rm.msg_control = NULL;
    recvmsg(sv[1], &rm, 0);
    /* SO_PASSCRED: the sender's credentials on every message */
    int on = 1;
    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    send(sv[0], "c", 1, 0);
    memset(&ru, 0, sizeof ru);
    rm.msg_control = &ru;
    rm.msg_controllen = sizeof ru;
    T_OK("recvmsg with SO_PASSCRED", recvmsg(sv[1], &rm, 0), 1);
    rc = CMSG_FIRSTHDR(&rm);
    struct ucred got = { 0, 0, 0 };
    if (rc)
        memcpy(&got, CMSG_DATA(rc), sizeof got);
    T_TRUE("recvmsg SO_PASSCRED: an SCM_CREDENTIALS header", rc && rc->cmsg_level == SOL_SOCKET &&
           rc->cmsg_type == SCM_CREDENTIALS && rc->cmsg_len == CMSG_LEN(sizeof(struct ucred)));
    T_TRUE("recvmsg SO_PASSCRED: our pid, uid, gid", got.pid == getpid() && got.uid == getuid() && got.gid == getgid());
    T_EQ("recvmsg SO_PASSCRED: msg_controllen is CMSG_SPACE", rm.msg_controllen, CMSG_SPACE(sizeof(struct ucred)));
    send(sv[0], "c", 1, 0);
    rm.msg_control = NULL;
    rm.msg_controllen = 0;
    T_OK("recvmsg with SO_PASSCRED and no control buffer", recvmsg(sv[1], &rm, 0), 1);
    T_EQ("recvmsg no room for the credentials: MSG_CTRUNC", rm.msg_flags, MSG_CTRUNC);
    close(sv[0]);
    close(sv[1]);

    /* sendmmsg / recvmmsg */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    struct iovec mi[3] = { { "a", 1 }, { "bb", 2 }, { "ccc", 3 } };
    struct mmsghdr mv[3];
    memset(mv, 0, sizeof mv);
    for (int i = 0; i < 3; i++) {
        mv[i].msg_hdr.msg_iov = &mi[i];
        mv[i].msg_hdr.msg_iovlen = 1;
    }
    T_OK("sendmmsg 3 datagrams", SYS(SYS_sendmmsg, sv[0], mv, 3, 0), 3);
    T_TRUE("sendmmsg msg_len of each", mv[0].msg_len == 1 && mv[1].msg_len == 2 && mv[2].msg_len == 3);
    char rb[4][8];
    struct iovec ri[4];
    struct mmsghdr rv[4];
    memset(rv, 0, sizeof rv);
    for (int i = 0; i < 4; i++) {
        ri[i].iov_base = rb[i];
        ri[i].iov_len = sizeof rb[i];
        rv[i].msg_hdr.msg_iov = &ri[i];
        rv[i].msg_hdr.msg_iovlen = 1;
    }
    T_OK("recvmmsg takes the 3 there are", SYS(SYS_recvmmsg, sv[1], rv, 4, MSG_DONTWAIT, NULL), 3);
    T_TRUE("recvmmsg msg_len and data", rv[0].msg_len == 1 && rv[2].msg_len == 3 && !memcmp(rb[2], "ccc", 3));
    T_ERR("recvmmsg empty, MSG_DONTWAIT", SYS(SYS_recvmmsg, sv[1], rv, 4, MSG_DONTWAIT, NULL), EAGAIN);
    SYS(SYS_sendmmsg, sv[0], mv, 2, 0);
    T_OK("recvmmsg MSG_WAITFORONE", SYS(SYS_recvmmsg, sv[1], rv, 4, MSG_WAITFORONE, NULL), 2);
    T_OK("sendmmsg vlen 0", SYS(SYS_sendmmsg, sv[0], mv, 0, 0), 0);
    T_ERR("sendmmsg vector at a kernel address", SYS(SYS_sendmmsg, sv[0], KADDR, 1, 0), EFAULT);
    T_ERR("sendmmsg a closed fd", SYS(SYS_sendmmsg, 99, mv, 1, 0), EBADF);
    T_ERR("sendmmsg a pipe", SYS(SYS_sendmmsg, pipefd[1], mv, 1, 0), ENOTSOCK);
    struct timespec badts = { 0, 1000000000 };
    T_ERR("recvmmsg tv_nsec 1e9", SYS(SYS_recvmmsg, sv[1], rv, 1, 0, &badts), EINVAL);
    T_ERR("recvmmsg a closed fd", SYS(SYS_recvmmsg, 99, rv, 1, 0, NULL), EBADF);
    T_ERR("recvmmsg a pipe", SYS(SYS_recvmmsg, pipefd[0], rv, 1, 0, NULL), ENOTSOCK);
    close(sv[0]);
    close(sv[1]);
}

static void t_sockopt(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0), v = -1;
    socklen_t l = sizeof v;
    T_OK("getsockopt SO_TYPE", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l), 0);
    T_TRUE("getsockopt SO_TYPE is SOCK_STREAM, length 4", v == SOCK_STREAM && l == 4);
    getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &l);
    T_EQ("getsockopt SO_DOMAIN", v, AF_UNIX);
    getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &l);
    T_EQ("getsockopt SO_PROTOCOL", v, 0);
    getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &l);
    T_EQ("getsockopt SO_ERROR", v, 0);
    getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l);
    T_EQ("getsockopt SO_RCVBUF default", v, 212992);
    getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &l);
    T_EQ("getsockopt SO_SNDBUF default", v, 212992);
    v = 4096;
    T_OK("setsockopt SO_RCVBUF 4096", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), 0);
    getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l);
    T_EQ("getsockopt SO_RCVBUF reads back doubled", v, 8192);
    v = 1;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
    getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &l);
    T_EQ("getsockopt SO_RCVBUF minimum", v, 2304);
    v = 1;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
    getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &l);
    T_EQ("getsockopt SO_SNDBUF minimum", v, 4608);
    int flags[] = { SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST, SO_PASSCRED, SO_OOBINLINE, SO_DONTROUTE };
    const char *names[] = { "SO_REUSEADDR", "SO_KEEPALIVE", "SO_BROADCAST", "SO_PASSCRED", "SO_OOBINLINE", "SO_DONTROUTE" };
    for (int i = 0; i < 6; i++) {
        char n[80];
        v = 7;
        snprintf(n, sizeof n, "setsockopt %s on", names[i]);
        T_OK(n, setsockopt(s, SOL_SOCKET, flags[i], &v, sizeof v), 0);
        l = sizeof v;
        getsockopt(s, SOL_SOCKET, flags[i], &v, &l);
        snprintf(n, sizeof n, "getsockopt %s reads 1", names[i]);
        T_EQ(n, v, 1);
        v = 0;
        setsockopt(s, SOL_SOCKET, flags[i], &v, sizeof v);
        getsockopt(s, SOL_SOCKET, flags[i], &v, &l);
        snprintf(n, sizeof n, "getsockopt %s off reads 0", names[i]);
        T_EQ(n, v, 0);
    }
    v = 1;
    T_ERR("setsockopt SO_REUSEPORT on AF_UNIX", setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v), EOPNOTSUPP);
    struct linger lg = { 1, 5 }, lg2 = { 0, 0 };
    T_OK("setsockopt SO_LINGER", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    l = sizeof lg2;
    T_OK("getsockopt SO_LINGER", getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &l), 0);
    T_TRUE("getsockopt SO_LINGER reads back 1, 5", lg2.l_onoff == 1 && lg2.l_linger == 5 && l == sizeof lg2);
    T_ERR("setsockopt SO_LINGER 4 bytes", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, 4), EINVAL);
    struct timeval tv = { 1, 500000 }, tv2 = { 9, 9 };
    T_OK("setsockopt SO_RCVTIMEO", setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    l = sizeof tv2;
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv2, &l);
    T_TRUE("getsockopt SO_RCVTIMEO reads back 1.5 s", tv2.tv_sec == 1 && tv2.tv_usec == 500000 && l == sizeof tv2);
    tv.tv_usec = 1000000;
    T_ERR("setsockopt SO_SNDTIMEO tv_usec 1e6", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), EDOM);
    T_ERR("setsockopt SO_SNDTIMEO 8 bytes", setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, 8), EINVAL);
    tv.tv_sec = -1;
    tv.tv_usec = 0;
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv2, &l);
    T_TRUE("getsockopt SO_SNDTIMEO negative reads back 0", tv2.tv_sec == 0 && tv2.tv_usec == 0);
    v = 1;
    T_ERR("setsockopt SO_TYPE", setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof v), ENOPROTOOPT);
    T_ERR("setsockopt SO_ERROR", setsockopt(s, SOL_SOCKET, SO_ERROR, &v, sizeof v), ENOPROTOOPT);
    T_ERR("setsockopt unknown option", setsockopt(s, SOL_SOCKET, 9999, &v, sizeof v), ENOPROTOOPT);
    T_ERR("setsockopt 2-byte value", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, 2), EINVAL);
    T_ERR("setsockopt negative length", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, -1), EINVAL);
    T_ERR("setsockopt value at a kernel address", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, KADDR, 4), EFAULT);
    T_ERR("setsockopt IPPROTO_TCP on AF_UNIX", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v), EOPNOTSUPP);
    T_ERR("setsockopt a closed fd", setsockopt(99, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v), EBADF);
    T_ERR("setsockopt a pipe", setsockopt(pipefd[0], SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v), ENOTSOCK);
    short sh = -1;
    l = sizeof sh;
    T_OK("getsockopt SO_TYPE into 2 bytes", getsockopt(s, SOL_SOCKET, SO_TYPE, &sh, &l), 0);
    T_TRUE("getsockopt 2 bytes: truncated, length 2", sh == SOCK_STREAM && l == 2);
    l = (socklen_t)-1;
    T_ERR("getsockopt negative length", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &l), EINVAL);
    T_ERR("getsockopt length at a kernel address", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, KADDR), EFAULT);
    l = sizeof v;
    T_ERR("getsockopt value at a kernel address", getsockopt(s, SOL_SOCKET, SO_TYPE, KADDR, &l), EFAULT);
    T_ERR("getsockopt unknown option", getsockopt(s, SOL_SOCKET, 9999, &v, &l), ENOPROTOOPT);
    T_ERR("getsockopt IPPROTO_TCP on AF_UNIX", getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &l), EOPNOTSUPP);
    T_ERR("getsockopt a closed fd", getsockopt(99, SOL_SOCKET, SO_TYPE, &v, &l), EBADF);
    T_ERR("getsockopt a pipe", getsockopt(pipefd[0], SOL_SOCKET, SO_TYPE, &v, &l), ENOTSOCK);
    close(s);
}

static void t_more(void)
{
    int sv[2];
    char buf[64];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u64 = 7 }, got[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
    T_OK("epoll an idle socket: nothing", epoll_wait(ep, got, 2, 0), 0);
    send(sv[0], "e", 1, 0);
    T_OK("epoll a socket with data", epoll_wait(ep, got, 2, 0), 1);
    T_TRUE("epoll: EPOLLIN and the data", got[0].events == EPOLLIN && got[0].data.u64 == 7);
    shutdown(sv[0], SHUT_WR);
    epoll_wait(ep, got, 2, 0);
    T_EQ("epoll after the peer's SHUT_WR: EPOLLIN|EPOLLRDHUP", got[0].events, EPOLLIN | EPOLLRDHUP);
    close(ep);
    struct pollfd pf = { sv[1], POLLRDNORM | POLLWRNORM | POLLWRBAND, 0 };
    poll(&pf, 1, 0);
    T_EQ("poll POLLRDNORM|POLLWRNORM|POLLWRBAND are reported", pf.revents, POLLRDNORM | POLLWRNORM | POLLWRBAND);
    int d = dup(sv[1]);
    close(sv[1]);
    T_OK("recv through a dup after closing the first fd", recv(d, buf, sizeof buf, 0), 1);
    T_OK("shutdown SHUT_RDWR", shutdown(d, SHUT_RDWR), 0);
    pf.fd = d;
    pf.events = POLLIN | POLLOUT | POLLRDHUP;
    poll(&pf, 1, 0);
    T_EQ("poll after our own SHUT_RDWR: POLLIN|POLLOUT|POLLHUP|POLLRDHUP", pf.revents, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
    close(d);
    close(sv[0]);

    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    send(sv[0], "record", 6, 0);
    T_OK("recv MSG_TRUNC on seqpacket: the record's length", recv(sv[1], buf, 2, MSG_TRUNC), 6);
    union { struct cmsghdr h; char b[64]; } cu;
    memset(&cu, 0, sizeof cu);
    struct iovec one = { "x", 1 };
    struct msghdr mh = { .msg_iov = &one, .msg_iovlen = 1, .msg_control = &cu, .msg_controllen = sizeof(struct cmsghdr) };
    cu.h.cmsg_len = sizeof(struct cmsghdr);
    cu.h.cmsg_level = SOL_SOCKET;
    cu.h.cmsg_type = SCM_RIGHTS;
    T_OK("sendmsg SCM_RIGHTS with no descriptors", sendmsg(sv[0], &mh, 0), 1);
    cu.h.cmsg_len = 8;
    T_ERR("sendmsg cmsg_len shorter than the header", sendmsg(sv[0], &mh, 0), EINVAL);
    cu.h.cmsg_len = sizeof(struct cmsghdr);
    cu.h.cmsg_level = 99;
    cu.h.cmsg_type = 1234;
    T_OK("sendmsg a control message of another level is ignored", sendmsg(sv[0], &mh, 0), 1);
    mh.msg_controllen = 8;
    T_OK("sendmsg msg_controllen smaller than a header is ignored", sendmsg(sv[0], &mh, 0), 1);
    close(sv[0]);
    close(sv[1]);

    int s = socket(AF_UNIX, SOCK_DGRAM, 0), v = -1;
    socklen_t l = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_SNDLOWAT, &v, &l);
    T_EQ("getsockopt SO_SNDLOWAT", v, 1);
    getsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, &l);
    T_EQ("getsockopt SO_RCVLOWAT default", v, 1);
    v = 0;
    setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, sizeof v);
    getsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &v, &l);
    T_EQ("getsockopt SO_RCVLOWAT 0 reads 1", v, 1);
    v = 3;
    T_OK("setsockopt SO_PRIORITY 3", setsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, sizeof v), 0);
    getsockopt(s, SOL_SOCKET, SO_PRIORITY, &v, &l);
    T_EQ("getsockopt SO_PRIORITY", v, 3);
    /* a datagram socket that changes peers drops what the old one sent it */
    struct sockaddr_un p1, p2;
    socklen_t p1l = mkabstract(&p1, "p1"), p2l = mkabstract(&p2, "p2");
    int a = socket(AF_UNIX, SOCK_DGRAM, 0), b = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(a, (struct sockaddr *)&p1, p1l);
    bind(b, (struct sockaddr *)&p2, p2l);
    connect(s, (struct sockaddr *)&p1, p1l);
    struct sockaddr_un me;
    socklen_t mel = mkabstract(&me, "me");
    bind(s, (struct sockaddr *)&me, mel);
    T_OK("sendto a socket connected to us", sendto(a, "old", 3, 0, (struct sockaddr *)&me, mel), 3);
    T_OK("connect to another peer", connect(s, (struct sockaddr *)&p2, p2l), 0);
    T_ERR("recv after changing peers: the old peer's datagram is gone", recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    close(a);
    close(b);
    close(s);
    /* SO_PASSCRED binds a socket to an automatic name when it connects or sends (Linux's autobind) */
    int on = 1, ls = listener(SOCK_STREAM, "PL", 1), ps = socket(AF_UNIX, SOCK_STREAM, 0);
    setsockopt(ps, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    struct sockaddr_un pl, nm;
    socklen_t nml = sizeof nm;
    T_OK("connect with SO_PASSCRED", connect(ps, (struct sockaddr *)&pl, mkpath(&pl, "PL")), 0);
    getsockname(ps, (struct sockaddr *)&nm, &nml);
    T_EQ("connect with SO_PASSCRED autobinds: length 8", nml, 8);
    int ds = socket(AF_UNIX, SOCK_DGRAM, 0);
    setsockopt(ds, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    sendto(ds, "x", 1, 0, (struct sockaddr *)&p2, p2l);
    nml = sizeof nm;
    getsockname(ds, (struct sockaddr *)&nm, &nml);
    T_EQ("sendto with SO_PASSCRED autobinds: length 8", nml, 8);
    close(ds);
    close(ps);
    close(ls);
    unlink("PL");
}

int main(void)
{
    signal(SIGPIPE, on_sigpipe);
    tap_scratch("socket");
    pipe(pipefd);
    t_socket();
    t_socketpair();
    t_bind_names();
    t_connect_accept();
    t_stream_io();
    t_dgram();
    t_msg();
    t_sockopt();
    t_more();
    tap_finish_dir();
    return tap_done();
}
