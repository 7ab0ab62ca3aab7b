/* test/conformance/tap_inet.h — connected pairs of IPv4 loopback sockets for the programs that check what every
 * socket kind does with one option: a UDP pair (v connected to u's port) and a TCP pair (accepted, connecting).
 * Setup only: a program checks its own results. */
#ifndef SKIFF_TAP_INET_H
#define SKIFF_TAP_INET_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* u bound to an ephemeral loopback port, v connected to it. */
static __attribute__((unused)) void tap_udp_pair(int *u, int *v)
{
    struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    socklen_t l = sizeof a;
    *u = socket(AF_INET, SOCK_DGRAM, 0);
    *v = socket(AF_INET, SOCK_DGRAM, 0);
    bind(*u, (struct sockaddr *)&a, sizeof a);
    getsockname(*u, (struct sockaddr *)&a, &l);
    connect(*v, (struct sockaddr *)&a, sizeof a);
}

/* A TCP connection over loopback: *acc the accepted end, *c the connecting one (the listener is closed). */
static __attribute__((unused)) void tap_tcp_pair(int *acc, int *c)
{
    struct sockaddr_in a = { AF_INET, 0, { htonl(INADDR_LOOPBACK) }, { 0 } };
    socklen_t l = sizeof a;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    *c = socket(AF_INET, SOCK_STREAM, 0);
    bind(ls, (struct sockaddr *)&a, sizeof a);
    listen(ls, 1);
    getsockname(ls, (struct sockaddr *)&a, &l);
    connect(*c, (struct sockaddr *)&a, sizeof a);
    *acc = accept(ls, NULL, NULL);
    close(ls);
}
#endif
