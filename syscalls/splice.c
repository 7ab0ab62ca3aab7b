/* syscalls/splice.c — splice(2) and tee(2): bytes moved between a pipe and another file (or two pipes)
 * through a kernel buffer, never through the caller's memory. A splice from a pipe looks at the pipe's bytes,
 * writes what the other file takes and only then takes that many out of the pipe, so nothing is lost when the
 * write is short; a splice into a pipe waits for room first and reads no more than fits. tee copies from one
 * pipe to another and takes nothing. The checks follow Linux's order (a zero length first, flags, the
 * descriptors, which side is a pipe, offsets). Packet-mode (O_DIRECT) pipes show no bytes to splice. */
#include "syscalls.h"

#define SPLICE_CHUNK (64 * 1024) /* at most this per call: one default pipe's worth */

static bool can(const struct file *f, bool write)
{
    u32 acc = f->flags & O_ACCMODE;
    return write ? acc != O_RDONLY : acc != O_WRONLY;
}

/* From the pipe of in to out (a pipe or another file, at *pos when pos is given): the bytes moved. The
 * pipe's bytes are looked at, written, and only what out took is taken. take false: tee (nothing taken). */
static long from_pipe(struct pipe *ip, struct file *out, u64 *pos, size_t len, bool nonblock, bool take)
{
    long rc = pipe_wait_splice(ip, false, nonblock);
    if (rc)
        return rc == 1 ? 0 : rc; /* 1: no writer and nothing in it: the end */
    struct pipe *op = pipe_of(out);
    if (op && (rc = pipe_wait_splice(op, true, nonblock)))
        return rc;
    size_t n = MIN(len, SPLICE_CHUNK);
    if (op)
        n = MIN(n, pipe_room(op));
    u8 *buf = kmalloc(SPLICE_CHUNK);
    if (!buf)
        return -ENOMEM;
    n = pipe_peek(ip, buf, n);
    u64 off = pos ? *pos : out->off;
    ssize_t w = n ? file_kernel_write(out, buf, n, &off) : 0;
    kfree(buf);
    if (w > 0) {
        if (take)
            pipe_take(ip, (size_t)w);
        if (pos)
            *pos = off;
        else
            out->off = off;
    }
    return w;
}

/* From in (not a pipe; at *pos when given) into the pipe of out: no more than the pipe has room for. */
static long to_pipe(struct file *in, u64 *pos, struct pipe *op, struct file *out, size_t len, bool nonblock)
{
    long rc = pipe_wait_splice(op, true, nonblock);
    if (rc)
        return rc;
    size_t n = MIN(MIN(len, SPLICE_CHUNK), pipe_room(op));
    u8 *buf = kmalloc(SPLICE_CHUNK);
    if (!buf)
        return -ENOMEM;
    u64 off = pos ? *pos : in->off;
    ssize_t r = file_kernel_read(in, buf, n, &off);
    u64 o = 0;
    ssize_t w = r > 0 ? file_kernel_write(out, buf, (size_t)r, &o) : r;
    kfree(buf);
    if (w > 0) {
        if (pos)
            *pos = off;
        else
            in->off = off;
    }
    return w;
}

/* An offset argument of a side that is not a pipe: NULL (the file position), or a seekable file's (EINVAL
 * otherwise, and for a negative one). */
static long offset_in(const void *uoff, struct file *f, u64 *pos, u64 **ppos)
{
    *ppos = NULL;
    if (!uoff)
        return 0;
    if (!f->inode || !(S_ISREG(f->inode->mode) || (f->inode->mode & S_IFMT) == S_IFBLK))
        return -EINVAL; /* no pread/pwrite on it */
    i64 v;
    if (copy_from_user(&v, uoff, sizeof(v)))
        return -EFAULT;
    if (v < 0)
        return -EINVAL;
    *pos = (u64)v;
    *ppos = pos;
    return 0;
}

SYSCALL(splice) /* (fd_in, off_in *, fd_out, off_out *, len, flags) */
{
    size_t len = a4;
    u32 flags = (u32)a5;
    if (!len)
        return 0;
    if (flags & ~(u32)SPLICE_F_ALL)
        return -EINVAL;
    struct file *in = fd_file_io((int)a0), *out = fd_file_io((int)a2);
    if (!in || !out || !can(in, false) || !can(out, true))
        return -EBADF;
    struct pipe *ip = pipe_of(in), *op = pipe_of(out);
    bool nonblock = flags & SPLICE_F_NONBLOCK;
    u64 pos, *ppos;
    long rc;
    if (ip && op) {
        if (a1 || a3)
            return -ESPIPE;
        if (ip == op)
            return -EINVAL;
        return from_pipe(ip, out, NULL, len, nonblock || ((in->flags | out->flags) & O_NONBLOCK), true);
    }
    if (ip) {
        if (a1)
            return -ESPIPE;
        if ((rc = offset_in((const void *)a3, out, &pos, &ppos)))
            return rc;
        if (out->flags & O_APPEND)
            return -EINVAL;
        if (!out->ops || !out->ops->write)
            return -EINVAL;
        rc = from_pipe(ip, out, ppos, len, nonblock || (in->flags & O_NONBLOCK), true);
        if (rc > 0 && ppos && copy_to_user((void *)a3, &pos, sizeof(pos)))
            return -EFAULT;
        return rc;
    }
    if (op) {
        if (a3)
            return -ESPIPE;
        if ((rc = offset_in((const void *)a1, in, &pos, &ppos)))
            return rc;
        if (!in->ops || !in->ops->read)
            return -EINVAL;
        rc = to_pipe(in, ppos, op, out, len, nonblock || (out->flags & O_NONBLOCK));
        if (rc > 0 && ppos && copy_to_user((void *)a1, &pos, sizeof(pos)))
            return -EFAULT;
        return rc;
    }
    return -EINVAL; /* neither side is a pipe */
}

SYSCALL(tee) /* (fd_in, fd_out, len, flags) */
{
    u32 flags = (u32)a3;
    if (flags & ~(u32)SPLICE_F_ALL)
        return -EINVAL;
    if (!a2)
        return 0;
    struct file *in = fd_file_io((int)a0), *out = fd_file_io((int)a1);
    if (!in || !out || !can(in, false) || !can(out, true))
        return -EBADF;
    struct pipe *ip = pipe_of(in), *op = pipe_of(out);
    if (!ip || !op || ip == op)
        return -EINVAL;
    bool nonblock = (flags & SPLICE_F_NONBLOCK) || ((in->flags | out->flags) & O_NONBLOCK);
    return from_pipe(ip, out, NULL, a2, nonblock, false);
}
