/* syscalls/sockmsg.c — sending and receiving on sockets: sendto, recvfrom, sendmsg, recvmsg, sendmmsg,
 * recvmmsg. A struct msghdr is checked as Linux's copy_msghdr_from_user does (msg_namelen capped at
 * sizeof(sockaddr_storage), more than UIO_MAXIOV iovecs is EMSGSIZE, a negative iovec length EINVAL, an
 * iovec outside user space EFAULT, the total capped at MAX_RW_COUNT); on the way out msg_namelen says the
 * sender's full address length, msg_controllen what was written, msg_flags MSG_TRUNC/MSG_CTRUNC. */
#include "syscalls.h"
#include "sock.h"
#include "../kernel/boot.h"

#define MAX_RW 0x7ffff000ul
#define UIO_MAXIOV 1024
#define MSG_CMSG_COMPAT 0x80000000u
#define MSG_WAITFORONE 0x10000
#define CTL_MAX (64 * 1024)
#define MSG_FASTOPEN 0x20000000

struct msghdr_k {
    u64 name;
    i32 namelen, pad0;
    u64 iov;
    u64 iovlen;
    u64 control;
    u64 controllen;
    i32 flags, pad1;
};
_Static_assert(sizeof(struct msghdr_k) == 56, "struct msghdr");

struct mmsghdr_k {
    struct msghdr_k hdr;
    u32 len, pad;
};

/* Linux's import_iovec for a socket message. *out is kmalloc'ed (NULL when cnt is 0). */
static long iov_import(u64 uiov, u64 cnt, struct sock_iov **out, size_t *total)
{
    *out = NULL;
    *total = 0;
    if (cnt > UIO_MAXIOV)
        return -EMSGSIZE;
    if (!cnt)
        return 0;
    struct sock_iov *iov = kmalloc(cnt * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    long rc = copy_from_user(iov, (void *)uiov, cnt * sizeof(*iov));
    size_t room = MAX_RW;
    for (u64 i = 0; !rc && i < cnt; i++) {
        if ((i64)iov[i].len < 0)
            rc = -EINVAL;
        else if (!vm_range_ok(iov[i].base, iov[i].len))
            rc = -EFAULT;
        iov[i].len = MIN(iov[i].len, room);
        room -= iov[i].len;
    }
    if (rc) {
        kfree(iov);
        return rc;
    }
    *out = iov;
    *total = MAX_RW - room;
    return 0;
}

/* sendto and recvfrom: one user buffer (checked, capped at MAX_RW) as the message's one iovec, on the
 * socket fd names. NULL with the error in *rc. */
static struct socket *one_buffer(u64 fd, u64 buf, u64 len, int flags, struct sock_iov *iov, struct sock_msg *m,
                                 long *rc)
{
    size_t n = MIN(len, MAX_RW);
    *rc = -EFAULT;
    if (!access_ok(buf, MIN(len, 0x7fffffffu))) /* as Linux: capped at INT_MAX, then checked */
        return NULL;
    *iov = (struct sock_iov){ buf, n };
    *m = (struct sock_msg){ .iov = iov, .iovcnt = 1, .total = n, .flags = flags };
    return sock_fd((int)fd, rc);
}

/* MSG_FASTOPEN on a TCP socket (as Linux with net.ipv4.tcp_fastopen 1, the client side on): the send
 * connects first, as connect would, to the message's address, and the data follows once it is connected. skiff
 * has no Fast Open cookies, so the data never rides in the SYN: as Linux's first connection to a server, which
 * has none yet either. A socket already connected or connecting says so (EISCONN, EALREADY); no address on
 * an unconnected one is EINVAL; AF_UNSPEC EOPNOTSUPP. 0: go on with the send (without the address). */
static long fastopen(struct socket *s, struct sock_msg *m)
{
    if (!(m->flags & MSG_FASTOPEN) || s->type != SOCK_STREAM || (s->family != AF_INET && s->family != AF_INET6))
        return 0; /* every other socket ignores the flag */
    if (m->kaddr && m->alen >= 2 && *(const u16 *)m->kaddr == AF_UNSPEC)
        return -EOPNOTSUPP;
    long rc = sock_connect(s, m->kaddr, m->kaddr ? m->alen : 0, (m->flags & MSG_DONTWAIT) || (s->file->flags & O_NONBLOCK));
    m->kaddr = NULL;
    m->alen = 0;
    return rc;
}

SYSCALL(sendto)   /* (fd, buf, len, flags, addr, addrlen) */
{
    long rc;
    struct sock_iov iov;
    struct sock_msg m;
    struct socket *s = one_buffer(a0, a1, a2, (int)a3, &iov, &m, &rc);
    if (!s)
        return rc;
    u8 addr[SOCK_ADDR_MAX];
    if (a4) {
        if ((rc = sock_addr_in((void *)a4, (int)a5, addr)))
            return rc;
        m.kaddr = (int)a5 ? addr : NULL;
        m.alen = (u32)(int)a5;
    }
    if ((rc = fastopen(s, &m)))
        return rc;
    return sock_sendmsg(s, &m);
}

SYSCALL(recvfrom)   /* (fd, buf, len, flags, addr, addrlen *) */
{
    long rc;
    struct sock_iov iov;
    struct sock_msg m;
    struct socket *s = one_buffer(a0, a1, a2, (int)a3, &iov, &m, &rc);
    if (!s)
        return rc;
    u8 addr[SOCK_ADDR_MAX];
    m.kaddr = addr;
    rc = sock_recvmsg(s, &m);
    if (rc >= 0 && a4) {
        long e = sock_addr_out(addr, m.alen, (void *)a4, (int *)a5);
        if (e)
            return e;
    }
    return rc;
}

/* One sendmsg: the header, its address, iovecs and control data copied in, then the send. */
static long send_one(struct socket *s, struct msghdr_k *uh, int flags)
{
    struct msghdr_k h;
    if (copy_from_user(&h, uh, sizeof(h)))
        return -EFAULT;
    if (!h.name)
        h.namelen = 0;
    if (h.namelen < 0)
        return -EINVAL;
    h.namelen = MIN(h.namelen, SOCK_ADDR_MAX);
    u8 addr[SOCK_ADDR_MAX];
    long rc = sock_addr_in((void *)h.name, h.namelen, addr);
    if (rc)
        return rc;
    struct sock_msg m = { .flags = flags, .kaddr = h.namelen ? addr : NULL, .alen = (u32)h.namelen };
    struct sock_iov *iov;
    if ((rc = iov_import(h.iov, h.iovlen, &iov, &m.total)))
        return rc;
    m.iov = iov;
    m.iovcnt = (int)h.iovlen;
    void *ctl = NULL;
    if (h.controllen > 0x7fffffff || h.controllen > CTL_MAX)
        rc = -ENOBUFS;
    else if (h.controllen && !(ctl = kmalloc(h.controllen)))
        rc = -ENOMEM;
    else if (h.controllen && copy_from_user(ctl, (void *)h.control, h.controllen))
        rc = -EFAULT;
    if (!rc) {
        m.kctl = ctl;
        m.ctllen = (u32)h.controllen;
        rc = fastopen(s, &m);
    }
    if (!rc)
        rc = sock_sendmsg(s, &m);
    kfree(ctl);
    kfree(iov);
    return rc;
}

SYSCALL(sendmsg)   /* (fd, msg, flags) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    if ((u32)a2 & MSG_CMSG_COMPAT)
        return -EINVAL;
    return send_one(s, (struct msghdr_k *)a1, (int)a2);
}

/* One recvmsg: msg_namelen (when msg_name is set), msg_flags and msg_controllen are written back. */
static long recv_one(struct socket *s, struct msghdr_k *uh, int flags)
{
    struct msghdr_k h;
    if (copy_from_user(&h, uh, sizeof(h)))
        return -EFAULT;
    if (h.name && h.namelen < 0)
        return -EINVAL;
    u8 addr[SOCK_ADDR_MAX];
    struct sock_msg m = { .flags = flags, .kaddr = addr };
    struct sock_iov *iov;
    long rc = iov_import(h.iov, h.iovlen, &iov, &m.total);
    if (rc)
        return rc;
    m.iov = iov;
    m.iovcnt = (int)h.iovlen;
    u32 room = (u32)MIN(h.controllen, (u64)CTL_MAX);
    void *ctl = h.control && room ? kmalloc(room) : NULL;
    m.kctl = ctl;
    m.ctllen = ctl ? room : 0;
    rc = sock_recvmsg(s, &m);
    kfree(iov);
    long e = 0;
    if (rc >= 0 && h.name)
        e = sock_addr_out(addr, m.alen, (void *)h.name, &uh->namelen);
    int mflags = m.mflags | (flags & MSG_CMSG_CLOEXEC);
    if (rc >= 0 && !e && m.ctllen && copy_to_user((void *)h.control, ctl, m.ctllen))
        e = -EFAULT;
    if (rc >= 0 && !e && copy_to_user(&uh->flags, &mflags, sizeof(mflags)))
        e = -EFAULT;
    u64 used = m.ctllen;
    if (rc >= 0 && !e && copy_to_user(&uh->controllen, &used, sizeof(used)))
        e = -EFAULT;
    kfree(ctl);
    return e ? e : rc;
}

SYSCALL(recvmsg)   /* (fd, msg, flags) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    if ((u32)a2 & MSG_CMSG_COMPAT)
        return -EINVAL;
    return recv_one(s, (struct msghdr_k *)a1, (int)a2);
}

SYSCALL(sendmmsg)   /* (fd, mmsghdr *, vlen, flags) */
{
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    if ((u32)a3 & MSG_CMSG_COMPAT)
        return -EINVAL;
    u32 vlen = MIN((u32)a2, (u32)UIO_MAXIOV);
    struct mmsghdr_k *v = (struct mmsghdr_k *)a1;
    u32 done = 0;
    rc = 0;
    while (done < vlen) {
        rc = send_one(s, &v[done].hdr, (int)a3);
        if (rc < 0)
            break;
        u32 len = (u32)rc;
        if ((rc = copy_to_user(&v[done].len, &len, sizeof(len))))
            break;
        done++;
    }
    return done ? (long)done : rc;
}

struct kts { i64 sec, nsec; };

SYSCALL(recvmmsg)   /* (fd, mmsghdr *, vlen, flags, timeout *) */
{
    struct kts ts;
    u64 end = 0;
    if (a4) {
        if (copy_from_user(&ts, (void *)a4, sizeof(ts)))
            return -EFAULT;
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
            return -EINVAL;
        end = clock_monotonic_ns() + (u64)ts.sec * 1000000000ull + (u64)ts.nsec;
    }
    long rc;
    struct socket *s = sock_fd((int)a0, &rc);
    if (!s)
        return rc;
    int flags = (int)a3;
    if ((u32)flags & MSG_CMSG_COMPAT)
        return -EINVAL;
    if (s->so_error) {
        rc = -s->so_error;
        s->so_error = 0;
        return rc;
    }
    u32 vlen = MIN((u32)a2, (u32)UIO_MAXIOV), done = 0;
    struct mmsghdr_k *v = (struct mmsghdr_k *)a1;
    rc = 0;
    while (done < vlen) {
        /* as Linux: the timeout is looked at only between datagrams */
        rc = recv_one(s, &v[done].hdr, flags & ~MSG_WAITFORONE);
        if (rc < 0)
            break;
        u32 len = (u32)rc;
        if ((rc = copy_to_user(&v[done].len, &len, sizeof(len))))
            break;
        done++;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (a4) {
            u64 now = clock_monotonic_ns(), left = now < end ? end - now : 0;
            ts.sec = (i64)(left / 1000000000ull);
            ts.nsec = (i64)(left % 1000000000ull);
            if (!left)
                break;
        }
    }
    if (done && a4 && copy_to_user((void *)a4, &ts, sizeof(ts)))
        return -EFAULT;
    if (!done)
        return rc;
    if (rc < 0 && rc != -EAGAIN)
        s->so_error = (int)-rc; /* as Linux: reported by the next call */
    return done;
}
