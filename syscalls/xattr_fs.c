/* syscalls/xattr_fs.c — which extended attributes a file's filesystem has at all, as Linux's superblocks
 * carry their own xattr handlers: tmpfs and devtmpfs (and memfds) every namespace, sysfs trusted.* and
 * security.* (kernfs), sockets (sockfs) only the read-only system.sockprotoname, pipes (pipefs), /proc,
 * devpts and the anonymous inodes of eventfd, epoll, timerfd... none (EOPNOTSUPP; an empty list). 9p volumes
 * and the overlay root answer through their own inode_ops. syscalls/xattr.c asks here after its permission
 * checks, as Linux looks for the handler last. */
#include "syscalls.h"
#include "../net/socket.h"

/* The inode of a descriptor that has none of its own (eventfd, epoll, timerfd, signalfd, ...): Linux's
 * anonymous inode, mode 0600 without a file type, root's; it keeps no attributes */
static struct inode xattr_anon = { .mode = 0600 };

struct inode *xattr_anon_inode(void)
{
    return &xattr_anon;
}

enum xattr_fs xattr_fs_of(const struct inode *ino, struct file *f)
{
    if (f && sock_of(f))
        return XFS_SOCKET;
    if (ino == &xattr_anon || pipe_inode(ino))
        return XFS_NONE;
    if (ino->iops != &ramfs_iops)
        return XFS_ALL; /* 9p, the overlay: their own inode_ops answer */
    const char *fs = ino->sb && ino->sb->type ? ino->sb->type->name : "";
    if (!strcmp(fs, "tmpfs") || !strcmp(fs, "devtmpfs"))
        return XFS_ALL;
    return strcmp(fs, "sysfs") ? XFS_NONE : XFS_SECURE;
}

/* Whether a name of namespace-prefix name has a handler on a filesystem of kind k (a get, or a set when set) */
bool xattr_fs_takes(enum xattr_fs k, const char *name, bool set)
{
    switch (k) {
    case XFS_ALL: return true;
    case XFS_SECURE: return !strncmp(name, "trusted.", 8) || !strncmp(name, "security.", 9);
    case XFS_SOCKET: return !set && !strcmp(name, "system.sockprotoname");
    default: return false;
    }
}

/* A socket's one attribute: its protocol's name with its NUL; ERANGE for a buffer too small, size 0 the length */
long xattr_sock_get(struct file *f, void *kbuf, size_t size)
{
    const char *name = sock_proto_name(sock_of(f));
    size_t len = strlen(name) + 1;
    if (size && size < len)
        return -ERANGE;
    if (size)
        memcpy(kbuf, name, len);
    return (long)len;
}
