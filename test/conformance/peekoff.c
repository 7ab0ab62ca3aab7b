/* test/conformance/peekoff.c — SO_PEEK_OFF (socket(7)): off (-1) by default, any value reads back; with it set
 * MSG_PEEK starts that many bytes in and moves it on by what it copied, and a read moves it back by what it
 * took. A stream (AF_UNIX, TCP) peeks across what it already peeked; a datagram socket (AF_UNIX, UDP) passes
 * over whole datagrams before the offset and starts inside the one it reaches. Nothing past the offset: EAGAIN. */
/* covers: setsockopt getsockopt recv */
#include "tap.h"
#include "tap_inet.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static int off_of(int fd)
{
    int v = -7;
    socklen_t l = sizeof v;
    return getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &v, &l) ? -100 : v;
}

static void set_off(int fd, int v) { setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &v, sizeof v); }

static void wait_in(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    poll(&p, 1, 5000);
}

/* A receive into buf (NUL-terminated): the count, and buf holds the bytes. */
static long rcv(int fd, char *buf, size_t n, int flags)
{
    long r = recv(fd, buf, n, flags | MSG_DONTWAIT);
    buf[r > 0 ? r : 0] = 0;
    return r;
}

static void t_stream(const char *what, int r, int w)
{
    char b[16], name[128];
    set_off(r, 2);
    if (write(w, "abcdef", 6) != 6)
        return;
    wait_in(r);
    long n = rcv(r, b, 2, MSG_PEEK);
    snprintf(name, sizeof name, "recv %s MSG_PEEK at SO_PEEK_OFF 2: bytes 2 and 3", what);
    T_TRUE(name, n == 2 && !strcmp(b, "cd"));
    snprintf(name, sizeof name, "getsockopt SO_PEEK_OFF %s: a peek of 2 moves it to 4", what);
    T_EQ(name, off_of(r), 4);
    n = rcv(r, b, 3, 0);
    snprintf(name, sizeof name, "recv %s with SO_PEEK_OFF set: a read starts at the front", what);
    T_TRUE(name, n == 3 && !strcmp(b, "abc"));
    snprintf(name, sizeof name, "getsockopt SO_PEEK_OFF %s: a read of 3 moves it back to 1", what);
    T_EQ(name, off_of(r), 1);
    n = rcv(r, b, 10, MSG_PEEK);
    snprintf(name, sizeof name, "recv %s MSG_PEEK at 1: the rest after it", what);
    T_TRUE(name, n == 2 && !strcmp(b, "ef") && off_of(r) == 3);
    snprintf(name, sizeof name, "recv %s MSG_PEEK past the data -> EAGAIN", what);
    T_ERR(name, rcv(r, b, 10, MSG_PEEK), EAGAIN);
    n = rcv(r, b, 10, 0);
    snprintf(name, sizeof name, "recv %s: a read of 3 takes the offset to 0, not below", what);
    T_TRUE(name, n == 3 && !strcmp(b, "def") && off_of(r) == 0);
}

/* Loopback UDP arrives a little later: a datagram w sends to another socket after the others, once it is
 * there, says they are all there (loopback keeps the order). */
static void settle(int w)
{
    struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    socklen_t l = sizeof a;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (!bind(s, (struct sockaddr *)&a, sizeof a) && !getsockname(s, (struct sockaddr *)&a, &l) &&
        sendto(w, "s", 1, 0, (struct sockaddr *)&a, sizeof a) == 1)
        wait_in(s);
    close(s);
}

static void t_dgram(const char *what, int r, int w, int udp)
{
    char b[16], name[128];
    set_off(r, 1);
    if (write(w, "abc", 3) != 3 || write(w, "", 0) != 0 || write(w, "defg", 4) != 4)
        return;
    wait_in(r);
    if (udp)
        settle(w);
    long n = rcv(r, b, 10, MSG_PEEK);
    snprintf(name, sizeof name, "recv %s MSG_PEEK at SO_PEEK_OFF 1: inside the first datagram", what);
    T_TRUE(name, n == 2 && !strcmp(b, "bc") && off_of(r) == 3);
    n = rcv(r, b, 10, MSG_PEEK);
    snprintf(name, sizeof name, "recv %s MSG_PEEK at 3: the empty datagram after the first", what);
    T_TRUE(name, n == 0 && off_of(r) == 3);
    n = rcv(r, b, 10, MSG_PEEK);
    snprintf(name, sizeof name, "recv %s MSG_PEEK at 3 again: a peeked empty datagram is passed over", what);
    T_TRUE(name, n == 4 && !strcmp(b, "defg") && off_of(r) == 7);
    snprintf(name, sizeof name, "recv %s MSG_PEEK past every datagram -> EAGAIN", what);
    T_ERR(name, rcv(r, b, 10, MSG_PEEK), EAGAIN);
    n = rcv(r, b, 2, 0);
    snprintf(name, sizeof name, "recv %s: a read takes the first datagram whole, the offset back by its length (UDP: by what was copied)", what);
    T_TRUE(name, n == 2 && !strcmp(b, "ab") && off_of(r) == (udp ? 5 : 4));
}

static void t_option(void)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    T_EQ("getsockopt SO_PEEK_OFF default -1", off_of(s), -1);
    int v = -5;
    T_OK("setsockopt SO_PEEK_OFF -5", setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &v, sizeof v), 0);
    T_EQ("getsockopt SO_PEEK_OFF reads back -5", off_of(s), -5);
    T_ERR("setsockopt SO_PEEK_OFF 2-byte value", setsockopt(s, SOL_SOCKET, SO_PEEK_OFF, &v, 2), EINVAL);
    close(s);
}

int main(void)
{
    t_option();
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    t_stream("AF_UNIX SOCK_STREAM", sv[0], sv[1]);
    close(sv[0]);
    close(sv[1]);
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    t_dgram("AF_UNIX SOCK_DGRAM", sv[0], sv[1], 0);
    close(sv[0]);
    close(sv[1]);
    int u, v, acc, c;
    tap_udp_pair(&u, &v);
    t_dgram("UDP", u, v, 1);
    close(u);
    close(v);
    tap_tcp_pair(&acc, &c);
    t_stream("TCP", acc, c);
    close(acc);
    close(c);
    return tap_done();
}
