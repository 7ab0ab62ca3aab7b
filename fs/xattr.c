/* fs/xattr.c — extended attributes of the RAM filesystems' inodes (tmpfs, the packed root, /dev), as Linux's
 * tmpfs keeps them: a list of name/value pairs on the inode, freed with it. Names arrive checked by
 * syscalls/xattr.c (namespace, length, permission); here only the store's own errors: EEXIST for XATTR_CREATE
 * over an existing name, ENODATA for XATTR_REPLACE or a get/remove of a missing one, ERANGE for a buffer too
 * small. Listing gives the names in byte order (tmpfs keeps them sorted); syscalls/xattr.c hides trusted.*
 * from those without CAP_SYS_ADMIN. These are ramfs's inode_ops (fs/ramfs.c). */
#include "vfs.h"
#include "../kernel/errno.h"

#define XATTR_CREATE 1
#define XATTR_REPLACE 2

struct xattr_ent {
    struct xattr_ent *next; /* in name order */
    char *name;
    u8 *value;
    size_t len;
};

static struct xattr_ent **xattr_slot(struct inode *ino, const char *name, bool *found)
{
    struct xattr_ent **pp = (struct xattr_ent **)&ino->xattrs;
    int c = 1;
    while (*pp && (c = strcmp((*pp)->name, name)) < 0)
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

/* value NULL: remove it */
int xattr_ram_set(struct inode *ino, const char *name, const void *kvalue, size_t len, int flags)
{
    if (!kvalue)
        return (int)xattr_ram_remove(ino, name);
    bool found;
    struct xattr_ent **pp = xattr_slot(ino, name, &found);
    if (found && (flags & XATTR_CREATE))
        return -EEXIST;
    if (!found && (flags & XATTR_REPLACE))
        return -ENODATA;
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

static long xattr_ram_remove(struct inode *ino, const char *name)
{
    bool found;
    struct xattr_ent **pp = xattr_slot(ino, name, &found), *e = *pp;
    if (!found)
        return -ENODATA;
    *pp = e->next;
    kfree(e->name);
    kfree(e->value);
    kfree(e);
    return 0;
}

/* The names, each NUL-ended, into kbuf; the length they take (size 0: only that). */
long xattr_ram_list(struct inode *ino, char *kbuf, size_t size)
{
    size_t total = 0;
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

void xattr_ram_free(struct inode *ino)
{
    for (struct xattr_ent *e = ino->xattrs, *next; e; e = next) {
        next = e->next;
        kfree(e->name);
        kfree(e->value);
        kfree(e);
    }
    ino->xattrs = NULL;
}
