/* fs/fdtable.c — a process's file descriptors: the open files by number, close-on-exec per fd, and a bitmap
 * of the numbers in use. The table starts with room for 64 fds and doubles when an fd beyond it is installed,
 * up to RLIMIT_NOFILE (which root may raise to fs.nr_open, 1,048,576, as on Linux): a server holding 10,000
 * sockets gets them, and a small process pays for 64. The lowest free fd is found from a hint (no free fd lies
 * below `next`) a 64-bit word at a time, so opening the 10,000th socket costs about what the 10th did.
 * Touched only from process context (the threads of a process share one table). */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "lock.h"

#define FDT_FIRST 64

struct fdtable *fdtable_create(void)
{
    struct fdtable *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->files = kzalloc(FDT_FIRST * sizeof(*t->files));
    t->cloexec = kzalloc(FDT_FIRST);
    t->used = kzalloc(FDT_FIRST / 8);
    if (!t->files || !t->cloexec || !t->used) {
        fdtable_free(t);
        return NULL;
    }
    t->cap = FDT_FIRST;
    t->refs = 1;
    return t;
}

void fdtable_free(struct fdtable *t)
{
    if (!t)
        return;
    kfree(t->files);
    kfree(t->cloexec);
    kfree(t->used);
    kfree(t);
}

/* Room for fd: the arrays grow to the next power of two above it (zeroed). */
static int grow(struct fdtable *t, int fd)
{
    int cap = t->cap;
    while (cap <= fd)
        cap *= 2;
    struct file **files = kzalloc((size_t)cap * sizeof(*files));
    u8 *cloexec = kzalloc((size_t)cap);
    u64 *used = kzalloc((size_t)cap / 8);
    if (!files || !cloexec || !used) {
        kfree(files), kfree(cloexec), kfree(used);
        return -ENOMEM;
    }
    memcpy(files, t->files, (size_t)t->cap * sizeof(*files));
    memcpy(cloexec, t->cloexec, (size_t)t->cap);
    memcpy(used, t->used, (size_t)t->cap / 8);
    kfree(t->files), kfree(t->cloexec), kfree(t->used);
    t->files = files, t->cloexec = cloexec, t->used = used;
    t->cap = cap;
    return 0;
}

static void mark(struct fdtable *t, int fd, bool on)
{
    if (on)
        t->used[fd / 64] |= 1ull << (fd % 64);
    else
        t->used[fd / 64] &= ~(1ull << (fd % 64));
}

/* RLIMIT_NOFILE of the process owning t (its soft limit): fds are below it. */
int fd_limit(struct fdtable *t)
{
    struct proc *p = current ? current->proc : NULL;
    if (!p || p->fdt != t)
        return FD_NR_OPEN;
    u64 cur = p->rlimits[RLIMIT_NOFILE].cur;
    return cur < FD_NR_OPEN ? (int)cur : FD_NR_OPEN;
}

/* The lowest fd >= min not in use below t->cap; past the table (every one in use, or min beyond it): the
 * first number past it that is >= min. */
static int first_free(struct fdtable *t, int min)
{
    for (int w = min / 64; w < t->cap / 64; w++) {
        u64 free = ~t->used[w];
        if (w == min / 64)
            free &= ~0ull << (min % 64);
        if (free)
            return w * 64 + __builtin_ctzll(free);
    }
    return t->cap > min ? t->cap : min;
}

int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec)
{
    int lim = fd_limit(t), from = min > t->next ? min : t->next;
    int fd = first_free(t, from);
    if (fd >= lim)
        return -EMFILE;
    if (fd >= t->cap && grow(t, fd))
        return -ENOMEM;
    t->files[fd] = f;
    t->cloexec[fd] = cloexec;
    mark(t, fd, true);
    if (from == t->next)
        t->next = fd + 1; /* everything below was in use */
    return fd;
}

int fd_install_at(struct fdtable *t, int fd, struct file *f, bool cloexec)
{
    if (fd < 0 || fd >= fd_limit(t))
        return -EBADF;
    if (fd >= t->cap && grow(t, fd))
        return -ENOMEM;
    if (t->files[fd])
        fd_close(t, fd);
    t->files[fd] = f;
    t->cloexec[fd] = cloexec;
    mark(t, fd, true);
    return fd;
}

struct file *fd_get(struct fdtable *t, int fd)
{
    if (fd < 0 || fd >= t->cap)
        return NULL;
    return t->files[fd];
}

struct file *fd_take(struct fdtable *t, int fd)
{
    struct file *f = fd_get(t, fd);
    if (!f)
        return NULL;
    t->files[fd] = NULL;
    t->cloexec[fd] = 0;
    mark(t, fd, false);
    if (fd < t->next)
        t->next = fd;
    return f;
}

int fd_close(struct fdtable *t, int fd)
{
    struct file *f = fd_take(t, fd);
    if (!f)
        return -EBADF;
    lock_close_posix(t, f); /* POSIX: any close of the file drops the process's locks on it */
    if (f->ops && f->ops->flush)
        f->ops->flush(f);
    file_put(f);
    return 0;
}

bool fd_cloexec(struct fdtable *t, int fd)
{
    return fd_get(t, fd) && t->cloexec[fd];
}

void fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
    if (fd_get(t, fd))
        t->cloexec[fd] = on;
}

int fd_next_open(struct fdtable *t, int fd)
{
    for (fd = fd < 0 ? 0 : fd; fd < t->cap; fd++) {
        u64 w = t->used[fd / 64] >> (fd % 64);
        if (w)
            return fd + __builtin_ctzll(w);
        fd = (fd | 63); /* the rest of this word is free: on to the next */
    }
    return -1;
}

struct fdtable *fdtable_dup(struct fdtable *src)
{
    struct fdtable *t = fdtable_create();
    if (!t)
        return NULL;
    if (src->cap > t->cap && grow(t, src->cap - 1)) {
        fdtable_free(t);
        return NULL;
    }
    for (int fd = fd_next_open(src, 0); fd >= 0; fd = fd_next_open(src, fd + 1)) {
        t->files[fd] = src->files[fd];
        t->cloexec[fd] = src->cloexec[fd];
        mark(t, fd, true);
        file_get(t->files[fd]);
    }
    t->next = src->next;
    return t;
}

void fdtable_put(struct fdtable *t)
{
    if (t && --t->refs == 0) {
        fdtable_close_all(t);
        fdtable_free(t);
    }
}

struct fdtable *fdtable_unshare(struct fdtable *t)
{
    if (t->refs == 1)
        return t;
    struct fdtable *c = fdtable_dup(t);
    if (c)
        t->refs--;
    return c;
}

void fdtable_close_all(struct fdtable *t)
{
    for (int fd = fd_next_open(t, 0); fd >= 0; fd = fd_next_open(t, fd + 1))
        fd_close(t, fd);
}
