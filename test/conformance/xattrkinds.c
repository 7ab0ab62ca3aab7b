/* test/conformance/xattrkinds.c — extended attributes of what is not a tmpfs file (xattr(7)): each filesystem
 * has its own handlers, so a pipe (pipefs) and the anonymous inodes of eventfd and epoll keep none
 * (EOPNOTSUPP, an empty list) while user.* still fails first with EPERM or ENODATA; a socket (sockfs) has only
 * the read-only system.sockprotoname, its protocol's name; a memfd (tmpfs) keeps them all; /proc and devpts
 * keep none. The permission checks come before the missing handler, as in Linux. */
/* covers: fgetxattr fsetxattr flistxattr fremovexattr getxattr setxattr listxattr */
#include "tap.h"
#include <sys/xattr.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <netinet/in.h>

static char buf[256];

static void anonymous(void)
{
    int e = eventfd(0, 0), ep = epoll_create1(0);
    T_ERR("fsetxattr user.* on an eventfd (no file type) -> EPERM", fsetxattr(e, "user.a", "1", 1, 0), EPERM);
    T_ERR("fgetxattr user.* of an eventfd -> ENODATA", fgetxattr(e, "user.a", buf, 10), ENODATA);
    T_ERR("fgetxattr the bare user. of an eventfd: ENODATA before EINVAL -> ENODATA", fgetxattr(e, "user.", buf, 10), ENODATA);
    T_ERR("fgetxattr trusted.* of an eventfd -> EOPNOTSUPP", fgetxattr(e, "trusted.a", buf, 10), EOPNOTSUPP);
    T_ERR("fremovexattr trusted.* of an eventfd -> EOPNOTSUPP", fremovexattr(e, "trusted.a"), EOPNOTSUPP);
    T_ERR("fgetxattr an unknown namespace of an eventfd -> EOPNOTSUPP", fgetxattr(e, "foo.a", buf, 10), EOPNOTSUPP);
    T_OK("flistxattr of an eventfd: empty", flistxattr(e, buf, sizeof(buf)), 0);
    T_ERR("fsetxattr trusted.* on an epoll descriptor -> EOPNOTSUPP", fsetxattr(ep, "trusted.a", "1", 1, 0), EOPNOTSUPP);
    T_OK("flistxattr of an epoll descriptor: empty", flistxattr(ep, buf, sizeof(buf)), 0);
    close(e);
    close(ep);
}

static void pipes(void)
{
    int p[2];
    if (pipe(p))
        return;
    T_ERR("fsetxattr trusted.* on a pipe -> EOPNOTSUPP", fsetxattr(p[0], "trusted.a", "1", 1, 0), EOPNOTSUPP);
    T_ERR("fsetxattr security.* on a pipe -> EOPNOTSUPP", fsetxattr(p[0], "security.a", "1", 1, 0), EOPNOTSUPP);
    T_ERR("fsetxattr user.* on a pipe -> EPERM", fsetxattr(p[0], "user.a", "1", 1, 0), EPERM);
    T_ERR("fgetxattr user.* of a pipe -> ENODATA", fgetxattr(p[0], "user.a", buf, 10), ENODATA);
    T_ERR("fgetxattr trusted.* of a pipe -> EOPNOTSUPP", fgetxattr(p[0], "trusted.a", buf, 10), EOPNOTSUPP);
    T_ERR("fgetxattr the bare trusted. of a pipe: no handler -> EOPNOTSUPP", fgetxattr(p[0], "trusted.", buf, 10), EOPNOTSUPP);
    T_ERR("fgetxattr system.sockprotoname of a pipe -> EOPNOTSUPP", fgetxattr(p[0], "system.sockprotoname", buf, 10), EOPNOTSUPP);
    T_OK("flistxattr of a pipe: empty", flistxattr(p[0], buf, sizeof(buf)), 0);
    T_ERR("fsetxattr an ACL header alone on a pipe: no ACLs there -> EOPNOTSUPP", fsetxattr(p[0], "system.posix_acl_access", "\2\0\0\0", 4, 0), EOPNOTSUPP);
    T_ERR("fsetxattr an ACL on a pipe: the form first -> EOPNOTSUPP", fsetxattr(p[0], "system.posix_acl_access", "\1\0\0\0", 4, 0), EOPNOTSUPP);
    close(p[0]);
    close(p[1]);
}

static void sockets(void)
{
    static const struct { int family, type; const char *name; } kind[] = {
        { AF_UNIX, SOCK_STREAM, "UNIX-STREAM" }, { AF_UNIX, SOCK_DGRAM, "UNIX" }, { AF_UNIX, SOCK_SEQPACKET, "UNIX" },
        { AF_INET, SOCK_STREAM, "TCP" }, { AF_INET, SOCK_DGRAM, "UDP" },
        { AF_INET6, SOCK_STREAM, "TCPv6" }, { AF_INET6, SOCK_DGRAM, "UDPv6" },
    };
    char name[120];
    for (size_t i = 0; i < sizeof(kind) / sizeof(kind[0]); i++) {
        int s = socket(kind[i].family, kind[i].type, 0);
        memset(buf, 0, sizeof(buf));
        snprintf(name, sizeof name, "fgetxattr system.sockprotoname of a socket: %s", kind[i].name);
        T_OK(name, fgetxattr(s, "system.sockprotoname", buf, sizeof(buf)), (long)strlen(kind[i].name) + 1);
        snprintf(name, sizeof name, "fgetxattr system.sockprotoname: the bytes %s", kind[i].name);
        T_EQ(name, strcmp(buf, kind[i].name), 0);
        close(s);
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    T_ERR("fgetxattr system.sockprotoname into a buffer too small -> ERANGE", fgetxattr(s, "system.sockprotoname", buf, 3), ERANGE);
    T_OK("fgetxattr system.sockprotoname size 0: its length", fgetxattr(s, "system.sockprotoname", NULL, 0), 4);
    T_ERR("fsetxattr system.sockprotoname: read-only -> EOPNOTSUPP", fsetxattr(s, "system.sockprotoname", "x", 1, 0), EOPNOTSUPP);
    T_ERR("fremovexattr system.sockprotoname -> EOPNOTSUPP", fremovexattr(s, "system.sockprotoname"), EOPNOTSUPP);
    T_ERR("fgetxattr user.* of a socket -> ENODATA", fgetxattr(s, "user.a", buf, 10), ENODATA);
    T_ERR("fsetxattr user.* on a socket -> EPERM", fsetxattr(s, "user.a", "1", 1, 0), EPERM);
    T_ERR("fsetxattr trusted.* on a socket -> EOPNOTSUPP", fsetxattr(s, "trusted.a", "1", 1, 0), EOPNOTSUPP);
    T_ERR("fgetxattr another system.* name of a socket -> EOPNOTSUPP", fgetxattr(s, "system.other", buf, 10), EOPNOTSUPP);
    long n = flistxattr(s, buf, sizeof(buf));
    T_TRUE("flistxattr of a socket: system.sockprotoname alone", n == 21 && !strcmp(buf, "system.sockprotoname"));
    T_ERR("flistxattr of a socket into a buffer too small -> ERANGE", flistxattr(s, buf, 5), ERANGE);
    close(s);
}

static void others(void)
{
    int m = memfd_create("x", 0);
    T_OK("fsetxattr user.* on a memfd (tmpfs)", fsetxattr(m, "user.a", "1", 1, 0), 0);
    T_OK("fsetxattr trusted.* on a memfd", fsetxattr(m, "trusted.a", "1", 1, 0), 0);
    T_OK("flistxattr of a memfd", flistxattr(m, buf, sizeof(buf)), 17);
    close(m);
    T_ERR("setxattr user.* on a /proc file -> EOPNOTSUPP", setxattr("/proc/self/status", "user.a", "1", 1, 0), EOPNOTSUPP);
    T_ERR("setxattr trusted.* on a /proc file -> EOPNOTSUPP", setxattr("/proc/self/status", "trusted.a", "1", 1, 0), EOPNOTSUPP);
    T_ERR("getxattr trusted.* of a /proc file -> EOPNOTSUPP", getxattr("/proc/self/status", "trusted.a", buf, 10), EOPNOTSUPP);
    T_OK("listxattr of a /proc file: empty", listxattr("/proc/self/status", buf, sizeof(buf)), 0);
    T_ERR("setxattr trusted.* on /proc -> EOPNOTSUPP", setxattr("/proc", "trusted.a", "1", 1, 0), EOPNOTSUPP);
    T_ERR("setxattr trusted.* on /dev/pts (devpts) -> EOPNOTSUPP", setxattr("/dev/pts", "trusted.a", "1", 1, 0), EOPNOTSUPP);
    T_OK("listxattr of /dev/pts: empty", listxattr("/dev/pts", buf, sizeof(buf)), 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    anonymous();
    pipes();
    sockets();
    others();
    return tap_done();
}
