/* fs/perm.c — file permission checks as path_resolution(7), chmod(2), chown(2) and utimensat(2) describe
 * them, in one place: the VFS, the path walk and the syscalls call these. The caller's filesystem uid and
 * gid and its supplementary groups pick the owner, group or other bits; CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_CHOWN and CAP_FSETID lift the checks as on Linux. Inodes carry the
 * owner and mode their filesystem reports (9P: the host's, as given by getattr). */
#include "vfs.h"
#include "../kernel/cred.h"
#include "../kernel/errno.h"

/* An access ACL's answer (acl(5)'s algorithm) for someone other than the owner: a named user's entry, else
 * the group entries that match (one granting all of want is enough), else, when none matched, the other entry;
 * named and group entries count only within the mask. */
static bool acl_grants(const struct inode *ino, const struct posix_acl *acl, const struct cred *c, u32 want)
{
    u32 limit = 7;
    bool group_matched = false;
    for (u32 i = 0; i < acl->count; i++)
        if (acl->e[i].tag == ACL_MASK)
            limit = acl->e[i].perm;
    for (u32 i = 0; i < acl->count; i++) {
        const struct acl_entry *e = &acl->e[i];
        if (e->tag == ACL_USER && e->id == c->fsuid)
            return (e->perm & limit & want) == want;
        if ((e->tag == ACL_GROUP_OBJ || e->tag == ACL_GROUP) &&
            cred_in_group(c, e->tag == ACL_GROUP ? e->id : ino->gid)) {
            group_matched = true;
            if ((e->perm & limit & want) == want)
                return true;
        }
        if (e->tag == ACL_OTHER)
            return !group_matched && (e->perm & want) == want;
    }
    return false;
}

int perm_inode(struct inode *ino, int mask)
{
    const struct cred *c = cred_current();
    u32 mode = ino->mode, have;
    const struct posix_acl *acl = vfs_real(ino)->acl_access; /* an overlay's: its layer's */
    mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
    if ((mask & MAY_WRITE) && (ino->iflags & FS_IMMUTABLE_FL))
        return -EPERM; /* no capability lifts it, as Linux's inode_permission */
    if (c->fsuid == ino->uid)
        have = mode >> 6;
    else if (acl && (mode & 070)) /* Linux reads the ACL only while the mask grants something */
        have = acl_grants(ino, acl, c, (u32)mask) ? (u32)mask : 0;
    else if (cred_in_group(c, ino->gid))
        have = mode >> 3;
    else
        have = mode;
    if (!(mask & ~have & 7))
        return 0;
    if (S_ISDIR(mode)) { /* search and read with DAC_READ_SEARCH; anything with DAC_OVERRIDE */
        if (!(mask & MAY_WRITE) && capable(CAP_DAC_READ_SEARCH))
            return 0;
        return capable(CAP_DAC_OVERRIDE) || (ino->own_access && ino->own_access(ino)) ? 0 : -EACCES;
    }
    if (mask == MAY_READ && capable(CAP_DAC_READ_SEARCH))
        return 0;
    /* root may execute only what someone may: at least one x bit */
    if ((!(mask & MAY_EXEC) || (mode & 0111)) && capable(CAP_DAC_OVERRIDE))
        return 0;
    return ino->own_access && ino->own_access(ino) ? 0 : -EACCES;
}

int perm_may_create(struct inode *dir)
{
    return perm_inode(dir, MAY_WRITE | MAY_EXEC);
}

bool perm_owner(const struct inode *ino)
{
    return cred_current()->fsuid == ino->uid || capable(CAP_FOWNER);
}

/* Removing or replacing victim's name in dir: write and search on dir; in a sticky directory (/tmp) only
 * the file's owner, the directory's owner or CAP_FOWNER (EPERM). */
int perm_may_delete(struct inode *dir, struct inode *victim)
{
    int rc = perm_inode(dir, MAY_WRITE | MAY_EXEC);
    if (rc)
        return rc;
    if ((dir->iflags & FS_APPEND_FL) || (victim->iflags & (FS_APPEND_FL | FS_IMMUTABLE_FL)))
        return -EPERM; /* an append-only directory keeps its names; such files keep theirs */
    u32 fsuid = cred_current()->fsuid;
    if ((dir->mode & S_ISVTX) && fsuid != victim->uid && fsuid != dir->uid && !capable(CAP_FOWNER))
        return -EPERM;
    return 0;
}

static bool in_group_or_fsetid(u32 gid)
{
    return cred_in_group(cred_current(), gid) || capable(CAP_FSETID);
}

void perm_init_owner(struct inode *ino)
{
    const struct cred *c = cred_current();
    ino->uid = c->fsuid;
    ino->gid = c->fsgid;
}

/* A new name in dir: a set-group-ID directory gives its group (and, to a new directory, the bit itself); a
 * new file asking for S_ISGID keeps it only if its group is the caller's or with CAP_FSETID. */
void perm_new_inode(struct inode *dir, struct inode *ino)
{
    perm_init_owner(ino);
    if (dir->mode & S_ISGID) {
        ino->gid = dir->gid;
        if (S_ISDIR(ino->mode))
            ino->mode |= S_ISGID;
    }
    if (!S_ISDIR(ino->mode) && (ino->mode & (S_ISGID | 0010)) == (S_ISGID | 0010) && !in_group_or_fsetid(ino->gid))
        ino->mode &= ~(u32)S_ISGID;
}

/* chown: to itself only by the owner, otherwise CAP_CHOWN; the group by the owner to one of its groups. */
static int chown_ok(struct inode *ino, const struct iattr *ia)
{
    u32 fsuid = cred_current()->fsuid;
    bool cap = capable(CAP_CHOWN);
    if ((ia->valid & ATTR_UID) && !(fsuid == ino->uid && ia->uid == ino->uid) && !cap)
        return -EPERM;
    if ((ia->valid & ATTR_GID) && !cap &&
        !(fsuid == ino->uid && (ia->gid == ino->gid || cred_in_group(cred_current(), ia->gid))))
        return -EPERM;
    return 0;
}

/* The rules of setattr as the syscalls ask for it: ATTR_UID/GID (chown), ATTR_MODE (chmod), times. A chown
 * of a non-directory also clears set-user-ID, and set-group-ID when group-executable (or the caller is
 * outside the group without CAP_FSETID). ia may gain ATTR_MODE. */
int perm_setattr(struct inode *ino, struct iattr *ia)
{
    bool fixed = ino->iflags & (FS_APPEND_FL | FS_IMMUTABLE_FL);
    if (fixed && (ia->valid & (ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_TIMES_SET | ATTR_SIZE)))
        return -EPERM; /* append-only and immutable files keep their attributes */
    if ((ino->iflags & FS_IMMUTABLE_FL) && (ia->valid & (ATTR_ATIME | ATTR_MTIME)))
        return -EPERM; /* even "now" */
    if (ia->valid & (ATTR_UID | ATTR_GID)) {
        int rc = chown_ok(ino, ia);
        if (rc)
            return rc;
    }
    if ((ia->valid & ATTR_MODE) && !perm_owner(ino))
        return -EPERM;
    if ((ia->valid & (ATTR_ATIME | ATTR_MTIME)) && (ia->valid & ATTR_TIMES_SET) && !perm_owner(ino))
        return -EPERM;
    if ((ia->valid & (ATTR_ATIME | ATTR_MTIME)) && !(ia->valid & ATTR_TIMES_SET) && !perm_owner(ino)) {
        int rc = perm_inode(ino, MAY_WRITE); /* "now": write permission is enough */
        if (rc)
            return rc;
    }
    if (ia->valid & ATTR_MODE) {
        u32 gid = (ia->valid & ATTR_GID) ? ia->gid : ino->gid;
        if ((ia->mode & S_ISGID) && !in_group_or_fsetid(gid))
            ia->mode &= ~(u32)S_ISGID;
    }
    if ((ia->valid & ATTR_KILL_PRIV) && !S_ISDIR(ino->mode)) {
        u32 mode = (ia->valid & ATTR_MODE) ? ia->mode : ino->mode & 07777, kill = S_ISUID;
        if ((ino->mode & S_ISGID) && ((ino->mode & 0010) || !in_group_or_fsetid(ino->gid)))
            kill |= S_ISGID;
        if (mode & kill) {
            ia->valid |= ATTR_MODE;
            ia->mode = mode & ~kill;
        }
    }
    return 0;
}

/* open(2) of an existing file (after the type checks): read for O_RDONLY, write for O_WRONLY and for
 * O_TRUNC, both for O_RDWR (and for the ioctl-only access mode 3). */
int perm_open(struct inode *ino, u32 flags)
{
    int mask = 0;
    switch (flags & O_ACCMODE) {
    case O_RDONLY: mask = MAY_READ; break;
    case O_WRONLY: mask = MAY_WRITE; break;
    default: mask = MAY_READ | MAY_WRITE; break;
    }
    if (flags & O_TRUNC)
        mask |= MAY_WRITE;
    int rc = perm_inode(ino, mask);
    if (!rc && (ino->iflags & FS_APPEND_FL) &&
        (((flags & O_ACCMODE) != O_RDONLY && !(flags & O_APPEND)) || (flags & O_TRUNC)))
        rc = -EPERM; /* an append-only file opens for writing only with O_APPEND, never to truncate */
    return rc;
}

/* A hard link to someone else's file, with fs.protected_hardlinks = 1 (Debian's setting): only to a regular
 * file the caller may read and write and that is not set-ID, or with CAP_FOWNER. */
int perm_may_link(struct inode *t)
{
    if (t->iflags & (FS_APPEND_FL | FS_IMMUTABLE_FL))
        return -EPERM;
    if (cred_current()->fsuid == t->uid)
        return 0;
    bool setid = (t->mode & S_ISUID) || (t->mode & (S_ISGID | 0010)) == (S_ISGID | 0010);
    if (S_ISREG(t->mode) && !setid && perm_inode(t, MAY_READ | MAY_WRITE) == 0)
        return 0;
    return capable(CAP_FOWNER) ? 0 : -EPERM;
}

/* A write or truncate by someone without CAP_FSETID clears set-user-ID and a group-executable set-group-ID
 * (Linux's file_remove_privs), so that a modified program does not keep them. */
void perm_file_written(struct inode *ino)
{
    u32 kill = 0;
    if (!S_ISREG(ino->mode))
        return;
    xattr_kill_priv(ino); /* file capabilities go whatever the writer's capabilities */
    if (ino->mode & S_ISUID)
        kill |= S_ISUID;
    if ((ino->mode & (S_ISGID | 0010)) == (S_ISGID | 0010))
        kill |= S_ISGID;
    if (!kill || capable(CAP_FSETID))
        return;
    struct iattr ia = { .valid = ATTR_MODE, .mode = ino->mode & 07777 & ~kill };
    vfs_setattr(ino, &ia);
}
