/* net/inet_tcp.c — SOCK_STREAM for AF_INET: TCP is not merged into this branch yet (net/tcp.c comes from the
 * tcp branch); until then a stream socket is refused with a real error, and said so in the log. */
#include "inet.h"

int inet_stream_create(struct socket *s, int protocol)
{
    (void)s;
    (void)protocol;
    klog("net: TCP is not in this kernel yet: SOCK_STREAM is ESOCKTNOSUPPORT\n");
    return -ESOCKTNOSUPPORT;
}
