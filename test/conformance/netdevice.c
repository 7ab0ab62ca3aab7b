/* test/conformance/netdevice.c — netdevice(7)'s interface ioctls, checked on what every Linux machine has
 * alike (the loopback interface) and on properties of the rest: lo's index, flags, MTU, hardware type, address,
 * netmask, broadcast and destination; ENODEV for a name or index nobody has; the IPv4 address ioctls only on
 * AF_INET sockets (ENOTTY on AF_INET6 and AF_UNIX), the others on every family; SIOCGIFCONF's length query, its
 * entries (lo with 127.0.0.1 among them, each name round-tripping through SIOCGIFINDEX and SIOCGIFNAME) and a
 * buffer too small for one entry; EFAULT for a bad pointer; if_nametoindex/if_indextoname. */
/* covers: ioctl */
#include "tap.h"
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

static long lo_ioctl(int s, unsigned long cmd, struct ifreq *r)
{
    memset(r, 0, sizeof(*r));
    strcpy(r->ifr_name, "lo");
    return ioctl(s, cmd, r);
}

static unsigned in_addr_of(const struct ifreq *r)
{
    return ntohl(((const struct sockaddr_in *)&r->ifr_addr)->sin_addr.s_addr);
}

static void loopback(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq r;
    T_OK("SIOCGIFINDEX lo", lo_ioctl(s, SIOCGIFINDEX, &r), 0);
    T_EQ("SIOCGIFINDEX lo is 1", r.ifr_ifindex, 1);
    T_OK("SIOCGIFFLAGS lo", lo_ioctl(s, SIOCGIFFLAGS, &r), 0);
    T_EQ("SIOCGIFFLAGS lo: IFF_UP|IFF_LOOPBACK|IFF_RUNNING", r.ifr_flags, IFF_UP | IFF_LOOPBACK | IFF_RUNNING);
    T_OK("SIOCGIFMTU lo", lo_ioctl(s, SIOCGIFMTU, &r), 0);
    T_EQ("SIOCGIFMTU lo is 65536", r.ifr_mtu, 65536);
    T_OK("SIOCGIFHWADDR lo", lo_ioctl(s, SIOCGIFHWADDR, &r), 0);
    T_EQ("SIOCGIFHWADDR lo: ARPHRD_LOOPBACK", r.ifr_hwaddr.sa_family, 772);
    T_OK("SIOCGIFTXQLEN lo", lo_ioctl(s, SIOCGIFTXQLEN, &r), 0);
    T_EQ("SIOCGIFTXQLEN lo is 1000", r.ifr_qlen, 1000);
    T_OK("SIOCGIFMETRIC lo", lo_ioctl(s, SIOCGIFMETRIC, &r), 0);
    T_EQ("SIOCGIFMETRIC lo is 0", r.ifr_metric, 0);
    T_OK("SIOCGIFADDR lo", lo_ioctl(s, SIOCGIFADDR, &r), 0);
    T_EQ("SIOCGIFADDR lo: 127.0.0.1", in_addr_of(&r), 0x7f000001);
    T_EQ("SIOCGIFADDR lo: AF_INET", r.ifr_addr.sa_family, AF_INET);
    T_OK("SIOCGIFNETMASK lo", lo_ioctl(s, SIOCGIFNETMASK, &r), 0);
    T_EQ("SIOCGIFNETMASK lo: 255.0.0.0", in_addr_of(&r), 0xff000000);
    T_OK("SIOCGIFBRDADDR lo", lo_ioctl(s, SIOCGIFBRDADDR, &r), 0);
    T_EQ("SIOCGIFBRDADDR lo: 0.0.0.0", in_addr_of(&r), 0);
    T_OK("SIOCGIFDSTADDR lo", lo_ioctl(s, SIOCGIFDSTADDR, &r), 0);
    T_EQ("SIOCGIFDSTADDR lo: its own address", in_addr_of(&r), 0x7f000001);
    memset(&r, 0, sizeof(r));
    strcpy(r.ifr_name, "nosuch9");
    T_ERR("SIOCGIFFLAGS of no such interface -> ENODEV", ioctl(s, SIOCGIFFLAGS, &r), ENODEV);
    T_ERR("SIOCGIFADDR of no such interface -> ENODEV", ioctl(s, SIOCGIFADDR, &r), ENODEV);
    r.ifr_ifindex = 1;
    T_OK("SIOCGIFNAME index 1", ioctl(s, SIOCGIFNAME, &r), 0);
    T_EQ("SIOCGIFNAME index 1 is lo", strcmp(r.ifr_name, "lo"), 0);
    r.ifr_ifindex = 9999;
    T_ERR("SIOCGIFNAME of no such index -> ENODEV", ioctl(s, SIOCGIFNAME, &r), ENODEV);
    T_ERR("SIOCGIFFLAGS at a bad address -> EFAULT", ioctl(s, SIOCGIFFLAGS, BADUPTR), EFAULT);
    T_EQ("if_nametoindex(lo)", if_nametoindex("lo"), 1);
    char name[IF_NAMESIZE];
    T_TRUE("if_indextoname(1) is lo", if_indextoname(1, name) && !strcmp(name, "lo"));
    close(s);
}

static void families(void)
{
    int fams[] = { AF_INET6, AF_UNIX };
    static const char *const fn[] = { "AF_INET6", "AF_UNIX" };
    char name[96];
    for (int k = 0; k < 2; k++) {
        int s = socket(fams[k], k ? SOCK_STREAM : SOCK_DGRAM, 0);
        struct ifreq r;
        snprintf(name, sizeof(name), "SIOCGIFADDR on an %s socket -> ENOTTY", fn[k]);
        T_ERR(name, lo_ioctl(s, SIOCGIFADDR, &r), ENOTTY);
        snprintf(name, sizeof(name), "SIOCGIFNETMASK on an %s socket -> ENOTTY", fn[k]);
        T_ERR(name, lo_ioctl(s, SIOCGIFNETMASK, &r), ENOTTY);
        snprintf(name, sizeof(name), "SIOCGIFFLAGS on an %s socket", fn[k]);
        T_TRUE(name, lo_ioctl(s, SIOCGIFFLAGS, &r) == 0 && (r.ifr_flags & IFF_LOOPBACK));
        snprintf(name, sizeof(name), "SIOCGIFINDEX on an %s socket", fn[k]);
        T_TRUE(name, lo_ioctl(s, SIOCGIFINDEX, &r) == 0 && r.ifr_ifindex == 1);
        close(s);
    }
}

static void conf(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifconf c = { 0 };
    T_OK("SIOCGIFCONF with no buffer: the length wanted", ioctl(s, SIOCGIFCONF, &c), 0);
    T_TRUE("SIOCGIFCONF length: whole entries, at least one", c.ifc_len >= (int)sizeof(struct ifreq) &&
           c.ifc_len % (int)sizeof(struct ifreq) == 0);
    struct ifreq reqs[16];
    c.ifc_len = sizeof(reqs);
    c.ifc_req = reqs;
    T_OK("SIOCGIFCONF into a buffer", ioctl(s, SIOCGIFCONF, &c), 0);
    int n = c.ifc_len / (int)sizeof(struct ifreq), lo = 0, round = 0;
    for (int i = 0; i < n; i++) {
        lo += !strcmp(reqs[i].ifr_name, "lo") && in_addr_of(&reqs[i]) == 0x7f000001;
        struct ifreq r = reqs[i];
        if (ioctl(s, SIOCGIFINDEX, &r) == 0 && ioctl(s, SIOCGIFNAME, &r) == 0)
            round += !strcmp(r.ifr_name, reqs[i].ifr_name);
    }
    T_EQ("SIOCGIFCONF lists lo with 127.0.0.1", lo, 1);
    T_EQ("SIOCGIFCONF: each name gives an index that gives the name back", round, n);
    c.ifc_len = sizeof(struct ifreq) - 1;
    T_OK("SIOCGIFCONF into a buffer too small for an entry", ioctl(s, SIOCGIFCONF, &c), 0);
    T_EQ("SIOCGIFCONF too small: nothing written", c.ifc_len, 0);
    c.ifc_len = sizeof(struct ifreq);
    T_OK("SIOCGIFCONF room for one entry", ioctl(s, SIOCGIFCONF, &c), 0);
    T_EQ("SIOCGIFCONF room for one entry: one", c.ifc_len, (int)sizeof(struct ifreq));
    T_ERR("SIOCGIFCONF at a bad address -> EFAULT", ioctl(s, SIOCGIFCONF, BADUPTR), EFAULT);
    close(s);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    loopback();
    families();
    conf();
    return tap_done();
}
