/* syscalls/aio_submit.c — io_submit(2): each iocb checked as Linux checks it (errors fail the submission, and
 * io_submit returns how many went in before the first one failed), then done at once — skiff has no
 * asynchronous block I/O — so that its completion is in the ring when io_submit returns; IOCB_CMD_POLL may wait
 * (syscalls/aio_poll.c). A transfer's own failure (unmapped memory: -EFAULT) is the completion's res. */
#include "aio.h"

SYSCALL(fsync);
SYSCALL(fdatasync);

struct iovec_k { u64 base, len; };

#define IOCB_FLAG_RESFD 1
#define IOCB_FLAG_IOPRIO 2
#define RWF_KNOWN_AIO 0xffu   /* HIPRI DSYNC SYNC NOWAIT APPEND NOAPPEND ATOMIC DONTCACHE */
#define RWF_NOWAIT 0x08
#define RWF_APPEND 0x10
#define RWF_ATOMIC 0x40
#define RWF_DONTCACHE 0x80

enum { CMD_PREAD = 0, CMD_PWRITE = 1, CMD_FSYNC = 2, CMD_FDSYNC = 3, CMD_POLL = 5, CMD_NOOP = 6, CMD_PREADV = 7,
       CMD_PWRITEV = 8 };


struct iocb_k {
    u64 data;
    u32 key, rw_flags;
    u16 opcode;
    i16 reqprio;
    u32 fildes;
    u64 buf, nbytes;
    i64 offset;
    u64 reserved2;
    u32 flags, resfd;
};

/* aio_rw_flags as Linux's kiocb_set_rw_flags takes them on a RAM file: ATOMIC and DONTCACHE are not offered. */
static long rw_flags_check(u32 rwf, bool write)
{
    if (rwf & ~RWF_KNOWN_AIO)
        return -EOPNOTSUPP;
    if ((rwf & RWF_ATOMIC) && !write)
        return -EOPNOTSUPP;
    return (rwf & (RWF_ATOMIC | RWF_DONTCACHE)) ? -EOPNOTSUPP : 0;
}

/* PREAD/PWRITE/PREADV/PWRITEV: the checks Linux makes before the transfer fail the submission; the transfer's
 * own result (bytes, or -EFAULT for unmapped memory, -EFBIG...) is the completion's res. */
static long submit_rw(const struct iocb_k *cb, struct file *f, struct aio_event *ev)
{
    bool write = cb->opcode == CMD_PWRITE || cb->opcode == CMD_PWRITEV;
    bool vec = cb->opcode == CMD_PREADV || cb->opcode == CMD_PWRITEV;
    /* IOCB_FLAG_IOPRIO: a class ioprio_set would take (EINVAL, EPERM for RT without the capability); recorded
     * nowhere, as skiff's I/O has no queue */
    long rc = (cb->flags & IOCB_FLAG_IOPRIO) ? ioprio_check(cb->reqprio) : 0;
    if (!rc)
        rc = rw_flags_check(cb->rw_flags, write);
    if (!rc)
        rc = iov_file_check(f, write);
    if (rc)
        return rc;
    if (vec && cb->nbytes > 1024)
        return -EINVAL; /* UIO_MAXIOV */
    int cnt = vec ? (int)cb->nbytes : 1;
    struct iovec_k one = { cb->buf, cb->nbytes }, *iov = &one;
    if (vec && !(iov = kmalloc(MAX(cnt, 1) * sizeof(*iov))))
        return -ENOMEM;
    rc = vec ? iov_import_user(iov, (const struct iovec_k *)cb->buf, cnt) : access_ok(cb->buf, cb->nbytes) ? 0 : -EFAULT;
    bool seek = iov_file_seekable(f);
    if (!rc && seek && cb->offset < 0)
        rc = -EINVAL;
    if (!rc) {
        u32 rwf = cb->rw_flags & (RWF_APPEND | RWF_NOWAIT);
        ev->res = iov_transfer(f, iov, cnt, write, seek ? cb->offset : -1, rwf);
    }
    if (iov != &one)
        kfree(iov);
    return rc;
}

/* FSYNC/FDSYNC: no other field may be set; files without a sync operation (pipes, sockets...) are EINVAL. */
static long submit_sync(const struct iocb_k *cb, struct aio_event *ev)
{
    if (cb->buf || cb->offset || cb->nbytes || cb->rw_flags)
        return -EINVAL;
    long rc = cb->opcode == CMD_FSYNC ? sys_fsync(cb->fildes, 0, 0, 0, 0, 0) : sys_fdatasync(cb->fildes, 0, 0, 0, 0, 0);
    if (rc == -EINVAL)
        return rc;
    ev->res = rc;
    return 0;
}

/* The eventfd IOCB_FLAG_RESFD names: EBADF when closed, EINVAL when not an eventfd. Held for the request. */
static long resfd_get(const struct iocb_k *cb, struct file **out)
{
    *out = NULL;
    if (!(cb->flags & IOCB_FLAG_RESFD))
        return 0;
    struct file *e = fd_file_io((int)cb->resfd);
    if (!e)
        return -EBADF;
    if (!eventfd_is(e))
        return -EINVAL;
    file_get(e);
    *out = e;
    return 0;
}

/* Free slots: the ring less one, less what it holds and what is pending (a completion always has a place). */
static bool slot_free(struct aio_ctx *c) { return aio_ring_avail(c) + c->npending < c->nr - 1; }

static long submit_one(struct aio_ctx *c, u64 uiocb)
{
    struct iocb_k cb;
    if (copy_from_user(&cb, (void *)uiocb, sizeof(cb)))
        return -EFAULT;
    if (cb.reserved2 || (i64)cb.nbytes < 0)
        return -EINVAL;
    aio_poll_reap(c);
    if (!slot_free(c))
        return -EAGAIN;
    struct file *f = fd_file_io((int)cb.fildes), *resfd;
    if (!f)
        return -EBADF;
    long rc = resfd_get(&cb, &resfd);
    if (rc)
        return rc;
    u32 key = AIO_KIOCB_KEY;
    struct aio_event ev = { .data = cb.data, .obj = uiocb };
    if (copy_to_user((void *)(uiocb + 8), &key, sizeof(key)))
        rc = -EFAULT;
    else if (cb.opcode == CMD_PREAD || cb.opcode == CMD_PWRITE || cb.opcode == CMD_PREADV || cb.opcode == CMD_PWRITEV)
        rc = submit_rw(&cb, f, &ev);
    else if (cb.opcode == CMD_FSYNC || cb.opcode == CMD_FDSYNC)
        rc = submit_sync(&cb, &ev);
    else if (cb.opcode == CMD_POLL)
        rc = aio_poll_submit(c, f, cb.buf, cb.offset || cb.nbytes || cb.rw_flags, &ev, &resfd);
    else
        rc = -EINVAL; /* IOCB_CMD_NOOP and unknown opcodes */
    if (!rc)
        aio_complete(c, &ev, resfd);
    if (rc > 0) /* a poll that waits: its completion comes later */
        rc = 0;
    if (resfd)
        file_put(resfd);
    return rc;
}

SYSCALL(io_submit) /* (aio_context_t ctx, long nr, struct iocb **iocbpp) */
{
    i64 nr = (i64)a1;
    if (nr < 0)
        return -EINVAL;
    struct aio_ctx *c = aio_ctx_lookup(a0);
    if (!c)
        return -EINVAL;
    if ((u64)nr > c->nr)
        nr = c->nr;
    i64 i;
    long rc = 0;
    for (i = 0; i < nr; i++) {
        u64 uiocb;
        if (copy_from_user(&uiocb, (const u64 *)a2 + i, sizeof(uiocb))) {
            rc = -EFAULT;
            break;
        }
        if ((rc = submit_one(c, uiocb)))
            break;
    }
    return i ? i : rc;
}
