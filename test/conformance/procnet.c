/* test/conformance/procnet.c — /proc/net/tcp, tcp6, udp and unix as proc(5) describes them (what netstat,
 * lsof and psutil read): a listening socket's line (local address in host-order hex, port, state 0A, the
 * socket's inode as fstat gives it), both ends of a connection (state 01, addresses swapped), an IPv6 listener
 * on ::, a bound UDP socket (state 07), a listening Unix socket (flags 00010000, type 0001, its path); and the
 * headers. The host's other sockets are told apart by inode. */
/* covers: socket bind listen connect accept */
#include "tap.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static char text[1 << 22]; /* a busy host (other tests' TIME-WAIT connections) has long tables */


static unsigned long ino_of(int fd)
{
    struct stat st;
    return fstat(fd, &st) ? 0 : (unsigned long)st.st_ino;
}

/* The line of path whose inode column (tcp/udp: the 10th field; unix: the 7th) is ino, into line. */
static int find(const char *path, unsigned long ino, int col, char *line, size_t size)
{
    if (tap_read_all(path, text, sizeof text) < 0)
        return 0;
    for (char *l = strchr(text, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        char *s = l + 1, *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char copy[512];
        snprintf(copy, sizeof copy, "%.*s", (int)len, s);
        char *save, *tok = strtok_r(copy, " ", &save);
        for (int i = 1; tok && i < col; i++)
            tok = strtok_r(NULL, " ", &save);
        if (tok && strtoul(tok, NULL, 10) == ino) {
            snprintf(line, size, "%.*s", (int)len, s);
            return 1;
        }
    }
    return 0;
}

/* Field i (1-based, blank-separated) of line, into out. */
static const char *fld(const char *line, int i, char *out, size_t size)
{
    char copy[512], *save;
    snprintf(copy, sizeof copy, "%s", line);
    char *tok = strtok_r(copy, " ", &save);
    while (tok && --i > 0)
        tok = strtok_r(NULL, " ", &save);
    snprintf(out, size, "%s", tok ? tok : "");
    return out;
}

static void test_tcp(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof a;
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 4);
    getsockname(l, (struct sockaddr *)&a, &alen);
    char want[32], line[512], f[128];
    snprintf(want, sizeof want, "0100007F:%04X", ntohs(a.sin_port));
    int ok = find("/proc/net/tcp", ino_of(l), 10, line, sizeof line);
    T_TRUE("/proc/net/tcp: a listener's line, found by its inode", ok);
    T_TRUE("/proc/net/tcp: the listener's local address", ok && !strcmp(fld(line, 2, f, sizeof f), want));
    T_TRUE("/proc/net/tcp: the listener's remote address", ok && !strcmp(fld(line, 3, f, sizeof f), "00000000:0000"));
    T_TRUE("/proc/net/tcp: state 0A (LISTEN)", ok && !strcmp(fld(line, 4, f, sizeof f), "0A"));
    T_TRUE("/proc/net/tcp: uid 0", ok && !strcmp(fld(line, 8, f, sizeof f), "0"));
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, (struct sockaddr *)&a, sizeof a);
    int s = accept(l, NULL, NULL);
    struct sockaddr_in ca;
    socklen_t clen = sizeof ca;
    getsockname(c, (struct sockaddr *)&ca, &clen);
    char cwant[32];
    snprintf(cwant, sizeof cwant, "0100007F:%04X", ntohs(ca.sin_port));
    ok = find("/proc/net/tcp", ino_of(c), 10, line, sizeof line);
    T_TRUE("/proc/net/tcp: the connecting end, state 01", ok && !strcmp(fld(line, 4, f, sizeof f), "01"));
    T_TRUE("/proc/net/tcp: the connecting end's addresses",
           ok && !strcmp(fld(line, 2, f, sizeof f), cwant) && !strcmp(fld(line, 3, f, sizeof f), want));
    ok = find("/proc/net/tcp", ino_of(s), 10, line, sizeof line);
    T_TRUE("/proc/net/tcp: the accepted end's addresses, swapped",
           ok && !strcmp(fld(line, 2, f, sizeof f), want) && !strcmp(fld(line, 3, f, sizeof f), cwant));
    close(c), close(s), close(l);
    T_TRUE("/proc/net/tcp: the header", tap_read_file("/proc/net/tcp", text, sizeof text) > 0 &&
                                            !strncmp(text, "  sl  local_address rem_address   st tx_queue", 45));
}

static void test_tcp6_udp(void)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
    socklen_t alen = sizeof a6;
    bind(l, (struct sockaddr *)&a6, sizeof a6);
    listen(l, 1);
    getsockname(l, (struct sockaddr *)&a6, &alen);
    char want[64], line[512], f[128];
    snprintf(want, sizeof want, "00000000000000000000000000000000:%04X", ntohs(a6.sin6_port));
    int ok = find("/proc/net/tcp6", ino_of(l), 10, line, sizeof line);
    T_TRUE("/proc/net/tcp6: a listener on :: with its port", ok && !strcmp(fld(line, 2, f, sizeof f), want));
    T_TRUE("/proc/net/tcp6: state 0A", ok && !strcmp(fld(line, 4, f, sizeof f), "0A"));
    close(l);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    alen = sizeof a;
    bind(u, (struct sockaddr *)&a, sizeof a);
    getsockname(u, (struct sockaddr *)&a, &alen);
    snprintf(want, sizeof want, "00000000:%04X", ntohs(a.sin_port));
    ok = find("/proc/net/udp", ino_of(u), 10, line, sizeof line);
    T_TRUE("/proc/net/udp: a bound socket's local address", ok && !strcmp(fld(line, 2, f, sizeof f), want));
    T_TRUE("/proc/net/udp: state 07 while unconnected", ok && !strcmp(fld(line, 4, f, sizeof f), "07"));
    close(u);
}

static void test_unix(void)
{
    tap_scratch("procnet");
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    snprintf(un.sun_path, sizeof un.sun_path, "%s/s", tap_dir);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&un, sizeof un);
    listen(l, 1);
    char line[512], f[256];
    int ok = find("/proc/net/unix", ino_of(l), 7, line, sizeof line);
    T_TRUE("/proc/net/unix: a listening socket's line", ok);
    T_TRUE("/proc/net/unix: flags __SO_ACCEPTCON", ok && !strcmp(fld(line, 4, f, sizeof f), "00010000"));
    T_TRUE("/proc/net/unix: type 0001 (stream)", ok && !strcmp(fld(line, 5, f, sizeof f), "0001"));
    T_TRUE("/proc/net/unix: state 01", ok && !strcmp(fld(line, 6, f, sizeof f), "01"));
    T_TRUE("/proc/net/unix: its path", ok && !strcmp(fld(line, 8, f, sizeof f), un.sun_path));
    close(l);
    unlink(un.sun_path);
    tap_finish_dir();
}

int main(void)
{
    test_tcp();
    test_tcp6_udp();
    test_unix();
    return tap_done();
}
