/* test/progs/twmem.c — what a connection in TIME-WAIT costs (issue 15).
 *
 *   twmem N
 *
 * Makes N TCP connections over 127.0.0.1 and ends each the way a client that closes first does: the client
 * shuts down its side, the server reads the end and closes, the client reads the server's FIN. Every client
 * socket is then in TIME-WAIT (and stays open here, so nothing is freed by close). A connection in TIME-WAIT
 * has nothing left to send or receive: Linux keeps a small timewait record, no buffers. Prints the MemFree
 * drop of /proc/meminfo and fails (status 1) when it exceeds 16 KiB per connection: a server that closes
 * thousands of short connections a second must not hold a send and a receive buffer for each for 2*MSL.
 * Counts memory, never time. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static long memfree_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static int fail(const char *what)
{
    perror(what);
    return 2;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100;
    if (n < 1 || n > 900) {
        fprintf(stderr, "usage: twmem N (1..900)\n");
        return 2;
    }
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof a;
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 16) ||
        getsockname(l, (struct sockaddr *)&a, &alen))
        return fail("listener");
    int *cl = calloc((size_t)n, sizeof *cl);
    char buf[64];
    /* one connection first, so that what a first use allocates once is not counted */
    for (int round = 0; round < 2; round++) {
        long before = memfree_kb();
        int count = round ? n : 1;
        for (int i = 0; i < count; i++) {
            int c = socket(AF_INET, SOCK_STREAM, 0);
            if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a))
                return fail("connect");
            int s = accept(l, NULL, NULL);
            if (s < 0)
                return fail("accept");
            if (write(c, "x", 1) != 1 || read(s, buf, sizeof buf) != 1)
                return fail("a byte");
            if (shutdown(c, SHUT_WR))
                return fail("shutdown");
            if (read(s, buf, sizeof buf) != 0)
                return fail("the server's read of the end");
            close(s);
            if (read(c, buf, sizeof buf) != 0)
                return fail("the client's read of the end");
            if (round)
                cl[i] = c;
            else
                close(c);
        }
        long after = memfree_kb();
        if (before < 0 || after < 0)
            return fail("/proc/meminfo");
        if (!round)
            continue;
        long per = (before - after) * 1024 / n;
        printf("twmem: %d connections in TIME-WAIT: MemFree %ld -> %ld kB, %ld bytes each\n", n, before, after, per);
        if (per > 16 * 1024) {
            printf("twmem: FAIL: more than 16 KiB per connection in TIME-WAIT\n");
            return 1;
        }
    }
    for (int i = 0; i < n; i++)
        close(cl[i]);
    printf("twmem: ok\n");
    return 0;
}
