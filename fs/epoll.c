/* fs/epoll.c — epoll: an interest list of (fd, file, events, data), checked against each file's poll op
 * when asked. Every wait is level-triggered: EPOLLET is accepted and treated as level (a program written for
 * edge triggering reads until EAGAIN, which works the same). EPOLLONESHOT disables an entry once reported.
 * The list holds no references: an entry whose fd no longer names the same file is dropped, as Linux drops
 * entries when the file is closed. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

struct ep_item {
    int fd;
    struct file *file;
    u32 events;
    u64 data;
    bool disabled;
    struct ep_item *next;
};

struct epoll {
    struct ep_item *items;
};

/* Drops entries whose fd was closed or now names another file. */
static void prune(struct epoll *ep)
{
    struct fdtable *t = current->proc->fdt;
    for (struct ep_item **pp = &ep->items; *pp;) {
        struct ep_item *it = *pp;
        if (fd_get(t, it->fd) != it->file) {
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
        if (!it->disabled && (file_poll(it->file) & (it->events | POLLERR | POLLHUP)))
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
        if (it->fd == fd && it->file == file)
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
        *it = (struct ep_item){ fd, target, events, data, false, ep->items };
        ep->items = it;
        return 0;
    case EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        it->events = events;
        it->data = data;
        it->disabled = false;
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
        unsigned r = file_poll(it->file) & (it->events | POLLERR | POLLHUP);
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
