/* syscalls/path.c — turning user path arguments and *at() directory fds into lookups. */
#include "syscalls.h"

struct inode *vfs_task_root(void)
{
    return current ? current_proc()->root : NULL;
}

struct file *fd_file(int fd)
{
    return fd_get(current_proc()->fdt, fd);
}

/* A new file (f, NULL when it could not be made) into the lowest free descriptor: the descriptor, or ENFILE
 * (fs.file-max: file_new refused it), ENOMEM, EMFILE. */
long fd_install_new(struct file *f, bool cloexec)
{
    if (!f)
        return file_room() ? -ENFILE : -ENOMEM;
    int fd = fd_install(current_proc()->fdt, f, 0, cloexec);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* An O_PATH descriptor only names a file (open(2)): every call that would use the file itself — read, write,
 * ioctl, mmap, lseek, the *xattr calls, epoll, poll, sockets — fails with EBADF on it, as Linux's fdget does;
 * fstat, fchdir, dup, F_GETFL/F_GETFD and the *at() calls take it (fd_file). */
struct file *fd_file_io(int fd)
{
    struct file *f = fd_file(fd);
    return f && !(f->flags & O_PATH) ? f : NULL;
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

/* resolve: openat2's RESOLVE_* (fs/vfs.h), 0 for every other call. RESOLVE_BENEATH refuses an absolute path
 * before dirfd is looked at; RESOLVE_IN_ROOT starts from dirfd even then (it is the walk's "/"). */
int at_walk_resolve(int dirfd, const char *upath, unsigned walk_flags, unsigned resolve, struct walk *w, char *kpath)
{
    int rc = user_path(upath, kpath);
    if (rc)
        return rc;
    if (!kpath[0])
        return -ENOENT; /* as Linux's getname: before the dirfd is looked at */
    if (kpath[0] == '/' && (resolve & RESOLVE_BENEATH))
        return -EXDEV;
    struct inode *dir;
    rc = dirfd_inode(dirfd, (resolve & RESOLVE_IN_ROOT) ? "." : kpath, &dir);
    if (rc)
        return rc;
    return vfs_walk_resolve(dir, kpath, walk_flags, resolve, w);
}

int at_walk(int dirfd, const char *upath, unsigned walk_flags, struct walk *w, char *kpath)
{
    return at_walk_resolve(dirfd, upath, walk_flags, 0, w, kpath);
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

int at_lookup_flags(int dirfd, const char *upath, u32 at_flags, unsigned walk_flags, struct inode **out)
{
    if (at_flags & AT_EMPTY_PATH) {
        char c;
        long n = strncpy_from_user(&c, upath, 1); /* 0: empty; -ENAMETOOLONG: not empty */
        if (n == 0) {
            if (dirfd == AT_FDCWD) {
                *out = current_proc()->cwd;
                return 0;
            }
            struct file *f = fd_file(dirfd);
            if (!f)
                return -EBADF;
            *out = f->inode;
            return 0;
        }
        if (n < 0 && n != -ENAMETOOLONG)
            return (int)n;
    }
    return at_lookup(dirfd, upath, walk_flags, out);
}
