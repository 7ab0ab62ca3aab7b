/* fs/eventfd.c — eventfd: a 64-bit counter as a file. write adds, read takes the whole count (or 1 with
 * EFD_SEMAPHORE); poll says readable while the count is non-zero. A wait that no other task could end
 * (the caller is alone) fails with EDEADLK instead of hanging the VM, as pipes do. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define EFD_SEMAPHORE 1
#define COUNT_MAX 0xfffffffffffffffeull

struct eventfd {
    u64 count;
    bool semaphore;
};


static ssize_t efd_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct eventfd *e = f->priv;
    if (n < 8)
        return -EINVAL;
    while (!e->count) {
        long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "read from an eventfd at zero", e);
        if (rc)
            return rc;
    }
    u64 v = e->semaphore ? 1 : e->count;
    if (copy_to_user(ubuf, &v, sizeof(v)))
        return -EFAULT;
    e->count -= v;
    sched_kick_chan(e);
    return 8;
}

static ssize_t efd_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct eventfd *e = f->priv;
    u64 v;
    if (n < 8)
        return -EINVAL;
    if (copy_from_user(&v, ubuf, sizeof(v)))
        return -EFAULT;
    if (v == ~0ull)
        return -EINVAL;
    while (COUNT_MAX - e->count < v) {
        long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "write to a full eventfd", e);
        if (rc)
            return rc;
    }
    e->count += v;
    sched_kick_chan(e);
    return 8;
}

static unsigned efd_poll(struct file *f)
{
    struct eventfd *e = f->priv;
    return (e->count ? POLLIN : 0) | (e->count < COUNT_MAX ? POLLOUT : 0);
}

static void efd_release(struct file *f)
{
    kfree(f->priv);
}

/* read and write kick the eventfd (sched_kick_chan(e)): its poll channel. */
static const void *efd_chan(struct file *f)
{
    return f->priv;
}

static const struct file_ops eventfd_ops = { .read = efd_read, .write = efd_write, .poll = efd_poll,
                                             .release = efd_release, .poll_chan = efd_chan, .lseek_noop = true };

bool eventfd_is(struct file *f) { return f && f->ops == &eventfd_ops; }

/* From a kick callback too: short, never sleeps; a count at its maximum stays there, as Linux's. */
void eventfd_signal(struct file *f)
{
    struct eventfd *e = f->priv;
    if (e->count < COUNT_MAX)
        e->count++;
    sched_kick_chan(e);
}

struct file *eventfd_create(u64 initval, u32 flags)
{
    struct eventfd *e = kzalloc(sizeof(*e));
    if (!e)
        return NULL;
    e->count = initval;
    e->semaphore = flags & EFD_SEMAPHORE;
    struct file *f = file_new(&eventfd_ops, O_RDWR | (flags & O_NONBLOCK), e);
    if (!f)
        kfree(e);
    return f;
}
