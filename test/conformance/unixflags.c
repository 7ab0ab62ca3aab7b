/* test/conformance/unixflags.c — unix socketpairs against the man pages of socketpair, shutdown, send, recv
 * and getsockopt (issue 16): socketpair's errnos, shutdown's errnos and wake-ups (a blocked reader in
 * another process sees end of file, poll sees POLLRDHUP), the MSG_* flags of send and recv (MSG_PEEK,
 * MSG_DONTWAIT, MSG_TRUNC, MSG_WAITALL, MSG_NOSIGNAL, MSG_CMSG_CLOEXEC, MSG_CTRUNC, MSG_MORE), SO_PEERCRED
 * and SCM_CREDENTIALS. */
/* covers: socketpair shutdown sendto recvfrom sendmsg recvmsg getsockopt setsockopt */
#include "tap.h"
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>

static void pairs(void)
{
    int sv[2];
    T_ERR("socketpair AF_INET", SYS(SYS_socketpair, AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
    T_ERR("socketpair an unknown family", SYS(SYS_socketpair, 99, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
    T_ERR("socketpair AF_UNIX protocol 5", SYS(SYS_socketpair, AF_UNIX, SOCK_STREAM, 5, sv), EPROTONOSUPPORT);
    T_ERR("socketpair into a kernel address", SYS(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, KADDR), EFAULT);
    struct rlimit old, low;
    getrlimit(RLIMIT_NOFILE, &old);
    low = (struct rlimit){ 4, old.rlim_max };
    setrlimit(RLIMIT_NOFILE, &low);
    T_ERR("socketpair with one fd free under RLIMIT_NOFILE", SYS(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv), EMFILE);
    setrlimit(RLIMIT_NOFILE, &old);
    T_OK("socketpair SOCK_STREAM|SOCK_CLOEXEC", SYS(SYS_socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    T_OK("socketpair SOCK_CLOEXEC: FD_CLOEXEC", fcntl(sv[0], F_GETFD), FD_CLOEXEC);
    close(sv[0]);
    close(sv[1]);
}

static void shutdowns(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T_ERR("shutdown how 5", SYS(SYS_shutdown, sv[0], 5), EINVAL);
    T_ERR("shutdown a bad fd", SYS(SYS_shutdown, 999, SHUT_RD), EBADF);
    T_ERR("shutdown a file", SYS(SYS_shutdown, 0 + open("/dev/null", O_RDONLY), SHUT_RD), ENOTSOCK);
    int lone = socket(AF_INET, SOCK_STREAM, 0);
    T_ERR("shutdown an unconnected TCP socket", SYS(SYS_shutdown, lone, SHUT_RDWR), ENOTCONN);
    close(lone);
    /* a reader blocked in another process wakes with end of file */
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(sv[0]);
        long n = recv(sv[1], &c, 1, 0);
        _exit(n == 0 ? 0 : 1);
    }
    T_OK("shutdown SHUT_WR", SYS(SYS_shutdown, sv[0], SHUT_WR), 0);
    int st;
    waitpid(pid, &st, 0);
    T_TRUE("shutdown SHUT_WR wakes a blocked reader with end of file", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct pollfd p = { sv[1], POLLIN | POLLRDHUP, 0 };
    T_OK("shutdown SHUT_WR: poll on the peer", poll(&p, 1, 0), 1);
    T_TRUE("shutdown SHUT_WR: the peer sees POLLRDHUP and POLLIN", (p.revents & (POLLRDHUP | POLLIN)) == (POLLRDHUP | POLLIN));
    T_ERR("send after shutdown SHUT_WR, MSG_NOSIGNAL", SYS(SYS_sendto, sv[0], "x", 1, MSG_NOSIGNAL, 0, 0), EPIPE);
    T_OK("shutdown SHUT_RD", SYS(SYS_shutdown, sv[1], SHUT_RD), 0);
    char c;
    T_OK("recv after shutdown SHUT_RD: end of file", SYS(SYS_recvfrom, sv[1], &c, 1, MSG_DONTWAIT, 0, 0), 0);
    close(sv[0]);
    close(sv[1]);
}

static void flags(void)
{
    int sv[2];
    char buf[64];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    T_ERR("recv MSG_DONTWAIT on an empty socket", SYS(SYS_recvfrom, sv[0], buf, 8, MSG_DONTWAIT, 0, 0), EAGAIN);
    T_OK("send MSG_MORE", SYS(SYS_sendto, sv[1], "abc", 3, MSG_MORE, 0, 0), 3);
    T_OK("send MSG_DONTWAIT", SYS(SYS_sendto, sv[1], "def", 3, MSG_DONTWAIT, 0, 0), 3);
    T_OK("recv MSG_PEEK", SYS(SYS_recvfrom, sv[0], buf, 2, MSG_PEEK, 0, 0), 2);
    T_OK("recv MSG_PEEK again sees the same bytes", SYS(SYS_recvfrom, sv[0], buf + 2, 2, MSG_PEEK, 0, 0), 2);
    T_TRUE("recv MSG_PEEK: the bytes", !memcmp(buf, "abab", 4));
    T_OK("recv MSG_WAITALL takes all 6", SYS(SYS_recvfrom, sv[0], buf, 6, MSG_WAITALL, 0, 0), 6);
    /* a blocked MSG_WAITALL gathers writes from another process */
    pid_t pid = fork();
    if (pid == 0) {
        write(sv[1], "12", 2);
        write(sv[1], "345", 3);
        _exit(0);
    }
    T_OK("recv MSG_WAITALL waits for the whole length", SYS(SYS_recvfrom, sv[0], buf, 5, MSG_WAITALL, 0, 0), 5);
    waitpid(pid, 0, 0);
    close(sv[1]);
    T_OK("recv MSG_WAITALL at end of file returns what there is", SYS(SYS_recvfrom, sv[0], buf, 5, MSG_WAITALL, 0, 0), 0);
    close(sv[0]);
    signal(SIGPIPE, SIG_DFL);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    T_ERR("send MSG_NOSIGNAL to a closed peer: EPIPE, no SIGPIPE", SYS(SYS_sendto, sv[0], "x", 1, MSG_NOSIGNAL, 0, 0),
          EPIPE);
    close(sv[0]);
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    send(sv[1], "0123456789", 10, 0);
    T_OK("recv MSG_TRUNC on a datagram gives its full length", SYS(SYS_recvfrom, sv[0], buf, 4, MSG_TRUNC, 0, 0), 10);
    send(sv[1], "0123456789", 10, 0);
    struct iovec iov = { buf, 4 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    T_OK("recvmsg a datagram into a short buffer", SYS(SYS_recvmsg, sv[0], &m, 0), 4);
    T_TRUE("recvmsg: msg_flags has MSG_TRUNC", m.msg_flags & MSG_TRUNC);
    /* fds: MSG_CMSG_CLOEXEC and MSG_CTRUNC */
    union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } cb;
    int pass = open("/dev/null", O_RDONLY);
    for (int round = 0; round < 2; round++) {
        struct msghdr s = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b, .msg_controllen = sizeof cb.b };
        iov.iov_len = 1;
        struct cmsghdr *c = CMSG_FIRSTHDR(&s);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pass, sizeof pass);
        sendmsg(sv[1], &s, 0);
    }
    struct msghdr r = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b, .msg_controllen = sizeof cb.b };
    T_OK("recvmsg MSG_CMSG_CLOEXEC", SYS(SYS_recvmsg, sv[0], &r, MSG_CMSG_CLOEXEC), 1);
    int got = -1;
    if (CMSG_FIRSTHDR(&r))
        memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&r)), sizeof got);
    T_OK("recvmsg MSG_CMSG_CLOEXEC: the fd is close-on-exec", fcntl(got, F_GETFD), FD_CLOEXEC);
    close(got);
    struct msghdr t = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b, .msg_controllen = sizeof(struct cmsghdr) };
    T_OK("recvmsg with no room for the fd", SYS(SYS_recvmsg, sv[0], &t, 0), 1);
    T_TRUE("recvmsg: msg_flags has MSG_CTRUNC", t.msg_flags & MSG_CTRUNC);
    close(pass);
    close(sv[0]);
    close(sv[1]);
}

static void creds(void)
{
    int sv[2], on = 1;
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct ucred uc = { 0, -1, -1 };
    socklen_t len = sizeof uc;
    T_OK("getsockopt SO_PEERCRED of a socketpair", SYS(SYS_getsockopt, sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
    T_TRUE("getsockopt SO_PEERCRED: our pid, uid and gid", uc.pid == getpid() && uc.uid == getuid() && uc.gid == getgid() &&
           len == sizeof uc);
    T_OK("setsockopt SO_PASSCRED", SYS(SYS_setsockopt, sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
    send(sv[0], "c", 1, 0);
    char b, cb[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = { &b, 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb, .msg_controllen = sizeof cb };
    T_OK("recvmsg with SO_PASSCRED", SYS(SYS_recvmsg, sv[1], &m, 0), 1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    struct ucred got = { 0, -1, -1 };
    if (c && c->cmsg_type == SCM_CREDENTIALS)
        memcpy(&got, CMSG_DATA(c), sizeof got);
    T_TRUE("recvmsg SCM_CREDENTIALS: the sender's pid, uid and gid", got.pid == getpid() && got.uid == getuid() &&
           got.gid == getgid());
    int lone = socket(AF_UNIX, SOCK_STREAM, 0);
    len = sizeof uc;
    T_OK("getsockopt SO_PEERCRED of an unconnected socket", SYS(SYS_getsockopt, lone, SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
    T_TRUE("getsockopt SO_PEERCRED unconnected: pid 0, ids -1", uc.pid == 0 && uc.uid == (uid_t)-1 && uc.gid == (gid_t)-1);
    T_ERR("getsockopt an unknown option", SYS(SYS_getsockopt, lone, SOL_SOCKET, 9999, &uc, &len), ENOPROTOOPT);
    T_ERR("getsockopt a bad fd", SYS(SYS_getsockopt, 999, SOL_SOCKET, SO_TYPE, &uc, &len), EBADF);
    T_ERR("getsockopt a file", SYS(SYS_getsockopt, 0 + open("/dev/null", O_RDONLY), SOL_SOCKET, SO_TYPE, &uc, &len), ENOTSOCK);
    T_ERR("getsockopt to a kernel address", SYS(SYS_getsockopt, lone, SOL_SOCKET, SO_TYPE, KADDR, &len), EFAULT);
    len = (socklen_t)-1;
    T_ERR("getsockopt a negative length", SYS(SYS_getsockopt, lone, SOL_SOCKET, SO_TYPE, &uc, &len), EINVAL);
    close(lone);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    pairs();
    shutdowns();
    flags();
    creds();
    return tap_done();
}
