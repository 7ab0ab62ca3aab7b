/* kernel/pollwait.c — poll channels: how poll, select and epoll hear of one file's readiness change without
 * looking at every other file. A pollable object (a pipe, a socket, an eventfd...) names a channel (its own
 * address, by the file op poll_chan) and kicks it with sched_kick_chan on every change of what its poll op
 * says. A waiter hangs a poll_entry on each channel it cares about: a poll or select call for its duration,
 * an epoll item from EPOLL_CTL_ADD to its removal. A kick runs the entries of its channel alone, so an event
 * costs what waits on that one object, not what waits anywhere (issue 15: 10,000 idle connections cost a
 * server nothing per event).
 * A file whose ops name no channel keeps the old way: its waiters sleep on the any-event queue, which every
 * kick wakes (sched_kick_io and sched_kick_chan alike), so nothing is lost while kick sites are converted.
 * Interrupt context: sched_kick_chan runs from the network's receive path and from timers (a timerfd's
 * expiry, the console's input); the entry table below is thus touched from interrupts. On one CPU that is
 * safe because the kernel runs with interrupts off; with SMP the table needs a lock taken with interrupts
 * off, and the callbacks (pollwait_wake, epoll's item_kick) must stay short and never sleep. */
#include "proc.h"
#include "mm.h"
#include "errno.h"

/* Entries by channel: a chained hash, the chain doubly linked so that removal is constant-time. 4,096 heads
 * keep the chains short with ten thousand registered files. */
#define PW_BUCKETS 4096
static struct poll_entry *pw_table[PW_BUCKETS]; /* touched from interrupts (see above) */

static unsigned pw_hash(const void *chan)
{
    u64 v = (u64)chan;
    v ^= v >> 31;
    v *= 0x9e3779b97f4a7c15ull;
    return (unsigned)(v >> 52) % PW_BUCKETS;
}

void poll_entry_add(struct poll_entry *e, const void *chan, void (*fn)(struct poll_entry *))
{
    struct poll_entry **head = &pw_table[pw_hash(chan)];
    e->chan = chan;
    e->fn = fn;
    e->prev = NULL;
    e->next = *head;
    if (*head)
        (*head)->prev = e;
    *head = e;
    e->linked = true;
}

void poll_entry_del(struct poll_entry *e)
{
    if (!e->linked)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        pw_table[pw_hash(e->chan)] = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->linked = false;
}

/* Runs the entries on chan. A callback may kick another channel (an epoll inside an epoll), never remove an
 * entry; the depth bound is a net under epoll_ctl's ELOOP check. */
void poll_entries_kick(const void *chan)
{
    static int depth; /* touched from interrupts: per CPU with SMP */
    if (!chan || depth > 8)
        return;
    depth++;
    for (struct poll_entry *e = pw_table[pw_hash(chan)], *next; e; e = next) {
        next = e->next;
        if (e->chan == chan)
            e->fn(e);
    }
    depth--;
}

/* The channel of f (NULL: f has none; its waiters use the any-event queue). */
const void *file_poll_chan(struct file *f)
{
    return f->ops && f->ops->poll_chan ? f->ops->poll_chan(f) : NULL;
}

/* --- poll and select: entries for one call --- */

static u64 pw_chan_sleeps, pw_any_sleeps; /* /proc/skiff/poll: which way poll and select slept */

static void pollwait_wake(struct poll_entry *e)
{
    struct pollwait *pw = ((struct pollwait_entry *)e)->pw;
    pw->kicked = true;
    if (pw->sleeping && pw->task->state == TASK_BLOCKED)
        sched_set_runnable(pw->task);
}

void pollwait_init(struct pollwait *pw)
{
    *pw = (struct pollwait){ .task = current };
}

/* Before a pass that may be followed by a sleep: drops the last pass's entries. */
void pollwait_reset(struct pollwait *pw)
{
    for (int i = 0; i < pw->n; i++)
        poll_entry_del(&pw->e[i].pe);
    pw->n = 0;
    pw->fallback = false;
    pw->kicked = false;
}

/* During that pass: the caller will wait for f too. */
void pollwait_watch(struct pollwait *pw, struct file *f)
{
    const void *chan = file_poll_chan(f);
    if (!chan || pw->fallback) {
        pw->fallback = true; /* one file without a channel: the any-event queue covers them all */
        return;
    }
    if (pw->n == pw->cap) {
        int cap = pw->cap ? pw->cap * 2 : 16;
        struct pollwait_entry *e = kmalloc((u64)cap * sizeof(*e));
        if (!e) {
            pw->fallback = true;
            return;
        }
        for (int i = 0; i < pw->n; i++) { /* entries move: relink them at their new address */
            poll_entry_del(&pw->e[i].pe);
            e[i].pw = pw;
            poll_entry_add(&e[i].pe, pw->e[i].pe.chan, pollwait_wake);
        }
        kfree(pw->e);
        pw->e = e;
        pw->cap = cap;
    }
    pw->e[pw->n].pw = pw;
    poll_entry_add(&pw->e[pw->n].pe, chan, pollwait_wake);
    pw->n++;
}

/* Sleeps up to ns (~0: no limit) until a watched channel is kicked, a signal or the deadline; at once if a
 * kick came during the pass. */
void pollwait_sleep(struct pollwait *pw, u64 ns)
{
    if (pw->fallback) {
        pw_any_sleeps++;
        sched_wait(ns); /* any I/O event wakes us to look again */
        return;
    }
    pw_chan_sleeps++;
    if (pw->kicked)
        return;
    pw->sleeping = true;
    sched_wait_signal(ns); /* on no queue: our entries (pollwait_wake), a signal or the deadline end it */
    pw->sleeping = false;
}

void pollwait_done(struct pollwait *pw)
{
    pollwait_reset(pw);
    kfree(pw->e);
    pw->e = NULL;
    pw->cap = 0;
}

u64 pollwait_chan_sleeps(void)
{
    return pw_chan_sleeps;
}

u64 pollwait_any_sleeps(void)
{
    return pw_any_sleeps;
}
