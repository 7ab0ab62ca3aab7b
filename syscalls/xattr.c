/* syscalls/xattr.c — extended attributes (xattr(7)): get, set, list and remove, each by path, by path without
 * following a last symlink (l*), by descriptor (f*), and from a directory descriptor with AT_ flags and a
 * struct xattr_args (the *xattrat calls, Linux 6.13). Linux 6.18's order: the name (ERANGE when empty or over
 * 255 bytes, EFAULT), for a set also the flags (EINVAL) and the value (E2BIG over 64 KiB), then the file,
 * then EROFS, then security.capability's own checks, then the namespace's rules (xattr_allowed):
 *   user.*     regular files and directories only (a set elsewhere EPERM, a get ENODATA); a sticky directory
 *              only for its owner; read or write permission on the file (EACCES)
 *   trusted.*  CAP_SYS_ADMIN (a set EPERM, a get ENODATA; a list hides them)
 *   security.* anyone may read; a change needs CAP_SYS_ADMIN (the capability module's rule), except
 *              security.capability: a v2 or v3 value (EINVAL), CAP_SETFCAP (EPERM); a v3 value for root is
 *              kept as v2, as Linux does in the initial user namespace
 *   system.*   the POSIX ACLs system.posix_acl_access/_default, with checks of their own (syscalls/xattr_acl.c);
 *              other names EOPNOTSUPP, with no check first
 *   others     the file's permission, then EOPNOTSUPP
 * and last the handler's: a bare known prefix EINVAL. Filesystems keep them behind inode_ops: the RAM ones in
 * memory (fs/xattr.c), 9p volumes on the host (fs/9pfs_xattr.c), the overlay root in the layer that holds the
 * file (a change copies it up, with the lower file's attributes); which namespaces each filesystem has at all
 * (pipes, sockets, /proc, sysfs, anonymous inodes) is syscalls/xattr_fs.c's. */
#include "syscalls.h"

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536
#define XATTR_CREATE 1
#define XATTR_REPLACE 2
#define XATTR_ARGS_SIZE_VER0 16
#define CAP_SETFCAP 31
enum xattr_ns { XNS_USER, XNS_TRUSTED, XNS_SECURITY, XNS_SYSTEM, XNS_OTHER };

/* Where a call points: a path from dfd (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH in at_flags), or, with upath
 * NULL and AT_EMPTY_PATH, dfd's file itself */
struct xattr_at {
    int dfd;
    const char *upath;
    u32 at_flags;
};

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

/* Its namespace, and whether it is a known prefix with nothing after it (EINVAL, but only once the
 * permission checks have passed, as Linux finds the handler last). */
static enum xattr_ns xattr_ns(const char *name, bool *bare)
{
    static const struct { const char *prefix; enum xattr_ns ns; } known[] = {
        { "user.", XNS_USER }, { "trusted.", XNS_TRUSTED }, { "security.", XNS_SECURITY }, { "system.", XNS_SYSTEM },
    };
    *bare = false;
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        size_t n = strlen(known[i].prefix);
        if (!strncmp(name, known[i].prefix, n)) {
            *bare = !name[n];
            return known[i].ns;
        }
    }
    return XNS_OTHER;
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

/* Linux's xattr_permission, then the capability module's hook for a change, for mask MAY_READ or MAY_WRITE */
static long xattr_allowed(struct inode *ino, const char *name, enum xattr_ns ns, int mask)
{
    bool write = mask & MAY_WRITE;
    if (write && (ino->iflags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
        return -EPERM;
    if (ns == XNS_TRUSTED)
        return capable(CAP_SYS_ADMIN) ? 0 : write ? -EPERM : -ENODATA;
    if (ns == XNS_SECURITY) {
        if (write && !strcmp(name, "security.capability"))
            return capable(CAP_SETFCAP) ? 0 : -EPERM;
        return write && !capable(CAP_SYS_ADMIN) ? -EPERM : 0;
    }
    if (ns == XNS_SYSTEM)
        return 0;
    if (ns == XNS_USER) {
        if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
            return write ? -EPERM : -ENODATA;
        if (write && S_ISDIR(ino->mode) && (ino->mode & S_ISVTX) && !perm_owner(ino))
            return -EPERM;
    }
    return perm_inode(ino, mask);
}

/* The file a call acts on: its inode (a descriptor without one: xattr_fs.c's anonymous inode), the descriptor
 * when it came by one, and what its filesystem keeps */
struct xattr_file {
    struct inode *ino;
    struct file *f;
    enum xattr_fs fs;
};

/* After the permission: what the filesystem's handler says of the name itself */
static long xattr_handled(const struct xattr_file *x, const char *name, enum xattr_ns ns, bool bare, bool set)
{
    struct inode *ino = x->ino;
    if (x->fs == XFS_SOCKET)
        return xattr_fs_takes(x->fs, name, set) ? 0 : -EOPNOTSUPP; /* system.sockprotoname, read-only */
    if (ns == XNS_OTHER || ns == XNS_SYSTEM || !xattr_fs_takes(x->fs, name, set))
        return -EOPNOTSUPP; /* system.*: other than the ACLs (xattr_acl.c), none */
    if (bare)
        return -EINVAL;
    if (!ino->iops || !(set ? (void *)ino->iops->setxattr : (void *)ino->iops->getxattr))
        return -EOPNOTSUPP;
    return 0;
}

/* security.capability's value (capabilities(7), "File capability extended attribute versioning"): version 2
 * (20 bytes) or 3 (24, with the root uid it is for), no flag but the effective bit (EINVAL); then CAP_SETFCAP
 * (EPERM). A version 3 value for uid 0 is kept as version 2, as Linux does. */
static long xattr_caps_value(u8 *value, size_t *size)
{
    u32 magic = 0, rootid = 0;
    if (*size >= 4)
        memcpy(&magic, value, 4);
    if (magic & 0x00fffffe)
        return -EINVAL;
    bool v2 = (magic >> 24) == 2 && *size == 20, v3 = (magic >> 24) == 3 && *size == 24;
    if (!v2 && !v3)
        return -EINVAL;
    if (!capable(CAP_SETFCAP))
        return -EPERM;
    if (v3)
        memcpy(&rootid, value + 20, 4);
    if (v3 && rootid == (u32)-1)
        return -EINVAL;
    if (v3 && rootid == 0) {
        magic = (2u << 24) | (magic & 1);
        memcpy(value, &magic, 4);
        *size = 20;
    }
    return 0;
}

/* The file: by path from dfd (AT_SYMLINK_NOFOLLOW: not through a last symlink; AT_EMPTY_PATH with an empty or
 * NULL path: dfd itself), or a descriptor's, which must be open for I/O (O_PATH: EBADF, as fdget). */
static long xattr_lookup(const struct xattr_at *at, struct inode **ino, struct file **fp)
{
    bool by_fd = !at->upath && (at->at_flags & AT_EMPTY_PATH);
    if (!by_fd && (at->at_flags & AT_EMPTY_PATH)) {
        char c;
        by_fd = strncpy_from_user(&c, at->upath, 1) == 0;
    }
    if (!by_fd) {
        if (!at->upath)
            return -EFAULT;
        unsigned walk = (at->at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW;
        return at_lookup(at->dfd, at->upath, walk, ino);
    }
    struct file *f = fd_file_io(at->dfd);
    if (!f)
        return -EBADF;
    *fp = f;
    *ino = f->inode ? f->inode : xattr_anon_inode();
    return 0;
}

static long xattr_target(const struct xattr_at *at, struct xattr_file *x)
{
    *x = (struct xattr_file){ NULL, NULL, XFS_NONE };
    long rc = xattr_lookup(at, &x->ino, &x->f);
    if (!rc)
        x->fs = xattr_fs_of(x->ino, x->f);
    return rc;
}

#define XATTR_ACL 1 /* xattr_writable: a POSIX ACL's name, for syscalls/xattr_acl.c */

/* A set or a removal: the file, then EROFS, security.capability's value, the namespace and the permission,
 * then the name; with *ino the inode to change. value NULL: a removal. */
static long xattr_writable(const struct xattr_at *at, const char *name, u8 *value, size_t *size,
                           struct xattr_file *x)
{
    bool bare;
    enum xattr_ns ns = xattr_ns(name, &bare);
    long rc = xattr_target(at, x);
    if (!rc && x->ino->sb && vfs_readonly(x->ino))
        rc = -EROFS;
    if (!rc && xattr_acl_type(name) >= 0)
        return XATTR_ACL;
    if (!rc && value && !strcmp(name, "security.capability"))
        rc = xattr_caps_value(value, size);
    if (!rc)
        rc = xattr_allowed(x->ino, name, ns, MAY_WRITE);
    return rc ? rc : xattr_handled(x, name, ns, bare, true);
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

static long do_getxattr(const struct xattr_at *at, const char *uname, void *ubuf, size_t size)
{
    char name[XATTR_NAME_MAX + 1];
    struct xattr_file x;
    bool bare = false;
    long rc = xattr_name(uname, name);
    if (!rc)
        rc = xattr_target(at, &x);
    enum xattr_ns ns = rc ? XNS_OTHER : xattr_ns(name, &bare);
    int acl = xattr_acl_type(name); /* a POSIX ACL: no check but the filesystem's (xattr_acl.c) */
    if (!rc && acl < 0)
        rc = xattr_allowed(x.ino, name, ns, MAY_READ);
    if (!rc && acl < 0)
        rc = xattr_handled(&x, name, ns, bare, false);
    if (rc)
        return rc;
    size = MIN(size, XATTR_SIZE_MAX);
    void *kbuf = size ? kmalloc(size) : NULL;
    if (size && !kbuf)
        return -ENOMEM;
    long n = acl >= 0 ? xattr_acl_get(x.ino, x.fs == XFS_ALL, acl, kbuf, size)
           : x.fs == XFS_SOCKET ? xattr_sock_get(x.f, kbuf, size) : x.ino->iops->getxattr(x.ino, name, kbuf, size);
    rc = xattr_out(n, kbuf, ubuf, size);
    kfree(kbuf);
    return rc;
}

static long do_setxattr(const struct xattr_at *at, const char *uname, const void *uval, size_t size, int flags)
{
    char name[XATTR_NAME_MAX + 1];
    struct xattr_file x;
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
        rc = xattr_writable(at, name, value, &size, &x);
    if (rc == XATTR_ACL)
        rc = xattr_acl_change(x.ino, x.fs == XFS_ALL, xattr_acl_type(name), value, size, false);
    else if (!rc)
        rc = xattr_apply(x.ino, name, value, size, flags);
    kfree(value);
    return rc;
}

/* The names: the whole list is read (trusted.* may have to go before it is measured), then measured against
 * size as Linux does: size 0 asks for the length, which may pass 64 KiB; a list that does not fit is ERANGE,
 * or E2BIG when the buffer was already the largest a list may fill (XATTR_LIST_MAX). */
static long do_listxattr(const struct xattr_at *at, char *ubuf, size_t size)
{
    struct xattr_file x;
    long rc = xattr_target(at, &x);
    struct inode *ino = x.ino;
    if (rc || x.fs == XFS_NONE || (x.fs != XFS_SOCKET && (!ino->iops || !ino->iops->listxattr)))
        return rc;
    static const char sock_name[] = "system.sockprotoname"; /* a socket's one attribute */
    long n = x.fs == XFS_SOCKET ? (long)sizeof(sock_name) : ino->iops->listxattr(ino, NULL, 0);
    char *kbuf = n > 0 ? kmalloc((size_t)n) : NULL;
    if (n > 0 && !kbuf)
        return -ENOMEM;
    if (x.fs == XFS_SOCKET)
        memcpy(kbuf, sock_name, sizeof(sock_name));
    else if (n > 0)
        n = ino->iops->listxattr(ino, kbuf, (size_t)n);
    if (n > 0 && !capable(CAP_SYS_ADMIN))
        n = xattr_hide_trusted(kbuf, n);
    size_t room = MIN(size, XATTR_LIST_MAX);
    if (n >= 0 && size && (size_t)n > room)
        rc = size >= XATTR_LIST_MAX ? -E2BIG : -ERANGE;
    else
        rc = xattr_out(n, kbuf, ubuf, size);
    kfree(kbuf);
    return rc;
}

static long do_removexattr(const struct xattr_at *at, const char *uname)
{
    char name[XATTR_NAME_MAX + 1];
    struct xattr_file x;
    size_t none = 0;
    long rc = xattr_name(uname, name);
    if (!rc)
        rc = xattr_writable(at, name, NULL, &none, &x);
    if (rc == XATTR_ACL)
        return xattr_acl_change(x.ino, x.fs == XFS_ALL, xattr_acl_type(name), NULL, 0, true);
    return rc ? rc : xattr_apply(x.ino, name, NULL, 0, XATTR_REPLACE);
}

#define BY_PATH(p) (&(struct xattr_at){ AT_FDCWD, (const char *)(p), 0 })
#define BY_LPATH(p) (&(struct xattr_at){ AT_FDCWD, (const char *)(p), AT_SYMLINK_NOFOLLOW })
#define BY_FD(fd) (&(struct xattr_at){ (int)(fd), NULL, AT_EMPTY_PATH })

SYSCALL(getxattr) { return do_getxattr(BY_PATH(a0), (const char *)a1, (void *)a2, a3); }
SYSCALL(lgetxattr) { return do_getxattr(BY_LPATH(a0), (const char *)a1, (void *)a2, a3); }
SYSCALL(fgetxattr) { return do_getxattr(BY_FD(a0), (const char *)a1, (void *)a2, a3); }
SYSCALL(setxattr) { return do_setxattr(BY_PATH(a0), (const char *)a1, (const void *)a2, a3, (int)a4); }
SYSCALL(lsetxattr) { return do_setxattr(BY_LPATH(a0), (const char *)a1, (const void *)a2, a3, (int)a4); }
SYSCALL(fsetxattr) { return do_setxattr(BY_FD(a0), (const char *)a1, (const void *)a2, a3, (int)a4); }
SYSCALL(listxattr) { return do_listxattr(BY_PATH(a0), (char *)a1, a2); }
SYSCALL(llistxattr) { return do_listxattr(BY_LPATH(a0), (char *)a1, a2); }
SYSCALL(flistxattr) { return do_listxattr(BY_FD(a0), (char *)a1, a2); }
SYSCALL(removexattr) { return do_removexattr(BY_PATH(a0), (const char *)a1); }
SYSCALL(lremovexattr) { return do_removexattr(BY_LPATH(a0), (const char *)a1); }
SYSCALL(fremovexattr) { return do_removexattr(BY_FD(a0), (const char *)a1); }

/* ---- the *xattrat calls: (dfd, path, at_flags, ...), value and flags in a struct xattr_args ---- */

struct xattr_args {
    u64 value;
    u32 size;
    u32 flags;
};

/* The caller's struct of usize bytes: EINVAL below the first version, E2BIG past a page or with non-zero
 * bytes past what this kernel knows (copy_struct_from_user's rule) */
static long xattr_args_in(const void *uargs, size_t usize, struct xattr_args *args)
{
    if (usize < XATTR_ARGS_SIZE_VER0)
        return -EINVAL;
    if (usize > PAGE_SIZE)
        return -E2BIG;
    if (copy_from_user(args, uargs, sizeof(*args)))
        return -EFAULT;
    for (size_t at = sizeof(*args); at < usize; at++) {
        u8 b;
        if (copy_from_user(&b, (const u8 *)uargs + at, 1))
            return -EFAULT;
        if (b)
            return -E2BIG;
    }
    return 0;
}

static long xattr_at_flags(u64 at_flags)
{
    return at_flags & ~(u64)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) ? -EINVAL : 0;
}

SYSCALL(setxattrat) /* (dfd, path, at_flags, name, args, usize) */
{
    struct xattr_args args;
    long rc = xattr_args_in((const void *)a4, a5, &args);
    if (!rc)
        rc = xattr_at_flags(a2);
    struct xattr_at at = { (int)a0, (const char *)a1, (u32)a2 };
    return rc ? rc : do_setxattr(&at, (const char *)a3, (const void *)args.value, args.size, (int)args.flags);
}

SYSCALL(getxattrat) /* (dfd, path, at_flags, name, args, usize); args.flags must be 0 */
{
    struct xattr_args args;
    long rc = xattr_args_in((const void *)a4, a5, &args);
    if (!rc)
        rc = args.flags ? -EINVAL : xattr_at_flags(a2);
    struct xattr_at at = { (int)a0, (const char *)a1, (u32)a2 };
    return rc ? rc : do_getxattr(&at, (const char *)a3, (void *)args.value, args.size);
}

SYSCALL(listxattrat) /* (dfd, path, at_flags, list, size) */
{
    struct xattr_at at = { (int)a0, (const char *)a1, (u32)a2 };
    long rc = xattr_at_flags(a2);
    return rc ? rc : do_listxattr(&at, (char *)a3, a4);
}

SYSCALL(removexattrat) /* (dfd, path, at_flags, name) */
{
    struct xattr_at at = { (int)a0, (const char *)a1, (u32)a2 };
    long rc = xattr_at_flags(a2);
    return rc ? rc : do_removexattr(&at, (const char *)a3);
}
