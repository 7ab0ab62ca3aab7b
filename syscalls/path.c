/* syscalls/path.c — turning user path arguments and *at() directory fds into lookups. */
#include "syscalls.h"

struct file *fd_file(int fd)
{
    return fd_get(current_proc()->fdt, fd);
}

int user_path(const char *upath, char *kpath)
{
    long n = strncpy_from_user(kpath, upath, PATH_MAX);
    if (n < 0)
        return (int)n;
    return 0;
}

int dirfd_inode(int dirfd, const char *path, struct inode **dir)
{
    if (path[0] == '/' || dirfd == AT_FDCWD) {
        *dir = current_proc()->cwd;
        return 0;
    }
    struct file *f = fd_file(dirfd);
    if (!f)
        return -EBADF;
    if (!f->inode || !S_ISDIR(f->inode->mode))
        return -ENOTDIR;
    *dir = f->inode;
    return 0;
}

int at_walk(int dirfd, const char *upath, unsigned walk_flags, struct walk *w, char *kpath)
{
    int rc = user_path(upath, kpath);
    if (rc)
        return rc;
    struct inode *dir;
    rc = dirfd_inode(dirfd, kpath, &dir);
    if (rc)
        return rc;
    return vfs_walk(dir, kpath, walk_flags, w);
}

int at_lookup(int dirfd, const char *upath, unsigned walk_flags, struct inode **out)
{
    char *kpath = kmalloc(PATH_MAX);
    if (!kpath)
        return -ENOMEM;
    struct walk w;
    int rc = at_walk(dirfd, upath, walk_flags, &w, kpath);
    kfree(kpath);
    if (rc)
        return rc;
    if (!w.node)
        return -ENOENT;
    *out = w.node;
    return 0;
}
