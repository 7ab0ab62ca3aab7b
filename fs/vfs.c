/* fs/vfs.c — the namespace operations every caller uses (syscalls, exec, unix sockets, the boot code): the
 * checks that do not depend on the filesystem are made once here (EROFS, EXDEV, EBUSY for mount points,
 * "." and ".."), then the directory's filesystem does the rest through its inode_ops (vfs.h).
 * Synthetic ramfs nodes (/proc) regenerate themselves before use through their refresh hook. */
#include "vfs.h"
#include "../kernel/errno.h"

bool vfs_readonly(const struct inode *ino)
{
    return ino->sb && (ino->sb->flags & SB_RDONLY);
}

bool vfs_noexec(const struct inode *ino)
{
    return ino->sb && (ino->sb->flags & SB_NOEXEC);
}

unsigned vfs_statfs_flags(const struct super_block *sb)
{
    unsigned f = 0x20; /* ST_VALID */
    if (sb) {
        f |= sb->flags & (SB_MOUNT_FLAGS & ~SB_STRICTATIME);
        if (!(sb->flags & (SB_NOATIME | SB_STRICTATIME)))
            f |= 0x1000; /* ST_RELATIME: Linux's default */
    } else {
        f |= 0x1000;
    }
    return f;
}

u8 vfs_dtype(u32 mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return DT_DIR;
    case S_IFREG: return DT_REG;
    case S_IFLNK: return DT_LNK;
    case S_IFCHR: return DT_CHR;
    case S_IFBLK: return DT_BLK;
    case S_IFIFO: return DT_FIFO;
    case S_IFSOCK: return DT_SOCK;
    default: return DT_UNKNOWN;
    }
}

/* ".." of a filesystem's root is the parent of the directory it is mounted on (namei.c crosses it). */
static struct inode *dotdot(struct inode *dir)
{
    while (dir->sb && dir->sb->covered && dir == dir->sb->root)
        dir = dir->sb->covered;
    return dir->parent ? dir->parent : dir;
}

bool vfs_emit_dots(struct inode *dir, struct dir_context *ctx)
{
    if (ctx->pos == 0 && !ctx->emit(ctx, ".", 1, dir->ino, DT_DIR, 1))
        return false;
    if (ctx->pos == 1 && !ctx->emit(ctx, "..", 2, dotdot(dir)->ino, DT_DIR, 2))
        return false;
    return true;
}

/* A root whose entries are made on demand (super_block.fill_root) gets them now. */
static bool fill_root(struct inode *dir)
{
    struct super_block *sb = dir->sb;
    if (!sb || !sb->fill_root || sb->root != dir)
        return false;
    void (*fill)(struct super_block *) = sb->fill_root;
    sb->fill_root = NULL;
    fill(sb);
    return true;
}

int vfs_child(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    if (dir->refresh)
        dir->refresh(dir);
    if (!dir->iops || !dir->iops->lookup)
        return -ENOENT;
    int rc = dir->iops->lookup(dir, name, len, out);
    if (rc == -ENOENT && fill_root(dir))
        rc = dir->iops->lookup(dir, name, len, out);
    return rc;
}

static bool is_dots(const char *name)
{
    return !strcmp(name, ".") || !strcmp(name, "..");
}

/* The checks before a new name is made in dir. */
static int may_create(struct inode *dir, const char *name)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (is_dots(name))
        return -EEXIST;
    if (vfs_readonly(dir))
        return -EROFS;
    if (!dir->iops)
        return -EPERM;
    return perm_may_create(dir); /* write and search permission on dir */
}

/* A change to ino (IN_ATTRIB, IN_MODIFY) also goes to its directory's watches, under the name it is known by:
 * ramfs finds it in the directory's list, other filesystems remember it (inode->name). */
static void notify_change(struct inode *ino, u32 mask)
{
    struct inode *dir = ino->parent != ino ? ino->parent : NULL; /* a filesystem's root has none */
    const char *name = NULL;
    bool watched = dir && (dir->watches || dir->dnotify);
    if (watched && dir->iops == &ramfs_iops) {
        for (struct dirent_node *e = dir->children; e && !name; e = e->next)
            if (e->inode == ino)
                name = e->name;
    } else if (watched) {
        name = ino->name;
    }
    fsnotify(name ? dir : NULL, name, ino, mask, 0);
}

static struct inode *created(struct inode *dir, const char *name, struct inode *ino)
{
    if (ino)
        fsnotify(dir, name, ino, FSN_CREATE, 0);
    return ino;
}

struct inode *vfs_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    *err = may_create(dir, name);
    if (!*err && !dir->iops->create)
        *err = -EPERM;
    return *err ? NULL : created(dir, name, dir->iops->create(dir, name, mode, err));
}

struct inode *vfs_symlink(struct inode *dir, const char *name, const char *target, int *err)
{
    *err = may_create(dir, name);
    if (!*err && !dir->iops->symlink)
        *err = -EPERM;
    return *err ? NULL : created(dir, name, dir->iops->symlink(dir, name, target, err));
}

int vfs_link(struct inode *dir, const char *name, struct inode *target)
{
    int rc = may_create(dir, name);
    if (rc)
        return rc;
    if (target->sb != dir->sb || (target->seals & SEALS_SEALABLE))
        return -EXDEV; /* a memfd lives on a filesystem of its own (Linux's internal shmem mount) */
    if ((rc = perm_may_link(target)))
        return rc;
    if (!target->nlink && !target->linkable && !S_ISDIR(target->mode))
        return -ENOENT; /* an unlinked file stays so: only an O_TMPFILE file may be named (once) */
    rc = dir->iops->link ? dir->iops->link(dir, name, target) : -EPERM;
    if (!rc) {
        target->linkable = false;
        created(dir, name, target);
        notify_change(target, FSN_ATTRIB); /* its link count */
    }
    return rc;
}

/* With someone watching: the inode a name leads to, held across the operation that removes or moves it. */
static struct inode *watched_child(struct inode *dir, const char *name)
{
    struct inode *v;
    if (!fsnotify_active() || vfs_child(dir, name, strlen(name), &v))
        return NULL;
    inode_get(v);
    return v;
}

/* A name of v went away: its link count changed (IN_ATTRIB); the last one ends it (IN_DELETE_SELF). */
static void unlinked(struct inode *v)
{
    if (!S_ISDIR(v->mode))
        fsnotify(NULL, NULL, v, FSN_ATTRIB, 0); /* its link count, as Linux, even for the last name */
    if (!v->nlink || S_ISDIR(v->mode))
        fsnotify_gone(v);
}

/* Whether name in dir is a mount point or a filesystem's root (rmdir/rename of it: EBUSY). */
static bool busy(struct inode *dir, const char *name)
{
    struct inode *v;
    if (vfs_child(dir, name, strlen(name), &v))
        return false;
    return v->mounted || (v->sb && v == v->sb->root);
}

/* Permission to remove name from dir (perm.c: write, search, the sticky bit); a missing name is the
 * filesystem's ENOENT. */
static int may_delete(struct inode *dir, const char *name)
{
    struct inode *v;
    if (vfs_child(dir, name, strlen(name), &v))
        return 0;
    return perm_may_delete(dir, v);
}

int vfs_unlink(struct inode *dir, const char *name, bool want_dir)
{
    if (vfs_readonly(dir))
        return -EROFS;
    int denied = may_delete(dir, name);
    if (denied)
        return denied;
    struct inode *c;
    if (!vfs_child(dir, name, strlen(name), &c) && S_ISDIR(c->mode) != want_dir)
        return want_dir ? -ENOTDIR : -EISDIR; /* before EBUSY, as Linux's may_delete */
    if (busy(dir, name))
        return -EBUSY;
    if (!dir->iops || !dir->iops->unlink)
        return -EPERM;
    struct inode *v = watched_child(dir, name);
    int rc = dir->iops->unlink(dir, name, want_dir);
    if (v) {
        if (!rc) {
            fsnotify(dir, name, v, FSN_DELETE, 0);
            unlinked(v);
        }
        inode_put(v);
    }
    return rc;
}

/* rename(2)'s permissions: removing the old name, replacing or creating the new one, and a directory that
 * changes parent needs write permission on itself (its ".." changes). */
static int may_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, bool exchange)
{
    struct inode *src, *dst;
    if (vfs_child(odir, oname, strlen(oname), &src))
        return 0; /* the filesystem's ENOENT */
    int rc = perm_may_delete(odir, src);
    if (!rc)
        rc = vfs_child(ndir, nname, strlen(nname), &dst) ? perm_may_create(ndir) : perm_may_delete(ndir, dst);
    if (!rc && S_ISDIR(src->mode) && odir != ndir)
        rc = perm_inode(src, MAY_WRITE);
    if (!rc && exchange && dst && S_ISDIR(dst->mode) && odir != ndir)
        rc = perm_inode(dst, MAY_WRITE); /* RENAME_EXCHANGE moves the other one too */
    return rc;
}

int vfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags)
{
    if (vfs_readonly(odir) || vfs_readonly(ndir))
        return -EROFS;
    if (odir->sb != ndir->sb)
        return -EXDEV;
    int denied = may_rename(odir, oname, ndir, nname, flags & RENAME_EXCHANGE);
    if (denied)
        return denied;
    if (busy(odir, oname) || busy(ndir, nname))
        return -EBUSY;
    if (!odir->iops || !odir->iops->rename)
        return -EPERM;
    struct inode *src = watched_child(odir, oname), *dst = watched_child(ndir, nname);
    int rc = odir->iops->rename(odir, oname, ndir, nname, flags);
    if (!rc && odir == ndir && odir->dnotify)
        dnotify_event(odir, FSN_DN_RENAME); /* DN_RENAME: a rename inside the directory */
    if (!rc && src) {
        u32 cookie = fsnotify_cookie();
        fsnotify(odir, oname, src, FSN_MOVED_FROM, cookie);
        fsnotify(ndir, nname, src, FSN_MOVED_TO, cookie);
        fsnotify(NULL, NULL, src, FSN_MOVE_SELF, 0);
        if (dst && dst != src && (flags & RENAME_EXCHANGE)) { /* the other name moved the other way */
            cookie = fsnotify_cookie();
            fsnotify(ndir, nname, dst, FSN_MOVED_FROM, cookie);
            fsnotify(odir, oname, dst, FSN_MOVED_TO, cookie);
            fsnotify(NULL, NULL, dst, FSN_MOVE_SELF, 0);
        } else if (dst && dst != src) {
            unlinked(dst);
        }
    }
    if (src)
        inode_put(src);
    if (dst)
        inode_put(dst);
    return rc;
}

int vfs_readdir(struct inode *dir, struct dir_context *ctx)
{
    if (dir->refresh)
        dir->refresh(dir);
    fill_root(dir);
    return dir->iops && dir->iops->readdir ? dir->iops->readdir(dir, ctx) : -ENOTDIR;
}

const char *vfs_readlink(struct inode *ino)
{
    if (ino->refresh)
        ino->refresh(ino);
    if (ino->iops && ino->iops->readlink && ino->iops->readlink(ino))
        return NULL;
    return ino->target;
}

u64 vfs_st_dev(struct inode *ino)
{
    struct inode *d = S_ISDIR(ino->mode) ? ino : vfs_real(ino);
    return d->sb ? d->sb->dev : VFS_RAMFS_DEV;
}

int vfs_getattr(struct inode *ino)
{
    return ino->iops && ino->iops->getattr ? ino->iops->getattr(ino) : 0;
}

/* The filesystem changes its store; the generic fields change here (ramfs has nothing else). */
int vfs_setattr(struct inode *ino, const struct iattr *ia)
{
    if (vfs_readonly(ino))
        return -EROFS;
    int rc = ino->iops && ino->iops->setattr ? ino->iops->setattr(ino, ia) : 0;
    if (rc)
        return rc;
    if (ia->valid & ATTR_MODE)
        ino->mode = (ino->mode & S_IFMT) | (ia->mode & 07777);
    if (ia->valid & ATTR_UID)
        ino->uid = ia->uid;
    if (ia->valid & ATTR_GID)
        ino->gid = ia->gid;
    if (ia->valid & ATTR_ATIME)
        ino->atime = ia->atime;
    if (ia->valid & ATTR_MTIME)
        ino->mtime = ia->mtime;
    ino->ctime = vfs_now();
    notify_change(ino, (ia->valid & ATTR_SIZE) ? FSN_MODIFY : FSN_ATTRIB);
    return 0;
}

int vfs_truncate(struct inode *ino, u64 size)
{
    struct iattr ia = { .valid = ATTR_SIZE, .size = size };
    if (vfs_readonly(ino))
        return -EROFS;
    if (ino->iflags & (FS_APPEND_FL | FS_IMMUTABLE_FL))
        return -EPERM;
    int rc = ino->iops && ino->iops->setattr ? ino->iops->setattr(ino, &ia) : -EPERM;
    if (!rc)
        notify_change(ino, FSN_MODIFY);
    return rc;
}

ssize_t vfs_kread(struct inode *ino, void *kbuf, size_t n, u64 off)
{
    return ino->iops && ino->iops->kread ? ino->iops->kread(ino, kbuf, n, off) : -EINVAL;
}

u8 *vfs_page(struct inode *ino, u64 pos)
{
    return ino->iops && ino->iops->page ? ino->iops->page(ino, pos) : NULL;
}

u8 *vfs_cached_page(struct inode *ino, u64 pos)
{
    u64 idx = pos / 4096;
    if (ino->iops != &ramfs_iops && ino->iops && ino->iops->page && pos < ino->size)
        return ino->iops->page(ino, pos); /* not in RAM yet: read it in */
    return idx < ino->npages ? ino->pages[idx] : NULL;
}

int vfs_writeback(struct inode *ino)
{
    return ino->iops && ino->iops->writeback ? ino->iops->writeback(ino) : 0;
}

struct inode *vfs_real(struct inode *ino)
{
    return ino->iops && ino->iops->real ? ino->iops->real(ino) : ino;
}

int vfs_fsync(struct inode *ino, bool datasync)
{
    int rc = vfs_writeback(ino);
    if (!rc && ino->iops && ino->iops->fsync)
        rc = ino->iops->fsync(ino, datasync);
    return rc;
}
