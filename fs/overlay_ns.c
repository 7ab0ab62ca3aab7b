/* fs/overlay_ns.c — the overlay's namespace operations (the contract is at the top of fs/overlay.c): new names
 * go to the upper layer, removing or moving a lower name leaves a whiteout, a directory made where a lower one
 * was removed is opaque, renaming a lower directory is EXDEV. */
#include "overlay.h"
#include "../kernel/errno.h"


/* A whiteout in upper hides the lower name. */
static int whiteout(struct inode *dir, const char *name)
{
    int rc = ovl_copy_up_dir(dir);
    if (rc)
        return rc;
    struct inode *w = ramfs_iops.create(ovl_of(dir)->upper, name, S_IFCHR | 0, &rc);
    if (w)
        w->rdev = 0;
    return w ? 0 : rc;
}

/* Makes room for a new upper name: a whiteout there goes (the new entry hides lower by itself). Returns
 * whether one was there. */
static bool drop_whiteout(struct inode *dir, const char *name)
{
    struct inode *u;
    if (!ovl_of(dir)->upper || vfs_child(ovl_of(dir)->upper, name, strlen(name), &u) || !ovl_is_whiteout(u))
        return false;
    ramfs_unlink(ovl_of(dir)->upper, name, false);
    return true;
}

static struct inode *made(struct inode *dir, const char *name, struct inode *u, bool was_whiteout, int *err)
{
    if (!u)
        return NULL;
    struct inode *ino = ovl_get(dir->sb, u, NULL, dir, name, strlen(name));
    if (!ino) {
        *err = -ENOMEM;
        return NULL;
    }
    if (S_ISDIR(u->mode) && was_whiteout)
        ovl_of(ino)->opaque = true; /* a new directory where a lower one was removed: nothing below shows */
    return ino;
}

struct inode *ovl_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    struct inode *old;
    if (!ovl_lookup(dir, name, strlen(name), &old)) {
        *err = -EEXIST;
        return NULL;
    }
    if ((*err = ovl_copy_up_dir(dir)))
        return NULL;
    bool wh = drop_whiteout(dir, name);
    return made(dir, name, ramfs_iops.create(ovl_of(dir)->upper, name, mode, err), wh, err);
}

struct inode *ovl_symlink(struct inode *dir, const char *name, const char *target, int *err)
{
    struct inode *old;
    if (!ovl_lookup(dir, name, strlen(name), &old)) {
        *err = -EEXIST;
        return NULL;
    }
    if ((*err = ovl_copy_up_dir(dir)))
        return NULL;
    drop_whiteout(dir, name);
    return made(dir, name, ramfs_iops.symlink(ovl_of(dir)->upper, name, target, err), false, err);
}

int ovl_link(struct inode *dir, const char *name, struct inode *target)
{
    struct inode *old;
    if (!ovl_lookup(dir, name, strlen(name), &old))
        return -EEXIST;
    int rc = ovl_copy_up(target);
    if (!rc)
        rc = ovl_copy_up_dir(dir);
    if (rc)
        return rc;
    drop_whiteout(dir, name);
    rc = ramfs_link(ovl_of(dir)->upper, name, ovl_of(target)->upper);
    ovl_sync_attrs(target);
    return rc;
}

struct empty_ctx {
    struct dir_context ctx;
    bool empty;
};

static bool empty_emit(struct dir_context *c, const char *name, size_t len, u64 ino, u8 type, u64 next)
{
    (void)ino, (void)type;
    struct empty_ctx *e = (struct empty_ctx *)c;
    bool dot = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
    if (!dot) {
        e->empty = false;
        return false;
    }
    c->pos = next;
    return true;
}


static bool dir_empty(struct inode *dir)
{
    struct empty_ctx e = { .ctx = { .emit = empty_emit }, .empty = true };
    ovl_readdir(dir, &e.ctx);
    return e.empty;
}

/* An upper directory's whiteouts go before it is removed (they hid lower names of a merged directory). */
static void clear_whiteouts(struct inode *u)
{
    for (struct dirent_node *d = u->children, *n; d; d = n) {
        n = d->next;
        if (ovl_is_whiteout(d->inode))
            ramfs_unlink(u, d->name, false);
    }
}

/* Whether the lower layer shows name in dir (then removing or moving it needs a whiteout, even when the
 * upper entry is an opaque directory that never merged with it). */
static bool lower_has(struct inode *dir, const char *name)
{
    struct inode *l;
    return ovl_of(dir)->lower && !ovl_of(dir)->opaque && !vfs_child(ovl_of(dir)->lower, name, strlen(name), &l);
}

int ovl_unlink(struct inode *dir, const char *name, bool want_dir)
{
    struct inode *v;
    int rc = ovl_lookup(dir, name, strlen(name), &v);
    if (rc)
        return rc;
    if (want_dir && !S_ISDIR(v->mode))
        return -ENOTDIR;
    if (!want_dir && S_ISDIR(v->mode))
        return -EISDIR;
    if (want_dir && !dir_empty(v))
        return -ENOTEMPTY;
    struct ovl *o = ovl_of(v);
    if (o->upper) {
        if (want_dir)
            clear_whiteouts(o->upper);
        if ((rc = ramfs_unlink(ovl_of(dir)->upper, name, want_dir)))
            return rc;
    }
    if (lower_has(dir, name) && (rc = whiteout(dir, name)))
        return rc;
    ovl_hash_del(ovl_sb_of(v), v);
    v->nlink = 0;
    kfree(v->name);
    v->name = NULL;
    return 0;
}

int ovl_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags)
{
    if (flags & RENAME_EXCHANGE) {
        kerr("skiff: renameat2 RENAME_EXCHANGE on the overlay root is not implemented: EINVAL\n");
        return -EINVAL;
    }
    struct inode *src, *dst = NULL;
    int rc = ovl_lookup(odir, oname, strlen(oname), &src);
    if (rc)
        return rc;
    if (ovl_lookup(ndir, nname, strlen(nname), &dst))
        dst = NULL;
    if (dst && (flags & RENAME_NOREPLACE))
        return -EEXIST;
    if (dst == src)
        return 0;
    if (S_ISDIR(src->mode) && ovl_of(src)->lower)
        return -EXDEV; /* as overlayfs without redirect_dir: mv copies the tree instead */
    if (dst && S_ISDIR(src->mode) != S_ISDIR(dst->mode))
        return S_ISDIR(src->mode) ? -ENOTDIR : -EISDIR;
    if (dst && S_ISDIR(dst->mode) && !dir_empty(dst))
        return -ENOTEMPTY;
    bool had_lower = lower_has(odir, oname);
    if ((rc = ovl_copy_up(src)) || (rc = ovl_copy_up_dir(ndir)))
        return rc;
    bool dst_lower = dst && ovl_of(dst)->lower;
    drop_whiteout(ndir, nname);
    if (dst && ovl_of(dst)->upper && S_ISDIR(dst->mode))
        clear_whiteouts(ovl_of(dst)->upper);
    rc = ramfs_rename(ovl_of(odir)->upper, oname, ovl_of(ndir)->upper, nname, flags);
    if (rc)
        return rc;
    if (dst) {
        ovl_hash_del(ovl_sb_of(dst), dst);
        dst->nlink = 0;
    }
    if (dst_lower && S_ISDIR(src->mode))
        ovl_of(src)->opaque = true;
    if (had_lower)
        whiteout(odir, oname);
    char *n = kstrdup(nname);
    if (n) {
        kfree(src->name);
        src->name = n;
    }
    src->parent = ndir;
    ovl_of(src)->lower = S_ISDIR(src->mode) ? ovl_of(src)->lower : NULL; /* a file is upper only from now on */
    return 0;
}
