/* syscalls/xattr.c — extended attributes (xattr(7)): get, set, list and remove, each by path, by path without
 * following a last symlink (l*), and by descriptor (f*). Linux 6.18's order: the name (ERANGE when empty or
 * over 255 bytes, EFAULT), for a set also the flags (EINVAL) and the value (E2BIG over 64 KiB), then the file,
 * then EROFS, then the namespace's rules:
 *   user.*     regular files and directories only (a set elsewhere EPERM, a get ENODATA); a sticky directory
 *              only for its owner; read or write permission on the file (EACCES)
 *   trusted.*  CAP_SYS_ADMIN (a set EPERM, a get ENODATA; a list hides them)
 *   security.* anyone may read; setting needs what a write does not: nothing more (no security module)
 *   system.*   POSIX ACLs, which skiff does not keep: EOPNOTSUPP; any other prefix EOPNOTSUPP too.
 * Filesystems keep them behind inode_ops: the RAM ones in memory (fs/xattr.c), 9p volumes on the host
 * (fs/9pfs_xattr.c), the overlay root in the layer that holds the file (a change copies it up); /proc and
 * /sys have none (EOPNOTSUPP; a list is empty). */
#include "syscalls.h"

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536
#define XATTR_CREATE 1
#define XATTR_REPLACE 2
#define CAP_FOWNER 3
enum xattr_ns { XNS_USER, XNS_TRUSTED, XNS_SECURITY, XNS_OTHER };

/* The name from user memory: 0, ERANGE (empty or too long) or EFAULT. */
static long xattr_name(const char *uname, char *kname)
{
    long n = strncpy_from_user(kname, uname, XATTR_NAME_MAX + 1);
    if (n == -ENAMETOOLONG) /* no NUL in the first 256 bytes */
        return -ERANGE;
    if (n < 0)
        return -EFAULT;
    return n == 0 ? -ERANGE : 0;
}

/* Its namespace; EINVAL for a known prefix with nothing after it. */
static long xattr_ns(const char *name, enum xattr_ns *ns)
{
    static const struct { const char *prefix; enum xattr_ns ns; } known[] = {
        { "user.", XNS_USER }, { "trusted.", XNS_TRUSTED }, { "security.", XNS_SECURITY }, { "system.", XNS_OTHER },
    };
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        size_t n = strlen(known[i].prefix);
        if (!strncmp(name, known[i].prefix, n)) {
            *ns = known[i].ns;
            return name[n] ? 0 : -EINVAL;
        }
    }
    *ns = XNS_OTHER;
    return 0;
}

/* The value or the names, size bytes at most, through a kernel buffer to the user's */
static long xattr_out(long n, const void *kbuf, void *ubuf, size_t size)
{
    if (n <= 0 || !size)
        return n;
    return copy_to_user(ubuf, kbuf, (size_t)n) ? -EFAULT : n;
}

/* Drops trusted.* names from a list of n bytes (for callers without CAP_SYS_ADMIN): the new length */
static long xattr_hide_trusted(char *list, long n)
{
    long out = 0;
    for (long at = 0; at < n;) {
        long len = (long)strnlen(list + at, (size_t)(n - at)) + 1;
        if (strncmp(list + at, "trusted.", 8)) {
            memmove(list + out, list + at, (size_t)len);
            out += len;
        }
        at += len;
    }
    return out;
}

/* Linux's xattr_permission for mask MAY_READ or MAY_WRITE: 0 or -errno. */
static long xattr_allowed(struct inode *ino, enum xattr_ns ns, int mask)
{
    bool write = mask & MAY_WRITE;
    if (write && (ino->iflags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
        return -EPERM;
    if (ns == XNS_TRUSTED)
        return capable(CAP_SYS_ADMIN) ? 0 : write ? -EPERM : -ENODATA;
    if (ns == XNS_SECURITY)
        return 0;
    if (ns == XNS_USER) {
        if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
            return write ? -EPERM : -ENODATA;
        if (write && S_ISDIR(ino->mode) && (ino->mode & S_ISVTX) && !perm_owner(ino))
            return -EPERM;
    }
    return perm_inode(ino, mask);
}

/* The file: by path (follow: the last component's symlink too) or by descriptor (path NULL). */
static long xattr_target(const char *upath, int fd, bool follow, struct inode **ino)
{
    if (upath)
        return at_lookup(AT_FDCWD, upath, follow ? WALK_FOLLOW : 0, ino);
    struct file *f = fd_file_io(fd);
    if (!f || !f->inode)
        return -EBADF;
    *ino = f->inode;
    return 0;
}

/* A set or a removal: the file, then EROFS, the namespace and the permission, then whether the filesystem keeps
 * xattrs at all; with *ino the inode to change. */
static long xattr_writable(const char *upath, int fd, bool follow, const char *name, struct inode **ino)
{
    enum xattr_ns ns;
    long rc = xattr_target(upath, fd, follow, ino);
    if (!rc)
        rc = vfs_readonly(*ino) ? -EROFS : xattr_ns(name, &ns);
    if (!rc && ns == XNS_OTHER)
        rc = -EOPNOTSUPP;
    if (!rc)
        rc = xattr_allowed(*ino, ns, MAY_WRITE);
    if (!rc && (!(*ino)->iops || !(*ino)->iops->setxattr))
        rc = -EOPNOTSUPP;
    return rc;
}

/* The change itself (value NULL: removal), then ctime and IN_ATTRIB, as Linux for an xattr change */
static long xattr_apply(struct inode *ino, const char *name, const void *value, size_t size, int flags)
{
    long rc = ino->iops->setxattr(ino, name, value, size, flags);
    if (!rc) {
        ino->ctime = vfs_now();
        fsnotify(NULL, NULL, ino, FSN_ATTRIB, 0);
    }
    return rc;
}

static long do_getxattr(const char *upath, int fd, bool follow, const char *uname, void *ubuf, size_t size)
{
    char name[XATTR_NAME_MAX + 1];
    enum xattr_ns ns;
    struct inode *ino;
    long rc = xattr_name(uname, name);
    if (!rc)
        rc = xattr_target(upath, fd, follow, &ino);
    if (!rc)
        rc = xattr_ns(name, &ns);
    if (rc)
        return rc;
    if (ns == XNS_OTHER)
        return -EOPNOTSUPP;
    if ((rc = xattr_allowed(ino, ns, MAY_READ)))
        return rc;
    if (!ino->iops || !ino->iops->getxattr)
        return -EOPNOTSUPP;
    size = MIN(size, XATTR_SIZE_MAX);
    void *kbuf = size ? kmalloc(size) : NULL;
    if (size && !kbuf)
        return -ENOMEM;
    rc = xattr_out(ino->iops->getxattr(ino, name, kbuf, size), kbuf, ubuf, size);
    kfree(kbuf);
    return rc;
}

static long do_setxattr(const char *upath, int fd, bool follow, const char *uname, const void *uval, size_t size,
                        int flags)
{
    char name[XATTR_NAME_MAX + 1];
    struct inode *ino;
    if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
        return -EINVAL;
    long rc = xattr_name(uname, name);
    if (rc)
        return rc;
    if (size > XATTR_SIZE_MAX)
        return -E2BIG;
    u8 *value = kmalloc(size ? size : 1);
    if (!value)
        return -ENOMEM;
    rc = size && copy_from_user(value, uval, size) ? -EFAULT : 0;
    if (!rc)
        rc = xattr_writable(upath, fd, follow, name, &ino);
    if (!rc)
        rc = xattr_apply(ino, name, value, size, flags);
    kfree(value);
    return rc;
}

static long do_listxattr(const char *upath, int fd, bool follow, char *ubuf, size_t size)
{
    struct inode *ino;
    long rc = xattr_target(upath, fd, follow, &ino);
    if (rc || !ino->iops || !ino->iops->listxattr)
        return rc;
    char *kbuf = kmalloc(XATTR_LIST_MAX); /* the whole list: trusted.* may have to go before it is measured */
    if (!kbuf)
        return -ENOMEM;
    long n = ino->iops->listxattr(ino, kbuf, XATTR_LIST_MAX);
    if (n > 0 && !capable(CAP_SYS_ADMIN))
        n = xattr_hide_trusted(kbuf, n);
    rc = n < 0 ? n : size && (size_t)n > size ? -ERANGE : xattr_out(n, kbuf, ubuf, size ? (size_t)n : 0);
    kfree(kbuf);
    return rc;
}

static long do_removexattr(const char *upath, int fd, bool follow, const char *uname)
{
    char name[XATTR_NAME_MAX + 1];
    struct inode *ino;
    long rc = xattr_name(uname, name);
    if (!rc)
        rc = xattr_writable(upath, fd, follow, name, &ino);
    return rc ? rc : xattr_apply(ino, name, NULL, 0, XATTR_REPLACE);
}

SYSCALL(getxattr) { return do_getxattr((const char *)a0, -1, true, (const char *)a1, (void *)a2, a3); }
SYSCALL(lgetxattr) { return do_getxattr((const char *)a0, -1, false, (const char *)a1, (void *)a2, a3); }
SYSCALL(fgetxattr) { return do_getxattr(NULL, (int)a0, true, (const char *)a1, (void *)a2, a3); }
SYSCALL(setxattr) { return do_setxattr((const char *)a0, -1, true, (const char *)a1, (const void *)a2, a3, (int)a4); }
SYSCALL(lsetxattr) { return do_setxattr((const char *)a0, -1, false, (const char *)a1, (const void *)a2, a3, (int)a4); }
SYSCALL(fsetxattr) { return do_setxattr(NULL, (int)a0, true, (const char *)a1, (const void *)a2, a3, (int)a4); }
SYSCALL(listxattr) { return do_listxattr((const char *)a0, -1, true, (char *)a1, a2); }
SYSCALL(llistxattr) { return do_listxattr((const char *)a0, -1, false, (char *)a1, a2); }
SYSCALL(flistxattr) { return do_listxattr(NULL, (int)a0, true, (char *)a1, a2); }
SYSCALL(removexattr) { return do_removexattr((const char *)a0, -1, true, (const char *)a1); }
SYSCALL(lremovexattr) { return do_removexattr((const char *)a0, -1, false, (const char *)a1); }
SYSCALL(fremovexattr) { return do_removexattr(NULL, (int)a0, true, (const char *)a1); }
