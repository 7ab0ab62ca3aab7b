/* syscalls/xattr_acl.c — the POSIX ACL attributes, system.posix_acl_access and system.posix_acl_default
 * (acl(5)), which syscalls/xattr.c hands here: Linux keeps them apart from the other attributes, with checks
 * of their own and none of xattr_permission's. Where the filesystem keeps ACLs (tmpfs and devtmpfs: RAM inodes,
 * inode_ops.posix_acl, fs/acl.c; the overlay root in its upper layer, a change copying the file up) they are
 * stored and enforced; elsewhere (9p volumes, /proc, pipes, sockets) EOPNOTSUPP, as a filesystem without ACLs. */
#include "syscalls.h"

/* ACL_TYPE_ACCESS or ACL_TYPE_DEFAULT for the two names, -1 for any other */
int xattr_acl_type(const char *name)
{
    if (!strcmp(name, "system.posix_acl_access"))
        return ACL_TYPE_ACCESS;
    return strcmp(name, "system.posix_acl_default") ? -1 : ACL_TYPE_DEFAULT;
}

/* kept: the filesystem keeps ACLs (tmpfs and devtmpfs: xattr_fs_of says XFS_ALL, and inode_ops.posix_acl);
 * symlinks never have one */
static bool acl_kept(const struct inode *ino, bool kept)
{
    return kept && ino->iops && ino->iops->posix_acl && !S_ISLNK(ino->mode);
}

/* A set (value, size; size 0 or a header alone removes) or a removal (removal true) on ino, found and not on a
 * read-only mount. Linux 6.18's order: the value's form (EINVAL; EOPNOTSUPP for another version), an immutable
 * or append-only file (EPERM), a file without ACLs (EOPNOTSUPP: symlinks too), a default ACL on a
 * non-directory (EACCES; removing one succeeds), the owner or CAP_FOWNER (EPERM), the ACL's structure (EINVAL).
 * XATTR_CREATE and XATTR_REPLACE mean nothing here. */
long xattr_acl_change(struct inode *ino, bool kept, int type, const void *value, size_t size, bool removal)
{
    struct posix_acl *acl = NULL;
    long rc = removal ? 0 : acl_from_xattr(value, size, &acl);
    if (!rc && (ino->iflags & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
        rc = -EPERM;
    if (!rc && !acl_kept(ino, kept))
        rc = -EOPNOTSUPP;
    if (!rc && type == ACL_TYPE_DEFAULT && !S_ISDIR(ino->mode))
        rc = acl ? -EACCES : 1; /* 1: nothing to remove, and no error */
    if (!rc && !perm_owner(ino))
        rc = -EPERM;
    if (!rc && acl)
        rc = acl_valid(acl);
    struct inode *holder = ino; /* the overlay's: its upper layer's inode, once copied up */
    if (!rc && ino->iops->copy_up && !(rc = ino->iops->copy_up(ino)))
        holder = vfs_real(ino);
    if (rc) {
        kfree(acl);
        return rc < 0 ? rc : 0;
    }
    acl_set(holder, type, acl, cred_in_group(cred_current(), ino->gid) || capable(CAP_FSETID));
    holder->ctime = vfs_now();
    if (holder != ino)
        vfs_getattr(ino); /* the overlay's inode takes the layer's new mode and ctime */
    fsnotify(NULL, NULL, ino, FSN_ATTRIB, 0);
    return 0;
}

/* A get: anyone may read an ACL; EOPNOTSUPP where none are kept, ENODATA where there is none (an overlay's
 * file not copied up shows none: the lower layer's ACLs are not read). */
long xattr_acl_get(struct inode *ino, bool kept, int type, void *kbuf, size_t size)
{
    if (!acl_kept(ino, kept))
        return -EOPNOTSUPP;
    struct inode *holder = vfs_real(ino);
    return holder->iops && holder->iops->posix_acl ? acl_get(holder, type, kbuf, size) : -ENODATA;
}
