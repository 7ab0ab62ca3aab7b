/* fs/acl.c — POSIX access control lists of the RAM filesystems' inodes (acl(5)), as Linux's tmpfs keeps them:
 * an access ACL that refines the mode's group class, and a directory's default ACL that new names in it
 * inherit. Programs see them as the extended attributes system.posix_acl_access and system.posix_acl_default
 * (syscalls/xattr.c checks who may change them); the permission check that reads them is perm.c's. Pure data
 * structure code: this file also builds on the host for the unit tests.
 *
 * The attribute's value (Linux's ABI, little-endian): a u32 version 2, then 8-byte entries {u16 tag, u16 perm,
 * u32 id}. An ACL the mode can say alone (owner, group and other entries only) is not kept: setting one
 * changes the mode and leaves no access ACL; the mode's group bits show the mask entry when there is one. */
#include "vfs.h"
#include "../kernel/errno.h"

#define ACL_VERSION 2
#define ACL_UNDEFINED_ID 0xffffffffu

/* Converts an attribute's value: 0 with *out the ACL, or NULL (an empty value, or a header alone) to remove
 * it; EINVAL for a bad length, an unknown tag or a named entry without a valid id; EOPNOTSUPP for another
 * version. Structure and permission bits are acl_valid's (checked after the owner, as Linux). */
int acl_from_xattr(const void *value, size_t size, struct posix_acl **out)
{
    *out = NULL;
    if (!size)
        return 0;
    u32 version;
    if (size < 4)
        return -EINVAL;
    memcpy(&version, value, 4);
    if (version != ACL_VERSION)
        return -EOPNOTSUPP;
    if ((size - 4) % sizeof(struct acl_entry))
        return -EINVAL;
    size_t n = (size - 4) / sizeof(struct acl_entry);
    if (!n)
        return 0; /* no bound but the value's: up to 8,191 entries in 64 KiB, as Linux takes */
    struct posix_acl *acl = kmalloc(sizeof(*acl) + n * sizeof(struct acl_entry));
    if (!acl)
        return -ENOMEM;
    acl->count = (u32)n;
    memcpy(acl->e, (const u8 *)value + 4, n * sizeof(struct acl_entry));
    for (size_t i = 0; i < n; i++) {
        struct acl_entry *e = &acl->e[i];
        bool named = e->tag == ACL_USER || e->tag == ACL_GROUP;
        bool known = named || e->tag == ACL_USER_OBJ || e->tag == ACL_GROUP_OBJ || e->tag == ACL_MASK ||
                     e->tag == ACL_OTHER;
        if (!known || (named && e->id == ACL_UNDEFINED_ID)) {
            kfree(acl);
            return -EINVAL;
        }
        if (!named)
            e->id = ACL_UNDEFINED_ID; /* kept as Linux gives it back */
    }
    *out = acl;
    return 0;
}

/* acl(5)'s valid ACL, in Linux's order of tags: one owner entry, named users, one group entry, named groups,
 * at most one mask (needed with named entries), one other entry; permissions within rwx. 0 or -EINVAL. */
int acl_valid(const struct posix_acl *acl)
{
    static const u16 order[] = { ACL_USER_OBJ, ACL_USER, ACL_GROUP_OBJ, ACL_GROUP, ACL_MASK, ACL_OTHER };
    size_t at = 0;
    int ones[3] = { 0 }, named = 0, masks = 0;
    for (u32 i = 0; i < acl->count; i++) {
        const struct acl_entry *e = &acl->e[i];
        if (e->perm & ~7u)
            return -EINVAL;
        while (at < ARRAY_SIZE(order) && order[at] != e->tag)
            at++;
        if (at == ARRAY_SIZE(order))
            return -EINVAL; /* out of order */
        if (e->tag == ACL_USER_OBJ || e->tag == ACL_GROUP_OBJ || e->tag == ACL_OTHER)
            ones[e->tag == ACL_USER_OBJ ? 0 : e->tag == ACL_GROUP_OBJ ? 1 : 2]++;
        named += e->tag == ACL_USER || e->tag == ACL_GROUP;
        masks += e->tag == ACL_MASK;
    }
    if (ones[0] != 1 || ones[1] != 1 || ones[2] != 1 || masks > 1 || (named && !masks))
        return -EINVAL;
    return 0;
}

static struct acl_entry *acl_find(struct posix_acl *acl, u16 tag)
{
    for (u32 i = 0; i < acl->count; i++)
        if (acl->e[i].tag == tag)
            return &acl->e[i];
    return NULL;
}

/* The mode's permission bits an ACL stands for: owner, the mask (or the group entry), other. */
static u32 acl_mode_bits(struct posix_acl *acl)
{
    struct acl_entry *m = acl_find(acl, ACL_MASK);
    struct acl_entry *g = m ? m : acl_find(acl, ACL_GROUP_OBJ);
    return (u32)(acl_find(acl, ACL_USER_OBJ)->perm << 6 | g->perm << 3 | acl_find(acl, ACL_OTHER)->perm);
}

/* Whether the mode says it all: no mask and no named entries */
static bool acl_is_mode(const struct posix_acl *acl)
{
    return acl->count == 3;
}

static struct posix_acl **acl_slot(struct inode *ino, int type)
{
    return type == ACL_TYPE_DEFAULT ? &ino->acl_default : &ino->acl_access;
}

/* Sets (acl non-NULL, checked by acl_valid) or removes an ACL, taking acl over. An access ACL changes the mode's
 * permission bits; keep_sgid false drops set-group-ID, as Linux does for a caller outside the file's group
 * without CAP_FSETID. */
void acl_set(struct inode *ino, int type, struct posix_acl *acl, bool keep_sgid)
{
    struct posix_acl **slot = acl_slot(ino, type);
    if (type == ACL_TYPE_ACCESS && acl) {
        ino->mode = (ino->mode & ~0777u) | acl_mode_bits(acl);
        if (acl_is_mode(acl)) {
            kfree(acl);
            acl = NULL;
        }
    }
    if (type == ACL_TYPE_ACCESS && !keep_sgid)
        ino->mode &= ~(u32)S_ISGID;
    kfree(*slot);
    *slot = acl;
}

/* The attribute's value: its length; with size, the bytes in kbuf (ERANGE when they do not fit); ENODATA when
 * there is none. */
long acl_get(struct inode *ino, int type, void *kbuf, size_t size)
{
    struct posix_acl *acl = *acl_slot(ino, type);
    if (!acl)
        return -ENODATA;
    size_t len = 4 + acl->count * sizeof(struct acl_entry);
    if (!size)
        return (long)len;
    if (size < len)
        return -ERANGE;
    u32 version = ACL_VERSION;
    memcpy(kbuf, &version, 4);
    memcpy((u8 *)kbuf + 4, acl->e, len - 4);
    return (long)len;
}

/* chmod of a file with an access ACL: the owner, mask (or group) and other entries take the new bits */
void acl_chmod(struct inode *ino, u32 mode)
{
    struct posix_acl *acl = ino->acl_access;
    if (!acl)
        return;
    struct acl_entry *m = acl_find(acl, ACL_MASK);
    acl_find(acl, ACL_USER_OBJ)->perm = (u16)((mode >> 6) & 7);
    (m ? m : acl_find(acl, ACL_GROUP_OBJ))->perm = (u16)((mode >> 3) & 7);
    acl_find(acl, ACL_OTHER)->perm = (u16)(mode & 7);
}

static struct posix_acl *acl_dup(const struct posix_acl *acl)
{
    size_t len = sizeof(*acl) + acl->count * sizeof(struct acl_entry);
    struct posix_acl *c = kmalloc(len);
    if (c)
        memcpy(c, acl, len);
    return c;
}

/* A new inode in dir, made with the mode asked for (the umask not applied: callers skip it where dir has a
 * default ACL): the default ACL masked by that mode becomes its access ACL (unless the mode says it all) and,
 * for a directory, its default ACL too; the mode takes the ACL's bits. Symlinks take nothing. */
void acl_inherit(struct inode *dir, struct inode *ino)
{
    if (!dir->acl_default || S_ISLNK(ino->mode))
        return;
    struct posix_acl *acl = acl_dup(dir->acl_default);
    if (!acl)
        return;
    if (S_ISDIR(ino->mode))
        ino->acl_default = acl_dup(dir->acl_default);
    u32 mode = ino->mode;
    struct acl_entry *m = acl_find(acl, ACL_MASK);
    acl_find(acl, ACL_USER_OBJ)->perm &= (u16)((mode >> 6) & 7);
    (m ? m : acl_find(acl, ACL_GROUP_OBJ))->perm &= (u16)((mode >> 3) & 7);
    acl_find(acl, ACL_OTHER)->perm &= (u16)(mode & 7);
    ino->mode = (mode & ~0777u) | acl_mode_bits(acl);
    if (acl_is_mode(acl)) {
        kfree(acl);
        acl = NULL;
    }
    ino->acl_access = acl;
}

void acl_free(struct inode *ino)
{
    kfree(ino->acl_access);
    kfree(ino->acl_default);
    ino->acl_access = ino->acl_default = NULL;
}
