/* syscalls/flock.c — flock(2), and fcntl's record-lock commands (F_GETLK, F_SETLK, F_SETLKW and their OFD
 * forms): the user's struct flock turned into a byte range, checked in Linux's order; fs/lock.c keeps the
 * locks. */
#include "syscalls.h"
#include "../fs/lock.h"

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define LOCK_MAND 32

struct flock_k { i16 type, whence; i64 start, len; i32 pid; i32 pad; };
_Static_assert(sizeof(struct flock_k) == 32, "struct flock");

/* Linux's flock_to_posix_lock: the range [start, end] that l names for f (end LOCK_OFFSET_MAX: to EOF). */
static long to_range(struct file *f, const struct flock_k *l, struct lock_range *r)
{
    i64 base;
    switch (l->whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (i64)f->off; break;
    case SEEK_END: base = f->inode ? (i64)f->inode->size : 0; break;
    default: return -EINVAL;
    }
    if (l->start > LOCK_OFFSET_MAX - base)
        return -EOVERFLOW;
    r->start = base + l->start;
    if (r->start < 0)
        return -EINVAL;
    if (l->len > 0) {
        if (l->len - 1 > LOCK_OFFSET_MAX - r->start)
            return -EOVERFLOW;
        r->end = r->start + (l->len - 1);
    } else if (l->len < 0) {
        if (r->start + l->len < 0)
            return -EINVAL;
        r->end = r->start - 1;
        r->start += l->len;
    } else {
        r->end = LOCK_OFFSET_MAX;
    }
    if (l->type != F_RDLCK && l->type != F_WRLCK && l->type != F_UNLCK)
        return -EINVAL;
    r->type = l->type;
    return 0;
}

static long getlk(struct file *f, bool ofd, struct flock_k *l, struct flock_k *ul)
{
    if (l->type != F_RDLCK && l->type != F_WRLCK)
        return -EINVAL;
    struct lock_range r;
    long rc = to_range(f, l, &r);
    if (rc)
        return rc;
    if (ofd && l->pid)
        return -EINVAL;
    lock_posix_test(f, ofd, &r);
    l->type = (i16)r.type;
    if (r.type != F_UNLCK) { /* the conflicting lock, from the start of the file */
        l->whence = SEEK_SET;
        l->start = r.start;
        l->len = r.end == LOCK_OFFSET_MAX ? 0 : r.end - r.start + 1;
        l->pid = r.pid;
    }
    return copy_to_user(ul, l, sizeof(*l));
}

long fcntl_lock(struct file *f, int cmd, void *uarg)
{
    struct flock_k l;
    if (copy_from_user(&l, uarg, sizeof(l)))
        return -EFAULT;
    bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK)
        return getlk(f, ofd, &l, uarg);
    struct lock_range r;
    long rc = to_range(f, &l, &r);
    if (rc)
        return rc;
    u32 acc = f->flags & O_ACCMODE;
    if ((r.type == F_RDLCK && acc == O_WRONLY) || (r.type == F_WRLCK && acc == O_RDONLY))
        return -EBADF;
    if (ofd && l.pid)
        return -EINVAL;
    return lock_posix_set(f, ofd, &r, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

SYSCALL(flock)
{
    int op = (int)a1;
    if (op & LOCK_MAND)
        return 0; /* Linux ignores these (they never worked) and says success */
    int type;
    switch (op & ~LOCK_NB) {
    case LOCK_SH: type = F_RDLCK; break;
    case LOCK_EX: type = F_WRLCK; break;
    case LOCK_UN: type = F_UNLCK; break;
    default: return -EINVAL;
    }
    struct file *f = fd_file((int)a0);
    if (!f || (type != F_UNLCK && (f->flags & O_PATH)))
        return -EBADF;
    return lock_flock(f, type, !(op & LOCK_NB));
}
