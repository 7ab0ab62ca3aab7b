/* fs/overlay.c — "overlay": a writable layer in RAM (upper, a ramfs tree) over a read-only filesystem
 * (lower: the host's directory for `tools/skiff run --rootfs DIR`), as a container's writable layer:
 *  - lookup: the upper entry wins; a whiteout (a character device 0:0 in upper, as Linux's overlayfs) hides
 *    the lower one; directories present in both are merged (an "opaque" upper directory, made after its
 *    lower namesake was removed, hides what is below it);
 *  - copy-up: the first change to a lower file (open for writing, truncate, chmod, chown, utimes, link,
 *    rename) copies it, and the directories above it, into upper; the host never sees a write;
 *  - removal of a lower name leaves a whiteout; renaming a lower directory is EXDEV, as overlayfs without
 *    redirect_dir (mv then copies);
 *  - readdir: upper's entries (without whiteouts), then lower's that upper does not name. Cookies: 0 and 1
 *    the dots, 2 + i the i-th upper entry, LOWER_BASE + c lower's own cookie c.
 * Overlay inodes are cached for the mount's life, keyed by their upper inode once they have one, else their
 * lower one, so that a name keeps one inode (mount points, cwd). Open files use the real inode: open swaps
 * it in (overlay_open), so reads, writes and mmap go straight to ramfs or 9p. */
#include "vfs.h"
#include "../kernel/errno.h"

#define OVL_HASH 512
#define LOWER_BASE (1ull << 62)

struct ovl {
    struct inode *upper, *lower;
    bool opaque;                  /* directories: lower is not merged */
    struct inode *hnext;
};

struct ovl_sb {
    struct super_block *upper_sb;
    struct inode *hash[OVL_HASH];
};

extern const struct inode_ops ovl_iops;
static const struct file_ops ovl_file_ops, ovl_dir_ops;

static struct ovl *OV(struct inode *i) { return i->fs; }
static struct ovl_sb *OSB(struct inode *i) { return i->sb->priv; }
static struct inode *real(struct inode *i) { return OV(i)->upper ? OV(i)->upper : OV(i)->lower; }

static bool is_whiteout(struct inode *u)
{
    return u && S_ISCHR(u->mode) && u->rdev == 0;
}

static unsigned bucket(struct inode *key) { return (unsigned)(((u64)key >> 6) % OVL_HASH); }

static void hash_del(struct ovl_sb *s, struct inode *ino)
{
    struct inode *key = real(ino);
    for (struct inode **pp = &s->hash[bucket(key)]; *pp; pp = &OV(*pp)->hnext)
        if (*pp == ino) {
            *pp = OV(ino)->hnext;
            return;
        }
}

static void hash_add(struct ovl_sb *s, struct inode *ino)
{
    struct inode *key = real(ino);
    OV(ino)->hnext = s->hash[bucket(key)];
    s->hash[bucket(key)] = ino;
}

/* The overlay's generic fields follow the real inode's. */
static void sync_attrs(struct inode *ino)
{
    struct inode *r = real(ino);
    ino->ino = r->ino;
    ino->mode = r->mode;
    ino->uid = r->uid;
    ino->gid = r->gid;
    ino->nlink = r->nlink;
    ino->size = S_ISDIR(r->mode) ? 4096 : r->size;
    ino->rdev = r->rdev;
    ino->atime = r->atime;
    ino->mtime = r->mtime;
    ino->ctime = r->ctime;
}

static struct inode *ovl_get(struct super_block *sb, struct inode *upper, struct inode *lower, struct inode *parent,
                             const char *name, size_t len)
{
    struct ovl_sb *s = sb->priv;
    struct inode *key = upper ? upper : lower;
    for (struct inode *i = s->hash[bucket(key)]; i; i = OV(i)->hnext)
        if (real(i) == key) {
            if (!OV(i)->lower && lower && S_ISDIR(lower->mode) && !OV(i)->opaque)
                OV(i)->lower = lower;
            sync_attrs(i);
            return i;
        }
    struct inode *ino = kzalloc(sizeof(*ino));
    struct ovl *o = kzalloc(sizeof(*o));
    char *n = parent ? kstrndup(name, len) : NULL;
    if (!ino || !o || (parent && !n)) {
        kfree(ino);
        kfree(o);
        kfree(n);
        return NULL;
    }
    o->upper = upper;
    o->lower = lower;
    ino->fs = o;
    ino->sb = sb;
    ino->iops = &ovl_iops;
    ino->name = n;
    ino->parent = parent ? parent : ino;
    sync_attrs(ino);
    ino->fops = S_ISDIR(ino->mode) ? &ovl_dir_ops : &ovl_file_ops;
    hash_add(s, ino);
    return ino;
}

static int ovl_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    struct ovl *d = OV(dir);
    struct inode *u = NULL, *l = NULL;
    if (d->upper && vfs_child(d->upper, name, len, &u))
        u = NULL;
    if (is_whiteout(u))
        return -ENOENT;
    if (d->lower && !d->opaque && (!u || S_ISDIR(u->mode)) && vfs_child(d->lower, name, len, &l))
        l = NULL;
    if (u && l && !S_ISDIR(l->mode))
        l = NULL; /* an upper directory over a lower file: the directory alone */
    if (!u && !l)
        return -ENOENT;
    *out = ovl_get(dir->sb, u, l, dir, name, len);
    return *out ? 0 : -ENOMEM;
}

/* ---- copy-up ---- */

static int copy_attrs(struct inode *to, struct inode *from)
{
    to->mode = (to->mode & S_IFMT) | (from->mode & 07777);
    to->uid = from->uid;
    to->gid = from->gid;
    to->atime = from->atime;
    to->mtime = from->mtime;
    return 0;
}

/* Gives the directory an upper twin, and its parents before it. */
static int copy_up_dir(struct inode *dir)
{
    struct ovl *o = OV(dir);
    if (o->upper)
        return 0;
    struct inode *parent = dir->parent;
    int rc = copy_up_dir(parent);
    if (rc)
        return rc;
    struct inode *u = ramfs_iops.create(OV(parent)->upper, dir->name, S_IFDIR | (dir->mode & 07777), &rc);
    if (!u)
        return rc;
    copy_attrs(u, o->lower);
    struct ovl_sb *s = OSB(dir);
    hash_del(s, dir);
    o->upper = u;
    hash_add(s, dir);
    return 0;
}

#define COPY_CHUNK 65536

static int copy_data(struct inode *to, struct inode *from)
{
    vfs_getattr(from);
    u8 *buf = kmalloc(COPY_CHUNK);
    if (!buf)
        return -ENOMEM;
    int rc = 0;
    for (u64 at = 0; at < from->size && !rc;) {
        ssize_t n = vfs_kread(from, buf, (size_t)MIN((u64)COPY_CHUNK, from->size - at), at);
        if (n <= 0) {
            rc = n < 0 ? (int)n : 0;
            break;
        }
        if (ramfs_pwrite(to, buf, (size_t)n, at) != n)
            rc = -ENOSPC;
        at += (u64)n;
    }
    kfree(buf);
    return rc;
}

/* The first change to a lower file: a copy in upper takes its place (same name, mode, owner, times). */
static int copy_up(struct inode *ino)
{
    struct ovl *o = OV(ino);
    if (o->upper)
        return 0;
    if (S_ISDIR(ino->mode))
        return copy_up_dir(ino);
    struct inode *parent = ino->parent;
    int rc = copy_up_dir(parent);
    if (rc)
        return rc;
    struct inode *pu = OV(parent)->upper, *u;
    if (S_ISLNK(ino->mode)) {
        const char *t = vfs_readlink(o->lower);
        u = t ? ramfs_iops.symlink(pu, ino->name, t, &rc) : NULL;
        rc = t ? rc : -EIO;
    } else {
        u = ramfs_iops.create(pu, ino->name, ino->mode, &rc);
        if (u && S_ISREG(ino->mode) && (rc = copy_data(u, o->lower))) {
            ramfs_unlink(pu, ino->name, false);
            return rc;
        }
        if (u)
            u->rdev = o->lower->rdev;
    }
    if (!u)
        return rc;
    copy_attrs(u, o->lower);
    struct ovl_sb *s = OSB(ino);
    hash_del(s, ino);
    o->upper = u;
    hash_add(s, ino);
    return 0;
}

/* ---- the namespace ---- */

/* A whiteout in upper hides the lower name. */
static int whiteout(struct inode *dir, const char *name)
{
    int rc = copy_up_dir(dir);
    if (rc)
        return rc;
    struct inode *w = ramfs_iops.create(OV(dir)->upper, name, S_IFCHR | 0, &rc);
    if (w)
        w->rdev = 0;
    return w ? 0 : rc;
}

/* Makes room for a new upper name: a whiteout there goes (the new entry hides lower by itself). Returns
 * whether one was there. */
static bool drop_whiteout(struct inode *dir, const char *name)
{
    struct inode *u;
    if (!OV(dir)->upper || vfs_child(OV(dir)->upper, name, strlen(name), &u) || !is_whiteout(u))
        return false;
    ramfs_unlink(OV(dir)->upper, name, false);
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
        OV(ino)->opaque = true; /* a new directory where a lower one was removed: nothing below shows */
    return ino;
}

static struct inode *ovl_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    struct inode *old;
    if (!ovl_lookup(dir, name, strlen(name), &old)) {
        *err = -EEXIST;
        return NULL;
    }
    if ((*err = copy_up_dir(dir)))
        return NULL;
    bool wh = drop_whiteout(dir, name);
    return made(dir, name, ramfs_iops.create(OV(dir)->upper, name, mode, err), wh, err);
}

static struct inode *ovl_symlink(struct inode *dir, const char *name, const char *target, int *err)
{
    struct inode *old;
    if (!ovl_lookup(dir, name, strlen(name), &old)) {
        *err = -EEXIST;
        return NULL;
    }
    if ((*err = copy_up_dir(dir)))
        return NULL;
    drop_whiteout(dir, name);
    return made(dir, name, ramfs_iops.symlink(OV(dir)->upper, name, target, err), false, err);
}

static int ovl_link(struct inode *dir, const char *name, struct inode *target)
{
    struct inode *old;
    if (!ovl_lookup(dir, name, strlen(name), &old))
        return -EEXIST;
    int rc = copy_up(target);
    if (!rc)
        rc = copy_up_dir(dir);
    if (rc)
        return rc;
    drop_whiteout(dir, name);
    rc = ramfs_link(OV(dir)->upper, name, OV(target)->upper);
    sync_attrs(target);
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

static int ovl_readdir(struct inode *dir, struct dir_context *ctx);

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
        if (is_whiteout(d->inode))
            ramfs_unlink(u, d->name, false);
    }
}

/* Whether the lower layer shows name in dir (then removing or moving it needs a whiteout, even when the
 * upper entry is an opaque directory that never merged with it). */
static bool lower_has(struct inode *dir, const char *name)
{
    struct inode *l;
    return OV(dir)->lower && !OV(dir)->opaque && !vfs_child(OV(dir)->lower, name, strlen(name), &l);
}

static int ovl_unlink(struct inode *dir, const char *name, bool want_dir)
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
    struct ovl *o = OV(v);
    if (o->upper) {
        if (want_dir)
            clear_whiteouts(o->upper);
        if ((rc = ramfs_unlink(OV(dir)->upper, name, want_dir)))
            return rc;
    }
    if (lower_has(dir, name) && (rc = whiteout(dir, name)))
        return rc;
    hash_del(OSB(v), v);
    v->nlink = 0;
    kfree(v->name);
    v->name = NULL;
    return 0;
}

static int ovl_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags)
{
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
    if (S_ISDIR(src->mode) && OV(src)->lower)
        return -EXDEV; /* as overlayfs without redirect_dir: mv copies the tree instead */
    if (dst && S_ISDIR(src->mode) != S_ISDIR(dst->mode))
        return S_ISDIR(src->mode) ? -ENOTDIR : -EISDIR;
    if (dst && S_ISDIR(dst->mode) && !dir_empty(dst))
        return -ENOTEMPTY;
    bool had_lower = lower_has(odir, oname);
    if ((rc = copy_up(src)) || (rc = copy_up_dir(ndir)))
        return rc;
    bool dst_lower = dst && OV(dst)->lower;
    drop_whiteout(ndir, nname);
    if (dst && OV(dst)->upper && S_ISDIR(dst->mode))
        clear_whiteouts(OV(dst)->upper);
    rc = ramfs_rename(OV(odir)->upper, oname, OV(ndir)->upper, nname, flags);
    if (rc)
        return rc;
    if (dst) {
        hash_del(OSB(dst), dst);
        dst->nlink = 0;
    }
    if (dst_lower && S_ISDIR(src->mode))
        OV(src)->opaque = true;
    if (had_lower)
        whiteout(odir, oname);
    char *n = kstrdup(nname);
    if (n) {
        kfree(src->name);
        src->name = n;
    }
    src->parent = ndir;
    OV(src)->lower = S_ISDIR(src->mode) ? OV(src)->lower : NULL; /* a file is upper only from now on */
    return 0;
}

/* ---- listing ---- */

struct lower_ctx {
    struct dir_context ctx;
    struct dir_context *out;
    struct inode *upper;
    bool full;
};

static bool lower_emit(struct dir_context *c, const char *name, size_t len, u64 ino, u8 type, u64 next)
{
    struct lower_ctx *l = (struct lower_ctx *)c;
    bool dot = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
    struct inode *u;
    bool hidden = dot || (l->upper && !vfs_child(l->upper, name, len, &u));
    if (!hidden && !l->out->emit(l->out, name, len, ino, type, LOWER_BASE + next)) {
        l->full = true;
        return false;
    }
    c->pos = next;
    l->out->pos = LOWER_BASE + next;
    return true;
}

static int ovl_readdir(struct inode *dir, struct dir_context *ctx)
{
    if (!vfs_emit_dots(dir, ctx))
        return 0;
    struct ovl *o = OV(dir);
    if (ctx->pos < LOWER_BASE && o->upper) {
        struct dirent_node *d = o->upper->children;
        for (u64 i = 2; d && i < ctx->pos; i++)
            d = d->next;
        for (; d; d = d->next) {
            if (is_whiteout(d->inode)) {
                ctx->pos++;
                continue;
            }
            if (!ctx->emit(ctx, d->name, strlen(d->name), d->inode->ino, vfs_dtype(d->inode->mode), ctx->pos + 1))
                return 0;
        }
    }
    if (ctx->pos < LOWER_BASE)
        ctx->pos = LOWER_BASE;
    if (!o->lower || o->opaque)
        return 0;
    struct lower_ctx l = { .ctx = { .emit = lower_emit, .pos = ctx->pos - LOWER_BASE }, .out = ctx, .upper = o->upper };
    return vfs_readdir(o->lower, &l.ctx);
}

/* ---- attributes and data ---- */

static int ovl_readlink(struct inode *ino)
{
    const char *t = vfs_readlink(real(ino));
    char *copy = t ? kstrdup(t) : NULL;
    if (!copy)
        return t ? -ENOMEM : -EIO;
    kfree(ino->target);
    ino->target = copy;
    return 0;
}

static int ovl_getattr(struct inode *ino)
{
    int rc = vfs_getattr(real(ino));
    sync_attrs(ino);
    return rc;
}

static int ovl_setattr(struct inode *ino, const struct iattr *ia)
{
    int rc = copy_up(ino);
    if (!rc)
        rc = vfs_setattr(OV(ino)->upper, ia);
    if (!rc)
        sync_attrs(ino);
    return rc;
}

static ssize_t ovl_kread(struct inode *ino, void *kbuf, size_t n, u64 off)
{
    return vfs_kread(real(ino), kbuf, n, off);
}

static u8 *ovl_page(struct inode *ino, u64 pos)
{
    return vfs_page(real(ino), pos);
}

static struct inode *ovl_real(struct inode *ino)
{
    return real(ino);
}

const struct inode_ops ovl_iops = {
    .lookup = ovl_lookup, .create = ovl_create, .symlink = ovl_symlink, .link = ovl_link,
    .unlink = ovl_unlink, .rename = ovl_rename, .readdir = ovl_readdir, .readlink = ovl_readlink,
    .getattr = ovl_getattr, .setattr = ovl_setattr, .kread = ovl_kread, .page = ovl_page, .real = ovl_real,
};

/* Opening a file opens the real one: writing first copies a lower file up. */
static int overlay_open(struct file *f)
{
    struct inode *ino = f->inode;
    bool writes = (f->flags & O_ACCMODE) != O_RDONLY || (f->flags & O_TRUNC);
    if (writes && !(f->flags & O_PATH) && S_ISREG(ino->mode)) {
        int rc = copy_up(ino);
        if (rc)
            return rc;
    }
    struct inode *r = real(ino);
    inode_get(r);
    f->inode = r;
    inode_put(ino);
    f->ops = r->fops;
    f->priv = r->priv;
    return f->ops && f->ops->open ? f->ops->open(f) : 0;
}

static ssize_t dir_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)ubuf, (void)n, (void)off;
    return -EISDIR;
}

static const struct file_ops ovl_file_ops = { .open = overlay_open };
static const struct file_ops ovl_dir_ops = { .read = dir_read };

/* An overlay of a fresh RAM layer over lower (the root of a mounted filesystem, read-only). */
int overlay_mount(struct super_block *lower, struct super_block **out)
{
    struct super_block *sb = sb_new("overlay", "overlay");
    struct super_block *usb = sb_new("tmpfs", "overlay-upper");
    struct ovl_sb *s = kzalloc(sizeof(*s));
    if (!sb || !usb || !s)
        return -ENOMEM;
    usb->root = ramfs_new_root(usb);
    if (!usb->root)
        return -ENOMEM;
    s->upper_sb = usb;
    sb->priv = s;
    sb->root = ovl_get(sb, NULL, lower->root, NULL, "", 0);
    if (!sb->root)
        return -ENOMEM;
    hash_del(s, sb->root);
    OV(sb->root)->upper = usb->root; /* the roots are paired from the start */
    hash_add(s, sb->root);
    copy_attrs(usb->root, lower->root);
    sb->root->refs = 1;
    kfree(sb->opts);
    sb->opts = kstrdup(",relatime,lowerdir=/,upperdir=(memory)");
    *out = sb;
    return 0;
}
