/* fs/pidfd.c — pidfds: a file that names one process (pidfd_open, clone's CLONE_PIDFD). It holds the pid
 * number, not the process: pids are never reused in skiff (kernel/fork.c hands them out in order), so a pid
 * that no longer finds a process means the process was reaped, and the file can outlive it safely.
 * poll says POLLIN once the process has ended (a zombie) and POLLIN|POLLHUP once it was reaped, as Linux's
 * pidfs does; a process's end kicks the I/O waiters (signal_notify_parent), which re-poll. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define POLLRDNORM 0x040

static int pid_of(struct file *f)
{
    return (int)(u64)f->priv;
}

static unsigned pidfd_poll_op(struct file *f)
{
    struct proc *p = proc_by_pid(pid_of(f));
    if (!p)
        return POLLIN | POLLRDNORM | POLLHUP;
    return p->zombie ? POLLIN | POLLRDNORM : 0;
}

/* Every pidfd's poll channel: what it reports changes when a process ends (pidfd_proc_ended, at its turn to a
 * zombie) or is reaped (POLLHUP, only with POLLIN already there). Few programs hold many pidfds, and ends are
 * rare next to I/O, so one channel for all is cheap. */
static char pidfd_chan;

void pidfd_proc_ended(void)
{
    sched_kick_chan(&pidfd_chan);
}

static const void *pidfd_poll_chan(struct file *f)
{
    (void)f;
    return &pidfd_chan;
}

/* No read or write: read(2) on a pidfd is EINVAL on Linux too. */
static const struct file_ops pidfd_ops = { .poll = pidfd_poll_op, .poll_chan = pidfd_poll_chan,
                                            .pread_ok = true };

struct file *pidfd_create(int pid, u32 flags)
{
    return file_new(&pidfd_ops, O_RDWR | (flags & O_NONBLOCK), (void *)(u64)pid);
}

int pidfd_pid(struct file *f)
{
    return f && f->ops == &pidfd_ops ? pid_of(f) : -EBADF;
}
