/* syscalls/stat.c — stat, fstat, lstat, newfstatat, statx and getdents64. */
#include "syscalls.h"


struct stat_k {                  /* struct stat on x86_64 */
    u64 dev, ino, nlink;
    u32 mode, uid, gid, pad0;
    u64 rdev;
    i64 size, blksize, blocks;
    i64 atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    i64 reserved[3];
};
_Static_assert(sizeof(struct stat_k) == 144, "x86_64 struct stat");

struct statx_ts { i64 sec; u32 nsec; i32 pad; };
struct statx_k {
    u32 mask, blksize;
    u64 attributes;
    u32 nlink, uid, gid;
    u16 mode, pad1;
    u64 ino, size, blocks, attributes_mask;
    struct statx_ts atime, btime, ctime, mtime;
    u32 rdev_major, rdev_minor, dev_major, dev_minor;
    u64 spare[14];
};
_Static_assert(sizeof(struct statx_k) == 256, "struct statx");
_Static_assert(offsetof(struct statx_k, rdev_major) == 128, "struct statx layout");

/* An open file without an inode (an eventfd, an epoll file) reads as Linux's anonymous inodes do; a pipe's
 * anonymous inode lives on "pipefs", with one link, as on Linux. */
static void fill_stat(struct inode *ino, struct stat_k *st)
{
    if (ino)
        vfs_getattr(ino); /* a host volume's file may have changed; on failure, what we knew */
    memset(st, 0, sizeof(*st));
    st->blksize = 4096;
    if (!ino) {
        st->mode = S_IFIFO | 0600;
        st->nlink = 1;
        st->dev = VFS_PIPEFS_DEV;
        return;
    }
    /* An overlay (a live --rootfs) shows a non-directory with its real layer's st_dev, as Linux's overlayfs
     * does when its layers are on different filesystems (xino=off), and as fstat of it open (open files use
     * the real inode) does: glibc's tzset compares the two for /etc/localtime and reread it on every call. */
    st->dev = pipe_inode(ino) ? VFS_PIPEFS_DEV : vfs_st_dev(ino);
    st->ino = ino->ino;
    st->nlink = pipe_inode(ino) ? 1 : ino->nlink;
    st->mode = ino->mode;
    st->uid = ino->uid;
    st->gid = ino->gid;
    st->rdev = ino->rdev;
    bool ram = ino->iops == &ramfs_iops;
    st->size = S_ISDIR(ino->mode) && ram ? 40 * (i64)(ino->nchildren + 2) : (i64)ino->size; /* tmpfs-like */
    st->blocks = S_ISREG(ino->mode) ? (i64)ALIGN_UP(ino->size, 4096) / 512 : 0;
    st->atime = ino->atime.sec, st->atime_ns = ino->atime.nsec;
    st->mtime = ino->mtime.sec, st->mtime_ns = ino->mtime.nsec;
    st->ctime = ino->ctime.sec, st->ctime_ns = ino->ctime.nsec;
}

static long stat_at(int dirfd, const char *upath, u32 flags, struct stat_k *st, struct inode **found)
{
    if (flags & ~(u32)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
        return -EINVAL;
    if (flags & AT_EMPTY_PATH) {
        char c;
        long n = strncpy_from_user(&c, upath, 1);
        if (n == -ENAMETOOLONG || n > 0) {
            /* not empty: an ordinary lookup below */
        } else if (n < 0) {
            return n;
        } else {
            struct file *f = dirfd == AT_FDCWD ? NULL : fd_file(dirfd);
            if (dirfd != AT_FDCWD && !f)
                return -EBADF;
            struct inode *ino = f ? f->inode : current_proc()->cwd;
            fill_stat(ino, st);
            if (found)
                *found = ino;
            return 0;
        }
    }
    struct inode *ino;
    long rc = at_lookup(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &ino);
    if (rc)
        return rc;
    fill_stat(ino, st);
    if (found)
        *found = ino;
    return 0;
}

static long put_stat(void *ubuf, long rc, const struct stat_k *st)
{
    if (rc)
        return rc;
    return copy_to_user(ubuf, st, sizeof(*st));
}

SYSCALL(stat)
{
    struct stat_k st;
    return put_stat((void *)a1, stat_at(AT_FDCWD, (const char *)a0, 0, &st, NULL), &st);
}

SYSCALL(lstat)
{
    struct stat_k st;
    return put_stat((void *)a1, stat_at(AT_FDCWD, (const char *)a0, AT_SYMLINK_NOFOLLOW, &st, NULL), &st);
}

SYSCALL(newfstatat)
{
    struct stat_k st;
    return put_stat((void *)a2, stat_at((int)a0, (const char *)a1, (u32)a3, &st, NULL), &st);
}

SYSCALL(fstat)
{
    struct file *f = fd_file((int)a0);
    if (!f)
        return -EBADF;
    struct stat_k st;
    fill_stat(f->inode, &st);
    return copy_to_user((void *)a1, &st, sizeof(st));
}

#define STATX_BASIC_STATS 0x7ff
#define AT_STATX_SYNC_TYPE 0x6000

static struct statx_ts ts(i64 sec, i64 nsec) { return (struct statx_ts){ sec, (u32)nsec, 0 }; }

SYSCALL(statx)
{
    u32 flags = (u32)a2;
    if (a3 & 0x80000000u) /* STATX__RESERVED */
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE) /* FORCE_SYNC and DONT_SYNC together */
        return -EINVAL;
    struct stat_k st;
    struct inode *ino = NULL;
    long rc = stat_at((int)a0, (const char *)a1, flags & ~(u32)AT_STATX_SYNC_TYPE, &st, &ino);
    if (rc)
        return rc;
    struct statx_k sx;
    memset(&sx, 0, sizeof(sx));
    sx.mask = STATX_BASIC_STATS;
    sx.blksize = st.blksize;
    sx.nlink = st.nlink;
    sx.uid = st.uid;
    sx.gid = st.gid;
    sx.mode = st.mode;
    sx.ino = st.ino;
    sx.size = st.size;
    sx.blocks = st.blocks;
    sx.atime = ts(st.atime, st.atime_ns);
    sx.mtime = ts(st.mtime, st.mtime_ns);
    sx.ctime = ts(st.ctime, st.ctime_ns);
    sx.rdev_major = st.rdev >> 8;
    sx.rdev_minor = st.rdev & 0xff;
    sx.dev_major = st.dev >> 8;
    sx.dev_minor = st.dev & 0xff;
    iflags_statx(ino, &sx.attributes, &sx.attributes_mask);
    return copy_to_user((void *)a4, &sx, sizeof(sx));
}


/* One getdents call: records are struct linux_dirent64 (the type before the name) or, for old, struct
 * linux_dirent (the type in the record's last byte, after the name's NUL); d_off is the filesystem's
 * cookie for the entry after this one (vfs.h: dir_context). */
struct dents_ctx {
    struct dir_context ctx;
    u8 *ubuf;
    size_t cap, used;
    bool old;
    long err;
};

static bool dents_emit(struct dir_context *c, const char *name, size_t nlen, u64 ino, u8 type, u64 next)
{
    struct dents_ctx *d = (struct dents_ctx *)c;
    size_t reclen = d->old ? ALIGN_UP(18 + nlen + 2, 8) : ALIGN_UP(19 + nlen + 1, 8);
    if (d->used + reclen > d->cap) {
        if (!d->used)
            d->err = -EINVAL;
        return false;
    }
    u8 rec[19 + NAME_MAX + 1 + 8];
    memset(rec, 0, reclen);
    u16 rl = (u16)reclen;
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &next, 8);
    memcpy(rec + 16, &rl, 2);
    if (d->old) {
        memcpy(rec + 18, name, nlen);
        rec[reclen - 1] = type;
    } else {
        rec[18] = type;
        memcpy(rec + 19, name, nlen);
    }
    if (copy_to_user(d->ubuf + d->used, rec, reclen)) {
        d->err = -EFAULT;
        return false;
    }
    d->used += reclen;
    c->pos = next;
    return true;
}

static long dents(int fd, u8 *ubuf, size_t cap, bool old)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH)) /* O_PATH: no reading, not even of a directory */
        return -EBADF;
    if (!f->inode || !S_ISDIR(f->inode->mode))
        return -ENOTDIR;
    if (!f->inode->nlink)
        return -ENOENT; /* as Linux: a directory removed while open lists nothing, not even "." */
    struct dents_ctx d = { .ctx = { .emit = dents_emit, .pos = f->off }, .ubuf = ubuf, .cap = cap, .old = old };
    int rc = vfs_readdir(f->inode, &d.ctx);
    f->off = d.ctx.pos;
    if (d.used)
        return (long)d.used;
    return d.err ? d.err : rc;
}

SYSCALL(getdents64) { return dents((int)a0, (u8 *)a1, a2, false); }
SYSCALL(getdents) { return dents((int)a0, (u8 *)a1, a2, true); }
