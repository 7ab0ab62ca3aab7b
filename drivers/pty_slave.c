/* drivers/pty_slave.c — a pseudo-terminal's slave side (drivers/pty.c has the pair and the master): an
 * ordinary terminal over the pty's struct tty. Reads go through its line discipline; writes through its OPOST
 * into the master's buffer, waiting while it is full or output is stopped (tcflow); once the master is gone it
 * is hung up (reads 0, writes and ioctls EIO). Opening it (by /dev/pts/N, TIOCGPTPEER or /dev/tty) may make it
 * the opener's controlling terminal. Big kernel lock, process context only. */
#include "pty_int.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/cred.h"

#define TIOCSPGRP 0x5410
#define TIOCEXCL 0x540c
#define TIOCNXCL 0x540d
#define TIOCGEXCL 0x80045440
#define TOSTOP 0000400
#define CAP_SYS_ADMIN 21

static int pts_open(struct file *f)
{
    struct pty *p = f->priv;
    if (!p || !p->master_open || p->locked)
        return -EIO;
    if (p->excl && !capable(CAP_SYS_ADMIN))
        return -EBUSY;
    p->slaves++;
    p->other_closed = false;
    tty_open_ctty(&p->tty, f);
    return 0;
}

static void pts_release(struct file *f)
{
    struct pty *p = f->priv;
    if (--p->slaves)
        return;
    if (!p->master_open) {
        pty_free(p);
        return;
    }
    p->other_closed = true;
    sched_kick_chan(p);
}

int pty_open_ctty(struct file *f)
{
    struct tty *t = current_proc()->ctty;
    if (!t || t == &tty_console)
        return 0;
    struct pty *p = t->dev;
    if (p->excl && !capable(CAP_SYS_ADMIN))
        return -EBUSY;
    p->slaves++;
    p->other_closed = false;
    f->ops = &pty_slave_ops;
    f->priv = p;
    return 0;
}


static ssize_t pts_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct pty *p = f->priv;
    if (p->tty.hungup)
        return 0;
    return tty_read(&p->tty, ubuf, n, f->flags & O_NONBLOCK);
}

static ssize_t pts_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct pty *p = f->priv;
    if (p->tty.hungup)
        return -EIO;
    if (p->tty.termios.lflag & TOSTOP) { /* a background writer stops (SIGTTOU) */
        long bg = tty_check_bg(&p->tty, SIGTTOU);
        if (bg)
            return bg;
    }
    char in[128], out[256];
    size_t done = 0;
    while (done < n) {
        size_t c = MIN(n - done, sizeof(in)), used;
        if (copy_from_user(in, (const u8 *)ubuf + done, c))
            return done ? (ssize_t)done : -EFAULT;
        size_t o = tty_output_map(&p->tty, in, c, out, sizeof(out), &used);
        while (pty_out_room(p) < o || p->tty.stopped) { /* no room, or tcflow(TCOOFF) */
            if (done && (f->flags & O_NONBLOCK))
                return (ssize_t)done;
            long rc = sched_wait_io_on(f->flags & O_NONBLOCK, "write to a pty slave (master not reading)", p);
            if (!rc && p->tty.hungup)
                rc = -EIO;
            if (rc)
                return done ? (ssize_t)done : rc;
        }
        pty_out_push(p, out, o);
        sched_kick_chan(p);
        done += used;
    }
    return (ssize_t)done;
}

static unsigned pts_poll(struct file *f)
{
    struct pty *p = f->priv;
    if (p->tty.hungup)
        return POLLIN | POLLOUT | POLLERR | POLLHUP;
    return (tty_readable(&p->tty) ? POLLIN : 0) | (pty_out_room(p) && !p->tty.stopped ? POLLOUT : 0);
}

static long pts_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    struct pty *p = f->priv;
    if (p->tty.hungup)
        return cmd == TIOCSPGRP ? -ENOTTY : -EIO; /* Linux's hung-up file */
    switch (cmd) {
    case TIOCEXCL: case TIOCNXCL: /* exclusive mode: further opens of the slave EBUSY (but for CAP_SYS_ADMIN) */
        p->excl = cmd == TIOCEXCL;
        return 0;
    case TIOCGEXCL:
        return pty_put_int(arg, p->excl);
    default:
        return tty_ioctl(&p->tty, f, cmd, arg, false);
    }
}

const struct file_ops pty_slave_ops = { .open = pts_open, .read = pts_read, .write = pts_write,
                                         .ioctl = pts_ioctl, .poll = pts_poll, .release = pts_release,
                                         .poll_chan = pty_chan };

