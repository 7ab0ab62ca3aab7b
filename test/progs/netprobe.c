/*
 * netprobe: the network test suite's guest program (test/net/run.sh). One mode per argument:
 *   netprobe addr                 the address DHCP gave (getsockname after a UDP connect, which sends nothing)
 *   netprobe reach tcp|udp HOST PORT  one TCP connect (5 s at most) or one datagram sent to HOST:PORT; prints
 *                                 "reach HOST:PORT: connected" / "sent" or the error's text (the sandbox's test)
 *   netprobe udp HOST PORT MSG    sends MSG in a datagram to HOST:PORT, prints the reply (5 s at most)
 *   netprobe refused HOST PORT    a connected UDP socket sends to HOST:PORT (a closed port) and receives: prints
 *                                 "refused HOST:PORT: " and the error (an ICMP port unreachable: ECONNREFUSED)
 *                                 (reach, udp and refused take an IPv6 HOST too: fec0::2)
 *   netprobe v6errors             bind, connect and sendto of link-scope, multicast and foreign IPv6 addresses
 *                                 with and without sin6_scope_id: one line each, "ok" or the errno's name
 *                                 (on a Linux host with IPv6 on an interface, the same lines as in the guest)
 *   netprobe urg HOST PORT        TCP urgent data with a server on HOST:PORT (IPv4 or IPv6): sends "abc" with
 *                                 MSG_OOB (c urgent), then reads the server's answer, "xyz" with z urgent, up to
 *                                 the mark ("urg read: xy") and the urgent byte ("urg oob: z")
 *   netprobe loop-udp             a datagram to itself over 127.0.0.1
 *   netprobe loop-tcp BYTES       a TCP connection to itself over 127.0.0.1 (non-blocking connect, accept,
 *                                 BYTES each way, checked), then ECONNREFUSED from a closed port
 *   netprobe garbage              odd datagrams the kernel must survive (empty, maximal, oversized,
 *                                 to a closed port), then a check that the stack still answers
 * Prints one line per check ("ok ..." or "FAIL ...") and exits 0 only if all passed. Runs on Linux too.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;

static void check(int cond, const char *what)
{
    if (cond) {
        printf("ok %s\n", what);
    } else {
        printf("FAIL %s (errno %d: %s)\n", what, errno, strerror(errno));
        failures++;
    }
    fflush(stdout);
}

static struct sockaddr_in sin_of(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

/* HOST (IPv4 or IPv6, numeric) and PORT as a sockaddr; its length. */
static socklen_t addr_of(const char *ip, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(port);
        return sizeof(*a6);
    }
    struct sockaddr_in a = sin_of(ip, port);
    memcpy(ss, &a, sizeof(a));
    return sizeof(a);
}

static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t n)
{
    if (ss->ss_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, (socklen_t)n);
    return inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)n);
}

static int wait_fd(int fd, short ev, int ms)
{
    struct pollfd p = { fd, ev, 0 };
    return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

static int mode_addr(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in gw = sin_of("192.0.2.1", 9), me; /* TEST-NET-1: routed, never used */
    socklen_t len = sizeof(me);
    if (fd < 0 || connect(fd, (struct sockaddr *)&gw, sizeof(gw)) || getsockname(fd, (struct sockaddr *)&me, &len)) {
        perror("netprobe addr");
        return 1;
    }
    char buf[INET_ADDRSTRLEN];
    printf("addr %s\n", inet_ntop(AF_INET, &me.sin_addr, buf, sizeof(buf)));
    return 0;
}

static int mode_udp(const char *host, int port, const char *msg)
{
    struct sockaddr_storage to, from;
    socklen_t tolen = addr_of(host, port, &to), len = sizeof(from);
    int fd = socket(to.ss_family, SOCK_DGRAM, 0);
    char buf[2048], text[64];
    /* UDP is lossy and the host's echo server may still be starting: the datagram goes again each second */
    int tries = 0;
    do {
        if (fd < 0 || sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&to, tolen) != (ssize_t)strlen(msg)) {
            perror("netprobe udp: sendto");
            return 1;
        }
    } while (!(wait_fd(fd, POLLIN, 1000) & POLLIN) && ++tries < 8);
    if (tries == 8) {
        fprintf(stderr, "netprobe udp: no reply to 8 datagrams, 1 s apart\n");
        return 1;
    }
    ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);
    if (n < 0) {
        perror("netprobe udp: recvfrom");
        return 1;
    }
    buf[n] = 0;
    printf("reply from %s:%d: %s\n", addr_text(&from, text, sizeof(text)),
           ntohs(((struct sockaddr_in *)&from)->sin_port), buf); /* sin_port and sin6_port lie alike */
    return 0;
}

static int mode_loop_udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in lo = sin_of("127.0.0.1", 0), got, from;
    socklen_t len = sizeof(got);
    check(a >= 0 && b >= 0, "two UDP sockets");
    check(bind(a, (struct sockaddr *)&lo, sizeof(lo)) == 0, "bind 127.0.0.1:0");
    check(getsockname(a, (struct sockaddr *)&got, &len) == 0 && ntohs(got.sin_port) >= 1024, "an ephemeral port");
    check(sendto(b, "ping", 4, 0, (struct sockaddr *)&got, sizeof(got)) == 4, "sendto ourselves");
    check(wait_fd(a, POLLIN, 2000) & POLLIN, "the datagram arrives (poll)");
    char buf[16] = { 0 };
    len = sizeof(from);
    check(recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) == 4 && !memcmp(buf, "ping", 4),
          "recvfrom gets it");
    check(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "from 127.0.0.1");
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    check(bind(c, (struct sockaddr *)&got, sizeof(got)) == -1 && errno == EADDRINUSE, "a second bind: EADDRINUSE");
    check(bind(b, (struct sockaddr *)&lo, sizeof(lo)) == -1 && errno == EINVAL, "bind of a bound socket: EINVAL");
    struct sockaddr_in foreign = sin_of("192.0.2.1", 0);
    check(bind(c, (struct sockaddr *)&foreign, sizeof(foreign)) == -1 && errno == EADDRNOTAVAIL,
          "bind to a foreign address: EADDRNOTAVAIL");
    check(bind(c, (struct sockaddr *)&lo, 4) == -1 && errno == EINVAL, "bind with a short length: EINVAL");
    check(recv(c, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN, "recv on an empty socket: EAGAIN");
    close(a);
    close(b);
    close(c);
    return failures != 0;
}

static void fill(char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)((i * 7 + seed) % 251);
}

static int mode_loop_tcp(size_t bytes)
{
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in lo = sin_of("127.0.0.1", 0), got;
    socklen_t len = sizeof(got);
    check(l >= 0, "a TCP socket");
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    check(bind(l, (struct sockaddr *)&lo, sizeof(lo)) == 0 && listen(l, 4) == 0, "bind and listen on 127.0.0.1");
    check(getsockname(l, (struct sockaddr *)&got, &len) == 0, "getsockname of the listener");
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    check(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0, "TCP_NODELAY accepted");
    int r = connect(c, (struct sockaddr *)&got, sizeof(got));
    check(r == 0 || errno == EINPROGRESS, "non-blocking connect: 0 or EINPROGRESS");
    check(wait_fd(c, POLLOUT, 5000) & POLLOUT, "the connection completes (POLLOUT)");
    int err = -1;
    len = sizeof(err);
    check(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR is 0");
    int s = accept(l, NULL, NULL);
    check(s >= 0, "accept");
    fcntl(c, F_SETFL, 0);
    char *out = malloc(bytes), *in = malloc(bytes);
    fill(out, bytes, 3);
    /* Each side writes and reads in turn so that neither blocks with a full window. */
    size_t sent = 0, got_n = 0;
    while (got_n < bytes) {
        if (sent < bytes) {
            ssize_t w = write(c, out + sent, bytes - sent < 16384 ? bytes - sent : 16384);
            if (w <= 0)
                break;
            sent += (size_t)w;
        }
        if (!(wait_fd(s, POLLIN, 5000) & POLLIN))
            break;
        ssize_t n = read(s, in + got_n, bytes - got_n);
        if (n <= 0)
            break;
        got_n += (size_t)n;
    }
    check(got_n == bytes && !memcmp(in, out, bytes), "bytes client -> server intact");
    check(write(s, "bye", 3) == 3, "server writes");
    char b3[4] = { 0 };
    check(read(c, b3, 3) == 3 && !memcmp(b3, "bye", 3), "client reads");
    close(s);
    check(read(c, b3, 3) == 0, "end of stream after the server closes");
    close(c);
    /* A blocking connect, the names of both ends, and a half close. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    check(connect(c, (struct sockaddr *)&got, sizeof(got)) == 0, "blocking connect");
    check(connect(c, (struct sockaddr *)&got, sizeof(got)) == -1 && errno == EISCONN, "connect again: EISCONN");
    s = accept(l, NULL, NULL);
    struct sockaddr_in peer, mine;
    socklen_t pl = sizeof(peer), ml = sizeof(mine);
    check(s >= 0 && getpeername(s, (struct sockaddr *)&peer, &pl) == 0 && getsockname(c, (struct sockaddr *)&mine, &ml) == 0 &&
              peer.sin_port == mine.sin_port && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
          "the server's peer is the client's name (127.0.0.1)");
    check(shutdown(c, SHUT_WR) == 0 && read(s, b3, 3) == 0, "shutdown(SHUT_WR): the server reads the end");
    check(write(s, "ok", 2) == 2 && read(c, b3, 2) == 2, "the other direction still works");
    close(s);
    close(c);
    close(l);
    /* A closed port answers with RST: the connection is refused. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    r = connect(c, (struct sockaddr *)&got, sizeof(got));
    check(r == -1 && errno == ECONNREFUSED, "connect to a closed port: ECONNREFUSED");
    close(c);
    free(out);
    free(in);
    return failures != 0;
}

static int mode_garbage(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in lo = sin_of("127.0.0.1", 0), got;
    socklen_t len = sizeof(got);
    bind(a, (struct sockaddr *)&lo, sizeof(lo));
    getsockname(a, (struct sockaddr *)&got, &len);
    static char big[70000];
    check(sendto(b, big, 0, 0, (struct sockaddr *)&got, sizeof(got)) == 0, "an empty datagram");
    ssize_t r = sendto(b, big, 65508, 0, (struct sockaddr *)&got, sizeof(got));
    check(r == -1 && errno == EMSGSIZE, "a datagram beyond 65507 bytes: EMSGSIZE");
    for (int i = 0; i < 2000; i++) /* more than the receive queue holds: the rest is dropped */
        sendto(b, big, 1000, 0, (struct sockaddr *)&got, sizeof(got));
    struct sockaddr_in closed = sin_of("127.0.0.1", 9);
    check(sendto(b, "x", 1, 0, (struct sockaddr *)&closed, sizeof(closed)) == 1, "a datagram to a closed port");
    struct sockaddr_in bad = got;
    bad.sin_family = AF_INET6;
    check(sendto(b, "x", 1, 0, (struct sockaddr *)&bad, sizeof(bad)) == -1 && errno == EAFNOSUPPORT,
          "sendto with a wrong family: EAFNOSUPPORT");
    usleep(100000);
    char buf[1100];
    int n = 0;
    while (recv(a, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
        n++;
    check(n > 1 && n < 2001, "some of the flood arrived, not all");
    check(sendto(b, "again", 5, 0, (struct sockaddr *)&got, sizeof(got)) == 5 && (wait_fd(a, POLLIN, 2000) & POLLIN),
          "the stack still delivers afterwards");
    return failures != 0;
}

static int mode_reach(const char *proto, const char *host, int port)
{
    int udp = !strcmp(proto, "udp");
    struct sockaddr_storage to;
    socklen_t tolen = addr_of(host, port, &to);
    int fd = socket(to.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r, err = 0;
    if (fd < 0) {
        perror("netprobe reach: socket");
        return 1;
    }
    if (udp) {
        r = (int)sendto(fd, "x", 1, 0, (struct sockaddr *)&to, tolen);
        err = r < 0 ? errno : 0;
    } else if (connect(fd, (struct sockaddr *)&to, tolen) < 0) {
        err = errno;
        if (err == EINPROGRESS) {
            socklen_t len = sizeof(err);
            err = wait_fd(fd, POLLOUT, 5000) ? 0 : ETIMEDOUT;
            if (!err)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        }
    }
    printf("reach %s:%d: %s\n", host, port, err ? strerror(err) : udp ? "sent" : "connected");
    return 0;
}

static int mode_refused(const char *host, int port)
{
    struct sockaddr_storage to;
    socklen_t tolen = addr_of(host, port, &to);
    int fd = socket(to.ss_family, SOCK_DGRAM, 0);
    char buf[16];
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, tolen) || send(fd, "x", 1, 0) != 1) {
        perror("netprobe refused");
        return 1;
    }
    wait_fd(fd, POLLIN, 5000); /* POLLERR when the error comes */
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    printf("refused %s:%d: %s\n", host, port, n >= 0 ? "a reply" : strerror(errno));
    return 0;
}

static int mode_urg(const char *host, int port)
{
    struct sockaddr_storage to;
    socklen_t tolen = addr_of(host, port, &to);
    int fd = socket(to.ss_family, SOCK_STREAM, 0), mark = 0;
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, tolen)) {
        perror("netprobe urg: connect");
        return 1;
    }
    check(send(fd, "abc", 3, MSG_OOB) == 3, "send \"abc\" with MSG_OOB");
    check(wait_fd(fd, POLLPRI, 10000) & POLLPRI, "POLLPRI: the server's urgent byte came");
    char buf[16] = { 0 }, c = 0;
    size_t got = 0;
    while (got < 8 && !ioctl(fd, SIOCATMARK, &mark) && !mark) {
        ssize_t n = recv(fd, buf + got, 8 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    printf("urg read: %s\n", buf);
    check(recv(fd, &c, 1, MSG_OOB) == 1, "recv MSG_OOB");
    printf("urg oob: %c\n", c);
    close(fd);
    return failures != 0;
}

/* One IPv6 socket call on a fresh socket: "what ok" or "what ENAME". */
static void v6_try(const char *what, int type, char op, const char *ip, unsigned scope)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(op == 'b' ? 0 : 9),
                              .sin6_scope_id = scope };
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    int fd = socket(AF_INET6, type, 0), r;
    if (op == 'b')
        r = bind(fd, (struct sockaddr *)&a, sizeof(a));
    else if (op == 'c')
        r = connect(fd, (struct sockaddr *)&a, sizeof(a));
    else
        r = sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1 ? 0 : -1;
    const char *name = errno == EINVAL ? "EINVAL" : errno == ENODEV ? "ENODEV" : errno == EADDRNOTAVAIL ?
                       "EADDRNOTAVAIL" : errno == ENETUNREACH ? "ENETUNREACH" : strerror(errno);
    printf("%s %s\n", what, r == 0 ? "ok" : name);
    close(fd);
}

static int mode_v6errors(void)
{
    v6_try("bind fe80::2%99", SOCK_DGRAM, 'b', "fe80::2", 99);
    v6_try("bind fe80::2 (no scope)", SOCK_DGRAM, 'b', "fe80::2", 0);
    v6_try("bind fe80::2%lo", SOCK_DGRAM, 'b', "fe80::2", 1);
    v6_try("bind 2001:db8::5", SOCK_DGRAM, 'b', "2001:db8::5", 0);
    v6_try("bind ff02::1 (no scope)", SOCK_DGRAM, 'b', "ff02::1", 0);
    v6_try("tcp connect fe80::2%99", SOCK_STREAM, 'c', "fe80::2", 99);
    v6_try("udp connect fe80::2%99", SOCK_DGRAM, 'c', "fe80::2", 99);
    v6_try("udp sendto fe80::2%99", SOCK_DGRAM, 's', "fe80::2", 99);
    v6_try("tcp connect ff02::1", SOCK_STREAM, 'c', "ff02::1", 0);
    v6_try("udp connect ff02::1 (no scope)", SOCK_DGRAM, 'c', "ff02::1", 0);
    v6_try("tcp connect fe80::2 (no scope)", SOCK_STREAM, 'c', "fe80::2", 0);
    v6_try("udp connect fe80::2 (no scope)", SOCK_DGRAM, 'c', "fe80::2", 0);
    v6_try("udp sendto fe80::2 (no scope)", SOCK_DGRAM, 's', "fe80::2", 0);
    v6_try("udp sendto ff02::1 (no scope)", SOCK_DGRAM, 's', "ff02::1", 0);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && !strcmp(argv[1], "addr"))
        return mode_addr();
    if (argc >= 5 && !strcmp(argv[1], "udp"))
        return mode_udp(argv[2], atoi(argv[3]), argv[4]);
    if (argc >= 2 && !strcmp(argv[1], "v6errors"))
        return mode_v6errors();
    if (argc >= 4 && !strcmp(argv[1], "refused"))
        return mode_refused(argv[2], atoi(argv[3]));
    if (argc >= 5 && !strcmp(argv[1], "reach"))
        return mode_reach(argv[2], argv[3], atoi(argv[4]));
    if (argc >= 4 && !strcmp(argv[1], "urg"))
        return mode_urg(argv[2], atoi(argv[3]));
    if (argc >= 2 && !strcmp(argv[1], "loop-udp"))
        return mode_loop_udp();
    if (argc >= 3 && !strcmp(argv[1], "loop-tcp"))
        return mode_loop_tcp((size_t)atol(argv[2]));
    if (argc >= 2 && !strcmp(argv[1], "garbage"))
        return mode_garbage();
    fprintf(stderr, "usage: netprobe addr | udp HOST PORT MSG | reach tcp|udp HOST PORT | loop-udp | loop-tcp BYTES | garbage\n");
    return 2;
}
