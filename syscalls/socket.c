/* syscalls/socket.c — making and connecting sockets: socket, socketpair, bind, connect, listen, accept,
 * accept4, shutdown, getsockname, getpeername, setsockopt, getsockopt. Each checks its arguments in Linux's
 * order (net/socket.c of Linux 6.x: e.g. connect copies the address before it looks at whether the fd is a
 * socket; accept4 checks its flags after the fd but before whether it is a socket), copies addresses and option values into the kernel, and
 * calls the family's op. Sending and receiving are in sockmsg.c. */
#include "syscalls.h"
#include "sock.h"
#include "../kernel/boot.h"

#define SOMAXCONN 4096

struct socket *sock_fd(int fd, long *err)
{
    struct file *f = fd_file_io(fd);
    struct socket *s = sock_of(f);
    *err = !f ? -EBADF : -ENOTSOCK;
    return s;
}

/* Linux's move_addr_to_kernel: at most sizeof(struct sockaddr_storage). */
long sock_addr_in(const void *uaddr, int ulen, void *kaddr)
{
    if (ulen < 0 || ulen > SOCK_ADDR_MAX)
        return -EINVAL;
    if (!ulen)
        return 0;
    return copy_from_user(kaddr, uaddr, (size_t)ulen);
}

/* Linux's move_addr_to_user: copies what fits, then stores the full length (truncation is visible). */
long sock_addr_out(const void *kaddr, u32 klen, void *uaddr, int *ulenp)
{
    int len;
    if (copy_from_user(&len, ulenp, sizeof(len)))
        return -EFAULT;
    if (len > (int)klen)
        len = (int)klen;
    if (len < 0)
        return -EINVAL;
    if (len && copy_to_user(uaddr, kaddr, (size_t)len))
        return -EFAULT;
    int full = (int)klen;
    return copy_to_user(ulenp, &full, sizeof(full));
}

static long install(struct socket *s, int flags)
{
    int fd = fd_install(current_proc()->fdt, s->file, 0, flags & SOCK_CLOEXEC);
    if (fd < 0)
        file_put(s->file);
    return fd;
}

SYSCALL(socket)   /* (family, type, protocol) */
{
    int type = (int)a1;
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    struct socket *s;
    long rc = sock_create((int)a0, type, (int)a2, &s);
    return rc ? rc : install(s, type);
}

SYSCALL(socketpair)   /* (family, type, protocol, int sv[2]) */
{
    int type = (int)a1;
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    int probe[2] = { -1, -1 };
    if (copy_to_user((void *)a3, probe, sizeof(probe))) /* Linux stores the fds before making the sockets */
        return -EFAULT;
    struct socket *x, *y;
    long rc = sock_create((int)a0, type, (int)a2, &x);
    if (rc)
        return rc;
    if ((rc = sock_create((int)a0, type, (int)a2, &y))) {
        file_put(x->file);
        return rc;
    }
    rc = x->ops->pair ? x->ops->pair(x, y) : -EOPNOTSUPP;
    struct fdtable *t = current_proc()->fdt;
    int fds[2] = { -1, -1 };
    if (!rc && (fds[0] = fd_install(t, x->file, 0, type & SOCK_CLOEXEC)) < 0)
        rc = fds[0];
    if (!rc && (fds[1] = fd_install(t, y->file, 0, type & SOCK_CLOEXEC)) < 0)
        rc = fds[1];
    if (!rc && copy_to_user((void *)a3, fds, sizeof(fds)))
        rc = -EFAULT;
    if (rc) {
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0)
                fd_take(t, fds[i]);
        file_put(x->file);
        file_put(y->file);
    }
    return rc;
}

SYSCALL(bind)   /* (fd, addr, addrlen) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    u8 addr[SOCK_ADDR_MAX];
    if ((rc = sock_addr_in((void *)a1, (int)a2, addr)))
        return rc;
    return s->ops->bind ? s->ops->bind(s, addr, (u32)(int)a2) : -EOPNOTSUPP;
}

/* A blocking connect whose op said -EINPROGRESS waits until the socket is writable, then reports its error. */
static long connect_wait(struct socket *s, bool nb, u64 deadline)
{
    for (;;) {
        unsigned ready = s->ops->poll(s);
        if (ready & (POLLOUT | POLLERR | POLLHUP)) {
            int e = s->so_error;
            s->so_error = 0;
            return -e;
        }
        long rc = sock_wait(s, nb, deadline, "a connect");
        if (rc)
            return rc == -EAGAIN ? -EINPROGRESS : rc;
    }
}

/* connect's work once the address is in: also sendto's MSG_FASTOPEN (syscalls/sockmsg.c) */
long sock_connect(struct socket *s, const void *addr, u32 alen, bool nb)
{
    struct file *f = s->file;
    long rc;
    u64 deadline = s->sndtimeo_ns ? clock_monotonic_ns() + s->sndtimeo_ns : 0;
    file_get(f); /* held while waiting: another thread's close cannot free it */
    while ((rc = s->ops->connect(s, addr, alen)) == -EAGAIN)
        if ((rc = sock_wait(s, nb, deadline, "a connect to a listener with a full backlog")))
            break;
    if (rc == -EINPROGRESS && !nb)
        rc = connect_wait(s, nb, deadline);
    file_put(f);
    return rc;
}

SYSCALL(connect)   /* (fd, addr, addrlen) */
{
    struct file *f = fd_file_io((int)a0);
    if (!f)
        return -EBADF;
    u8 addr[SOCK_ADDR_MAX];
    long rc = sock_addr_in((void *)a1, (int)a2, addr);
    if (rc)
        return rc;
    struct socket *s = sock_of(f);
    if (!s)
        return -ENOTSOCK;
    return sock_connect(s, addr, (u32)(int)a2, f->flags & O_NONBLOCK);
}

SYSCALL(listen)   /* (fd, backlog) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    int backlog = (int)a1;
    if ((u32)backlog > SOMAXCONN)
        backlog = SOMAXCONN;
    return s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
}

SYSCALL(accept4)   /* (fd, addr, addrlen *, flags) */
{
    int flags = (int)a3;
    struct file *f = fd_file_io((int)a0);
    if (!f)
        return -EBADF;
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    struct socket *s = sock_of(f);
    if (!s)
        return -ENOTSOCK;
    long rc;
    if (!s->ops->accept)
        return -EOPNOTSUPP;
    struct socket *ns;
    if ((rc = sock_create(s->family, s->type | (flags & SOCK_NONBLOCK), s->protocol, &ns)))
        return rc;
    bool nb = f->flags & O_NONBLOCK;
    u64 deadline = s->rcvtimeo_ns ? clock_monotonic_ns() + s->rcvtimeo_ns : 0;
    file_get(f);
    while ((rc = s->ops->accept(s, ns)) == -EAGAIN)
        if ((rc = sock_wait(s, nb, deadline, "an accept with no connection pending")))
            break;
    file_put(f);
    if (!rc && a1) {
        u8 addr[SOCK_ADDR_MAX];
        u32 alen = 0;
        rc = ns->ops->getname(ns, addr, &alen, true);
        rc = rc < 0 ? -ECONNABORTED : sock_addr_out(addr, alen, (void *)a1, (int *)a2);
    }
    if (rc) {
        file_put(ns->file);
        return rc;
    }
    return install(ns, flags);
}

SYSCALL(accept)
{
    return sys_accept4(a0, a1, a2, 0, 0, 0);
}

SYSCALL(shutdown)   /* (fd, how) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    return s->ops->shutdown ? s->ops->shutdown(s, (int)a1) : -EOPNOTSUPP;
}

static long getname(int fd, void *uaddr, int *ulen, bool peer)
{
    long rc;
    struct socket *s = sock_fd(fd, &rc);
    if (!s)
        return rc;
    u8 addr[SOCK_ADDR_MAX];
    u32 alen = 0;
    if ((rc = s->ops->getname(s, addr, &alen, peer)))
        return rc;
    return sock_addr_out(addr, alen, uaddr, ulen);
}

SYSCALL(getsockname)
{
    return getname((int)a0, (void *)a1, (int *)a2, false);
}

SYSCALL(getpeername)
{
    return getname((int)a0, (void *)a1, (int *)a2, true);
}

#define OPT_MAX 256

SYSCALL(setsockopt)   /* (fd, level, name, value, len) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    int len = (int)a4;
    if (len < 0)
        return -EINVAL;
    u8 val[OPT_MAX] = { 0 };
    u32 want = MIN((u32)len, (u32)OPT_MAX);
    size_t got = copy_from_user_partial(val, (void *)a3, want);
    if (want >= sizeof(int) && got < MIN(want, (u32)sizeof(int)))
        return -EFAULT; /* Linux reads only what the option needs: an int, for most */
    return sock_setsockopt(s, (int)a1, (int)a2, val, (u32)len);
}

SYSCALL(getsockopt)   /* (fd, level, name, value, len *) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    int len;
    if (copy_from_user(&len, (void *)a4, sizeof(len)))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    u8 val[OPT_MAX] = { 0 };
    u32 klen = (u32)MIN(len, OPT_MAX); /* in: the room the program gave (some options check it) */
    if ((rc = sock_getsockopt(s, (int)a1, (int)a2, val, &klen)))
        return rc;
    len = MIN(len, (int)klen);
    if (copy_to_user((void *)a3, val, (size_t)len))
        return -EFAULT;
    return copy_to_user((void *)a4, &len, sizeof(len));
}
