/* fs/signalfd.c — signalfd: the reader's pending signals in the file's mask, taken by read() as
 * struct signalfd_siginfo records instead of running handlers (the program blocks them first, as signalfd(2)
 * says). poll says readable while one is pending for the polling thread; a signal sent kicks the waiters. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

struct sfd_siginfo {
    u32 signo;
    i32 errnum, code;
    u32 pid, uid;
    i32 fd;
    u32 tid, band, overrun, trapno;
    i32 status, value_int;
    u64 ptr, utime, stime, addr;
    u8 pad[48];            /* addr_lsb, syscall, call_addr, arch: not produced here */
};
_Static_assert(sizeof(struct sfd_siginfo) == 128, "struct signalfd_siginfo");

static u64 pending_for_me(u64 mask)
{
    return (current->sig_pending_task | current->proc->sig_pending) & mask;
}

static void to_sfd(const struct k_siginfo *in, struct sfd_siginfo *o)
{
    memset(o, 0, sizeof(*o));
    o->signo = (u32)in->signo;
    o->errnum = in->errnum;
    o->code = in->code;
    if (in->code == SI_TIMER) {
        o->tid = (u32)in->pid;
        o->overrun = in->uid;
    } else {
        o->pid = (u32)in->pid;
        o->uid = in->uid;
    }
    o->status = (i32)in->value;
    o->value_int = (i32)in->value;
    o->ptr = in->value;
    o->utime = in->utime;
    o->stime = in->stime;
    o->addr = in->addr;
    o->trapno = (u32)in->trapno;
}

static ssize_t sfd_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    u64 mask = *(u64 *)f->priv;
    if (n < sizeof(struct sfd_siginfo))
        return -EINVAL;
    while (!pending_for_me(mask)) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (signal_pending())
            return -EINTR;
        sched_wait(~0ull); /* a signal sent kicks I/O waiters (kernel/signal.c) */
    }
    size_t done = 0;
    struct k_siginfo info;
    while (done + sizeof(struct sfd_siginfo) <= n && signal_dequeue(mask, &info)) {
        struct sfd_siginfo o;
        to_sfd(&info, &o);
        if (copy_to_user((u8 *)ubuf + done, &o, sizeof(o)))
            return done ? (ssize_t)done : -EFAULT; /* (that signal is lost, as on Linux) */
        done += sizeof(o);
    }
    return (ssize_t)done;
}

static unsigned sfd_poll(struct file *f)
{
    return pending_for_me(*(u64 *)f->priv) ? POLLIN : 0;
}

static void sfd_release(struct file *f)
{
    kfree(f->priv);
}

/* What it reports is the caller's process's (and thread's) pending signals, each queued with a kick on the
 * process's pending word (kernel/signal.c): the channel of whoever polls or adds it to an epoll, as Linux ties
 * a signalfd's wake-ups to the caller's signal handlers. */
static const void *sfd_chan(struct file *f)
{
    (void)f;
    return &current->proc->sig_pending;
}

static const struct file_ops signalfd_ops = { .read = sfd_read, .poll = sfd_poll, .release = sfd_release,
                                              .poll_chan = sfd_chan, .lseek_noop = true };

struct file *signalfd_create(u64 mask, u32 flags)
{
    u64 *m = kmalloc(sizeof(*m));
    if (!m)
        return NULL;
    *m = mask;
    struct file *f = file_new(&signalfd_ops, O_RDWR | (flags & O_NONBLOCK), m);
    if (!f)
        kfree(m);
    return f;
}

bool signalfd_set_mask(struct file *f, u64 mask)
{
    if (f->ops != &signalfd_ops)
        return false;
    *(u64 *)f->priv = mask;
    sched_kick_chan(&current->proc->sig_pending); /* a signal pending already may now be reported */
    return true;
}
