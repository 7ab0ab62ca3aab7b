/* fs/timerfd.c — timerfd: a timer (kernel/ktimer.c) as a file. read returns the number of expirations since
 * the last read (8 bytes) and resets it, waiting for one unless O_NONBLOCK; poll says readable while the count is
 * non-zero. timerfd_settime/gettime act on it as timer_settime/gettime on a POSIX timer. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/ktimer.h"

struct timerfd {
    struct ktimer k; /* first: the fire callback gets it */
    u64 count;       /* expirations not read yet; written from the timer tick */
    bool canceled;   /* the wall clock was set under a TFD_TIMER_CANCEL_ON_SET timer: the next read fails */
    struct timerfd *cancel_next; /* on cancel_list while armed with TFD_TIMER_CANCEL_ON_SET */
};

/* Timerfds armed with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET on the wall clock (syscalls only). */
static struct timerfd *cancel_list;

static void cancel_unlink(struct timerfd *t)
{
    for (struct timerfd **pp = &cancel_list; *pp; pp = &(*pp)->cancel_next)
        if (*pp == t) {
            *pp = t->cancel_next;
            break;
        }
    t->cancel_next = NULL;
}

/* timerfd_settime: whether this timer is cancelled when the wall clock is set (a new setting forgets an
 * earlier cancellation, as on Linux). */
void timerfd_cancel_on_set(struct ktimer *k, bool on)
{
    struct timerfd *t = (struct timerfd *)k;
    cancel_unlink(t);
    t->canceled = false;
    if (on) {
        t->cancel_next = cancel_list;
        cancel_list = t;
    }
}

/* The wall clock was set (clock_settime, settimeofday, adjtimex's ADJ_SETOFFSET): every such timer becomes
 * readable, and its next read fails with ECANCELED. */
void timerfd_clock_was_set(void)
{
    for (struct timerfd *t = cancel_list; t; t = t->cancel_next) {
        t->canceled = true;
        t->count++;
        sched_kick_chan(&t->k);
    }
}

static void tfd_fire(struct ktimer *k, u64 count)
{
    ((struct timerfd *)k)->count += count;
    sched_kick_chan(k); /* the timer tick, an interrupt: readers and the timerfd's poll channel */
}

static ssize_t tfd_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct timerfd *t = f->priv;
    if (n < 8)
        return -EINVAL;
    while (!t->count) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (!t->k.expires) {
            sched_wait(~0ull); /* disarmed: only a settime from another task or a signal ends this */
        } else {
            u64 left = ktimer_left(&t->k);
            sched_wait(t->k.clock == CLOCK_REALTIME || t->k.clock == CLOCK_TAI ? MIN(left, 1000000ull) : left);
            ktimers_run(); /* the tick may be off: check the time now */
        }
        if (!t->count && signal_pending())
            return -EINTR;
    }
    if (t->canceled) {
        t->canceled = false;
        t->count = 0;
        return -ECANCELED;
    }
    u64 v = t->count;
    if (copy_to_user(ubuf, &v, sizeof(v)))
        return -EFAULT;
    t->count = 0;
    return 8;
}

static unsigned tfd_poll(struct file *f)
{
    struct timerfd *t = f->priv;
    return t->count ? POLLIN : 0;
}

static void tfd_release(struct file *f)
{
    struct timerfd *t = f->priv;
    ktimer_cancel(&t->k);
    cancel_unlink(t);
    kfree(t);
}

#define TFD_IOC_SET_TICKS 0x40085400 /* _IOW('T', 0, u64) */

/* TFD_IOC_SET_TICKS (Linux with CONFIG_CHECKPOINT_RESTORE, as Debian builds it): the count of expirations a
 * restored timer had, readable at once. */
static long tfd_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    struct timerfd *t = f->priv;
    u64 ticks;
    if (cmd != TFD_IOC_SET_TICKS)
        return -ENOTTY;
    if (copy_from_user(&ticks, (const void *)arg, sizeof(ticks)))
        return -EFAULT;
    if (!ticks)
        return -EINVAL;
    if (t->canceled)
        return -ECANCELED;
    t->count = ticks;
    sched_kick_chan(&t->k);
    return 0;
}

/* Only an expiry makes it readable, kicked on the timer (tfd_fire); a read or settime only ends readiness. */
static const void *tfd_chan(struct file *f)
{
    return &((struct timerfd *)f->priv)->k;
}

static const struct file_ops timerfd_ops = { .read = tfd_read, .poll = tfd_poll, .release = tfd_release,
                                             .ioctl = tfd_ioctl, .poll_chan = tfd_chan, .lseek_noop = true };

struct file *timerfd_create(int clock, u32 flags)
{
    struct timerfd *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->k.clock = clock;
    t->k.fire = tfd_fire;
    struct file *f = file_new(&timerfd_ops, O_RDWR | (flags & O_NONBLOCK), t);
    if (!f)
        kfree(t);
    return f;
}

/* The timer behind f, or NULL when f is not a timerfd. */
struct ktimer *timerfd_timer(struct file *f, u64 **count)
{
    if (f->ops != &timerfd_ops)
        return NULL;
    struct timerfd *t = f->priv;
    if (count)
        *count = &t->count;
    return &t->k;
}
