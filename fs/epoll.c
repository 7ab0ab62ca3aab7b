/* fs/epoll.c — epoll: an interest list of (fd, file, events, data) items and a ready list, as Linux's. An item
 * whose file has a poll channel (kernel/pollwait.c) hangs an entry on it from EPOLL_CTL_ADD to its removal; a
 * kick on the channel puts the item on its epoll's ready list and wakes the epoll's waiters. epoll_wait looks at
 * the ready list alone, re-checking each item's poll mask there: what it examines is what was kicked, not the
 * whole interest list (a server with 10,000 idle connections pays for the active one). Level-triggered items
 * stay on the list while ready; edge-triggered ones (EPOLLET) leave it once reported, until the next kick;
 * EPOLLONESHOT disables an item once reported, until EPOLL_CTL_MOD.
 * An item whose file has no channel (and an epoll inside an epoll) is a fallback item: it stays on the ready
 * list, is looked at on every call, and its epoll's waiters sleep on the any-event queue. Edge triggering for
 * those reports a condition absent at the last look, or, while ready, one after any I/O event since the last
 * report (sched_io_events): never a missed change, sometimes an extra report.
 * An item holds no reference: a file's last close drops its items (epoll_file_gone, from file_put), as Linux
 * removes a file from every interest list then; so a new file at a freed one's address is never confused with
 * it (nginx once got EEXIST adding a new connection). Lookup by (file, fd) is a hash that grows. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)
/* What EPOLLEXCLUSIVE may come with (epoll_ctl(2)). Every waiter wakes here: "one or more", as it allows. */
#define EXCLUSIVE_OK (POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)

struct epoll;
struct ep_item {
    struct poll_entry pe;         /* first: on the file's channel (a channel item) */
    int fd;
    struct file *file;
    struct epoll *ep;
    u32 events;
    u64 data;
    bool disabled;                /* EPOLLONESHOT reported it */
    bool fallback;                /* no channel: always on the ready list, looked at every time */
    bool queued;                  /* on the ready list */
    unsigned seen;                /* fallback EPOLLET: the conditions at the last look */
    u64 seen_events;              /* fallback EPOLLET: sched_io_events() when last reported */
    struct ep_item *hnext;        /* the epoll's hash chain */
    struct ep_item *rnext, *rprev; /* the ready list */
    struct ep_item *fnext, *fprev; /* the file's items (file->epitems) */
};

/* The ready list is changed from interrupts (item_kick, from a channel's kick): with SMP it needs the epoll's
 * lock, taken with interrupts off. */
struct epoll {
    struct ep_item **hash;
    unsigned nbuckets, count;
    struct ep_item *rhead, *rtail;
    int nfallback;                /* fallback items: waiters sleep on the any-event queue */
};

static u64 ep_waits, ep_examined; /* /proc/skiff/poll: epoll_wait's looks and the items they examined */

static void ready_add(struct ep_item *it)
{
    if (it->queued)
        return;
    it->rnext = NULL;
    it->rprev = it->ep->rtail;
    if (it->ep->rtail)
        it->ep->rtail->rnext = it;
    else
        it->ep->rhead = it;
    it->ep->rtail = it;
    it->queued = true;
}

static void ready_del(struct ep_item *it)
{
    struct epoll *ep = it->ep;
    if (!it->queued)
        return;
    if (it->rprev)
        it->rprev->rnext = it->rnext;
    else
        ep->rhead = it->rnext;
    if (it->rnext)
        it->rnext->rprev = it->rprev;
    else
        ep->rtail = it->rprev;
    it->queued = false;
}

/* A kick on the item's channel (interrupt context possible): onto the ready list, and the epoll's own
 * waiters and watchers (an epoll_wait, a poll of the epoll fd, an outer epoll) look again. */
static void item_kick(struct poll_entry *e)
{
    struct ep_item *it = (struct ep_item *)e;
    if (it->disabled)
        return;
    ready_add(it);
    sched_kick_chan(it->ep);
}

/* What an item reports now (0: nothing). consume: this look reports to the program, so a fallback
 * edge-triggered item remembers what it saw. */
static unsigned item_ready(struct ep_item *it, bool consume)
{
    ep_examined++;
    unsigned r = file_poll(it->file) & (it->events | POLLERR | POLLHUP);
    if (!it->fallback || !(it->events & EPOLLET))
        return r;
    bool report = (r & ~it->seen) || (r && it->seen_events != sched_io_events());
    if (consume) {
        it->seen = r;
        if (report)
            it->seen_events = sched_io_events();
    }
    return report ? r : 0;
}

static unsigned key_hash(const struct file *f, int fd, unsigned nbuckets)
{
    u64 v = (u64)f ^ ((u64)(u32)fd << 40);
    v *= 0x9e3779b97f4a7c15ull;
    return (unsigned)(v >> 40) & (nbuckets - 1);
}

static struct ep_item *find(struct epoll *ep, int fd, struct file *file)
{
    for (struct ep_item *it = ep->hash[key_hash(file, fd, ep->nbuckets)]; it; it = it->hnext)
        if (it->fd == fd && it->file == file)
            return it;
    return NULL;
}

/* Twice the buckets when the chains grow past two items on average (an allocation failure keeps the old). */
static void hash_grow(struct epoll *ep)
{
    if (ep->count < ep->nbuckets * 2)
        return;
    unsigned nb = ep->nbuckets * 2;
    struct ep_item **h = kzalloc(nb * sizeof(*h));
    if (!h)
        return;
    for (unsigned b = 0; b < ep->nbuckets; b++)
        for (struct ep_item *it = ep->hash[b], *next; it; it = next) {
            next = it->hnext;
            unsigned k = key_hash(it->file, it->fd, nb);
            it->hnext = h[k];
            h[k] = it;
        }
    kfree(ep->hash);
    ep->hash = h;
    ep->nbuckets = nb;
}

/* Out of its epoll, its file's list and its channel; freed. */
static void item_free(struct ep_item *it)
{
    struct epoll *ep = it->ep;
    for (struct ep_item **pp = &ep->hash[key_hash(it->file, it->fd, ep->nbuckets)]; *pp; pp = &(*pp)->hnext)
        if (*pp == it) {
            *pp = it->hnext;
            break;
        }
    ep->count--;
    ready_del(it);
    ep->nfallback -= it->fallback;
    poll_entry_del(&it->pe);
    if (it->fprev)
        it->fprev->fnext = it->fnext;
    else
        it->file->epitems = it->fnext;
    if (it->fnext)
        it->fnext->fprev = it->fprev;
    kfree(it);
}

void epoll_file_gone(struct file *f)
{
    while (f->epitems)
        item_free(f->epitems);
}

/* The epoll as a file: readable while an item is ready. Items found not ready leave the ready list. */
static unsigned ep_poll(struct file *f)
{
    struct epoll *ep = f->priv;
    for (struct ep_item *it = ep->rhead, *next; it; it = next) {
        next = it->rnext;
        if (it->disabled)
            continue;
        if (item_ready(it, false))
            return POLLIN;
        if (!it->fallback)
            ready_del(it);
    }
    return 0;
}

/* Its channel, while every item has one (a fallback item changes with no kick on the epoll). */
static const void *ep_poll_chan(struct file *f)
{
    struct epoll *ep = f->priv;
    return ep->nfallback ? NULL : ep;
}

static void ep_release(struct file *f)
{
    struct epoll *ep = f->priv;
    for (unsigned b = 0; b < ep->nbuckets; b++)
        while (ep->hash[b])
            item_free(ep->hash[b]);
    kfree(ep->hash);
    kfree(ep);
}

const struct file_ops epoll_ops = { .poll = ep_poll, .release = ep_release, .poll_chan = ep_poll_chan,
                                   .lseek_noop = true };

struct file *epoll_create_file(u32 flags)
{
    struct epoll *ep = kzalloc(sizeof(*ep));
    if (ep)
        ep->hash = kzalloc(16 * sizeof(*ep->hash));
    if (!ep || !ep->hash) {
        kfree(ep);
        return NULL;
    }
    ep->nbuckets = 16;
    struct file *f = file_new(&epoll_ops, O_RDWR | flags, ep);
    if (!f) {
        kfree(ep->hash);
        kfree(ep);
    }
    return f;
}

/* Does from watch to, itself or through epolls it watches? (EPOLL_CTL_ADD refuses the loop: ELOOP.) */
static bool ep_reaches(struct epoll *from, struct epoll *to, int depth)
{
    if (from == to)
        return true;
    if (depth > 8)
        return true; /* deeper than Linux allows (EP_MAX_NESTS) in any case */
    for (unsigned b = 0; b < from->nbuckets; b++)
        for (struct ep_item *it = from->hash[b]; it; it = it->hnext)
            if (it->file->ops == &epoll_ops && ep_reaches(it->file->priv, to, depth + 1))
                return true;
    return false;
}

static long item_add(struct epoll *ep, int fd, struct file *target, u32 events, u64 data)
{
    if (target->ops == &epoll_ops && ep_reaches(target->priv, ep, 0))
        return -ELOOP;
    struct ep_item *it = kzalloc(sizeof(*it));
    if (!it)
        return -ENOMEM;
    *it = (struct ep_item){ .fd = fd, .file = target, .ep = ep, .events = events, .data = data };
    unsigned k = key_hash(target, fd, ep->nbuckets);
    it->hnext = ep->hash[k];
    ep->hash[k] = it;
    ep->count++;
    it->fnext = target->epitems;
    if (target->epitems)
        target->epitems->fprev = it;
    target->epitems = it;
    const void *chan = file_poll_chan(target);
    if (chan)
        poll_entry_add(&it->pe, chan, item_kick);
    /* An epoll inside: its channel goes quiet when it gains a fallback item, so it is looked at every time. */
    it->fallback = !chan || target->ops == &epoll_ops;
    ep->nfallback += it->fallback;
    ready_add(it); /* looked at by the next wait: reported if ready now, as Linux's insert does */
    hash_grow(ep);
    return 0;
}

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

long epoll_control(struct file *epf, int op, int fd, struct file *target, u32 events, u64 data)
{
    struct epoll *ep = epf->priv;
    if ((op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) && (events & EPOLLEXCLUSIVE) &&
        (op == EPOLL_CTL_MOD || target->ops == &epoll_ops || (events & ~EXCLUSIVE_OK)))
        return -EINVAL;
    struct ep_item *it = find(ep, fd, target);
    long rc = 0;
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it)
            return -EEXIST;
        rc = item_add(ep, fd, target, events, data);
        break;
    case EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        if (it->events & EPOLLEXCLUSIVE)
            return -EINVAL; /* an exclusive item is never modified (Linux) */
        it->events = events;
        it->data = data;
        it->disabled = false;
        it->seen = 0; /* as on Linux, a MOD re-arms: what is ready now is reported */
        ready_add(it);
        break;
    case EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        item_free(it);
        return 0;
    default:
        return -EINVAL;
    }
    if (!rc)
        sched_kick_chan(ep); /* another thread's epoll_wait looks at the new or changed item */
    return rc;
}

/* Fills up to max (events, data) pairs from the ready list; returns how many. One pass: a level-triggered item
 * reported goes to the back (the next call reports the others first), an edge-triggered or one-shot one
 * leaves the list, a channel item found not ready leaves it. */
int epoll_collect(struct file *epf, u32 *ev, u64 *data, int max)
{
    struct epoll *ep = epf->priv;
    ep_waits++;
    int n = 0;
    struct ep_item *last = ep->rtail;
    for (struct ep_item *it = ep->rhead, *next; it && n < max; it = next) {
        next = it->rnext;
        bool end = it == last;
        unsigned r = it->disabled ? 0 : item_ready(it, true);
        if (r) {
            ev[n] = r;
            data[n] = it->data;
            n++;
            if (it->events & EPOLLONESHOT)
                it->disabled = true;
        }
        if (it->disabled || (!it->fallback && (!r || (it->events & EPOLLET))))
            ready_del(it);
        else if (r) {
            ready_del(it);
            ready_add(it);
        }
        if (end)
            break;
    }
    return n;
}

/* epoll_wait's sleep once nothing was ready: woken by a kick on the epoll (an item's channel, ctl), or with a
 * fallback item by any I/O event. */
void epoll_wait_sleep(struct file *epf, u64 ns)
{
    struct epoll *ep = epf->priv;
    if (ep->nfallback)
        sched_wait(ns);
    else
        sched_wait_on(ns, ep);
}

int epoll_proc_stats(char *buf, size_t size)
{
    return ksnprintf(buf, size, "epoll_waits %lu\nepoll_examined %lu\npoll_chan_sleeps %lu\npoll_any_sleeps %lu\n",
                     ep_waits, ep_examined, pollwait_chan_sleeps(), pollwait_any_sleeps());
}

/* kcmp KCMP_EPOLL_TFD: the file of the toff-th entry of epf registered under descriptor number fd (ENOENT: none;
 * EINVAL: epf is not an epoll). The entries sharing a number (a dup2 over a watched fd) come in table order. */
struct file *epoll_target(struct file *epf, int fd, u64 toff, long *err)
{
    *err = -EINVAL;
    if (epf->ops != &epoll_ops)
        return NULL;
    struct epoll *ep = epf->priv;
    *err = -ENOENT;
    for (unsigned b = 0; b < ep->nbuckets; b++)
        for (struct ep_item *it = ep->hash[b]; it; it = it->hnext)
            if (it->fd == fd && toff-- == 0)
                return it->file;
    return NULL;
}
