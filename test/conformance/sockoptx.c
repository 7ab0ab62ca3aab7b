/* test/conformance/sockoptx.c — socket options beyond the common ones, as Linux 6.x answers them: SO_MARK,
 * SO_INCOMING_CPU, SO_COOKIE, SO_BINDTODEVICE/SO_BINDTOIFINDEX (lo; an unknown name is ENODEV), SO_PASSCRED
 * and SO_PASSSEC (AF_UNIX only: EOPNOTSUPP on AF_INET), SO_PEERCRED of a TCP socket (no credentials: pid 0,
 * uid and gid -1), TCP_SYNCNT (1..127) and IP_PKTINFO/IPV6_RECVPKTINFO values. Runs as root. */
/* covers: setsockopt getsockopt */
#include "tap.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#ifndef IFNAMSIZ
#define IFNAMSIZ 16
#endif
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

static int geti(int fd, int level, int name)
{
    int v = -7;
    socklen_t l = sizeof v;
    return getsockopt(fd, level, name, &v, &l) ? -100 - errno : v;
}

static int seti(int fd, int level, int name, int v) { return setsockopt(fd, level, name, &v, sizeof v); }

static void t_mark_cpu(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    T_EQ("getsockopt SO_MARK default 0", geti(s, SOL_SOCKET, SO_MARK), 0);
    T_OK("setsockopt SO_MARK 77", seti(s, SOL_SOCKET, SO_MARK, 77), 0);
    T_EQ("getsockopt SO_MARK reads back 77", geti(s, SOL_SOCKET, SO_MARK), 77);
    T_ERR("setsockopt SO_MARK 2-byte value", setsockopt(s, SOL_SOCKET, SO_MARK, "ab", 2), EINVAL);
    T_EQ("getsockopt SO_INCOMING_CPU default -1", geti(s, SOL_SOCKET, SO_INCOMING_CPU), -1);
    T_OK("setsockopt SO_INCOMING_CPU 0", seti(s, SOL_SOCKET, SO_INCOMING_CPU, 0), 0);
    T_EQ("getsockopt SO_INCOMING_CPU reads back 0", geti(s, SOL_SOCKET, SO_INCOMING_CPU), 0);
    close(s);
}

static void t_cookie(void)
{
    int a = socket(AF_UNIX, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
    unsigned long long c1 = 0, c2 = 0, c3 = 0;
    socklen_t l = sizeof c1;
    T_OK("getsockopt SO_COOKIE", getsockopt(a, SOL_SOCKET, SO_COOKIE, &c1, &l), 0);
    T_TRUE("getsockopt SO_COOKIE: 8 bytes, not 0", l == 8 && c1 != 0);
    getsockopt(a, SOL_SOCKET, SO_COOKIE, &c2, &l);
    getsockopt(b, SOL_SOCKET, SO_COOKIE, &c3, &l);
    T_TRUE("getsockopt SO_COOKIE: the same for one socket, another for another", c1 == c2 && c3 != c1 && c3);
    l = 4;
    T_ERR("getsockopt SO_COOKIE into 4 bytes", getsockopt(a, SOL_SOCKET, SO_COOKIE, &c1, &l), EINVAL);
    T_ERR("setsockopt SO_COOKIE", setsockopt(a, SOL_SOCKET, SO_COOKIE, &c1, 8), ENOPROTOOPT);
    close(a);
    close(b);
}

static void t_bindtodevice(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    char name[IFNAMSIZ + 4];
    socklen_t l = sizeof name;
    T_OK("getsockopt SO_BINDTODEVICE unbound", getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &l), 0);
    T_EQ("getsockopt SO_BINDTODEVICE unbound: length 0", l, 0);
    T_ERR("setsockopt SO_BINDTODEVICE an unknown interface",
          setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "nosuch9", 8), ENODEV);
    T_OK("setsockopt SO_BINDTODEVICE lo", setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3), 0);
    l = sizeof name;
    memset(name, 'x', sizeof name);
    T_OK("getsockopt SO_BINDTODEVICE after binding", getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &l), 0);
    T_TRUE("getsockopt SO_BINDTODEVICE: \"lo\", length 3", l == 3 && !strcmp(name, "lo"));
    l = 8;
    T_ERR("getsockopt SO_BINDTODEVICE into fewer than IFNAMSIZ bytes", getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &l),
          EINVAL);
    T_EQ("getsockopt SO_BINDTOIFINDEX of lo is 1", geti(s, SOL_SOCKET, SO_BINDTOIFINDEX), 1);
    T_OK("setsockopt SO_BINDTODEVICE length 0 unbinds", setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, "", 0), 0);
    T_EQ("getsockopt SO_BINDTOIFINDEX after unbinding", geti(s, SOL_SOCKET, SO_BINDTOIFINDEX), 0);
    T_ERR("setsockopt SO_BINDTOIFINDEX -1", seti(s, SOL_SOCKET, SO_BINDTOIFINDEX, -1), EINVAL);
    T_OK("setsockopt SO_BINDTOIFINDEX 1", seti(s, SOL_SOCKET, SO_BINDTOIFINDEX, 1), 0);
    l = sizeof name;
    getsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, name, &l);
    T_TRUE("getsockopt SO_BINDTODEVICE after SO_BINDTOIFINDEX 1: lo", l == 3 && !strcmp(name, "lo"));
    close(s);
}

static void t_inet_creds(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    T_ERR("setsockopt SO_PASSCRED on TCP", seti(s, SOL_SOCKET, SO_PASSCRED, 1), EOPNOTSUPP);
    T_EQ("getsockopt SO_PASSCRED on TCP fails: EOPNOTSUPP", geti(s, SOL_SOCKET, SO_PASSCRED), -100 - EOPNOTSUPP);
    T_ERR("setsockopt SO_PASSCRED on UDP", seti(u, SOL_SOCKET, SO_PASSCRED, 1), EOPNOTSUPP);
    T_ERR("setsockopt SO_PASSSEC on UDP", seti(u, SOL_SOCKET, SO_PASSSEC, 1), EOPNOTSUPP);
    struct ucred cr = { 5, 5, 5 };
    socklen_t l = sizeof cr;
    T_OK("getsockopt SO_PEERCRED of a TCP socket", getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &l), 0);
    T_TRUE("getsockopt SO_PEERCRED of a TCP socket: pid 0, uid and gid -1",
           l == sizeof cr && cr.pid == 0 && cr.uid == (uid_t)-1 && cr.gid == (gid_t)-1);
    int x = socket(AF_UNIX, SOCK_DGRAM, 0);
    T_OK("setsockopt SO_PASSSEC on AF_UNIX", seti(x, SOL_SOCKET, SO_PASSSEC, 1), 0);
    T_EQ("getsockopt SO_PASSSEC on AF_UNIX reads back 1", geti(x, SOL_SOCKET, SO_PASSSEC), 1);
    close(x);
    close(s);
    close(u);
}

static void t_tcp_ip(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    T_EQ("getsockopt TCP_SYNCNT default 6", geti(s, IPPROTO_TCP, TCP_SYNCNT), 6);
    T_OK("setsockopt TCP_SYNCNT 2", seti(s, IPPROTO_TCP, TCP_SYNCNT, 2), 0);
    T_EQ("getsockopt TCP_SYNCNT reads back 2", geti(s, IPPROTO_TCP, TCP_SYNCNT), 2);
    T_ERR("setsockopt TCP_SYNCNT 0", seti(s, IPPROTO_TCP, TCP_SYNCNT, 0), EINVAL);
    T_ERR("setsockopt TCP_SYNCNT 128", seti(s, IPPROTO_TCP, TCP_SYNCNT, 128), EINVAL);
    T_EQ("getsockopt IP_PKTINFO default 0", geti(u, IPPROTO_IP, IP_PKTINFO), 0);
    T_OK("setsockopt IP_PKTINFO 5", seti(u, IPPROTO_IP, IP_PKTINFO, 5), 0);
    T_EQ("getsockopt IP_PKTINFO reads back 1", geti(u, IPPROTO_IP, IP_PKTINFO), 1);
    T_OK("setsockopt IPV6_RECVPKTINFO", seti(u6, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1), 0);
    T_EQ("getsockopt IPV6_RECVPKTINFO reads back 1", geti(u6, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
    close(s);
    close(u);
    close(u6);
}

int main(void)
{
    t_mark_cpu();
    t_cookie();
    t_bindtodevice();
    t_inet_creds();
    t_tcp_ip();
    return tap_done();
}
