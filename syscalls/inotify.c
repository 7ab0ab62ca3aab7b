/* syscalls/inotify.c — inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch (fs/inotify.c). */
#include "syscalls.h"

#define IN_CLOEXEC O_CLOEXEC
#define IN_NONBLOCK O_NONBLOCK
#define IN_ALL_EVENTS 0xfff
#define IN_DONT_FOLLOW 0x2000000
#define IN_MASK_CREATE 0x10000000
#define IN_MASK_ADD 0x20000000
#define IN_VALID (IN_ALL_EVENTS | 0x2000 | 0x1000000 | IN_DONT_FOLLOW | 0x4000000 | IN_MASK_CREATE | IN_MASK_ADD | \
                  0x80000000u)

static long do_init(u32 flags)
{
    if (flags & ~(u32)(IN_CLOEXEC | IN_NONBLOCK))
        return -EINVAL;
    int err;
    struct file *f = inotify_create(flags, &err);
    if (!f && err != -ENOMEM)
        return err; /* EMFILE: max_user_instances */
    return fd_install_new(f, flags & IN_CLOEXEC);
}

SYSCALL(inotify_init) { return do_init(0); }
SYSCALL(inotify_init1) { return do_init((u32)a0); }

/* The inotify file behind fd: EBADF without a file, EINVAL for another kind of file. */
static long inotify_fd(int fd, struct file **out)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!inotify_file(f))
        return -EINVAL;
    *out = f;
    return 0;
}

SYSCALL(inotify_add_watch) /* (fd, path, mask) */
{
    u32 mask = (u32)a2;
    struct file *f;
    long rc = inotify_fd((int)a0, &f);
    if (rc)
        return rc;
    if (!(mask & IN_ALL_EVENTS) || (mask & ~(u32)IN_VALID))
        return -EINVAL;
    if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
        return -EINVAL;
    struct inode *ino;
    rc = at_lookup(AT_FDCWD, (const char *)a1, (mask & IN_DONT_FOLLOW) ? 0 : WALK_FOLLOW, &ino);
    if (!rc)
        rc = perm_inode(ino, MAY_READ); /* watching needs read permission, as Linux's inotify_find_inode */
    return rc ? rc : inotify_watch(f, ino, mask);
}

SYSCALL(inotify_rm_watch) /* (fd, wd) */
{
    struct file *f;
    long rc = inotify_fd((int)a0, &f);
    return rc ? rc : inotify_unwatch(f, (int)a1);
}
