/* fs/pipe.c — pipes. A 64 KiB ring buffer shared by a read file and a write file. Reading an empty pipe
 * whose write end is open waits for another task to write (EAGAIN with O_NONBLOCK); when the caller is the
 * only task left there is nobody who could, so instead of hanging the VM the read ends with a diagnostic
 * (EDEADLK). The same holds for writing to a full pipe. Waiters wait on their pipe alone (sched_wait_io_on):
 * every change to a pipe kicks it, so idle readers of other pipes cost nothing. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define PIPE_SIZE (64 * 1024) /* a new pipe's capacity (F_SETPIPE_SZ changes it) */
#define PIPE_MAX_SIZE (1024 * 1024) /* Linux's /proc/sys/fs/pipe-max-size default; skiff holds root to it too */
#define PIPE_BUF 4096 /* writes up to this size are atomic: all of it or (non-blocking) EAGAIN */

struct pipe {
    u8 *buf;
    size_t head, len;          /* data is [head, head + len) modulo cap */
    size_t cap;                /* bytes the ring holds: a power-of-two number of pages */
    int readers, writers;
    struct inode *inode;       /* anonymous (no name, nlink 0), as Linux's pipefs: fstat and /proc/self/fd */
};


static ssize_t pipe_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct pipe *p = f->priv;
    if (!n)
        return 0;
    while (!p->len) {
        if (!p->writers)
            return 0;
        long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "read from an empty pipe", p);
        if (rc)
            return rc;
    }
    size_t done = 0;
    while (done < n && p->len) {
        size_t c = MIN(MIN(n - done, p->len), p->cap - p->head);
        if (copy_to_user((u8 *)ubuf + done, p->buf + p->head, c))
            return done ? (ssize_t)done : -EFAULT;
        p->head = (p->head + c) % p->cap;
        p->len -= c;
        done += c;
    }
    sched_kick_chan(p); /* a writer waiting for room */
    return done;
}

static ssize_t pipe_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct pipe *p = f->priv;
    if (!p->readers) {
        signal_send(current, SIGPIPE);
        return -EPIPE;
    }
    if (!n)
        return 0;
    /* Linux's pipe_write: a write of at most PIPE_BUF bytes goes in whole (it waits for room for all of it); a
     * larger one goes in as room frees up. A blocking write returns when all of it is in; a non-blocking one
     * with what fitted (EAGAIN if nothing did). A reader gone half way: what was written, with SIGPIPE. */
    size_t done = 0;
    while (done < n) {
        size_t room = p->cap - p->len;
        if (!room || (n <= PIPE_BUF && room < n)) {
            if (done)
                sched_kick_chan(p); /* a reader can drain what is in already */
            long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "write to a full pipe", p);
            if (rc)
                return done ? (ssize_t)done : rc;
            if (!p->readers) {
                signal_send(current, SIGPIPE);
                return done ? (ssize_t)done : -EPIPE;
            }
            continue;
        }
        size_t tail = (p->head + p->len) % p->cap;
        size_t c = MIN(MIN(n - done, room), p->cap - tail);
        if (copy_from_user(p->buf + tail, (const u8 *)ubuf + done, c))
            return done ? (ssize_t)done : -EFAULT;
        p->len += c;
        done += c;
    }
    sched_kick_chan(p); /* a reader waiting for data */
    return done;
}

static unsigned pipe_poll_read(struct file *f)
{
    struct pipe *p = f->priv;
    return (p->len ? POLLIN : 0) | (p->writers ? 0 : POLLHUP);
}

static unsigned pipe_poll_write(struct file *f)
{
    struct pipe *p = f->priv;
    return p->readers ? (p->len < p->cap ? POLLOUT : 0) : POLLERR;
}


static void pipe_drop(struct pipe *p)
{
    sched_kick_chan(p); /* the other end sees EOF or EPIPE */
    if (p->readers || p->writers)
        return;
    if (p->inode && p->inode->fops == &fifo_ops)
        p->inode->priv = NULL; /* a named FIFO: the next open starts a new pipe, empty */
    vmap_free(p->buf, p->cap / PAGE_SIZE);
    kfree(p);
}

static struct pipe *pipe_alloc(void)
{
    struct pipe *p = kzalloc(sizeof(*p));
    u8 *buf = p ? vmap_alloc(PIPE_SIZE / PAGE_SIZE) /* single pages, not a contiguous run */ : NULL;
    if (!buf) {
        kfree(p);
        return NULL;
    }
    p->buf = buf;
    p->cap = PIPE_SIZE;
    return p;
}

static void pipe_release_read(struct file *f)
{
    struct pipe *p = f->priv;
    p->readers--;
    pipe_drop(p);
}

static void pipe_release_write(struct file *f)
{
    struct pipe *p = f->priv;
    p->writers--;
    pipe_drop(p);
}

static unsigned pipe_poll_rdwr(struct file *f)
{
    return pipe_poll_read(f) | pipe_poll_write(f);
}

static void pipe_release_rdwr(struct file *f)
{
    struct pipe *p = f->priv;
    p->readers--;
    p->writers--;
    pipe_drop(p);
}

#define FIONREAD 0x541b

/* FIONREAD: the bytes the pipe holds, on either end (Linux's pipe_ioctl serves both); Java's
 * InputStream.available() on a child process's output asks it. Nothing else is a pipe ioctl (ENOTTY). */
static long pipe_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    struct pipe *p = f->priv;
    if (cmd != FIONREAD)
        return -ENOTTY;
    int v = (int)p->len;
    return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static const struct file_ops pipe_read_ops = { .read = pipe_read, .ioctl = pipe_ioctl, .poll = pipe_poll_read,
                                               .release = pipe_release_read };
static const struct file_ops pipe_write_ops = { .write = pipe_write, .ioctl = pipe_ioctl, .poll = pipe_poll_write,
                                                .release = pipe_release_write };
static const struct file_ops pipe_rdwr_ops = { .read = pipe_read, .write = pipe_write, .ioctl = pipe_ioctl,
                                               .poll = pipe_poll_rdwr, .release = pipe_release_rdwr };

/* Opening the pipe's inode again (/proc/self/fd/N, /dev/stdin): a new file on the same pipe, a reader, a
 * writer or both by its access mode, as opening a FIFO on Linux (which does not wait here: the pipe has both
 * ends already, or had them). */
static int pipe_reopen(struct file *f)
{
    struct pipe *p = f->inode->priv;
    u32 acc = f->flags & O_ACCMODE;
    f->priv = p;
    p->readers += acc != O_WRONLY;
    p->writers += acc != O_RDONLY;
    f->ops = acc == O_RDONLY ? &pipe_read_ops : acc == O_WRONLY ? &pipe_write_ops : &pipe_rdwr_ops;
    sched_kick_chan(p);
    return 0;
}

/* F_GETPIPE_SZ and F_SETPIPE_SZ (fcntl): the capacity, set as Linux rounds it (at least a page, a power of
 * two pages); EBUSY below what the pipe holds, EINVAL past 2^31, EPERM past pipe-max-size, EBADF for a file
 * that is no pipe. */
long pipe_fcntl_size(struct file *f, bool set, u64 arg)
{
    if (f->ops != &pipe_read_ops && f->ops != &pipe_write_ops && f->ops != &pipe_rdwr_ops)
        return -EBADF;
    struct pipe *p = f->priv;
    if (!set)
        return (long)p->cap;
    if (arg > (1ul << 31))
        return -EINVAL;
    size_t size = PAGE_SIZE;
    while (size < arg)
        size <<= 1;
    if (size > PIPE_MAX_SIZE)
        return -EPERM;
    if (size < p->len)
        return -EBUSY;
    if (size == p->cap)
        return (long)size;
    u8 *buf = vmap_alloc(size / PAGE_SIZE);
    if (!buf)
        return -ENOMEM;
    for (size_t i = 0; i < p->len; i++) /* the data, from the start of the new ring */
        buf[i] = p->buf[(p->head + i) % p->cap];
    vmap_free(p->buf, p->cap / PAGE_SIZE);
    p->buf = buf;
    p->head = 0;
    p->cap = size;
    sched_kick_chan(p); /* writers waiting for room */
    return (long)size;
}

static const struct file_ops pipe_inode_ops = { .open = pipe_reopen };

bool pipe_inode(const struct inode *ino)
{
    return ino && ino->fops == &pipe_inode_ops;
}

/* A named FIFO (mknod, mkfifo): the pipe exists while some file has it open. As on Linux, opening for reading
 * waits for a writer and opening for writing waits for a reader, unless O_NONBLOCK (then a writer with no
 * reader is ENXIO); O_RDWR never waits. A wait that nobody could end is EDEADLK (sched_wait_io). */
static int fifo_open(struct file *f)
{
    struct inode *ino = f->inode;
    u32 acc = f->flags & O_ACCMODE;
    bool nonblock = f->flags & O_NONBLOCK;
    struct pipe *p = ino->priv;
    if (!p && !(p = pipe_alloc()))
        return -ENOMEM;
    p->inode = ino;
    ino->priv = p;
    if (acc == O_WRONLY && nonblock && !p->readers) {
        pipe_drop(p);
        return -ENXIO;
    }
    pipe_reopen(f);
    while ((acc == O_RDONLY && !nonblock && !p->writers) || (acc == O_WRONLY && !p->readers)) {
        long rc = sched_wait_io_on(false, acc == O_RDONLY ? "open of a FIFO for reading (no writer)"
                                                           : "open of a FIFO for writing (no reader)", p);
        if (rc) {
            f->ops->release(f); /* undo the attach */
            f->ops = NULL;
            return (int)rc;
        }
    }
    return 0;
}

/* What opening a named FIFO gives, on any filesystem (its inode is only the rendezvous). */
const struct file_ops fifo_ops = { .open = fifo_open };

int pipe_create(struct file **rd, struct file **wr, u32 flags)
{
    struct pipe *p = pipe_alloc();
    if (!p)
        return -ENOMEM;
    p->readers = p->writers = 1;
    p->inode = ramfs_new_inode(S_IFIFO | 0600);
    *rd = file_new(&pipe_read_ops, O_RDONLY | (flags & O_NONBLOCK), p);
    *wr = file_new(&pipe_write_ops, O_WRONLY | (flags & O_NONBLOCK), p);
    if (!*rd || !*wr || !p->inode) {
        kfree(*rd);
        kfree(*wr);
        kfree(p->inode);
        vmap_free(p->buf, p->cap / PAGE_SIZE);
        kfree(p);
        return -ENOMEM;
    }
    p->inode->fops = &pipe_inode_ops;
    p->inode->priv = p;
    (*rd)->inode = (*wr)->inode = p->inode;
    p->inode->refs = 2; /* one for each end; the last file_put frees the inode (nlink 0) */
    return 0;
}

/* /proc/sys/fs/pipe-max-size: the largest F_SETPIPE_SZ allows (read-only in skiff) */
int pipe_sysctl_max_size(char *buf, size_t size)
{
    return ksnprintf(buf, size, "%d\n", PIPE_MAX_SIZE);
}
