/* fs/9pfs.c — the "9p" filesystem: host directories shared over virtio-9p (tools/skiff run -v, mount -t 9p
 * TAG DIR). Each VFS operation is one or a few calls of the 9P2000.L client (fs/p9_client.c); open files and
 * the page cache are in fs/9pfs_data.c:
 *  - inodes: one per file the guest has looked up, keyed by the server's qid.path (so hard links are one
 *    inode), each holding a walked, unopened fid. They are cached for as long as the superblock is mounted
 *    (an unused inode is not yet evicted: noted in docs/9p.md); a removed file leaves the cache at once, so
 *    a new file that reuses its number is a new inode.
 *  - attributes: refreshed from the host on lookup, stat and open (close-to-open), so files the host
 *    changes while the VM runs are seen.
 *  - data: read and write go straight to the host through the open file's own fid (a write is on the host
 *    when it returns). The pages mmap and exec need are cached per inode (inode->pages, as ramfs keeps its
 *    data) and read in on first touch; pages of a shared writable mapping are written back at msync,
 *    munmap, exit, fsync and unmount. The cache is dropped when the host's size or mtime changes while no
 *    mapping uses it.
 *  - directories: Treaddir offsets are the server's cookies; ours are theirs + 3 (0 ".", 1 "..", 2 the
 *    start), with the server's own "." and ".." left out, so ".." at the mount's root is the guest's.
 * Every call comes from task context; the client sleeps while the device works. User memory is copied
 * outside requests (bounce buffers), so a page fault never re-enters the session. */
#include "vfs.h"
#include "p9.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/errno.h"

#define O_DIRECTORY_ 0200000
#define O_CREAT_EXCL (0100 | 0200)
#define O_RDWR_ 2

/* ---- the inode cache ---- */

static void unhash(struct inode *ino)
{
    struct p9ino *pi = p9fs_ino(ino);
    if (!pi->hashed)
        return;
    struct inode **pp = &p9fs_sb(ino)->hash[ino->ino % P9FS_HASH];
    while (*pp && *pp != ino)
        pp = &p9fs_ino(*pp)->hnext;
    if (*pp)
        *pp = pi->hnext;
    pi->hashed = false;
}

static void attr_apply(struct inode *ino, const struct p9_attr *a)
{
    bool changed = ino->size != a->size || ino->mtime.sec != (i64)a->mtime_sec ||
                   ino->mtime.nsec != (i64)a->mtime_nsec;
    /* A page cache nothing maps is dropped when the host changed the file. */
    if (changed && !ino->mapcount && ino->npages) {
        for (u64 i = 0; i < ino->npages; i++)
            if (ino->pages[i])
                page_free(ino->pages[i]);
        memset(ino->pages, 0, ino->npages * sizeof(*ino->pages));
    }
    ino->mode = a->mode;
    ino->uid = a->uid;
    ino->gid = a->gid;
    ino->nlink = (u32)a->nlink;
    ino->size = a->size;
    ino->rdev = a->rdev;
    ino->atime = (struct timespec64){ (i64)a->atime_sec, (i64)a->atime_nsec };
    ino->mtime = (struct timespec64){ (i64)a->mtime_sec, (i64)a->mtime_nsec };
    ino->ctime = (struct timespec64){ (i64)a->ctime_sec, (i64)a->ctime_nsec };
}

static const struct file_ops *fops_for(u32 mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return &p9fs_file_ops;
    case S_IFDIR: return &p9fs_dir_ops;
    case S_IFIFO: return &fifo_ops;
    default: return NULL; /* device nodes and sockets on a volume: open gives ENXIO (syscalls/fs.c) */
    }
}

/* The inode for what fid (a new, walked fid) names: the cached one (fid is then clunked) or a new one that
 * keeps fid. parent and name: where it was found, for ".." and for paths. */
static struct inode *iget(struct super_block *sb, u32 fid, struct inode *parent, const char *name, size_t len,
                          int *err)
{
    struct p9sb *s = sb->priv;
    struct p9_attr a;
    *err = p9_getattr(s->c, fid, P9_GETATTR_BASIC, &a);
    if (*err) {
        p9_clunk(s->c, fid);
        return NULL;
    }
    for (struct inode *i = s->hash[a.qid.path % P9FS_HASH]; i; i = p9fs_ino(i)->hnext) {
        if (i->ino != a.qid.path || (i->mode & S_IFMT) != (a.mode & S_IFMT))
            continue;
        /* Keep the fid just walked and let the old one go: the host may have reused the number for another
         * file (a file replaced by rename, then a new one made), and QEMU's fids follow names. */
        struct p9ino *pi = p9fs_ino(i);
        p9_clunk_later(s->c, pi->fid); /* another task may be waiting to use the old one */
        pi->fid = fid;
        if (pi->io_fid != P9_NOFID && !i->mapcount) { /* reopened from the new fid when next needed */
            p9_clunk_later(s->c, pi->io_fid);
            pi->io_fid = P9_NOFID;
        }
        attr_apply(i, &a);
        if (S_ISDIR(i->mode) && parent) { /* a directory has one place: where it was last found */
            char *n = kstrndup(name, len);
            if (n) {
                kfree(i->name);
                i->name = n;
                i->parent = parent;
            }
        }
        return i;
    }
    struct inode *ino = kzalloc(sizeof(*ino));
    struct p9ino *pi = kzalloc(sizeof(*pi));
    char *n = parent ? kstrndup(name, len) : NULL;
    if (!ino || !pi || (parent && !n)) {
        kfree(ino);
        kfree(pi);
        kfree(n);
        p9_clunk(s->c, fid);
        *err = -ENOMEM;
        return NULL;
    }
    pi->fid = fid;
    pi->io_fid = pi->dir_fid = P9_NOFID;
    ino->fs = pi;
    ino->ino = a.qid.path;
    ino->sb = sb;
    ino->iops = &p9fs_iops;
    ino->name = n;
    ino->parent = parent ? parent : ino;
    attr_apply(ino, &a);
    ino->fops = fops_for(ino->mode);
    pi->hnext = s->hash[ino->ino % P9FS_HASH];
    s->hash[ino->ino % P9FS_HASH] = ino;
    pi->hashed = true;
    return ino;
}

/* Walks one name from dir to a new fid. */
static int walk1(struct inode *dir, const char *name, u32 *fid)
{
    struct p9_client *c = p9fs_client(dir);
    *fid = p9_fid_alloc(c);
    int rc = p9_walk(c, p9fs_ino(dir)->fid, *fid, 1, &name, NULL);
    if (rc)
        p9_fid_free(c, *fid);
    return rc;
}

static int p9fs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    char n[NAME_MAX + 1];
    if (len > NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(n, name, len);
    n[len] = 0;
    u32 fid;
    int rc = walk1(dir, n, &fid);
    if (rc)
        return rc;
    *out = iget(dir->sb, fid, dir, n, len, &rc);
    return *out ? 0 : rc;
}

/* After a create: the new name's inode, by walking to it. */
static struct inode *found(struct inode *dir, const char *name, int *err)
{
    u32 fid;
    *err = walk1(dir, name, &fid);
    return *err ? NULL : iget(dir->sb, fid, dir, name, strlen(name), err);
}

static int p9fs_setattr(struct inode *ino, const struct iattr *ia);

/* Linux's v9fs attaches as each user (access=client), so the server gives a new file to its creator; skiff
 * attaches once, as root, and asks the host afterwards to give the file to the caller's fsuid. The host may
 * refuse (QEMU not running as root): the file then stays as the host made it, the host's answer. */
static struct inode *owned(struct inode *ino)
{
    u32 fsuid = cred_current()->fsuid;
    struct iattr ia = { .valid = ATTR_UID, .uid = fsuid };
    if (ino && ino->uid != fsuid && p9fs_setattr(ino, &ia) == 0)
        ino->uid = fsuid;
    return ino;
}

static u32 my_gid(void)
{
    return cred_current()->fsgid; /* the group a new file gets; its owner is the host's answer */
}

static struct inode *p9fs_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    struct p9_client *c = p9fs_client(dir);
    u32 type = mode & S_IFMT;
    struct p9_qid q;
    if (type == S_IFDIR) {
        *err = p9_mkdir(c, p9fs_ino(dir)->fid, name, mode & 07777, my_gid(), &q);
    } else if (type == S_IFREG) {
        /* Tlcreate turns the fid into the open new file: walk a copy of the directory's first */
        u32 fid = p9_fid_alloc(c);
        *err = p9_walk(c, p9fs_ino(dir)->fid, fid, 0, NULL, NULL);
        if (*err)
            p9_fid_free(c, fid);
        else {
            *err = p9_lcreate(c, fid, name, O_RDWR_ | O_CREAT_EXCL, mode & 07777, my_gid(), NULL);
            p9_clunk(c, fid);
        }
    } else {
        *err = p9_mknod(c, p9fs_ino(dir)->fid, name, mode, 0, my_gid(), &q);
    }
    return *err ? NULL : owned(found(dir, name, err));
}

static struct inode *p9fs_symlink(struct inode *dir, const char *name, const char *target, int *err)
{
    struct p9_qid q;
    *err = p9_symlink(p9fs_client(dir), p9fs_ino(dir)->fid, name, target, my_gid(), &q);
    return *err ? NULL : found(dir, name, err);
}

static int p9fs_link(struct inode *dir, const char *name, struct inode *target)
{
    int rc = p9_link(p9fs_client(dir), p9fs_ino(dir)->fid, p9fs_ino(target)->fid, name);
    if (!rc)
        vfs_getattr(target); /* its link count */
    return rc;
}

/* A removed (or replaced) file: out of the cache, so that its number can be reused by a new file. */
static void gone(struct inode *ino)
{
    if (ino->nlink)
        ino->nlink--;
    if (S_ISDIR(ino->mode)) {
        ino->nlink = 0;
        kfree(ino->name); /* no path any more: getcwd inside it says ENOENT */
        ino->name = NULL;
    }
    if (S_ISDIR(ino->mode) || !ino->nlink)
        unhash(ino);
}

static int p9fs_unlink(struct inode *dir, const char *name, bool want_dir)
{
    struct inode *victim;
    int rc = p9fs_lookup(dir, name, strlen(name), &victim);
    if (rc)
        return rc;
    if (want_dir && !S_ISDIR(victim->mode))
        return -ENOTDIR;
    if (!want_dir && S_ISDIR(victim->mode))
        return -EISDIR;
    rc = p9_unlinkat(p9fs_client(dir), p9fs_ino(dir)->fid, name, want_dir ? P9_AT_REMOVEDIR : 0);
    if (!rc)
        gone(victim);
    return rc;
}

static bool is_ancestor(struct inode *a, struct inode *b)
{
    for (struct inode *p = b; p; p = p->parent) {
        if (p == a)
            return true;
        if (p == p->parent)
            return false;
    }
    return false;
}

static int p9fs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags)
{
    if (flags & RENAME_EXCHANGE)
        return -EINVAL; /* 9P has no atomic exchange (Linux's v9fs refuses it too) */
    struct inode *src, *dst = NULL;
    int rc = p9fs_lookup(odir, oname, strlen(oname), &src);
    if (rc)
        return rc;
    rc = p9fs_lookup(ndir, nname, strlen(nname), &dst);
    if (rc == -ENOENT)
        dst = NULL;
    else if (rc)
        return rc;
    if (dst && (flags & RENAME_NOREPLACE))
        return -EEXIST;
    if (dst == src)
        return 0;
    if (S_ISDIR(src->mode) && is_ancestor(src, ndir))
        return -EINVAL;
    if (dst && S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
        return -ENOTDIR;
    if (dst && !S_ISDIR(src->mode) && S_ISDIR(dst->mode))
        return -EISDIR;
    rc = p9_renameat(p9fs_client(odir), p9fs_ino(odir)->fid, oname, p9fs_ino(ndir)->fid, nname);
    if (rc)
        return rc;
    if (dst)
        gone(dst);
    char *n = kstrdup(nname);
    if (n) {
        kfree(src->name);
        src->name = n;
    }
    src->parent = ndir;
    return 0;
}

/* An extra fid on ino, opened with flags. */
int p9fs_open_fid(struct inode *ino, u32 flags, u32 *out)
{
    struct p9_client *c = p9fs_client(ino);
    u32 fid = p9_fid_alloc(c);
    int rc = p9_walk(c, p9fs_ino(ino)->fid, fid, 0, NULL, NULL);
    if (rc) {
        p9_fid_free(c, fid);
        return rc;
    }
    rc = p9_lopen(c, fid, flags, NULL, NULL);
    if (rc) {
        p9_clunk(c, fid);
        return rc;
    }
    *out = fid;
    return 0;
}

#define P9FS_DIRBUF 8192
#define COOKIE_BASE 3

static int p9fs_readdir(struct inode *dir, struct dir_context *ctx)
{
    if (!vfs_emit_dots(dir, ctx))
        return 0;
    struct p9ino *pi = p9fs_ino(dir);
    if (pi->dir_fid == P9_NOFID) {
        int rc = p9fs_open_fid(dir, O_DIRECTORY_, &pi->dir_fid);
        if (rc)
            return rc;
    }
    u8 *buf = kmalloc(P9FS_DIRBUF);
    if (!buf)
        return -ENOMEM;
    int rc = 0;
    for (bool more = true; more;) {
        long n = p9_readdir(p9fs_client(dir), pi->dir_fid, ctx->pos - 2 ? ctx->pos - COOKIE_BASE : 0, buf, P9FS_DIRBUF);
        if (n <= 0) {
            rc = (int)n;
            break;
        }
        u32 pos = 0;
        struct p9_dirent e;
        while (more && pos < (u32)n && p9_dirent_next(buf, (u32)n, &pos, &e) == 1) {
            bool dots = (e.namelen == 1 && e.name[0] == '.') || (e.namelen == 2 && e.name[0] == '.' &&
                                                                 e.name[1] == '.');
            if (dots)
                ctx->pos = e.offset + COOKIE_BASE;
            else if (!ctx->emit(ctx, e.name, e.namelen, e.qid.path, e.type, e.offset + COOKIE_BASE))
                more = false;
        }
    }
    kfree(buf);
    return rc;
}

static int p9fs_readlink(struct inode *ino)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    int rc = p9_readlink(p9fs_client(ino), p9fs_ino(ino)->fid, buf, PATH_MAX);
    if (rc) {
        kfree(buf);
        return rc;
    }
    kfree(ino->target);
    ino->target = buf;
    return 0;
}

int p9fs_getattr(struct inode *ino)
{
    struct p9_attr a;
    int rc = p9_getattr(p9fs_client(ino), p9fs_ino(ino)->fid, P9_GETATTR_BASIC, &a);
    if (!rc)
        attr_apply(ino, &a);
    return rc;
}

static int p9fs_setattr(struct inode *ino, const struct iattr *ia)
{
    struct p9_setattr s = { 0 };
    if (ia->valid & ATTR_MODE)
        s.valid |= P9_SETATTR_MODE, s.mode = ia->mode & 07777;
    if (ia->valid & ATTR_UID)
        s.valid |= P9_SETATTR_UID, s.uid = ia->uid;
    if (ia->valid & ATTR_GID)
        s.valid |= P9_SETATTR_GID, s.gid = ia->gid;
    if (ia->valid & ATTR_SIZE)
        s.valid |= P9_SETATTR_SIZE, s.size = ia->size;
    if (ia->valid & ATTR_ATIME) {
        s.valid |= P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET;
        s.atime_sec = (u64)ia->atime.sec, s.atime_nsec = (u64)ia->atime.nsec;
    }
    if (ia->valid & ATTR_MTIME) {
        s.valid |= P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET;
        s.mtime_sec = (u64)ia->mtime.sec, s.mtime_nsec = (u64)ia->mtime.nsec;
    }
    s.valid |= P9_SETATTR_CTIME;
    int rc = p9_setattr(p9fs_client(ino), p9fs_ino(ino)->fid, &s);
    if (rc)
        return rc;
    if (ia->valid & ATTR_SIZE)
        p9fs_cache_truncate(ino, ia->size);
    return p9fs_getattr(ino);
}

const struct inode_ops p9fs_iops = {
    .lookup = p9fs_lookup, .create = p9fs_create, .symlink = p9fs_symlink, .link = p9fs_link,
    .unlink = p9fs_unlink, .rename = p9fs_rename, .readdir = p9fs_readdir, .readlink = p9fs_readlink,
    .getattr = p9fs_getattr, .setattr = p9fs_setattr, .kread = p9fs_kread, .page = p9fs_page,
    .writeback = p9fs_writeback, .fsync = p9fs_fsync, .getxattr = p9fs_getxattr, .listxattr = p9fs_listxattr,
    .setxattr = p9fs_setxattr,
};

/* ---- mounting ---- */

static void p9fs_sync(struct super_block *sb)
{
    struct p9sb *s = sb->priv;
    for (int b = 0; b < P9FS_HASH; b++)
        for (struct inode *i = s->hash[b]; i; i = p9fs_ino(i)->hnext)
            p9fs_writeback(i);
}

static int p9fs_statfs(struct super_block *sb, u64 *w)
{
    struct p9sb *s = sb->priv;
    struct p9_statfs st;
    int rc = p9_statfs(s->c, p9fs_ino(sb->root)->fid, &st);
    if (rc)
        return rc;
    w[0] = 0x01021997; /* V9FS_MAGIC */
    w[1] = st.bsize;
    w[2] = st.blocks, w[3] = st.bfree, w[4] = st.bavail, w[5] = st.files, w[6] = st.ffree;
    w[7] = st.fsid;
    w[8] = st.namelen;
    return 0;
}

/* source: the device's mount tag (tools/skiff names them skiffv0, skiffv1, ... and skiffroot). */
static int p9fs_mount(const char *source, const char *data, unsigned flags, struct super_block **out)
{
    (void)data;
    struct p9_trans *t = source ? p9_trans_find(source) : NULL;
    if (!t)
        return -ENOENT; /* as Linux: no channel with that tag */
    struct p9_client *c = p9_client_get(t);
    if (!c)
        return -EIO;
    struct super_block *sb = sb_new("9p", source);
    struct p9sb *s = kzalloc(sizeof(*s));
    if (!sb || !s)
        return -ENOMEM;
    s->c = c;
    sb->priv = s;
    sb->type = &p9fs_type;
    u32 fid = p9_fid_alloc(c);
    struct p9_qid q;
    int rc = p9_attach(c, fid, "", 0, &q);
    if (rc) {
        p9_fid_free(c, fid);
        return rc;
    }
    sb->root = iget(sb, fid, NULL, "", 0, &rc);
    if (!sb->root)
        return rc;
    sb->root->refs = 1; /* the mount's */
    kfree(sb->opts);
    sb->opts = kstrdup(",access=client,trans=virtio"); /* after the flags' relatime */
    if (flags & 1)
        sb->flags |= SB_RDONLY;
    sb->sync = p9fs_sync;
    sb->statfs = p9fs_statfs;
    *out = sb;
    return 0;
}

const struct fs_type p9fs_type = { "9p", p9fs_mount };
