/* syscalls/mount.c — mount(2) and umount2(2): new tmpfs and 9p instances (fs/mount.c), remounting one
 * read-only or read-write, and the propagation flags (every mount is private here, so MS_PRIVATE and
 * friends change nothing and succeed), bind mounts of a file onto a file (fs/mount.c). Bind mounts of
 * directories and move mounts are not implemented: EINVAL, logged. */
#include "syscalls.h"

#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_SYNCHRONOUS 16
#define MS_REMOUNT 32
#define MS_NOATIME 1024
#define MS_NODIRATIME 2048
#define MS_RELATIME (1u << 21)
#define MS_STRICTATIME (1u << 24)
#define MS_ATIME (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)
#define SB_ATIME (SB_NOATIME | SB_NODIRATIME | SB_STRICTATIME)
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_REC 16384
#define MS_PROPAGATION ((1u << 17) | (1u << 18) | (1u << 19) | (1u << 20)) /* UNBINDABLE PRIVATE SLAVE SHARED */
#define MS_MGC_MSK 0xffff0000u
#define MS_MGC_VAL 0xc0ed0000u
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

/* A user string argument that may be NULL (source, type, data). */
static long opt_string(const char *u, char *k, size_t cap)
{
    k[0] = 0;
    if (!u)
        return 0;
    long n = strncpy_from_user(k, u, cap);
    if (n == -ENAMETOOLONG) {
        k[cap - 1] = 0; /* data is a page of options: what fits is kept */
        return 0;
    }
    return n < 0 ? n : 0;
}

/* The mounted filesystem whose root path names (EINVAL when it is not a mount's root). */
static long mount_root(const char *upath, bool follow, struct inode **out)
{
    long rc = at_lookup(AT_FDCWD, upath, follow ? WALK_FOLLOW : 0, out);
    if (rc)
        return rc;
    struct super_block *sb = (*out)->sb;
    return sb && sb->root == *out && sb->covered ? 0 : -EINVAL;
}

/* The superblock flags mount flags give (the MS_ and SB_ values of the first ones are the same): relatime
 * unless MS_NOATIME or MS_STRICTATIME, as Linux's do_mount; a remount that names no atime flag keeps the
 * mount's atime setting, and replaces the rest. */
static unsigned sb_flags_of(u32 flags, unsigned old, bool remount)
{
    unsigned f = flags & (SB_RDONLY | SB_NOSUID | SB_NODEV | SB_NOEXEC | SB_SYNCHRONOUS | SB_NODIRATIME);
    if (flags & MS_STRICTATIME)
        f |= SB_STRICTATIME;
    else if (flags & MS_NOATIME)
        f |= SB_NOATIME;
    if (remount && !(flags & MS_ATIME))
        f = (f & ~SB_ATIME) | (old & SB_ATIME);
    return f;
}

/* A file open for writing on sb: a remount read-only is EBUSY then (Linux's sb_prepare_remount_readonly). */
static bool sb_has_writers(const struct super_block *sb)
{
    for (struct proc *p = proc_list; p; p = p->next_proc)
        for (int fd = p->fdt ? fd_next_open(p->fdt, 0) : -1; fd >= 0; fd = fd_next_open(p->fdt, fd + 1)) {
            struct file *f = fd_get(p->fdt, fd);
            if (f && f->inode && f->inode->sb == sb && (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH))
                return true;
        }
    return false;
}

static long remount(const char *utarget, u32 flags)
{
    struct inode *root;
    long rc = mount_root(utarget, true, &root);
    if (rc)
        return rc;
    struct super_block *sb = root->sb;
    if ((flags & MS_RDONLY) && !(sb->flags & SB_RDONLY) && sb_has_writers(sb))
        return -EBUSY;
    sb->flags = (sb->flags & ~SB_MOUNT_FLAGS) | sb_flags_of(flags, sb->flags, true);
    return 0;
}

static long new_mount(const char *type, const char *source, const char *data, u32 flags, const char *utarget)
{
    const struct fs_type *t = !strcmp(type, "tmpfs") || !strcmp(type, "ramfs") ? &tmpfs_type
                            : !strcmp(type, "9p") ? &p9fs_type : NULL;
    if (!t)
        return -ENODEV; /* as Linux for a filesystem type it does not know */
    struct inode *dir;
    long rc = at_lookup(AT_FDCWD, utarget, WALK_FOLLOW, &dir);
    if (rc)
        return rc;
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    struct super_block *sb;
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM; /* after the target's lookup, as Linux */
    rc = t->mount(source, data, flags & MS_RDONLY, &sb);
    if (!rc)
        sb->flags |= sb_flags_of(flags, 0, false);
    return rc ? rc : vfs_mount_at(dir, sb);
}

/* MS_BIND: both paths followed, as Linux; a file onto a file, ENOTDIR when one of them is a directory. */
static long bind_mount(const char *usource, const char *utarget)
{
    struct inode *src, *dst;
    long rc = at_lookup(AT_FDCWD, usource, WALK_FOLLOW, &src);
    if (!rc)
        rc = at_lookup(AT_FDCWD, utarget, WALK_FOLLOW, &dst);
    if (rc)
        return rc;
    if (S_ISDIR(src->mode) && S_ISDIR(dst->mode)) {
        kerr("skiff: mount: bind mounts of directories are not implemented: EINVAL\n");
        return -EINVAL;
    }
    return vfs_bind_file(dst, src);
}

SYSCALL(mount) /* (source, target, filesystemtype, mountflags, data) */
{
    u32 flags = (u32)a3;
    if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
        flags &= ~MS_MGC_MSK; /* the old magic number, ignored as Linux does */
    char *source = kmalloc(PATH_MAX), *type = kmalloc(64), *data = kmalloc(PAGE_SIZE);
    long rc = source && type && data ? 0 : -ENOMEM;
    if (!rc)
        rc = opt_string((const char *)a0, source, PATH_MAX);
    if (!rc)
        rc = opt_string((const char *)a2, type, 64);
    if (!rc)
        rc = opt_string((const char *)a4, data, PAGE_SIZE);
    struct inode *root;
    if (rc) {
        /* copying failed */
    } else if (!capable(CAP_SYS_ADMIN) && (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_PROPAGATION))) {
        rc = -EPERM;
    } else if (flags & MS_REMOUNT) {
        rc = remount((const char *)a1, flags);
    } else if (flags & MS_BIND) {
        rc = bind_mount((const char *)a0, (const char *)a1);
    } else if (flags & MS_MOVE) {
        kerr("skiff: mount: move mounts are not implemented: EINVAL\n");
        rc = -EINVAL;
    } else if (flags & MS_PROPAGATION) {
        rc = at_lookup(AT_FDCWD, (const char *)a1, WALK_FOLLOW, &root); /* every mount is private already */
    } else {
        rc = new_mount(type, source, data, flags, (const char *)a1);
    }
    kfree(source);
    kfree(type);
    kfree(data);
    return rc;
}

/* umount2 of a file bind mount: the bind on the name the path gives (the same file may be bound elsewhere too). */
static long unbind(const char *upath, struct inode *shown)
{
    char *kpath = kmalloc(PATH_MAX);
    if (!kpath)
        return -ENOMEM;
    struct walk w;
    struct inode *named = NULL;
    if (at_walk(AT_FDCWD, upath, 0, &w, kpath) || !w.dir || vfs_child(w.dir, w.name, strlen(w.name), &named) ||
        S_ISLNK(named->mode))
        named = NULL; /* a symlink to the mount point (followed): the last bind of its file */
    kfree(kpath);
    return vfs_unbind(shown, named);
}

SYSCALL(umount2) /* (target, flags) */
{
    u32 flags = (u32)a1;
    if (flags & ~(u32)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        return -EINVAL;
    struct inode *root;
    vfs_walk_keeps_marks = true;
    long rc = mount_root((const char *)a0, !(flags & UMOUNT_NOFOLLOW), &root);
    vfs_walk_keeps_marks = false;
    if (rc == -EINVAL && vfs_is_bound(root)) /* a file bind mount */
        return capable(CAP_SYS_ADMIN) ? unbind((const char *)a0, root) : -EPERM;
    if (rc)
        return rc == -EINVAL && !capable(CAP_SYS_ADMIN) ? -EPERM : rc;
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if (flags & MNT_EXPIRE) {
        /* as Linux: a busy mount is EBUSY; the first MNT_EXPIRE marks an idle one (EAGAIN), and a second one,
         * with no path walk into it in between, unmounts it */
        rc = vfs_umount(root, VFS_UMOUNT_CHECK);
        if (rc || !root->sb->expiry_mark) {
            root->sb->expiry_mark = !rc;
            return rc ? rc : -EAGAIN;
        }
    }
    return vfs_umount(root, (int)(flags & ~MNT_EXPIRE));
}
