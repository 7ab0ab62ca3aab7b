/* kernel/waitq.c — how a task waits and how it is woken: the wait queues (by futex key, by object, and the
 * any-event queue), the waits built on them (sleeps, futex waits, waits for one object or any I/O event) and the
 * wakes (sched_wake, signals, I/O kicks). The run queue and the switch itself are kernel/sched.c's. */
#include "proc.h"
#include "errno.h"
#include "boot.h"
#include "../arch/x86_64/arch.h"

/* Wait queues: each waiting task is on one, so a wake looks only at the tasks that may care. Futex-style waits
 * (wait_key) hash by key, waits on one object (wait_chan) by that object, the rest (pollers, wait4, the
 * console, sleeps) share one queue that every I/O event looks at. Same interrupt rule as the run queue. */
#define WQ_BUCKETS 256
struct waitq {
    struct task *head, *tail;
};
static struct waitq wq_key[WQ_BUCKETS], wq_chan[WQ_BUCKETS], wq_any;

static unsigned wq_hash(u64 v)
{
    v ^= v >> 29;
    v *= 0xbf58476d1ce4e5b9ull;
    return (unsigned)(v >> 56) % WQ_BUCKETS;
}

static struct waitq *wq_for(u64 key, const void *chan)
{
    if (key)
        return &wq_key[wq_hash(key)];
    return chan ? &wq_chan[wq_hash((u64)chan)] : &wq_any;
}

/* At the back of the queue, in constant time (a thousand threads waiting on one condition variable cost the
 * thousand-and-first no more than the first): wakes go in the order of waiting, as futex(2) users expect of
 * equal priorities. */
static void wq_add(struct task *t, struct waitq *q)
{
    t->wq = q;
    t->wq_next = NULL;
    t->wq_prev = q->tail;
    if (q->tail)
        q->tail->wq_next = t;
    else
        q->head = t;
    q->tail = t;
}

void waitq_del(struct task *t)
{
    struct waitq *q = t->wq;
    if (!q)
        return;
    if (t->wq_prev)
        t->wq_prev->wq_next = t->wq_next;
    else
        q->head = t->wq_next;
    if (t->wq_next)
        t->wq_next->wq_prev = t->wq_prev;
    else
        q->tail = t->wq_prev;
    t->wq = NULL;
}

struct task *sched_key_waiters(u64 key)
{
    return wq_key[wq_hash(key)].head;
}

void sched_requeue_key(struct task *t, u64 key)
{
    waitq_del(t);
    t->wait_key = key;
    wq_add(t, wq_for(key, NULL));
}

void sched_wake(struct task *t)
{
    if (t->state == TASK_BLOCKED) {
        sched_set_runnable(t);
        t->woken = true;
        t->wait_key = 0;
        t->wait_chan = NULL;
    }
}

/* A signal for t: it leaves its wait and looks at why it waited again (not counted as a futex wake). */
void sched_interrupt(struct task *t)
{
    if (t->state == TASK_BLOCKED)
        sched_set_runnable(t);
}

/* Waits until sched_interrupt or sched_wake, whatever is pending: a stopped thread (key: nothing a futex or
 * an I/O event wakes) waits here for SIGCONT or SIGKILL. */
void sched_block(u64 key)
{
    current->wake_deadline = ~0ull;
    current->wait_key = key;
    wq_add(current, wq_for(key, NULL));
    sched_set_blocked(current);
    schedule();
    sched_set_runnable(current);
    waitq_del(current);
    current->wait_key = 0;
}

static u64 io_events; /* counts sched_kick_io calls: what edge-triggered epoll compares against */

/* I/O waiters for chan (NULL: any event) look at their condition again; tasks that wait on one object (a
 * pipe) are left alone by every other event, so a thousand idle readers cost no switches. Futex waiters
 * (wait_key set) wait for their own wake. */
static void wake_io(const void *chan)
{
    for (struct task *t = wq_any.head; t; t = t->wq_next)
        if (t->state == TASK_BLOCKED)
            sched_set_runnable(t);
    if (!chan)
        return;
    for (struct task *t = wq_chan[wq_hash((u64)chan)].head; t; t = t->wq_next)
        if (t->state == TASK_BLOCKED && t->wait_chan == chan)
            sched_set_runnable(t);
}

/* Any-I/O waiters (poll, select, epoll, wait4, the console...) look again: what a device interrupt does. */
void sched_wake_io_waiters(void)
{
    wake_io(NULL);
}

/* An event on one object: its own waiters and every any-I/O waiter (a poll may watch it) look again. */
void sched_kick_chan(const void *chan)
{
    io_events++;
    wake_io(chan);
    poll_entries_kick(chan); /* pollers and epoll items that watch chan (kernel/pollwait.c) */
}

/* Something happened to a file (data in a pipe, room in a socket, input at the console): I/O waiters look
 * again, and the event count moves on. */
void sched_kick_io(void)
{
    io_events++;
    sched_wake_io_waiters();
}

/* The last task but one ended: a task that waits on one object alone may now wait for nobody (sched_wait_io
 * turns that into EDEADLK), so it looks again. */
void waitq_wake_lone(void)
{
    struct task *t = task_list;
    if (t && !t->next && t->state == TASK_BLOCKED && !t->wait_key && t->wait_chan)
        sched_set_runnable(t);
}

u64 sched_io_events(void)
{
    return io_events;
}

/* Blocks the current task for up to ns (~0: without limit) or until sched_wake, a signal, or (for an I/O
 * wait, key 0) any I/O event; callers re-check what they wait for. */
static void wait_in(u64 ns, u64 key, const void *chan, struct waitq *queue)
{
    if (signal_pending())
        return;
    current->wake_deadline = ns == ~0ull ? ~0ull : clock_monotonic_ns() + ns;
    current->wait_key = key;
    current->wait_chan = chan;
    current->woken = false;
    if (queue)
        wq_add(current, queue);
    sched_set_blocked(current);
    schedule();
    sched_set_runnable(current);
    waitq_del(current);
    current->wait_key = 0;
    current->wait_chan = NULL;
}

static void wait_on(u64 ns, u64 key, const void *chan)
{
    wait_in(ns, key, chan, wq_for(key, chan));
}

void sched_wait_key(u64 ns, u64 key)
{
    wait_on(ns, key, NULL);
}

void sched_wait(u64 ns)
{
    wait_on(ns, 0, NULL);
}

/* On no queue at all: only a signal for this task (sched_interrupt), sched_wake or the deadline ends it. What
 * pause, sigsuspend and nanosleep wait for; on the any-event queue every interrupt woke them all, so a few
 * hundred sleeping processes took every tick's worth of switches (a fork bomb of pause()rs crawled). */
void sched_wait_signal(u64 ns)
{
    wait_in(ns, 0, NULL, NULL);
}

/* Woken by sched_kick_chan(chan) (and signals, the deadline), not by every other I/O event. */
void sched_wait_on(u64 ns, const void *chan)
{
    wait_on(ns, 0, chan);
}

/* One wait for "the other end" of a pipe or an eventfd: 0 when the caller should look again, EAGAIN for a
 * non-blocking file, EINTR for a signal, and EDEADLK (with a log line) when no other task exists that could
 * ever change what the caller waits for: the VM would hang where Linux would too. */
long sched_wait_io_on(bool nonblock, const char *what, const void *chan)
{
    if (nonblock)
        return -EAGAIN;
    if (sched_alone() && !alarm_may_signal(current_proc())) {
        kerr("skiff: %s would wait forever (no other thread or process exists): EDEADLK\n", what);
        return -EDEADLK;
    }
    wait_on(~0ull, 0, chan);
    return signal_pending() ? -EINTR : 0;
}

long sched_wait_io(bool nonblock, const char *what)
{
    return sched_wait_io_on(nonblock, what, NULL);
}

