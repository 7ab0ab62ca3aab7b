/*
 * ifaddrs: the interfaces as libc sees them through NETLINK_ROUTE (test/net/run.sh's t_netlink): glibc's
 * getifaddrs() (a link dump and an address dump) and if_nameindex() (a link dump). One line each:
 *   link NAME flags 0xFLAGS [rx_packets N]   an AF_PACKET entry (with its struct rtnl_link_stats)
 *   inet NAME ADDR/MASK [brd BRD]             an AF_INET entry
 *   inet6 NAME ADDR/MASK                      an AF_INET6 entry
 *   index N NAME                              an if_nameindex() entry
 * Exits 0 if both calls worked. Runs on Linux too.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *text(const struct sockaddr *sa, char *buf, size_t size)
{
    if (!sa)
        return "-";
    const void *a = sa->sa_family == AF_INET ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                                             : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
    return inet_ntop(sa->sa_family, a, buf, (socklen_t)size) ? buf : "?";
}

int main(void)
{
    struct ifaddrs *ifa;
    if (getifaddrs(&ifa)) {
        perror("getifaddrs");
        return 1;
    }
    char a[64], m[64], b[64];
    for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
        int fam = i->ifa_addr ? i->ifa_addr->sa_family : -1;
        if (fam == AF_PACKET)
            printf("link %s flags %#x%s\n", i->ifa_name, i->ifa_flags, i->ifa_data ? " stats" : "");
        else if (fam == AF_INET || fam == AF_INET6)
            printf("%s %s %s/%s%s%s\n", fam == AF_INET ? "inet" : "inet6", i->ifa_name, text(i->ifa_addr, a, sizeof(a)),
                   text(i->ifa_netmask, m, sizeof(m)), (i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr ? " brd " : "",
                   (i->ifa_flags & IFF_BROADCAST) && i->ifa_broadaddr ? text(i->ifa_broadaddr, b, sizeof(b)) : "");
    }
    freeifaddrs(ifa);
    struct if_nameindex *ni = if_nameindex();
    if (!ni) {
        perror("if_nameindex");
        return 1;
    }
    for (struct if_nameindex *p = ni; p->if_index; p++)
        printf("index %u %s\n", p->if_index, p->if_name);
    if_freenameindex(ni);
    return 0;
}
