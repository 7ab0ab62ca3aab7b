/* syscalls/attr.c — changing what stat reports: chmod and chown (recorded: there is one user, root),
 * utimensat, truncate; links and symlinks; fsync and friends (everything is already in memory). Extended
 * attributes are syscalls/xattr.c's. */
#include "syscalls.h"

static long fd_inode(int fd, struct inode **out)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH)) /* an O_PATH descriptor changes nothing (Linux: EBADF) */
        return -EBADF;
    if (!f->inode)
        return -EBADF; /* the console: nothing to change */
    *out = f->inode;
    return 0;
}

/* EROFS before the permission checks (perm_setattr), as Linux's mnt_want_write comes first. */
static long setattr_checked(struct inode *ino, struct iattr *ia)
{
    if (vfs_readonly(ino))
        return -EROFS;
    long rc = perm_setattr(ino, ia);
    return rc ? rc : vfs_setattr(ino, ia);
}

static long set_mode(struct inode *ino, u32 mode)
{
    struct iattr ia = { .valid = ATTR_MODE, .mode = mode & 07777 };
    return setattr_checked(ino, &ia);
}

SYSCALL(chmod)
{
    struct inode *ino;
    long rc = at_lookup(AT_FDCWD, (const char *)a0, WALK_FOLLOW, &ino);
    return rc ? rc : set_mode(ino, (u32)a1);
}

SYSCALL(fchmod)
{
    struct inode *ino;
    long rc = fd_inode((int)a0, &ino);
    return rc ? rc : set_mode(ino, (u32)a1);
}

SYSCALL(fchmodat)
{
    struct inode *ino;
    long rc = at_lookup((int)a0, (const char *)a1, WALK_FOLLOW, &ino);
    return rc ? rc : set_mode(ino, (u32)a2);
}

/* fchmodat2 (Linux 6.6; glibc's fchmodat with flags uses it): the flags fchmodat(2) documents. A symlink's own
 * mode cannot change (AT_SYMLINK_NOFOLLOW on one: EOPNOTSUPP); AT_EMPTY_PATH: the fd's file, O_PATH too. */
SYSCALL(fchmodat2)
{
    u32 flags = (u32)a3;
    if (flags & ~(u32)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *ino;
    long rc = at_lookup_flags((int)a0, (const char *)a1, flags, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &ino);
    if (rc)
        return rc;
    if (!ino)
        return 0; /* a pipe's or socket's: nothing recorded */
    return S_ISLNK(ino->mode) ? -EOPNOTSUPP : set_mode(ino, (u32)a2);
}

static long set_owner(struct inode *ino, u32 uid, u32 gid)
{
    struct iattr ia = { .valid = ATTR_KILL_PRIV, .uid = uid, .gid = gid };
    if (uid != (u32)-1)
        ia.valid |= ATTR_UID;
    if (gid != (u32)-1)
        ia.valid |= ATTR_GID;
    long rc = setattr_checked(ino, &ia);
    if (!rc)
        xattr_kill_priv(ino); /* a file's capabilities do not survive a chown (Linux's ATTR_KILL_PRIV) */
    return rc;
}

SYSCALL(chown)
{
    struct inode *ino;
    long rc = at_lookup(AT_FDCWD, (const char *)a0, WALK_FOLLOW, &ino);
    return rc ? rc : set_owner(ino, (u32)a1, (u32)a2);
}

SYSCALL(lchown)
{
    struct inode *ino;
    long rc = at_lookup(AT_FDCWD, (const char *)a0, 0, &ino);
    return rc ? rc : set_owner(ino, (u32)a1, (u32)a2);
}

SYSCALL(fchown)
{
    struct inode *ino;
    long rc = fd_inode((int)a0, &ino);
    return rc ? rc : set_owner(ino, (u32)a1, (u32)a2);
}

SYSCALL(fchownat)
{
    if (a4 & ~(u64)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *ino;
    long rc = at_lookup_flags((int)a0, (const char *)a1, (u32)a4, (a4 & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &ino);
    if (rc)
        return rc;
    return ino ? set_owner(ino, (u32)a2, (u32)a3) : 0; /* no inode: a pipe, nothing recorded */
}

#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)

static long check_time(const struct timespec64 *t)
{
    if (t->nsec == UTIME_NOW || t->nsec == UTIME_OMIT)
        return 0;
    return t->nsec < 0 || t->nsec >= 1000000000 ? -EINVAL : 0;
}

static void apply_time(struct iattr *ia, u32 bit, struct timespec64 *dst, const struct timespec64 *t,
                       struct timespec64 now)
{
    if (t->nsec == UTIME_OMIT)
        return;
    ia->valid |= bit;
    *dst = t->nsec == UTIME_NOW ? now : *t;
}

/* Sets the times of what (dirfd, upath) names, or of dirfd's file when upath is NULL (futimens, futimesat). */
static long do_utimes(int dirfd, const char *upath, const struct timespec64 t[2], u32 flags)
{
    if (check_time(&t[0]) || check_time(&t[1]))
        return -EINVAL;
    struct inode *ino;
    long rc = upath ? at_lookup(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &ino)
                    : fd_inode(dirfd, &ino);
    if (rc)
        return rc;
    struct timespec64 now = vfs_now();
    struct iattr ia = { 0 };
    apply_time(&ia, ATTR_ATIME, &ia.atime, &t[0], now);
    apply_time(&ia, ATTR_MTIME, &ia.mtime, &t[1], now);
    bool now_only = (t[0].nsec == UTIME_NOW || t[0].nsec == UTIME_OMIT) &&
                    (t[1].nsec == UTIME_NOW || t[1].nsec == UTIME_OMIT);
    if (!now_only)
        ia.valid |= ATTR_TIMES_SET; /* explicit times: the owner (or CAP_FOWNER) only */
    return setattr_checked(ino, &ia);
}

SYSCALL(utimensat)
{
    u32 flags = (u32)a3;
    if (flags & ~(u32)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct timespec64 t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    if (a2 && copy_from_user(t, (const void *)a2, sizeof(t)))
        return -EFAULT;
    return do_utimes((int)a0, (const char *)a1, t, flags);
}

/* utimes and futimesat take struct timeval (microseconds, which must be below a second); NULL: now. */
static long timevals(u64 utv, struct timespec64 t[2])
{
    if (!utv)
        return 0; /* t holds UTIME_NOW */
    i64 tv[4];
    if (copy_from_user(tv, (const void *)utv, sizeof(tv)))
        return -EFAULT;
    for (int i = 0; i < 2; i++) {
        if (tv[2 * i + 1] < 0 || tv[2 * i + 1] >= 1000000)
            return -EINVAL;
        t[i] = (struct timespec64){ tv[2 * i], tv[2 * i + 1] * 1000 };
    }
    return 0;
}

SYSCALL(utimes) /* (path, struct timeval[2]) */
{
    struct timespec64 t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    long rc = timevals(a1, t);
    return rc ? rc : do_utimes(AT_FDCWD, (const char *)a0, t, 0);
}

SYSCALL(futimesat) /* (dirfd, path, struct timeval[2]) */
{
    struct timespec64 t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    long rc = timevals(a2, t);
    return rc ? rc : do_utimes((int)a0, (const char *)a1, t, 0);
}

SYSCALL(utime) /* (path, struct utimbuf { actime, modtime }) */
{
    struct timespec64 t[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    if (a1) {
        i64 ub[2];
        if (copy_from_user(ub, (const void *)a1, sizeof(ub)))
            return -EFAULT;
        t[0] = (struct timespec64){ ub[0], 0 };
        t[1] = (struct timespec64){ ub[1], 0 };
    }
    return do_utimes(AT_FDCWD, (const char *)a0, t, 0);
}

/* Linux's inode_newsize_ok: growing a file past RLIMIT_FSIZE is EFBIG, with SIGXFSZ (truncate, fallocate) */
long fsize_newsize_ok(const struct inode *ino, u64 size)
{
    if (size > ino->size && size > current_proc()->rlimits[RLIMIT_FSIZE].cur) {
        signal_send(current, 25 /* SIGXFSZ */);
        return -EFBIG;
    }
    return 0;
}

static long do_truncate(struct inode *ino, i64 len)
{
    if (len < 0)
        return -EINVAL;
    if (S_ISDIR(ino->mode))
        return -EISDIR;
    if (!S_ISREG(ino->mode))
        return -EINVAL;
    long sealed = fsize_newsize_ok(ino, (u64)len); /* before the seals, as Linux */
    if (sealed)
        return sealed;
    sealed = seals_check_size(ino, (u64)len);
    if (sealed)
        return sealed;
    long rc = vfs_truncate(ino, (u64)len);
    if (!rc)
        perm_file_written(ino);
    return rc;
}

SYSCALL(truncate) /* Linux's order: the length, the lookup, the type, EROFS, then write permission */
{
    if ((i64)a1 < 0)
        return -EINVAL;
    struct inode *ino;
    long rc = at_lookup(AT_FDCWD, (const char *)a0, WALK_FOLLOW, &ino);
    if (!rc && S_ISDIR(ino->mode))
        rc = -EISDIR;
    if (!rc && !S_ISREG(ino->mode))
        rc = -EINVAL;
    if (!rc && vfs_readonly(ino))
        rc = -EROFS;
    if (!rc)
        rc = perm_inode(ino, MAY_WRITE);
    if (!rc && ino->execs)
        rc = -ETXTBSY; /* a program some process runs */
    if (!rc && ino->leases)
        rc = lease_break(ino, true, false); /* as an open for writing would */
    return rc ? rc : do_truncate(ino, (i64)a1);
}

SYSCALL(ftruncate)
{
    struct file *f = fd_file((int)a0);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (!f->inode || (f->flags & O_ACCMODE) == O_RDONLY || !S_ISREG(f->inode->mode))
        return -EINVAL;
    return do_truncate(f->inode, (i64)a1);
}

static long do_fsync(int fd, bool datasync)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    /* as Linux, whose pipes, sockets, devices, event files and /proc have no fsync operation: EINVAL */
    struct inode *ino = f->inode;
    if (!ino || !(S_ISREG(ino->mode) || S_ISDIR(ino->mode)) ||
        (ino->sb && ino->sb->type && !strcmp(ino->sb->type->name, "proc")))
        return -EINVAL;
    return vfs_fsync(ino, datasync);
}

SYSCALL(fsync) { return do_fsync((int)a0, false); }
SYSCALL(fdatasync) { return do_fsync((int)a0, true); }

SYSCALL(syncfs)
{
    if (!fd_file_io((int)a0))
        return -EBADF;
    vfs_sync_all();
    return 0;
}

SYSCALL(sync)
{
    vfs_sync_all();
    return 0;
}

static long do_symlinkat(const char *utarget, int dirfd, const char *upath)
{
    char *target = kmalloc(PATH_MAX), *kpath = kmalloc(PATH_MAX);
    struct walk w;
    long rc = target && kpath ? user_path(utarget, target) : -ENOMEM;
    if (!rc && !target[0])
        rc = -ENOENT;
    if (!rc)
        rc = at_walk(dirfd, upath, 0, &w, kpath);
    if (!rc && w.node)
        rc = -EEXIST;
    int err = 0;
    if (!rc && !vfs_symlink(w.dir, w.name, target, &err))
        rc = err;
    kfree(target);
    kfree(kpath);
    return rc;
}

SYSCALL(symlink) { return do_symlinkat((const char *)a0, AT_FDCWD, (const char *)a1); }
SYSCALL(symlinkat) { return do_symlinkat((const char *)a0, (int)a1, (const char *)a2); }

static long do_linkat(int olddir, const char *uold, int newdir, const char *unew, u32 flags)
{
    if (flags & ~(u32)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *src;
    long rc = at_lookup_flags(olddir, uold, flags, (flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0, &src);
    if (rc)
        return rc;
    if (!src)
        return -ENOENT; /* an fd without a file behind it (an eventfd) */
    if (pipe_inode(src))
        return -EXDEV; /* a pipe lives on its own filesystem (pipefs) */
    if (S_ISDIR(src->mode))
        return -EPERM;
    char *kpath = kmalloc(PATH_MAX);
    struct walk w;
    rc = kpath ? at_walk(newdir, unew, 0, &w, kpath) : -ENOMEM;
    kfree(kpath);
    if (rc)
        return rc;
    if (w.node)
        return -EEXIST;
    return vfs_link(w.dir, w.name, src);
}

SYSCALL(link) { return do_linkat(AT_FDCWD, (const char *)a0, AT_FDCWD, (const char *)a1, 0); }
SYSCALL(linkat) { return do_linkat((int)a0, (const char *)a1, (int)a2, (const char *)a3, (u32)a4); }

