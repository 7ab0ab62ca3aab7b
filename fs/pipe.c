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

#define O_DIRECT_ 040000 /* on the write end: packet mode (pipe2(2)) */
#define PIPE_MAX_SLOTS (PIPE_MAX_SIZE / PAGE_SIZE)

/* Packet mode keeps what Linux's page buffers say about the bytes: runs of stream data (written without
 * O_DIRECT; tail: the bytes in its last page, which a later write may top up) and packets, in order. A pipe
 * that never had a packet has no records: all it holds is one stream. */
struct pipe_rec {
    u32 len;
    u16 tail;
    bool packet;
};

struct pipe {
    struct pipe_rec *recs;     /* a ring of PIPE_MAX_SLOTS, NULL until the first packet */
    unsigned rhead, rn;
    u8 *buf;
    size_t head, len;          /* data is [head, head + len) modulo cap */
    size_t cap;                /* bytes the ring holds: a power-of-two number of pages */
    int readers, writers;
    struct inode *inode;       /* anonymous (no name, nlink 0), as Linux's pipefs: fstat and /proc/self/fd */
};


/* Copies c bytes in at the end of the ring, or out from its head (dst NULL: dropped): the bytes moved, or
 * -EFAULT when the user buffer faulted before any. */
static long pipe_put(struct pipe *p, const u8 *src, size_t c)
{
    size_t done = 0;
    while (done < c) {
        size_t tail = (p->head + p->len) % p->cap, k = MIN(c - done, p->cap - tail);
        if (copy_from_user(p->buf + tail, src + done, k))
            return done ? (long)done : -EFAULT;
        p->len += k;
        done += k;
    }
    return (long)done;
}

static long pipe_get(struct pipe *p, u8 *dst, size_t c)
{
    size_t done = 0;
    while (done < c) {
        size_t k = MIN(c - done, p->cap - p->head);
        if (dst && copy_to_user(dst + done, p->buf + p->head, k))
            return done ? (long)done : -EFAULT;
        p->head = (p->head + k) % p->cap;
        p->len -= k;
        done += k;
    }
    return (long)done;
}

static struct pipe_rec *rec_at(struct pipe *p, unsigned i) { return &p->recs[(p->rhead + i) % PIPE_MAX_SLOTS]; }
static struct pipe_rec *rec_last(struct pipe *p) { return p->rn ? rec_at(p, p->rn - 1) : NULL; }

/* The page buffers Linux would use: one per packet, a page per started page of stream data. */
static unsigned pipe_slots(struct pipe *p)
{
    unsigned n = 0;
    for (unsigned i = 0; i < p->rn; i++)
        n += rec_at(p, i)->packet ? 1 : (rec_at(p, i)->len + PAGE_SIZE - 1) / PAGE_SIZE;
    return n;
}

static bool pipe_full(struct pipe *p, size_t c)
{
    return p->cap - p->len < c || (p->recs && pipe_slots(p) >= p->cap / PAGE_SIZE);
}

/* Packet mode's read: stream bytes, and at most one packet, whose bytes past n are dropped. */
static ssize_t pipe_read_recs(struct pipe *p, u8 *ubuf, size_t n)
{
    size_t done = 0;
    while (done < n && p->rn) {
        struct pipe_rec *r = rec_at(p, 0);
        size_t c = MIN(n - done, r->len);
        if (pipe_get(p, ubuf + done, c) != (long)c) /* a fault: the packet is not taken apart */
            return done ? (ssize_t)done : -EFAULT;
        if (r->packet)
            pipe_get(p, NULL, r->len - c);
        done += c;
        r->len -= (u32)(r->packet ? r->len : c);
        bool packet = r->packet;
        if (!r->len) {
            p->rhead = (p->rhead + 1) % PIPE_MAX_SLOTS;
            p->rn--;
        }
        if (packet)
            break;
    }
    return (ssize_t)done;
}

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
    ssize_t done = p->recs ? pipe_read_recs(p, ubuf, n) : pipe_get(p, ubuf, MIN(n, p->len));
    sched_kick_chan(p); /* a writer waiting for room */
    return done;
}

/* A writer finds no room: waits for a reader (0: look again), or why it cannot (EAGAIN, a signal, EPIPE). */
static long pipe_wait_room(struct file *f, struct pipe *p, size_t done)
{
    if (done)
        sched_kick_chan(p); /* a reader can drain what is in already */
    long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "write to a full pipe", p);
    if (!rc && !p->readers) {
        signal_send(current, SIGPIPE);
        rc = -EPIPE;
    }
    return rc;
}

static bool pipe_recs_start(struct pipe *p)
{
    p->recs = kmalloc(PIPE_MAX_SLOTS * sizeof(*p->recs));
    if (!p->recs)
        return false;
    p->rhead = p->rn = 0;
    if (p->len) { /* what a stream wrote so far: one run */
        u16 tail = (u16)(p->len % PAGE_SIZE ? p->len % PAGE_SIZE : PAGE_SIZE);
        p->recs[0] = (struct pipe_rec){ (u32)p->len, tail, false };
        p->rn = 1;
    }
    return true;
}

/* Packet mode's write, as Linux's pipe_write with its page buffers: the bytes past whole pages top up the
 * last stream run when they fit in its page (even an O_DIRECT write's); the rest goes in a page at a time,
 * each page of an O_DIRECT write a packet of its own. Waits and partial writes as for a stream. */
static ssize_t pipe_write_recs(struct file *f, struct pipe *p, const u8 *ubuf, size_t n)
{
    if (!p->recs && !pipe_recs_start(p))
        return -ENOMEM;
    bool packet = f->flags & O_DIRECT_;
    size_t done = 0, chars = n & (PAGE_SIZE - 1);
    struct pipe_rec *last = rec_last(p);
    if (chars && last && !last->packet && last->tail + chars <= PAGE_SIZE && p->cap - p->len >= chars) {
        long rc = pipe_put(p, ubuf, chars);
        if (rc < 0)
            return rc;
        last->len += (u32)rc;
        last->tail = (u16)(last->tail + rc);
        done = (size_t)rc;
    }
    while (done < n) {
        size_t c = MIN(n - done, PAGE_SIZE);
        if (pipe_full(p, c)) {
            long rc = pipe_wait_room(f, p, done);
            if (rc)
                return done ? (ssize_t)done : rc;
            continue;
        }
        long rc = pipe_put(p, ubuf + done, c);
        if (rc < 0)
            return done ? (ssize_t)done : rc;
        last = rec_last(p);
        if (!packet && last && !last->packet) {
            last->len += (u32)rc;
            last->tail = (u16)rc;
        } else {
            *rec_at(p, p->rn++) = (struct pipe_rec){ (u32)rc, (u16)rc, packet };
        }
        done += (size_t)rc;
        if ((size_t)rc < c)
            break; /* a fault part way */
    }
    sched_kick_chan(p); /* a reader waiting for data */
    return (ssize_t)done;
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
    if ((f->flags & O_DIRECT_) || p->recs)
        return pipe_write_recs(f, p, ubuf, n);
    /* Linux's pipe_write: a write of at most PIPE_BUF bytes goes in whole (it waits for room for all of it); a
     * larger one goes in as room frees up. A blocking write returns when all of it is in; a non-blocking one
     * with what fitted (EAGAIN if nothing did). A reader gone half way: what was written, with SIGPIPE. */
    size_t done = 0;
    while (done < n) {
        size_t room = p->cap - p->len;
        if (!room || (n <= PIPE_BUF && room < n)) {
            long rc = pipe_wait_room(f, p, done);
            if (rc)
                return done ? (ssize_t)done : rc;
            continue;
        }
        size_t want = MIN(n - done, room);
        long rc = pipe_put(p, (const u8 *)ubuf + done, want);
        if (rc < 0)
            return done ? (ssize_t)done : rc;
        done += (size_t)rc;
        if ((size_t)rc < want)
            break; /* a fault part way */
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
    return p->readers ? (!pipe_full(p, 1) ? POLLOUT : 0) : POLLERR;
}


static void pipe_drop(struct pipe *p)
{
    sched_kick_chan(p); /* the other end sees EOF or EPIPE */
    if (p->readers || p->writers)
        return;
    if (p->inode && p->inode->fops == &fifo_ops)
        p->inode->priv = NULL; /* a named FIFO: the next open starts a new pipe, empty */
    vmap_free(p->buf, p->cap / PAGE_SIZE);
    kfree(p->recs);
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

/* Every change of either end is kicked on the pipe (sched_kick_chan(p)): its poll channel. */
static const void *pipe_chan(struct file *f)
{
    return f->priv;
}

static const struct file_ops pipe_read_ops = { .read = pipe_read, .ioctl = pipe_ioctl, .poll = pipe_poll_read,
                                               .release = pipe_release_read, .poll_chan = pipe_chan };
static const struct file_ops pipe_write_ops = { .write = pipe_write, .ioctl = pipe_ioctl, .poll = pipe_poll_write,
                                                .release = pipe_release_write, .poll_chan = pipe_chan };
static const struct file_ops pipe_rdwr_ops = { .read = pipe_read, .write = pipe_write, .ioctl = pipe_ioctl,
                                               .poll = pipe_poll_rdwr, .release = pipe_release_rdwr,
                                               .poll_chan = pipe_chan };

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
    if (size < p->len || (p->recs && pipe_slots(p) > size / PAGE_SIZE))
        return -EBUSY; /* less room than the data, or (packet mode) fewer pages than buffers in use */
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
    if (file_room())
        return -ENFILE; /* fs.file-max */
    struct pipe *p = pipe_alloc();
    if (!p)
        return -ENOMEM;
    p->readers = p->writers = 1;
    p->inode = ramfs_new_inode(S_IFIFO | 0600);
    *rd = file_new(&pipe_read_ops, O_RDONLY | (flags & O_NONBLOCK), p);
    *wr = file_new(&pipe_write_ops, O_WRONLY | (flags & (O_NONBLOCK | O_DIRECT_)), p);
    if (!*rd || !*wr || !p->inode) {
        file_discard(*rd);
        file_discard(*wr);
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

/* For splice, tee and vmsplice (syscalls/splice.c): a pipe's bytes looked at without taking them, taken
 * afterwards, and the waits a splice makes before it moves anything. */
struct pipe *pipe_of(const struct file *f)
{
    bool is = f && (f->ops == &pipe_read_ops || f->ops == &pipe_write_ops || f->ops == &pipe_rdwr_ops);
    return is ? f->priv : NULL;
}

size_t pipe_avail(const struct pipe *p) { return p->recs ? 0 : p->len; }

size_t pipe_room(const struct pipe *p) { return pipe_full((struct pipe *)p, 1) ? 0 : p->cap - p->len; }

/* Copies up to n bytes from the head into kbuf without taking them: how many. Packet-mode pipes (O_DIRECT)
 * hold records that a peek would split: they show no bytes here (splice on them is EINVAL). */
size_t pipe_peek(const struct pipe *p, u8 *kbuf, size_t n)
{
    n = MIN(n, pipe_avail(p));
    for (size_t done = 0; done < n;) {
        size_t at = (p->head + done) % p->cap, k = MIN(n - done, p->cap - at);
        memcpy(kbuf + done, p->buf + at, k);
        done += k;
    }
    return n;
}

void pipe_take(struct pipe *p, size_t n)
{
    pipe_get(p, NULL, MIN(n, p->len));
    sched_kick_chan(p);
}

/* Waits until p holds bytes (room: until a write could add some): 0, 1 at the end (no writer left, nothing
 * in it), or why not: EAGAIN (nonblock), a signal, EPIPE (room, and no reader: SIGPIPE as for a write). */
long pipe_wait_splice(struct pipe *p, bool room, bool nonblock)
{
    for (;;) {
        if (room && !p->readers) {
            signal_send(current, SIGPIPE);
            return -EPIPE;
        }
        if (room ? pipe_room(p) > 0 : p->len > 0)
            return 0;
        if (!room && !p->writers)
            return 1;
        long rc = sched_wait_io_on(nonblock, room ? "splice into a full pipe" : "splice from an empty pipe", p);
        if (rc)
            return rc;
    }
}
