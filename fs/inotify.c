/* fs/inotify.c — inotify(7): watches on inodes, events queued on an inotify file and read as struct
 * inotify_event records. The VFS reports what happens (vfs.c: create, unlink, rename, setattr; the syscalls:
 * open, read, write, close) through fsnotify(); an event goes to the inode's own watches, and, with the
 * child's name, to its directory's watches (the directory of a file opened by path is remembered in the
 * file: file->dir).
 *  - a watch per (instance, inode), numbered from 1 per instance; IN_MASK_ADD ORs, IN_MASK_CREATE refuses a
 *    second one (EEXIST), IN_ONESHOT ends it after one event, IN_ONLYDIR, IN_DONT_FOLLOW;
 *  - an ended watch (inotify_rm_watch, IN_ONESHOT, the inode deleted) queues IN_IGNORED;
 *  - a new event identical to the last one still queued is dropped (as Linux); past max_queued_events
 *    (16384) one IN_Q_OVERFLOW (wd -1) stands for the rest;
 *  - read gives whole events only (EINVAL when the first does not fit), blocks unless IN_NONBLOCK; poll and
 *    FIONREAD see the queue.
 * Not reported: events of a file reached other than by a path open (its directory is unknown), IN_EXCL_UNLINK
 * (accepted, no effect). Task context only; producers wake readers with sched_kick_io. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"

#define IN_ACCESS 0x1
#define IN_MODIFY 0x2
#define IN_ATTRIB 0x4
#define IN_CLOSE_WRITE 0x8
#define IN_CLOSE_NOWRITE 0x10
#define IN_OPEN 0x20
#define IN_MOVED_FROM 0x40
#define IN_MOVED_TO 0x80
#define IN_CREATE 0x100
#define IN_DELETE 0x200
#define IN_DELETE_SELF 0x400
#define IN_MOVE_SELF 0x800
#define IN_ALL_EVENTS 0xfff
#define IN_UNMOUNT 0x2000
#define IN_Q_OVERFLOW 0x4000
#define IN_IGNORED 0x8000
#define IN_ONLYDIR 0x1000000
#define IN_DONT_FOLLOW 0x2000000
#define IN_EXCL_UNLINK 0x4000000
#define IN_MASK_CREATE 0x10000000
#define IN_MASK_ADD 0x20000000
#define IN_ISDIR 0x40000000
#define IN_ONESHOT 0x80000000
#define IN_WATCH_FLAGS (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_CREATE | IN_MASK_ADD | IN_ONESHOT)
#define FIONREAD 0x541b
#define MAX_QUEUED 16384
#define MAX_WATCHES 65536     /* /proc/sys/fs/inotify/max_user_watches */
#define MAX_INSTANCES 128     /* /proc/sys/fs/inotify/max_user_instances */
#define EVENT_HDR 16          /* struct inotify_event: wd, mask, cookie, len, then the name */

struct in_watch {
    struct inotify *in;
    struct inode *ino;
    int wd;
    u32 mask;
    struct in_watch *next_on_inode, *next_in_instance;
};

struct in_event {
    struct in_event *next;
    int wd;
    u32 mask, cookie, len;   /* len: the name's room, a multiple of EVENT_HDR (0 without a name) */
    char name[];
};

struct inotify {
    struct in_watch *watches;
    int next_wd;
    struct in_event *head, *tail;
    u32 queued;
    u64 bytes;
};

static int instances;
int watches_total; /* vfs.h: fsnotify_active() */
static u32 next_cookie = 1;

u32 fsnotify_cookie(void)
{
    return next_cookie++;
}

static void queue(struct inotify *in, int wd, u32 mask, u32 cookie, const char *name)
{
    size_t nlen = name ? strlen(name) : 0;
    u32 room = nlen ? (u32)ALIGN_UP(nlen + 1, EVENT_HDR) : 0;
    struct in_event *t = in->tail;
    if (t && t->wd == wd && t->mask == mask && t->cookie == cookie && (t->len ? (name && !strcmp(t->name, name))
                                                                              : !nlen))
        return; /* the same as the last one queued: merged, as Linux */
    if (in->queued >= MAX_QUEUED) {
        if (t && t->mask == IN_Q_OVERFLOW)
            return;
        wd = -1, mask = IN_Q_OVERFLOW, cookie = 0, room = 0, nlen = 0;
    }
    struct in_event *e = kzalloc(sizeof(*e) + room);
    if (!e)
        return; /* out of memory: the event is lost, as an overflow would lose it */
    e->wd = wd;
    e->mask = mask;
    e->cookie = cookie;
    e->len = room;
    if (nlen)
        memcpy(e->name, name, nlen);
    if (in->tail)
        in->tail->next = e;
    else
        in->head = e;
    in->tail = e;
    in->queued++;
    in->bytes += EVENT_HDR + room;
    sched_kick_chan(in); /* readers and the instance's poll channel */
}

static void watch_unlink(struct in_watch *w)
{
    struct in_watch **pp = (struct in_watch **)&w->ino->watches;
    while (*pp && *pp != w)
        pp = &(*pp)->next_on_inode;
    if (*pp)
        *pp = w->next_on_inode;
    for (pp = &w->in->watches; *pp && *pp != w; pp = &(*pp)->next_in_instance)
        ;
    if (*pp)
        *pp = w->next_in_instance;
    inode_put(w->ino);
    watches_total--;
    kfree(w);
}

/* A watch ends: IN_IGNORED tells the reader its number is free. */
static void watch_end(struct in_watch *w)
{
    queue(w->in, w->wd, IN_IGNORED, 0, NULL);
    watch_unlink(w);
}

/* Reports mask on ino to its watches (name NULL), and to the watches of dir with the child's name. */
void fsnotify(struct inode *dir, const char *name, struct inode *ino, u32 mask, u32 cookie)
{
    u32 isdir = ino && S_ISDIR(ino->mode) ? IN_ISDIR : 0;
    struct inode *targets[2] = { ino, dir && name ? dir : NULL };
    for (int k = 0; k < 2; k++) {
        struct inode *t = targets[k];
        if (!t || (k == 1 && t == ino))
            continue;
        if (t->dnotify && (k == 1 || !(mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))))
            dnotify_event(t, mask); /* a child's event, or the directory's own (DN_ATTRIB) */
        if (!t->watches)
            continue;
        for (struct in_watch *w = t->watches, *n; w; w = n) {
            n = w->next_on_inode;
            u32 ev = mask & IN_ALL_EVENTS;
            if (!(w->mask & ev))
                continue;
            if (k == 0 && (mask & (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)))
                continue; /* those are events of a directory about a child: only with a name */
            queue(w->in, w->wd, (ev & w->mask) | isdir, cookie, k == 1 ? name : NULL);
            if (w->mask & IN_ONESHOT)
                watch_end(w);
        }
    }
}

/* The inode is gone (its last link removed, or freed): IN_DELETE_SELF, then its watches end. */
void fsnotify_gone(struct inode *ino)
{
    if (ino->dnotify)
        dnotify_gone(ino);
    if (!ino->watches)
        return;
    fsnotify(NULL, NULL, ino, IN_DELETE_SELF, 0);
    while (ino->watches)
        watch_end(ino->watches);
}

/* An open file's access: to the file's watches and, with its name, to its directory's. */
void fsnotify_file(struct file *f, u32 mask)
{
    if (!f->inode || (!f->inode->watches && !(f->dir && (f->dir->watches || f->dir->dnotify))))
        return;
    const char *name = NULL;
    if (f->dir && f->path) {
        const char *slash = f->path;
        for (const char *c = f->path; *c; c++)
            if (*c == '/')
                slash = c + 1;
        name = slash;
    }
    fsnotify(f->dir, name, f->inode, mask, 0);
}

void fsnotify_close(struct file *f)
{
    if (!(f->flags & O_PATH))
        fsnotify_file(f, (f->flags & O_ACCMODE) == O_RDONLY ? IN_CLOSE_NOWRITE : IN_CLOSE_WRITE);
}

/* ---- the inotify file ---- */

static ssize_t in_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)off;
    struct inotify *in = f->priv;
    while (!in->head) {
        long rc = sched_wait_io(f->flags & O_NONBLOCK, "read from an inotify file with no events");
        if (rc)
            return rc;
    }
    size_t done = 0;
    while (in->head) {
        struct in_event *e = in->head;
        size_t sz = EVENT_HDR + e->len;
        if (done + sz > n)
            break;
        u32 hdr[4] = { (u32)e->wd, e->mask, e->cookie, e->len };
        if (copy_to_user((u8 *)ubuf + done, hdr, sizeof(hdr)) ||
            (e->len && copy_to_user((u8 *)ubuf + done + EVENT_HDR, e->name, e->len)))
            return done ? (ssize_t)done : -EFAULT;
        done += sz;
        in->head = e->next;
        if (!in->head)
            in->tail = NULL;
        in->queued--;
        in->bytes -= sz;
        kfree(e);
    }
    return done ? (ssize_t)done : -EINVAL; /* the first event does not fit */
}

static unsigned in_poll(struct file *f)
{
    struct inotify *in = f->priv;
    return in->head ? POLLIN : 0;
}

static long in_ioctl(struct file *f, unsigned cmd, u64 arg)
{
    struct inotify *in = f->priv;
    if (cmd != FIONREAD)
        return -ENOTTY;
    int v = (int)in->bytes;
    return copy_to_user((void *)arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static void in_release(struct file *f)
{
    struct inotify *in = f->priv;
    while (in->watches)
        watch_unlink(in->watches);
    while (in->head) {
        struct in_event *e = in->head;
        in->head = e->next;
        kfree(e);
    }
    kfree(in);
    instances--;
}

/* Only a queued event makes it readable, kicked on the instance (sched_kick_chan(in)). */
static const void *in_chan(struct file *f)
{
    return f->priv;
}

static const struct file_ops inotify_ops = { .read = in_read, .poll = in_poll, .ioctl = in_ioctl,
                                             .release = in_release, .poll_chan = in_chan, .lseek_noop = true };

struct file *inotify_create(u32 flags, int *err)
{
    if (instances >= MAX_INSTANCES) {
        *err = -EMFILE;
        return NULL;
    }
    struct inotify *in = kzalloc(sizeof(*in));
    struct file *f = in ? file_new(&inotify_ops, O_RDONLY | (flags & O_NONBLOCK), in) : NULL;
    if (!f) {
        kfree(in);
        *err = -ENOMEM;
        return NULL;
    }
    in->next_wd = 1;
    instances++;
    return f;
}

bool inotify_file(const struct file *f)
{
    return f->ops == &inotify_ops;
}

long inotify_watch(struct file *f, struct inode *ino, u32 mask)
{
    struct inotify *in = f->priv;
    if ((mask & IN_ONLYDIR) && !S_ISDIR(ino->mode))
        return -ENOTDIR;
    for (struct in_watch *w = ino->watches; w; w = w->next_on_inode) {
        if (w->in != in)
            continue;
        if (mask & IN_MASK_CREATE)
            return -EEXIST;
        w->mask = (mask & IN_MASK_ADD) ? w->mask | (mask & ~(u32)IN_MASK_ADD) : mask;
        return w->wd;
    }
    if (watches_total >= MAX_WATCHES)
        return -ENOSPC;
    struct in_watch *w = kzalloc(sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->in = in;
    w->ino = ino;
    inode_get(ino);
    w->wd = in->next_wd++;
    w->mask = mask & ~(u32)(IN_MASK_ADD | IN_MASK_CREATE);
    w->next_on_inode = ino->watches;
    ino->watches = w;
    w->next_in_instance = in->watches;
    in->watches = w;
    watches_total++;
    return w->wd;
}

long inotify_unwatch(struct file *f, int wd)
{
    struct inotify *in = f->priv;
    for (struct in_watch *w = in->watches; w; w = w->next_in_instance)
        if (w->wd == wd) {
            watch_end(w);
            return 0;
        }
    return -EINVAL;
}
