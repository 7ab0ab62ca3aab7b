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

int vfs_child(struct inode *dir, const char *name, size_t len, struct inode **out)
{
    if (dir->refresh)
        dir->refresh(dir);
    if (!dir->iops || !dir->iops->lookup)
        return -ENOENT;
    return dir->iops->lookup(dir, name, len, out);
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
    return dir->iops ? 0 : -EPERM;
}

struct inode *vfs_create(struct inode *dir, const char *name, u32 mode, int *err)
{
    *err = may_create(dir, name);
    if (!*err && !dir->iops->create)
        *err = -EPERM;
    return *err ? NULL : dir->iops->create(dir, name, mode, err);
}

struct inode *vfs_symlink(struct inode *dir, const char *name, const char *target, int *err)
{
    *err = may_create(dir, name);
    if (!*err && !dir->iops->symlink)
        *err = -EPERM;
    return *err ? NULL : dir->iops->symlink(dir, name, target, err);
}

int vfs_link(struct inode *dir, const char *name, struct inode *target)
{
    int rc = may_create(dir, name);
    if (rc)
        return rc;
    if (target->sb != dir->sb)
        return -EXDEV;
    return dir->iops->link ? dir->iops->link(dir, name, target) : -EPERM;
}

/* Whether name in dir is a mount point or a filesystem's root (rmdir/rename of it: EBUSY). */
static bool busy(struct inode *dir, const char *name)
{
    struct inode *v;
    if (vfs_child(dir, name, strlen(name), &v))
        return false;
    return v->mounted || (v->sb && v == v->sb->root);
}

int vfs_unlink(struct inode *dir, const char *name, bool want_dir)
{
    if (vfs_readonly(dir))
        return -EROFS;
    if (busy(dir, name))
        return -EBUSY;
    return dir->iops && dir->iops->unlink ? dir->iops->unlink(dir, name, want_dir) : -EPERM;
}

int vfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags)
{
    if (vfs_readonly(odir) || vfs_readonly(ndir))
        return -EROFS;
    if (odir->sb != ndir->sb)
        return -EXDEV;
    if (busy(odir, oname) || busy(ndir, nname))
        return -EBUSY;
    return odir->iops && odir->iops->rename ? odir->iops->rename(odir, oname, ndir, nname, flags) : -EPERM;
}

int vfs_readdir(struct inode *dir, struct dir_context *ctx)
{
    if (dir->refresh)
        dir->refresh(dir);
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
    return 0;
}

int vfs_truncate(struct inode *ino, u64 size)
{
    struct iattr ia = { .valid = ATTR_SIZE, .size = size };
    if (vfs_readonly(ino))
        return -EROFS;
    return ino->iops && ino->iops->setattr ? ino->iops->setattr(ino, &ia) : -EPERM;
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
