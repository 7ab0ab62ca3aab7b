/* syscalls/fs.c — the namespace: open/openat, mkdir, unlink/rmdir, rename, readlink, access, getcwd, chdir,
 * umask. stat and getdents live in stat.c. */
#include "syscalls.h"

#define MISC_MAJOR 10 /* devices.txt: character devices of many small drivers */

#define O_LARGEFILE 0100000
#define OPEN_KEEP (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW | O_PATH | 020000 | 040000 | \
                   01000000 | 010000 | 04000000 /* O_ASYNC O_DIRECT O_NOATIME O_DSYNC, O_SYNC (with O_DSYNC) */)
/* An O_PATH descriptor keeps only these (F_GETFL shows them): no access mode, no O_LARGEFILE */
#define OPEN_PATH_KEEP (O_PATH | O_DIRECTORY | O_NOFOLLOW)

#define O_NOATIME_ 01000000

static long open_existing(struct walk *w, u32 flags)
{
    struct inode *ino = w->node;
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;
    if (S_ISLNK(ino->mode) && !(flags & O_PATH))
        return -ELOOP; /* only reached with O_NOFOLLOW */
    if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
        return -ENOTDIR;
    if ((ino->mode & S_IFMT) == S_IFSOCK && !(flags & O_PATH))
        return -ENXIO; /* a unix socket's name: connect to it instead */
    if (S_ISDIR(ino->mode) && !(flags & O_PATH) && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)))
        return -EISDIR;
    u32 type = ino->mode & S_IFMT;
    if ((type == S_IFCHR || type == S_IFBLK) && !(flags & O_PATH) && ino->sb && (ino->sb->flags & SB_NODEV))
        return -EACCES; /* a MS_NODEV mount's device nodes do not open */
    if ((type == S_IFCHR || type == S_IFBLK) && !(flags & O_PATH) && !ino->fops) {
        void *priv = NULL; /* a node made by mknod: the driver of its number, if skiff has one */
        const struct file_ops *ops = type == S_IFCHR ? devfs_driver(ino->rdev, &priv) : NULL;
        if (!ops) /* as Linux: the misc major's misc_open answers a minor nobody registered with ENODEV */
            return type == S_IFCHR && (ino->rdev >> 8 & 0xfff) == MISC_MAJOR ? -ENODEV : -ENXIO;
        ino->fops = ops;
        ino->priv = priv;
    }
    bool data = S_ISREG(ino->mode) || S_ISDIR(ino->mode) || S_ISLNK(ino->mode);
    if (data && !(flags & O_PATH) && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) && vfs_readonly(ino))
        return -EROFS;
    int rc = flags & O_PATH ? 0 : vfs_getattr(ino); /* a file another program changed (a host volume) */
    if (!rc && !(flags & O_PATH))
        rc = perm_open(ino, flags);
    if (!rc && (flags & O_NOATIME_) && !(flags & O_PATH) && !perm_owner(ino))
        rc = -EPERM; /* only the owner (or CAP_FOWNER) may leave the access time alone */
    if (!rc && S_ISREG(ino->mode) && !(flags & O_PATH) && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) &&
        ino->execs)
        rc = -ETXTBSY; /* a program some process runs */
    if (!rc && ino->leases && !(flags & O_PATH)) /* a lease holder must let go first (fs/lease.c) */
        rc = lease_break(ino, (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC), flags & O_NONBLOCK);
    if (!rc && (flags & O_TRUNC) && S_ISREG(ino->mode) && !(flags & O_PATH)) {
        rc = vfs_truncate(ino, 0); /* even with O_RDONLY, as Linux does (write permission is all it needs) */
        if (!rc)
            perm_file_written(ino); /* set-ID bits and file capabilities go, as for truncate(2) */
    }
    return rc;
}

/* What /proc/self/fd shows for an unnamed file: "DIR/#INO (deleted)" for O_TMPFILE in DIR, else
 * "/memfd:NAME (deleted)". kmalloc'ed, or NULL. */
static char *unnamed_path(struct inode *tmpdir, u64 ino, const char *memfd_name)
{
    char *d = kmalloc(PATH_MAX), *p = kmalloc(PATH_MAX);
    if (p && !tmpdir)
        ksnprintf(p, PATH_MAX, "/memfd:%s (deleted)", memfd_name);
    else if (p && d && vfs_path_of(tmpdir, d, PATH_MAX) >= 0)
        ksnprintf(p, PATH_MAX, "%s/#%lu (deleted)", strcmp(d, "/") ? d : "", (unsigned long)ino);
    else if (p)
        ksnprintf(p, PATH_MAX, "/#%lu (deleted)", (unsigned long)ino);
    kfree(d);
    return p;
}

/* A new name's permission bits: less the umask, unless dir has a default ACL, which masks them instead when the
 * inode is made (fs/acl.c), as Linux skips the umask there */
static u32 create_mode(struct inode *dir, u32 mode)
{
    return (dir && vfs_real(dir)->acl_default ? mode : mode & ~current_proc()->umask) & 07777;
}

/* A regular file with no name (O_TMPFILE in tmpdir, or memfd_create's memfd_name): it lives while a
 * descriptor holds it. */
static long open_unnamed(u32 mode, u32 flags, bool cloexec, struct inode *tmpdir, bool linkable,
                         const char *memfd_name)
{
    struct inode *ino = ramfs_new_inode(S_IFREG | (mode & 07777));
    if (!ino)
        return -ENOMEM;
    if (tmpdir) {
        acl_inherit(tmpdir, ino); /* O_TMPFILE: the directory's default ACL, as for a named file */
        ino->linkable = linkable; /* O_TMPFILE without O_EXCL: linkat may name it */
    }
    inode_get(ino); /* held across the open: a failed open then frees it */
    struct file *f = file_open_inode(ino, flags);
    inode_put(ino);
    if (!f)
        return file_room() ? -ENFILE : -ENOMEM;
    f->path = unnamed_path(tmpdir, ino->ino, memfd_name);
    if (memfd_name && f->writer) {
        /* Linux makes a memfd's file without taking write access (alloc_file_pseudo): it can be executed while
         * this descriptor is open (fexecve of a memfd: runc, systemd). An O_TMPFILE file counts as open. */
        f->writer = false;
        ino->writers--;
    }
    int fd = fd_install(current_proc()->fdt, f, 0, cloexec);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* O_TMPFILE: an unnamed file in a directory's filesystem, to be named later with linkat (unless O_EXCL). */
static long open_tmpfile(int dirfd, const char *upath, u32 flags, u32 mode, unsigned resolve)
{
    if ((flags & O_ACCMODE) == O_RDONLY)
        return -EINVAL;
    char *kpath = kmalloc(PATH_MAX);
    if (!kpath)
        return -ENOMEM;
    struct walk w;
    long rc = at_walk_resolve(dirfd, upath, WALK_FOLLOW, resolve, &w, kpath);
    kfree(kpath);
    if (!rc && !w.node)
        rc = -ENOENT;
    if (rc)
        return rc;
    struct inode *dir = w.node;
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (dir->iops != &ramfs_iops || !strcmp(dir->sb->type->name, "proc"))
        return -EOPNOTSUPP; /* as Linux's 9p and proc: only RAM filesystems make unnamed files */
    u32 keep = (flags & OPEN_KEEP & ~O_DIRECTORY) | O_LARGEFILE;
    return open_unnamed(create_mode(dir, mode), keep, flags & O_CLOEXEC, dir, !(flags & O_EXCL), NULL);
}

/* resolve: openat2's RESOLVE_* restrictions on the walk, 0 for open, openat and creat. */
long do_openat(int dirfd, const char *upath, u32 flags, u32 mode, unsigned resolve)
{
    if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
        return -EINVAL; /* as Linux since 6.4: "create a directory" is mkdir's, not open's */
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return open_tmpfile(dirfd, upath, flags, mode, resolve);
    char *kpath = kmalloc(PATH_MAX);
    if (!kpath)
        return -ENOMEM;
    bool follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
    struct walk w;
    long rc = at_walk_resolve(dirfd, upath, follow ? WALK_FOLLOW : 0, resolve, &w, kpath);
    kfree(kpath);
    if (rc)
        return rc;
    struct proc *p = current_proc();
    if (!w.node) {
        if (!(flags & O_CREAT))
            return -ENOENT;
        if (w.trailing_slash)
            return -EISDIR;
        int err;
        w.node = vfs_create(w.dir, w.name, S_IFREG | create_mode(w.dir, mode), &err);
        if (!w.node)
            return err;
    } else if ((rc = open_existing(&w, flags))) {
        return rc;
    }
    int err;
    u32 keep = (flags & O_PATH) ? flags & OPEN_PATH_KEEP : (flags & (OPEN_KEEP | O_NOCTTY)) | O_LARGEFILE;
    struct file *f = file_open(w.node, keep, &err); /* a terminal's open sees O_NOCTTY (drivers/tty_ioctl.c) */
    if (!f)
        return err; /* ENOMEM, or the open op's own error (a FIFO: ENXIO, EDEADLK, EINTR) */
    f->flags &= ~O_NOCTTY; /* F_GETFL does not show it, as on Linux */
    f->path = vfs_walk_path(&w);
    f->dir = w.dir; /* inotify reports the file's events to its directory's watches too */
    inode_get(w.dir);
    if (flags & O_PATH)
        f->ops = NULL;
    else
        fsnotify_file(f, FSN_OPEN);
    int fd = fd_install(p->fdt, f, 0, flags & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

SYSCALL(open)
{
    return do_openat(AT_FDCWD, (const char *)a0, (u32)a1, (u32)a2, 0);
}

SYSCALL(openat)
{
    return do_openat((int)a0, (const char *)a1, (u32)a2, (u32)a3, 0);
}

SYSCALL(creat)
{
    return do_openat(AT_FDCWD, (const char *)a0, O_CREAT | O_WRONLY | O_TRUNC, (u32)a1, 0);
}

#define MFD_CLOEXEC 1
#define MFD_ALLOW_SEALING 2
#define MFD_HUGETLB 4
#define MFD_NOEXEC_SEAL 8
#define MFD_EXEC 0x10
#define MFD_HUGE_SHIFT 26
#define MFD_HUGE_MASK 0x3fu
#define MFD_NAME_MAX 249 /* NAME_MAX less "memfd:" */

/* memfd_create: an unnamed RAM file, read-write; with MFD_ALLOW_SEALING it takes seals, with MFD_HUGETLB it is
 * a hugetlbfs file with an empty pool (syscalls/seals.c). */
SYSCALL(memfd_create) /* (name, flags) */
{
    u32 flags = (u32)a1;
    u32 known = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
    if (flags & MFD_HUGETLB)
        known |= MFD_HUGE_MASK << MFD_HUGE_SHIFT; /* the huge page size, as log2 */
    if (flags & ~known)
        return -EINVAL;
    if ((flags & MFD_NOEXEC_SEAL) && (flags & MFD_EXEC))
        return -EINVAL;
    char name[MFD_NAME_MAX + 2];
    long n = strncpy_from_user(name, (const char *)a0, sizeof(name));
    if (n == -ENAMETOOLONG || n > MFD_NAME_MAX)
        return -EINVAL;
    if (n < 0)
        return n;
    u32 huge = (flags >> MFD_HUGE_SHIFT) & MFD_HUGE_MASK;
    if ((flags & MFD_HUGETLB) && huge && huge != 21)
        return -ENODEV; /* only the 2 MiB size exists (Linux: no hstate of that size) */
    u32 mode = (flags & MFD_NOEXEC_SEAL) ? 0666 : 0777;
    long fd = open_unnamed(mode, O_RDWR | O_LARGEFILE, flags & MFD_CLOEXEC, NULL, false, name);
    if (fd >= 0)
        seals_init_memfd(fd_file((int)fd)->inode, flags & MFD_ALLOW_SEALING, flags & MFD_NOEXEC_SEAL,
                         flags & MFD_HUGETLB);
    return fd;
}

/* The new name for mkdir and mknod: its directory and last component in *w (EEXIST when it is taken). */
static long new_name(int dirfd, const char *upath, struct walk *w)
{
    char *kpath = kmalloc(PATH_MAX);
    if (!kpath)
        return -ENOMEM;
    long rc = at_walk(dirfd, upath, 0, w, kpath);
    kfree(kpath);
    return rc ? rc : w->node ? -EEXIST : 0;
}

static long do_mkdirat(int dirfd, const char *upath, u32 mode)
{
    struct walk w;
    long rc = new_name(dirfd, upath, &w);
    if (rc)
        return rc;
    int err;
    return vfs_create(w.dir, w.name, S_IFDIR | create_mode(w.dir, mode), &err) ? 0 : err;
}

SYSCALL(mkdir) { return do_mkdirat(AT_FDCWD, (const char *)a0, (u32)a1); }
SYSCALL(mkdirat) { return do_mkdirat((int)a0, (const char *)a1, (u32)a2); }

/* mknod: regular files, FIFOs, socket names and device nodes (CAP_MKNOD: EPERM without it, after the
 * directory's own checks as Linux). A character device opens its driver when skiff has one for the number
 * (fs/devfs.c), ENXIO otherwise; block devices have none (ENXIO). */
static long do_mknodat(int dirfd, const char *upath, u32 mode, u32 dev)
{
    u32 type = mode & S_IFMT;
    if (type == S_IFDIR)
        return -EPERM;
    if (type && type != S_IFREG && type != S_IFIFO && type != S_IFCHR && type != S_IFBLK && type != S_IFSOCK)
        return -EINVAL;
    struct walk w;
    long rc = new_name(dirfd, upath, &w);
    if (rc)
        return rc;
    u32 perm = create_mode(w.dir, mode);
    int err = 0;
    bool device = type == S_IFCHR || type == S_IFBLK;
    if (device && !(rc = perm_may_create(w.dir)) && !capable(CAP_MKNOD))
        rc = -EPERM;
    if (rc)
        return rc;
    /* a socket's name only: connecting to it is ECONNREFUSED, opening it ENXIO */
    struct inode *ino = vfs_create(w.dir, w.name, (type ? type : S_IFREG) | perm, &err);
    if (ino && device)
        ino->rdev = dev;
    return ino ? 0 : err;
}

SYSCALL(mknod) { return do_mknodat(AT_FDCWD, (const char *)a0, (u32)a1, (u32)a2); }
SYSCALL(mknodat) { return do_mknodat((int)a0, (const char *)a1, (u32)a2, (u32)a3); }

static long do_unlinkat(int dirfd, const char *upath, bool rmdir)
{
    char *kpath = kmalloc(PATH_MAX);
    if (!kpath)
        return -ENOMEM;
    struct walk w;
    long rc = at_walk(dirfd, upath, 0, &w, kpath);
    kfree(kpath);
    if (rc)
        return rc;
    if (rmdir && !strcmp(w.name, "."))
        return -EINVAL;
    if (rmdir && !strcmp(w.name, ".."))
        return -ENOTEMPTY;
    if (rmdir && w.node == vfs_root)
        return -EBUSY;
    if (w.dir && vfs_readonly(w.dir))
        return -EROFS; /* Linux's mnt_want_write comes before the last name's lookup */
    if (!w.node)
        return -ENOENT;
    if (rmdir)
        return vfs_unlink(w.dir, w.name, true);
    if (S_ISDIR(w.node->mode))
        return -EISDIR;
    if (w.trailing_slash)
        return -ENOTDIR;
    return vfs_unlink(w.dir, w.name, false);
}

SYSCALL(unlink) { return do_unlinkat(AT_FDCWD, (const char *)a0, false); }
SYSCALL(rmdir) { return do_unlinkat(AT_FDCWD, (const char *)a0, true); }

SYSCALL(unlinkat)
{
    if (a2 & ~(u64)AT_REMOVEDIR)
        return -EINVAL;
    return do_unlinkat((int)a0, (const char *)a1, a2 & AT_REMOVEDIR);
}

static long do_renameat2(int olddir, const char *uold, int newdir, const char *unew, unsigned flags)
{
    if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
        return -EINVAL;
    bool exchange = flags & RENAME_EXCHANGE;
    char *kpath = kmalloc(PATH_MAX);
    struct walk *wo = kmalloc(sizeof(*wo)), *wn = kmalloc(sizeof(*wn));
    long rc = kpath && wo && wn ? 0 : -ENOMEM;
    if (!rc)
        rc = at_walk(olddir, uold, 0, wo, kpath);
    if (!rc)
        rc = at_walk(newdir, unew, 0, wn, kpath);
    /* Linux's order: the mounts (EXDEV), then mnt_want_write (EROFS), then the lookups */
    if (!rc && wo->dir && wn->dir && wo->dir->sb != wn->dir->sb)
        rc = -EXDEV;
    if (!rc && wo->dir && vfs_readonly(wo->dir))
        rc = -EROFS;
    if (!rc && (!wo->node || (exchange && !wn->node)))
        rc = -ENOENT; /* RENAME_EXCHANGE: both names must exist */
    if (!rc && (!strcmp(wo->name, ".") || !strcmp(wo->name, "..") || !strcmp(wn->name, ".") ||
                !strcmp(wn->name, "..") || wo->node == vfs_root || wn->node == vfs_root))
        rc = -EBUSY;
    if (!rc && ((wn->trailing_slash && !exchange) || wo->trailing_slash) && !S_ISDIR(wo->node->mode))
        rc = -ENOTDIR;
    if (!rc && exchange && wn->trailing_slash && !S_ISDIR(wn->node->mode))
        rc = -ENOTDIR;
    if (!rc && (flags & RENAME_WHITEOUT) && wo->dir->iops != &ramfs_iops)
        rc = -EINVAL; /* whiteouts are made on RAM filesystems only (as Linux's 9p has none) */
    if (!rc)
        rc = vfs_rename(wo->dir, wo->name, wn->dir, wn->name, flags);
    kfree(kpath);
    kfree(wo);
    kfree(wn);
    return rc;
}

SYSCALL(rename) { return do_renameat2(AT_FDCWD, (const char *)a0, AT_FDCWD, (const char *)a1, 0); }
SYSCALL(renameat) { return do_renameat2((int)a0, (const char *)a1, (int)a2, (const char *)a3, 0); }
SYSCALL(renameat2) { return do_renameat2((int)a0, (const char *)a1, (int)a2, (const char *)a3, (unsigned)a4); }

static long do_readlinkat(int dirfd, const char *upath, char *ubuf, i64 size)
{
    if (size <= 0)
        return -EINVAL; /* Linux checks bufsiz before the lookup */
    struct inode *ino;
    long rc = at_lookup(dirfd, upath, 0, &ino);
    if (rc)
        return rc;
    if (!S_ISLNK(ino->mode))
        return -EINVAL;
    const char *target = vfs_readlink(ino);
    if (!target)
        return -EIO;
    size_t n = MIN((u64)size, strlen(target));
    return copy_to_user(ubuf, target, n) ? -EFAULT : (long)n;
}

SYSCALL(readlink) { return do_readlinkat(AT_FDCWD, (const char *)a0, (char *)a1, (i64)a2); }
SYSCALL(readlinkat) { return do_readlinkat((int)a0, (const char *)a1, (char *)a2, (i64)a3); }

#define X_OK 1

/* The lookup and the check, with the credentials the caller chose. */
static long access_check(int dirfd, const char *upath, u32 mode, u32 flags)
{
    struct inode *ino;
    long rc = at_lookup_flags(dirfd, upath, flags, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &ino);
    if (rc || !mode || !ino) /* no inode: a pipe, which its opener may use */
        return rc;
    bool data = S_ISREG(ino->mode) || S_ISDIR(ino->mode) || S_ISLNK(ino->mode);
    /* Linux's order: a MS_NOEXEC mount, the permission bits, then EROFS */
    if ((mode & MAY_EXEC) && S_ISREG(ino->mode) && vfs_noexec(ino))
        return -EACCES;
    rc = perm_inode(ino, (int)mode);
    if (!rc && (mode & MAY_WRITE) && data && vfs_readonly(ino))
        rc = -EROFS;
    return rc;
}

/* access(2) asks with the real ids (and root's capabilities only for a real root), unless AT_EACCESS: the
 * caller's own credentials are swapped for the call (they are this thread's alone). */
static long do_faccessat(int dirfd, const char *upath, u32 mode, u32 flags)
{
    if (mode & ~7u)
        return -EINVAL;
    if (flags & ~(u32)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if (flags & AT_EACCESS)
        return access_check(dirfd, upath, mode, flags);
    struct cred *c = cred_current_mut();
    u32 fsuid = c->fsuid, fsgid = c->fsgid;
    u64 eff = c->cap_eff;
    c->fsuid = c->uid, c->fsgid = c->gid;
    c->cap_eff = c->uid == 0 ? c->cap_prm : 0;
    long rc = access_check(dirfd, upath, mode, flags);
    c->fsuid = fsuid, c->fsgid = fsgid, c->cap_eff = eff;
    return rc;
}

SYSCALL(access) { return do_faccessat(AT_FDCWD, (const char *)a0, (u32)a1, 0); }
SYSCALL(faccessat) { return do_faccessat((int)a0, (const char *)a1, (u32)a2, 0); }
SYSCALL(faccessat2) { return do_faccessat((int)a0, (const char *)a1, (u32)a2, (u32)a3); }

SYSCALL(getcwd)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    int n = vfs_path_of(current_proc()->cwd, buf, PATH_MAX);
    long rc = n;
    if (n >= 0 && (u64)n > a1)
        rc = -ERANGE;
    else if (n >= 0 && copy_to_user((void *)a0, buf, n))
        rc = -EFAULT;
    kfree(buf);
    return rc;
}

static long set_cwd(struct inode *ino)
{
    if (!S_ISDIR(ino->mode))
        return -ENOTDIR;
    long rc = perm_inode(ino, MAY_EXEC);
    if (rc)
        return rc;
    struct proc *p = current_proc();
    inode_get(ino);
    inode_put(p->cwd);
    p->cwd = ino;
    return 0;
}

/* chroot(2): "/" and ".." at it lead to this directory for the process and its children from now on; the
 * working directory stays where it was (it may be outside). CAP_SYS_CHROOT, and search permission on it. */
SYSCALL(chroot)
{
    struct inode *ino;
    long rc = at_lookup(AT_FDCWD, (const char *)a0, WALK_FOLLOW, &ino);
    if (!rc && !S_ISDIR(ino->mode))
        rc = -ENOTDIR;
    if (!rc)
        rc = perm_inode(ino, MAY_EXEC);
    if (!rc && !capable(CAP_SYS_CHROOT))
        rc = -EPERM;
    if (rc)
        return rc;
    struct proc *p = current_proc();
    ino = vfs_covering(ino);
    inode_get(ino);
    if (p->root)
        inode_put(p->root);
    p->root = ino == vfs_covering(vfs_root) ? (inode_put(ino), NULL) : ino;
    return 0;
}

SYSCALL(chdir)
{
    struct inode *ino;
    long rc = at_lookup(AT_FDCWD, (const char *)a0, WALK_FOLLOW, &ino);
    return rc ? rc : set_cwd(ino);
}

SYSCALL(fchdir)
{
    struct file *f = fd_file((int)a0);
    if (!f)
        return -EBADF;
    return f->inode ? set_cwd(f->inode) : -ENOTDIR;
}

SYSCALL(umask)
{
    struct proc *p = current_proc();
    u32 old = p->umask;
    p->umask = a0 & 0777;
    return old;
}
