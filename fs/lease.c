/* fs/lease.c — file leases (fcntl F_SETLEASE, F_GETLEASE; fcntl(2) "Leases"). A read lease (F_RDLCK) may
 * be taken through a descriptor opened read-only while nobody has the file open for writing; a write lease
 * (F_WRLCK) while the taker's open file is the file's only one. Only the file's owner (or CAP_LEASE) takes a
 * lease (EACCES); only regular files have them (EINVAL). When another open (or truncate) conflicts — any open
 * with a write lease, an open for writing with a read lease — the holder is told by a signal (SIGIO, or
 * F_SETSIG's with POLL_MSG and si_fd, fs/sigio.c; taking a lease makes the caller's process the owner) and
 * must release (F_UNLCK) or, for a write lease broken by a reader, downgrade (F_RDLCK); meanwhile F_GETLEASE
 * says the type it must come down to. The opener waits for that, up to the lease-break time (45 s, as
 * /proc/sys/fs/lease-break-time), after which the lease is brought down by force; with O_NONBLOCK it fails at
 * once with EAGAIN, the break still begun. A signal ends the wait (EINTR).
 * Leases hang on the inode (inode->leases), one per open file; a file's last close ends its lease. */
#include "vfs.h"
#include "../kernel/proc.h"
#include "../kernel/cred.h"
#include "../kernel/errno.h"
#include "../kernel/boot.h"

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_SETLEASE 1024
#define F_GETLEASE 1025
#define CAP_LEASE 28
#define F_OWNER_PID 1
#define POLL_MSG 3
#define BREAK_NS (45ull * 1000000000ull)

struct lease {
    struct lease *next;
    struct file *f;   /* the open file it was taken through */
    int fd;           /* that descriptor: the signal's si_fd */
    int type;         /* F_RDLCK or F_WRLCK */
    int target;       /* while broken: the type it must come down to (F_UNLCK, F_RDLCK); -1 otherwise */
    u64 deadline;     /* while broken: when it comes down by force */
};

/* How far up a type is: F_UNLCK < F_RDLCK < F_WRLCK. */
static int rank(int type)
{
    return type == F_WRLCK ? 2 : type == F_RDLCK ? 1 : 0;
}

static struct lease **find(struct inode *ino, struct file *f)
{
    struct lease **pp = (struct lease **)&ino->leases;
    while (*pp && (*pp)->f != f)
        pp = &(*pp)->next;
    return pp;
}

static void lease_free(struct inode *ino, struct lease **pp)
{
    struct lease *l = *pp;
    *pp = l->next;
    kfree(l);
    sched_kick_chan(ino); /* openers waiting for the break */
}

/* A lease of type on f would conflict with an open file or another lease: EAGAIN. */
static long may_take(struct file *f, int type)
{
    struct inode *ino = f->inode;
    bool self_w = (f->flags & O_ACCMODE) != O_RDONLY;
    if (type == F_RDLCK && (ino->writers > 0 || self_w))
        return -EAGAIN; /* a read lease: nobody writes, the taker included */
    if (type == F_WRLCK && (ino->writers != (self_w ? 1 : 0) || ino->readers != (self_w ? 0 : 1)))
        return -EAGAIN; /* a write lease: the taker's open file is the only one */
    for (struct lease *l = ino->leases; l; l = l->next)
        if (l->f != f && (type == F_WRLCK || l->type == F_WRLCK))
            return -EAGAIN;
    return 0; /* a lease being broken may be set again at any type: the break goes on until it is low enough */
}

static long set_lease(struct file *f, int fd, int type)
{
    struct inode *ino = f->inode;
    struct lease **pp = find(ino, f);
    if (type == F_UNLCK) {
        if (!*pp)
            return -EAGAIN; /* as Linux: no lease to give up */
        lease_free(ino, pp);
        return 0;
    }
    long rc = may_take(f, type);
    if (rc)
        return rc;
    if (!*pp) {
        struct lease *l = kzalloc(sizeof(*l));
        if (!l)
            return -ENOMEM;
        l->f = f;
        l->target = -1;
        *pp = l;
    }
    struct lease *l = *pp;
    l->type = type;
    l->fd = fd;
    if (l->target >= 0 && rank(type) <= rank(l->target)) {
        l->target = -1; /* came down far enough: the break is over */
        sched_kick_chan(ino);
    }
    f->own_type = F_OWNER_PID;
    f->own_id = current_proc()->pid;
    return 0;
}

long lease_fcntl(struct file *f, int fd, int cmd, u64 arg)
{
    struct inode *ino = f->inode;
    if (cmd == F_GETLEASE) {
        struct lease *l = ino ? *find(ino, f) : NULL;
        return !l ? F_UNLCK : l->target >= 0 ? l->target : l->type;
    }
    if (!ino || !S_ISREG(ino->mode))
        return -EINVAL;
    if (ino->uid != current->cred.fsuid && !capable(CAP_LEASE))
        return -EACCES;
    if (arg != F_RDLCK && arg != F_WRLCK && arg != F_UNLCK)
        return -EINVAL;
    return set_lease(f, fd, (int)arg);
}

/* The lease (as it is now, broken or not) stands in the way of an open for reading or writing. */
static bool conflicts(const struct lease *l, bool write)
{
    return l->type == F_WRLCK || write;
}

/* Brings down by force the leases whose break time has run out. */
static void expire(struct inode *ino)
{
    u64 now = clock_monotonic_ns();
    for (struct lease **pp = (struct lease **)&ino->leases; *pp;) {
        struct lease *l = *pp;
        if (l->target < 0 || now < l->deadline) {
            pp = &l->next;
        } else if (l->target == F_UNLCK) {
            lease_free(ino, pp);
        } else {
            l->type = l->target;
            l->target = -1;
            pp = &l->next;
        }
    }
}

/* Starts the break of every lease that conflicts (one signal each); whether any does. */
static bool start_breaks(struct inode *ino, bool write)
{
    bool any = false;
    int want = write ? F_UNLCK : F_RDLCK;
    for (struct lease *l = ino->leases; l; l = l->next) {
        if (!conflicts(l, write))
            continue;
        any = true;
        if (l->target < 0) {
            l->target = want;
            l->deadline = clock_monotonic_ns() + BREAK_NS;
            sigio_notify(l->f, l->fd, POLL_MSG);
        } else if (rank(want) < rank(l->target)) {
            l->target = want;
        }
    }
    return any;
}

/* An open (write: for writing, or truncating) of ino: 0 once no lease stands in its way. */
long lease_break(struct inode *ino, bool write, bool nonblock)
{
    if (!start_breaks(ino, write))
        return 0;
    if (nonblock)
        return -EAGAIN;
    for (;;) {
        expire(ino);
        u64 soonest = ~0ull;
        bool any = false;
        for (struct lease *l = ino->leases; l; l = l->next)
            if (conflicts(l, write)) {
                any = true;
                soonest = MIN(soonest, l->deadline);
            }
        if (!any)
            return 0;
        u64 now = clock_monotonic_ns();
        sched_wait_on(soonest > now ? soonest - now : 1, ino);
        if (signal_pending())
            return -EINTR;
    }
}

/* f's last close: its lease ends. */
void lease_release(struct file *f)
{
    if (f->inode && f->inode->leases) {
        struct lease **pp = find(f->inode, f);
        if (*pp)
            lease_free(f->inode, pp);
    }
}
