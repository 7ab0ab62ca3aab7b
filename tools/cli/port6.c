/* tools/cli/port6.c — --port on IPv6 too. QEMU 7.2's user network forwards only from an IPv4 host address
 * (hostfwd refuses [::1] and [::]: docs/net.md), so for each --port on 127.0.0.1 (or 0.0.0.0) skiff itself
 * listens on [::1] (or [::]) at the same host port and relays every connection to the IPv4 forward: a client
 * that resolves localhost to ::1 first (curl, browsers, psql) reaches the guest's server either way. The guest
 * sees the connection come from QEMU's gateway, as for IPv4. A host without IPv6, or with the port taken on
 * ::1, keeps the IPv4 forward alone (said with --verbose). The threads block every signal (the main thread
 * takes them) and end with the process. */
#include "cli.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct fwd {
    int lfd;
    struct sockaddr_in to;
};

/* Both directions of one connection until either side ends; a half close passes on as a shutdown. */
static void *pump(void *arg)
{
    int *fds = arg, a = fds[0], b = fds[1];
    free(fds);
    bool open[2] = { true, true }; /* a->b, b->a */
    char buf[16384];
    while (open[0] || open[1]) {
        struct pollfd p[2] = { { .fd = open[0] ? a : -1, .events = POLLIN }, { .fd = open[1] ? b : -1, .events = POLLIN } };
        if (poll(p, 2, -1) < 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (!open[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int from = i ? b : a, to = i ? a : b;
            ssize_t n = read(from, buf, sizeof buf);
            if (n <= 0) {
                shutdown(to, SHUT_WR);
                open[i] = false;
                continue;
            }
            for (ssize_t off = 0; off < n;) {
                ssize_t w = send(to, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
                if (w <= 0) {
                    open[0] = open[1] = false;
                    break;
                }
                off += w;
            }
        }
    }
    close(a);
    close(b);
    return NULL;
}

static void *accept_loop(void *arg)
{
    struct fwd *f = arg;
    for (;;) {
        int c = accept(f->lfd, NULL, NULL);
        if (c < 0)
            continue;
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int *fds = malloc(2 * sizeof(int));
        pthread_t t;
        if (s < 0 || !fds || connect(s, (struct sockaddr *)&f->to, sizeof f->to) < 0) {
            close(c); /* the IPv4 forward refused it: so does this one */
            if (s >= 0)
                close(s);
            free(fds);
            continue;
        }
        fds[0] = c;
        fds[1] = s;
        if (pthread_create(&t, NULL, pump, fds) == 0)
            pthread_detach(t);
        else {
            close(c);
            close(s);
            free(fds);
        }
    }
    return NULL;
}

static void start_one(const struct port6 *p, bool verbose)
{
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(p->host_port) };
    a.sin6_addr = p->any ? in6addr_any : in6addr_loopback;
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    struct fwd *f = malloc(sizeof *f);
    pthread_t t;
    if (fd >= 0) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one); /* the IPv4 side is QEMU's */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    if (fd < 0 || !f || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0) {
        if (verbose)
            cli_msg("--port %d: no IPv6 forward (%s): IPv4 only", p->host_port, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(f);
        return;
    }
    f->lfd = fd;
    f->to = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(p->host_port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (pthread_create(&t, NULL, accept_loop, f) == 0)
        pthread_detach(t);
}

/* Called with every signal the main thread takes blocked (the new threads keep that mask). */
void port6_start(struct run *r)
{
    for (int i = 0; i < r->nport6; i++)
        start_one(&r->port6[i], r->verbose);
}
