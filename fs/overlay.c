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
 *    the dots, upper's own cookies (2 and up: fs/ramfs_dir.c), LOWER_BASE + c lower's own cookie c.
 * Overlay inodes are cached for the mount's life, keyed by their upper inode once they have one, else their
 * lower one, so that a name keeps one inode (mount points, cwd). Open files use the real inode: open swaps
 * it in (overlay_open), so reads, writes and mmap go straight to ramfs or 9p. The namespace operations are in
 * overlay_ns.c; fs/overlay.h holds what the two files share. */
#include "overlay.h"
#include "../kernel/errno.h"

extern const struct inode_ops ovl_iops;
static const struct file_ops ovl_file_ops, ovl_dir_ops;

static unsigned bucket(struct inode *key) { return (unsigned)(((u64)key >> 6) % OVL_HASH); }

void ovl_hash_del(struct ovl_sb *s, struct inode *ino)
{
    struct inode *key = ovl_layer(ino);
    for (struct inode **pp = &s->hash[bucket(key)]; *pp; pp = &ovl_of(*pp)->hnext)
        if (*pp == ino) {
            *pp = ovl_of(ino)->hnext;
            return;
        }
}

void ovl_hash_add(struct ovl_sb *s, struct inode *ino)
{
    struct inode *key = ovl_layer(ino);
    ovl_of(ino)->hnext = s->hash[bucket(key)];
    s->hash[bucket(key)] = ino;
}

/* The overlay's generic fields follow the real inode's. */
void ovl_sync_attrs(struct inode *ino)
{
    struct inode *r = ovl_layer(ino);
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

struct inode *ovl_get(struct super_block *sb, struct inode *upper, struct inode *lower, struct inode *parent,
                             const char *name, size_t len)
{
    struct ovl_sb *s = sb->priv;
    struct inode *key = upper ? upper : lower;
    for (struct inode *i = s->hash[bucket(key)]; i; i = ovl_of(i)->hnext)
        if (ovl_layer(i) == key) {
            if (!ovl_of(i)->lower && lower && S_ISDIR(lower->mode) && !ovl_of(i)->opaque)
                ovl_of(i)->lower = lower;
            ovl_sync_attrs(i);
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
    ovl_sync_attrs(ino);
    ino->fops = S_ISDIR(ino->mode) ? &ovl_dir_ops : &ovl_file_ops;
    ovl_hash_add(s, ino);
    return ino;
}

int ovl_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    struct ovl *d = ovl_of(dir);
    struct inode *u = NULL, *l = NULL;
    if (d->upper && vfs_child(d->upper, name, len, &u))
        u = NULL;
    if (ovl_is_whiteout(u))
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

#define COPY_XATTR_MAX 65536 /* the largest value an attribute may have (XATTR_SIZE_MAX) */

static int copy_attrs(struct inode *to, struct inode *from)
{
    to->mode = (to->mode & S_IFMT) | (from->mode & 07777);
    to->uid = from->uid;
    to->gid = from->gid;
    to->atime = from->atime;
    to->mtime = from->mtime;
    return 0;
}

/* The lower file's extended attributes go up with it, as overlayfs copies them: best effort, a name the upper
 * layer refuses (none it keeps in memory but past its space) is left behind. */
static void copy_xattrs(struct inode *to, struct inode *from)
{
    if (!from->iops || !from->iops->listxattr || !from->iops->getxattr)
        return;
    long n = from->iops->listxattr(from, NULL, 0);
    char *names = n > 0 ? kmalloc((size_t)n) : NULL;
    u8 *value = names ? kmalloc(COPY_XATTR_MAX) : NULL;
    if (value)
        n = from->iops->listxattr(from, names, (size_t)n);
    for (long at = 0; value && at < n; at += (long)strlen(names + at) + 1) {
        if (!strncmp(names + at, "system.", 7))
            continue; /* POSIX ACLs are kept apart from the attributes (fs/acl.c): not copied (partial) */
        long len = from->iops->getxattr(from, names + at, value, COPY_XATTR_MAX);
        if (len >= 0)
            xattr_ram_set(to, names + at, value, (size_t)len, 0);
    }
    kfree(value);
    kfree(names);
}

/* The copy u in upper takes the lower file's place: its attributes, and the cache key (inodes with an upper
 * layer are found by it). */
static void take_upper(struct inode *ino, struct inode *u)
{
    struct ovl_sb *s = ovl_sb_of(ino);
    copy_attrs(u, ovl_of(ino)->lower);
    copy_xattrs(u, ovl_of(ino)->lower);
    ovl_hash_del(s, ino);
    ovl_of(ino)->upper = u;
    ovl_hash_add(s, ino);
}

/* Gives the directory an upper twin, and its parents before it. */
int ovl_copy_up_dir(struct inode *dir)
{
    struct ovl *o = ovl_of(dir);
    if (o->upper)
        return 0;
    struct inode *parent = dir->parent;
    int rc = ovl_copy_up_dir(parent);
    if (rc)
        return rc;
    struct inode *u = ramfs_iops.create(ovl_of(parent)->upper, dir->name, S_IFDIR | (dir->mode & 07777), &rc);
    if (!u)
        return rc;
    take_upper(dir, u);
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
int ovl_copy_up(struct inode *ino)
{
    struct ovl *o = ovl_of(ino);
    if (o->upper)
        return 0;
    if (S_ISDIR(ino->mode))
        return ovl_copy_up_dir(ino);
    struct inode *parent = ino->parent;
    int rc = ovl_copy_up_dir(parent);
    if (rc)
        return rc;
    struct inode *pu = ovl_of(parent)->upper, *u;
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
    take_upper(ino, u);
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

int ovl_readdir(struct inode *dir, struct dir_context *ctx)
{
    if (!vfs_emit_dots(dir, ctx))
        return 0;
    struct ovl *o = ovl_of(dir);
    if (ctx->pos < LOWER_BASE && o->upper) {
        struct dirent_node *d = ramfs_dir_seek(o->upper, ctx->pos);
        for (; d; d = d->next) {
            if (ovl_is_whiteout(d->inode)) {
                ctx->pos = d->cookie + 1;
                continue;
            }
            if (!ctx->emit(ctx, d->name, strlen(d->name), d->inode->ino, vfs_dtype(d->inode->mode), d->cookie + 1)) {
                ramfs_dir_stopped(o->upper, d);
                return 0;
            }
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
    const char *t = vfs_readlink(ovl_layer(ino));
    char *copy = t ? kstrdup(t) : NULL;
    if (!copy)
        return t ? -ENOMEM : -EIO;
    kfree(ino->target);
    ino->target = copy;
    return 0;
}

static int ovl_getattr(struct inode *ino)
{
    int rc = vfs_getattr(ovl_layer(ino));
    ovl_sync_attrs(ino);
    return rc;
}

static int ovl_setattr(struct inode *ino, const struct iattr *ia)
{
    int rc = ovl_copy_up(ino);
    if (!rc)
        rc = vfs_setattr(ovl_of(ino)->upper, ia);
    if (!rc)
        ovl_sync_attrs(ino);
    return rc;
}

static ssize_t ovl_kread(struct inode *ino, void *kbuf, size_t n, u64 off)
{
    return vfs_kread(ovl_layer(ino), kbuf, n, off);
}

static u8 *ovl_page(struct inode *ino, u64 pos)
{
    return vfs_page(ovl_layer(ino), pos);
}

static struct inode *ovl_real(struct inode *ino)
{
    return ovl_layer(ino);
}

/* Extended attributes: read from the layer that holds the file; a change copies it up first, as overlayfs */
static long ovl_getxattr(struct inode *ino, const char *name, void *kbuf, size_t size)
{
    struct inode *r = ovl_layer(ino);
    return r->iops->getxattr ? r->iops->getxattr(r, name, kbuf, size) : -EOPNOTSUPP;
}

static long ovl_listxattr(struct inode *ino, char *kbuf, size_t size)
{
    struct inode *r = ovl_layer(ino);
    return r->iops->listxattr ? r->iops->listxattr(r, kbuf, size) : 0;
}

static int ovl_setxattr(struct inode *ino, const char *name, const void *value, size_t len, int flags)
{
    int rc = ovl_copy_up(ino); /* with the lower file's own attributes */
    struct inode *r = rc ? NULL : ovl_layer(ino);
    return rc ? rc : r->iops->setxattr(r, name, value, len, flags); /* upper: a ramfs inode */
}

const struct inode_ops ovl_iops = {
    .lookup = ovl_lookup, .create = ovl_create, .symlink = ovl_symlink, .link = ovl_link,
    .unlink = ovl_unlink, .rename = ovl_rename, .readdir = ovl_readdir, .readlink = ovl_readlink,
    .getattr = ovl_getattr, .setattr = ovl_setattr, .kread = ovl_kread, .page = ovl_page, .real = ovl_real,
    .getxattr = ovl_getxattr, .listxattr = ovl_listxattr, .setxattr = ovl_setxattr,
    .posix_acl = true, .copy_up = ovl_copy_up, /* ACLs live on the upper layer's RAM inode (syscalls/xattr_acl.c) */
};

/* Opening a file opens the real one: writing first copies a lower file up. */
static int overlay_open(struct file *f)
{
    struct inode *ino = f->inode;
    bool writes = (f->flags & O_ACCMODE) != O_RDONLY || (f->flags & O_TRUNC);
    if (writes && !(f->flags & O_PATH) && S_ISREG(ino->mode)) {
        int rc = ovl_copy_up(ino);
        if (rc)
            return rc;
    }
    struct inode *r = ovl_layer(ino);
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
    ovl_hash_del(s, sb->root);
    ovl_of(sb->root)->upper = usb->root; /* the roots are paired from the start */
    ovl_hash_add(s, sb->root);
    copy_attrs(usb->root, lower->root);
    sb->root->refs = 1;
    kfree(sb->opts);
    sb->opts = kstrdup(",lowerdir=/,upperdir=(memory)"); /* after the flags' relatime */
    *out = sb;
    return 0;
}
