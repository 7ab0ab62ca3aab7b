/* fs/epoll.c — epoll: an interest list of (fd, file, events, data), checked against each file's poll op
 * when asked. Level-triggered entries are reported whenever ready. Edge-triggered ones (EPOLLET) are
 * reported when a condition appears that was absent at the last look (a rising edge: empty -> readable), or,
 * while ready, when an I/O event (sched_kick_io: data, room, input) happened anywhere since the entry was last
 * reported: more data may have arrived, or room appeared and went, unseen between two looks (Linux reports
 * each such change). The second rule can report an entry that got nothing new, which an edge-triggered
 * program tolerates (it reads or writes until EAGAIN); it never misses a change. An entry that stays ready
 * with nothing happening is not reported again, so a program that keeps idle sockets registered for EPOLLOUT
 * (nginx) sleeps rather than spins. EPOLLONESHOT disables an entry once reported.
 * The list holds no references: an entry whose fd no longer names the same file is dropped, as Linux drops
 * entries when the file is closed. "The same file" is the pointer and the file's serial number: a file opened
 * after the registered one was freed may sit at its address (nginx then got EEXIST adding its new connection,
 * and an old entry could report the new file's events with the old connection's data). */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

struct ep_item {
    int fd;
    struct file *file;
    u64 serial;          /* file->serial when added: a file made later at the same address is another file */
    u32 events;
    u64 data;
    bool disabled;
    unsigned seen;       /* EPOLLET: the conditions at the last look */
    u64 seen_events;     /* EPOLLET: sched_io_events() when last reported */
    struct ep_item *next;
};

/* What an entry reports now (0: nothing). consume: this look reports to the program, so an edge-triggered
 * entry remembers what it saw. */
static unsigned item_ready(struct ep_item *it, bool consume)
{
    unsigned r = file_poll(it->file) & (it->events | POLLERR | POLLHUP);
    if (!(it->events & EPOLLET))
        return r;
    bool report = (r & ~it->seen) || (r && it->seen_events != sched_io_events());
    if (consume) {
        it->seen = r;
        if (report)
            it->seen_events = sched_io_events();
    }
    return report ? r : 0;
}

struct epoll {
    struct ep_item *items;
};

/* Drops entries whose fd was closed or now names another file. */
static void prune(struct epoll *ep)
{
    struct fdtable *t = current->proc->fdt;
    for (struct ep_item **pp = &ep->items; *pp;) {
        struct ep_item *it = *pp;
        struct file *now = fd_get(t, it->fd);
        if (now != it->file || now->serial != it->serial) {
            *pp = it->next;
            kfree(it);
        } else {
            pp = &it->next;
        }
    }
}

static unsigned ep_poll(struct file *f)
{
    struct epoll *ep = f->priv;
    prune(ep);
    for (struct ep_item *it = ep->items; it; it = it->next)
        if (!it->disabled && item_ready(it, false))
            return POLLIN;
    return 0;
}

static void ep_release(struct file *f)
{
    struct epoll *ep = f->priv;
    while (ep->items) {
        struct ep_item *it = ep->items;
        ep->items = it->next;
        kfree(it);
    }
    kfree(ep);
}

const struct file_ops epoll_ops = { .poll = ep_poll, .release = ep_release };

struct file *epoll_create_file(u32 flags)
{
    struct epoll *ep = kzalloc(sizeof(*ep));
    if (!ep)
        return NULL;
    struct file *f = file_new(&epoll_ops, O_RDWR | flags, ep);
    if (!f)
        kfree(ep);
    return f;
}

static struct ep_item *find(struct epoll *ep, int fd, struct file *file)
{
    for (struct ep_item *it = ep->items; it; it = it->next)
        if (it->fd == fd && it->file == file && it->serial == file->serial)
            return it;
    return NULL;
}

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

long epoll_control(struct file *epf, int op, int fd, struct file *target, u32 events, u64 data)
{
    struct epoll *ep = epf->priv;
    prune(ep);
    struct ep_item *it = find(ep, fd, target);
    switch (op) {
    case EPOLL_CTL_ADD:
        if (it)
            return -EEXIST;
        it = kzalloc(sizeof(*it));
        if (!it)
            return -ENOMEM;
        *it = (struct ep_item){ .fd = fd, .file = target, .serial = target->serial, .events = events, .data = data,
                                .next = ep->items };
        ep->items = it;
        return 0;
    case EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        it->events = events;
        it->data = data;
        it->disabled = false;
        it->seen = 0; /* as on Linux, a MOD re-arms: what is ready now is reported */
        return 0;
    case EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        for (struct ep_item **pp = &ep->items; *pp; pp = &(*pp)->next) {
            if (*pp == it) {
                *pp = it->next;
                break;
            }
        }
        kfree(it);
        return 0;
    default:
        return -EINVAL;
    }
}

/* Fills up to max (events, data) pairs of the ready entries; returns how many. */
int epoll_collect(struct file *epf, u32 *ev, u64 *data, int max)
{
    struct epoll *ep = epf->priv;
    prune(ep);
    int n = 0;
    for (struct ep_item *it = ep->items; it && n < max; it = it->next) {
        if (it->disabled)
            continue;
        unsigned r = item_ready(it, true);
        if (!r)
            continue;
        ev[n] = r;
        data[n] = it->data;
        n++;
        if (it->events & EPOLLONESHOT)
            it->disabled = true;
    }
    return n;
}
