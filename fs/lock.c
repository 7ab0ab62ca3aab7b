/* fs/lock.c — advisory file locks, kept per inode (a small hash table keyed by the inode's address).
 * Two kinds that never conflict with each other, as on Linux (fcntl(2), flock(2)):
 *  - flock locks: the whole file, owned by an open file description (dup and fork share it); they go when its
 *    last reference is closed. Changing a lock's type is not atomic: the old lock goes first.
 *  - record locks: byte ranges owned by a process (POSIX locks: its fd table; any close of any of its fds for
 *    the file drops them all, exit too, fork does not copy them) or by an open file description (OFD locks).
 *    An owner's ranges never overlap: a new lock splits, trims or merges with the owner's others.
 * A waiter (F_SETLKW, flock without LOCK_NB) sleeps on one wait key and looks again after any change.
 * Everything here runs with interrupts off on one CPU; with SMP, one spinlock would guard the table and the
 * waiter list. Nothing here is touched from an interrupt. */
#include "lock.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"

#define LK_FLOCK 1
#define LK_POSIX 2          /* POSIX and OFD locks: one space, they conflict with each other */
#define LOCK_BUCKETS 64
#define DEADLOCK_DEPTH 10   /* how far the wait-for chain is followed (Linux stops at 10 too) */

struct file_lock {
    struct file_lock *next;
    void *key;              /* the inode; a file without one (a socket) is its own key */
    void *owner;            /* POSIX: the fd table; OFD and flock: the struct file */
    u8 kind;
    bool ofd;
    struct lock_range r;    /* end inclusive; flock locks span everything */
};

/* A task asleep waiting for a lock: what it asked for, for the deadlock check. On the heap, not its stack: a
 * thread that exit_group ends never runs again to unlink it (such entries are pruned: see live_waiters). */
struct lock_waiter {
    struct lock_waiter *next;
    int tid;
    struct file_lock req;
};

static struct file_lock *buckets[LOCK_BUCKETS];
static struct lock_waiter *waiters;
static u8 wait_chan; /* its (kernel) address is the wait key of every lock waiter: never a futex address */

static void *lock_key(struct file *f)
{
    return f->inode ? (void *)f->inode : (void *)f;
}

static struct file_lock **bucket(void *key)
{
    return &buckets[((u64)key >> 6) % LOCK_BUCKETS];
}

static i64 succ(i64 x)
{
    return x == LOCK_OFFSET_MAX ? x : x + 1;
}

static bool conflicts(const struct file_lock *a, const struct file_lock *b)
{
    return a->key == b->key && a->kind == b->kind && a->owner != b->owner &&
           (a->r.type == F_WRLCK || b->r.type == F_WRLCK) && a->r.start <= b->r.end && b->r.start <= a->r.end;
}

static struct file_lock *find_conflict(const struct file_lock *req)
{
    for (struct file_lock *l = *bucket(req->key); l; l = l->next)
        if (conflicts(l, req))
            return l;
    return NULL;
}

/* Every lock waiter looks again (a lock went or changed). */
static void wake_waiters(void)
{
    for (struct task *t = task_list; t; t = t->next)
        if (t->state == TASK_BLOCKED && t->wait_key == (u64)&wait_chan)
            sched_wake(t);
}

/* The waiter list without the entries of tasks that are gone (ids are never reused). */
static struct lock_waiter *live_waiters(void)
{
    for (struct lock_waiter **pp = &waiters; *pp;) {
        struct lock_waiter *w = *pp;
        if (task_by_tid(w->tid)) {
            pp = &w->next;
        } else {
            *pp = w->next;
            kfree(w);
        }
    }
    return waiters;
}

/* Linux's rule for POSIX locks (not OFD ones): the holder of blocker waits for a lock whose holder waits ...
 * for a lock the caller holds. */
static bool would_deadlock(const struct file_lock *req, const struct file_lock *blocker)
{
    live_waiters();
    for (int depth = 0; blocker && !blocker->ofd && depth < DEADLOCK_DEPTH; depth++) {
        if (blocker->owner == req->owner)
            return true;
        struct lock_waiter *w = waiters;
        while (w && (w->req.ofd || w->req.kind != LK_POSIX || w->req.owner != blocker->owner))
            w = w->next;
        if (!w)
            return false;
        blocker = find_conflict(&w->req);
    }
    return false;
}

/* Sleeps until some lock changes: 0 to look again, -EINTR for a signal, -EDEADLK when no other task exists
 * that could ever release it (Linux would hang; skiff says so instead, as sched_wait_io does). */
static long lock_sleep(const struct file_lock *req)
{
    if (sched_alone()) {
        kerr("skiff: a lock wait would never end (no other thread or process exists): EDEADLK\n");
        return -EDEADLK;
    }
    struct lock_waiter *w = kmalloc(sizeof(*w));
    if (!w)
        return -ENOLCK;
    *w = (struct lock_waiter){ .next = waiters, .tid = current->tid, .req = *req };
    waiters = w;
    sched_wait_key(~0ull, (u64)&wait_chan);
    struct lock_waiter **pp = &waiters;
    while (*pp != w)
        pp = &(*pp)->next;
    *pp = w->next;
    kfree(w);
    return signal_pending() ? -EINTR : 0;
}

static void unlink_free(struct file_lock **pp)
{
    struct file_lock *l = *pp;
    *pp = l->next;
    kfree(l);
}

/* Applies req for its owner: same-type ranges that touch it merge into it, other ranges lose what it covers
 * (one may split in two). F_UNLCK only removes. Two spare records are enough for any case. */
static long posix_apply(const struct file_lock *req)
{
    struct file_lock *spare[2] = { kzalloc(sizeof(struct file_lock)), kzalloc(sizeof(struct file_lock)) };
    int used = 0;
    if (!spare[0] || !spare[1]) {
        kfree(spare[0]);
        kfree(spare[1]);
        return -ENOLCK;
    }
    i64 s = req->r.start, e = req->r.end;
    struct file_lock **pp = bucket(req->key);
    while (*pp) {
        struct file_lock *l = *pp;
        if (l->key != req->key || l->kind != LK_POSIX || l->owner != req->owner) {
            pp = &l->next;
        } else if (l->r.type == req->r.type && l->r.start <= succ(e) && s <= succ(l->r.end)) {
            s = MIN(s, l->r.start); /* same type, overlapping or adjacent: one range */
            e = MAX(e, l->r.end);
            unlink_free(pp);
        } else if (l->r.end < req->r.start || l->r.start > req->r.end) {
            pp = &l->next;
        } else if (l->r.start < req->r.start && l->r.end > req->r.end) {
            struct file_lock *tail = spare[used++]; /* the request lies inside: keep both ends */
            *tail = *l;
            tail->r.start = req->r.end + 1;
            l->r.end = req->r.start - 1;
            l->next = tail;
            pp = &tail->next;
        } else if (l->r.start < req->r.start) {
            l->r.end = req->r.start - 1;
            pp = &l->next;
        } else if (l->r.end > req->r.end) {
            l->r.start = req->r.end + 1;
            pp = &l->next;
        } else {
            unlink_free(pp);
        }
    }
    if (req->r.type != F_UNLCK) {
        struct file_lock *n = spare[used++];
        *n = *req;
        n->r.start = s;
        n->r.end = e;
        n->next = *bucket(req->key);
        *bucket(req->key) = n;
    }
    while (used < 2)
        kfree(spare[used++]);
    wake_waiters();
    return 0;
}

static struct file_lock posix_req(struct file *f, bool ofd, const struct lock_range *r)
{
    struct proc *p = current_proc();
    struct file_lock req = { .key = lock_key(f), .owner = ofd ? (void *)f : (void *)p->fdt, .kind = LK_POSIX,
                             .ofd = ofd, .r = *r };
    req.r.pid = ofd ? -1 : p->pid;
    return req;
}

long lock_posix_set(struct file *f, bool ofd, const struct lock_range *r, bool wait)
{
    struct file_lock req = posix_req(f, ofd, r);
    if (r->type == F_UNLCK)
        return posix_apply(&req);
    for (;;) {
        struct file_lock *b = find_conflict(&req);
        if (!b)
            return posix_apply(&req);
        if (!wait)
            return -EAGAIN;
        if (!ofd && would_deadlock(&req, b))
            return -EDEADLK;
        long rc = lock_sleep(&req);
        if (rc)
            return rc;
    }
}

void lock_posix_test(struct file *f, bool ofd, struct lock_range *r)
{
    struct file_lock req = posix_req(f, ofd, r);
    struct file_lock *b = find_conflict(&req);
    if (b)
        *r = b->r;
    else
        r->type = F_UNLCK;
}

long lock_flock(struct file *f, int type, bool wait)
{
    void *key = lock_key(f);
    for (struct file_lock **pp = bucket(key); *pp; pp = &(*pp)->next) {
        struct file_lock *l = *pp;
        if (l->key == key && l->kind == LK_FLOCK && l->owner == f) {
            if (l->r.type == type)
                return 0;
            unlink_free(pp); /* a conversion drops the old lock first, as on Linux */
            wake_waiters();
            break;
        }
    }
    if (type == F_UNLCK)
        return 0;
    struct file_lock req = { .key = key, .owner = f, .kind = LK_FLOCK,
                             .r = { type, 0, LOCK_OFFSET_MAX, current_proc()->pid } };
    while (find_conflict(&req)) {
        if (!wait)
            return -EAGAIN;
        long rc = lock_sleep(&req);
        if (rc)
            return rc;
    }
    struct file_lock *n = kzalloc(sizeof(*n));
    if (!n)
        return -ENOLCK;
    *n = req;
    n->next = *bucket(key);
    *bucket(key) = n;
    return 0;
}

/* Removes the locks of key that match (owner, and POSIX or not); wakes the waiters when any went. */
static void remove_owned(void *key, void *owner, bool posix_only)
{
    bool any = false;
    struct file_lock **pp = bucket(key);
    while (*pp) {
        struct file_lock *l = *pp;
        if (l->key == key && l->owner == owner && (!posix_only || (l->kind == LK_POSIX && !l->ofd))) {
            unlink_free(pp);
            any = true;
        } else {
            pp = &l->next;
        }
    }
    if (any)
        wake_waiters();
}

void lock_close_posix(struct fdtable *t, struct file *f)
{
    remove_owned(lock_key(f), t, true);
}

void lock_release_file(struct file *f)
{
    remove_owned(lock_key(f), f, false);
}

/* /proc/locks (proc(5)): one line per lock held, as Linux's: its number, FLOCK, POSIX or OFDLCK, ADVISORY,
 * READ or WRITE, the pid that took it (-1 for an OFD lock), major:minor:inode of the file, and the byte range
 * (a flock lock: 0 EOF). Waiting requests (Linux's " ->" lines) are not listed. */
int lock_proc_text(char *buf, size_t size)
{
    size_t n = 0;
    int id = 0;
    for (int b = 0; b < LOCK_BUCKETS; b++)
        for (struct file_lock *l = buckets[b]; l; l = l->next) {
            const struct file *f = l->ofd || l->kind == LK_FLOCK ? l->owner : NULL;
            struct inode *ino = f ? f->inode : l->key; /* a POSIX lock's key is its inode */
            u64 dev = ino ? vfs_st_dev(ino) : 0;
            const char *kind = l->kind == LK_FLOCK ? "FLOCK " : l->ofd ? "OFDLCK" : "POSIX ";
            n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0,
                                   "%d: %s ADVISORY  %s %d %02lx:%02lx:%lu %ld ", ++id, kind,
                                   l->r.type == F_WRLCK ? "WRITE" : "READ", l->r.pid, (dev >> 8) & 0xfff,
                                   (dev & 0xff) | ((dev >> 12) & 0xfff00), ino ? ino->ino : 0ul,
                                   l->kind == LK_FLOCK ? 0 : l->r.start);
            if (l->kind == LK_FLOCK || l->r.end == LOCK_OFFSET_MAX)
                n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, "EOF\n");
            else
                n += (size_t)ksnprintf(buf + MIN(n, size), n < size ? size - n : 0, "%ld\n", l->r.end);
        }
    return (int)MIN(n, size);
}
