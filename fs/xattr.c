/* fs/xattr.c — extended attributes of the RAM filesystems' inodes (tmpfs, the packed root, /dev), as Linux's
 * tmpfs keeps them: a list of name/value pairs on the inode, freed with it. Names arrive checked by
 * syscalls/xattr.c (namespace, length, permission); here only the store's own errors: EEXIST for XATTR_CREATE
 * over an existing name, ENODATA for XATTR_REPLACE or a get/remove of a missing one, ERANGE for a buffer too
 * small, ENOSPC past a tmpfs's nr_inodes= space. Listing gives the POSIX ACLs' names first (fs/acl.c keeps
 * the ACLs themselves), then the names in descending byte order, as Linux 6.18's tmpfs lists them;
 * syscalls/xattr.c hides trusted.* from those without CAP_SYS_ADMIN. These are ramfs's inode_ops (fs/ramfs.c). */
#include "vfs.h"
#include "../kernel/errno.h"

#define XATTR_CREATE 1
#define XATTR_REPLACE 2

struct xattr_ent {
    struct xattr_ent *next; /* in descending name order */
    char *name;
    u8 *value;
    size_t len;
};

/* What one attribute takes of a tmpfs's nr_inodes= space: Linux 6.18 counts its bookkeeping (40 bytes on
 * x86_64, measured: with 2 KiB free a 6-byte name takes a 2002-byte value and no more), the name and the value. */
static u64 xattr_space(const char *name, size_t len)
{
    return 40 + strlen(name) + len;
}

/* Takes space for a new value before anything changes (Linux reserves first: ENOSPC comes before EEXIST). */
static int xattr_charge(struct inode *ino, u64 bytes)
{
    struct super_block *sb = ino->sb;
    if (!sb || !sb->max_inodes)
        return 0;
    if (ramfs_free_ispace(sb) < bytes)
        return -ENOSPC;
    sb->used_xattr += bytes;
    return 0;
}

static void xattr_uncharge(struct inode *ino, u64 bytes)
{
    struct super_block *sb = ino->sb;
    if (sb && sb->max_inodes)
        sb->used_xattr -= MIN(bytes, sb->used_xattr);
}

static struct xattr_ent **xattr_slot(struct inode *ino, const char *name, bool *found)
{
    struct xattr_ent **pp = (struct xattr_ent **)&ino->xattrs;
    int c = -1;
    while (*pp && (c = strcmp((*pp)->name, name)) > 0)
        pp = &(*pp)->next;
    *found = *pp && c == 0;
    return pp;
}

/* The value's length; with size, the value copied to kbuf (ERANGE when it does not fit). */
long xattr_ram_get(struct inode *ino, const char *name, void *kbuf, size_t size)
{
    bool found;
    struct xattr_ent *e = *xattr_slot(ino, name, &found);
    if (!found)
        return -ENODATA;
    if (!size)
        return (long)e->len;
    if (size < e->len)
        return -ERANGE;
    memcpy(kbuf, e->value, e->len);
    return (long)e->len;
}

static long xattr_ram_remove(struct inode *ino, const char *name);

/* The entry's new value, or a new entry at *pp; the space is already charged. */
static int xattr_store(struct xattr_ent **pp, bool found, const char *name, const void *kvalue, size_t len)
{
    u8 *value = kmalloc(len ? len : 1);
    if (!value)
        return -ENOMEM;
    memcpy(value, kvalue, len);
    if (found) {
        kfree((*pp)->value);
        (*pp)->value = value;
        (*pp)->len = len;
        return 0;
    }
    struct xattr_ent *e = kzalloc(sizeof(*e));
    char *kname = kstrdup(name);
    if (!e || !kname) {
        kfree(e);
        kfree(kname);
        kfree(value);
        return -ENOMEM;
    }
    *e = (struct xattr_ent){ *pp, kname, value, len };
    *pp = e;
    return 0;
}

/* value NULL: remove it */
int xattr_ram_set(struct inode *ino, const char *name, const void *kvalue, size_t len, int flags)
{
    if (!kvalue)
        return (int)xattr_ram_remove(ino, name);
    u64 cost = xattr_space(name, len);
    int rc = xattr_charge(ino, cost);
    if (rc)
        return rc;
    bool found;
    struct xattr_ent **pp = xattr_slot(ino, name, &found);
    size_t old = found ? (*pp)->len : 0;
    if (found && (flags & XATTR_CREATE))
        rc = -EEXIST;
    else if (!found && (flags & XATTR_REPLACE))
        rc = -ENODATA;
    else
        rc = xattr_store(pp, found, name, kvalue, len);
    if (rc)
        xattr_uncharge(ino, cost);
    else if (found)
        xattr_uncharge(ino, xattr_space(name, old)); /* the value it replaced */
    return rc;
}

static long xattr_ram_remove(struct inode *ino, const char *name)
{
    bool found;
    struct xattr_ent **pp = xattr_slot(ino, name, &found), *e = *pp;
    if (!found)
        return -ENODATA;
    *pp = e->next;
    xattr_uncharge(ino, xattr_space(e->name, e->len));
    kfree(e->name);
    kfree(e->value);
    kfree(e);
    return 0;
}

/* The names, each NUL-ended, into kbuf; the length they take (size 0: only that). */
long xattr_ram_list(struct inode *ino, char *kbuf, size_t size)
{
    size_t total = 0;
    static const char *const acl_names[] = { "system.posix_acl_access", "system.posix_acl_default" };
    for (int t = 0; t < 2; t++) { /* the ACLs first, as Linux's tmpfs lists them */
        size_t n = strlen(acl_names[t]) + 1;
        if (!(t ? ino->acl_default : ino->acl_access))
            continue;
        if (size && total + n > size)
            return -ERANGE;
        if (size)
            memcpy(kbuf + total, acl_names[t], n);
        total += n;
    }
    for (struct xattr_ent *e = ino->xattrs; e; e = e->next) {
        size_t n = strlen(e->name) + 1;
        if (size && total + n > size)
            return -ERANGE;
        if (size)
            memcpy(kbuf + total, e->name, n);
        total += n;
    }
    return (long)total;
}

/* The inode is going: its attributes and the space they held. */
void xattr_ram_free(struct inode *ino)
{
    for (struct xattr_ent *e = ino->xattrs, *next; e; e = next) {
        next = e->next;
        xattr_uncharge(ino, xattr_space(e->name, e->len));
        kfree(e->name);
        kfree(e->value);
        kfree(e);
    }
    ino->xattrs = NULL;
}

/* An unnamed inode joins another filesystem (ramfs_link): its attributes' space moves with it, unchecked, as
 * its pages do. Called before ino->sb changes. */
void xattr_ram_move(struct inode *ino, struct super_block *to)
{
    u64 bytes = 0;
    for (struct xattr_ent *e = ino->xattrs; e; e = e->next)
        bytes += xattr_space(e->name, e->len);
    xattr_uncharge(ino, bytes);
    if (to && to->max_inodes)
        to->used_xattr += bytes;
}

/* A write, truncate or chown of a file drops its file capabilities (Linux's killpriv: whoever writes, even
 * with CAP_FSETID), so a changed program does not keep privileges granted to the old one. Only RAM inodes
 * (their own or an overlay's upper layer): on a 9p volume this would cost a host round trip per write. */
void xattr_kill_priv(struct inode *ino)
{
    ino = ino ? vfs_real(ino) : NULL;
    if (ino && ino->iops == &ramfs_iops && ino->xattrs && S_ISREG(ino->mode))
        xattr_ram_remove(ino, "security.capability");
}
