/* fs/vfs.h — files and the namespace. Its parts, top to bottom (each file's opening comment is its contract):
 *   path walk across mount points ........................................ namei.c
 *   mounts: superblocks, the mount table, mount(2), /proc/mounts ........ mount.c
 *   VFS calls: generic checks once, then the filesystem's inode op ....... vfs.c
 *   filesystems, each behind one struct inode_ops: ramfs/tmpfs (ramfs.c, file.c), 9p (9pfs.c); /dev and
 *     /proc are ramfs trees with synthetic nodes (devfs.c, procfs.c) on their own superblocks
 *   open files and fd tables ............................................. file.c
 * docs/vfs.md tells how a new filesystem plugs in. */
#ifndef SKIFF_VFS_H
#define SKIFF_VFS_H

#include "../kernel/kernel.h"

#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISUID 04000
#define S_ISGID 02000
#define S_ISVTX 01000

#define O_ACCMODE 3
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_CLOEXEC 02000000
#define O_PATH 010000000
#define O_TMPFILE (020000000 | O_DIRECTORY)

#define NAME_MAX 255
#define PATH_MAX 4096
#define SYMLOOP_MAX 40

struct timespec64 { i64 sec; i64 nsec; };

struct file;
struct ep_item;
struct inode;

struct file_ops {
    int (*open)(struct file *f);    /* optional: runs when the file is opened */
    /* ubuf is a user pointer; *off is the file position to use and advance. */
    ssize_t (*read)(struct file *f, void *ubuf, size_t n, u64 *off);
    ssize_t (*write)(struct file *f, const void *ubuf, size_t n, u64 *off);
    long (*ioctl)(struct file *f, unsigned cmd, u64 arg);
    unsigned (*poll)(struct file *f);  /* POLLIN/POLLOUT/POLLHUP/POLLERR now; absent: always ready */
    void (*release)(struct file *f);
    /* optional: the channel (kernel/pollwait.c) that every change of what poll says is kicked on with
     * sched_kick_chan; absent: pollers of this file wait on the any-event queue */
    const void *(*poll_chan)(struct file *f);
    void (*flush)(struct file *f);  /* optional: every close of a descriptor for it (Linux's f_op->flush) */
    /* Where the inode's type does not decide seeking (syscalls/fd.c): lseek_noop, lseek succeeds and moves
     * nothing, pread ESPIPE (Linux's noop_llseek: eventfd, timerfd, signalfd, epoll, inotify); pread_ok,
     * pread/pwrite go on to the read/write checks (a pidfd's EINVAL) while lseek is ESPIPE */
    bool lseek_noop, pread_ok;
};
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

struct super_block;

/* readdir hands each entry to emit with the cookie of the entry after it; emit returns false when there is
 * no room (readdir stops; that entry is offered again next time). The VFS sets pos = next after each
 * accepted entry: cookies are the filesystem's own (getdents64's d_off, lseek on a directory). */
struct dir_context {
    bool (*emit)(struct dir_context *ctx, const char *name, size_t len, u64 ino, u8 dtype, u64 next);
    u64 pos;                        /* where to start: 0 is the beginning (".") */
};

#define ATTR_MODE 1
#define ATTR_UID 2
#define ATTR_GID 4
#define ATTR_SIZE 8
#define ATTR_ATIME 16
#define ATTR_MTIME 32
#define ATTR_CTIME 64
#define ATTR_TIMES_SET 128           /* utimensat with explicit times: the owner only (perm.c) */
#define ATTR_KILL_PRIV 256          /* chown: clear set-user-ID (and set-group-ID) as Linux (perm.c) */
struct iattr {                      /* what setattr changes: the fields named in valid (ATTR_*) */
    u32 valid;
    u32 mode;                       /* permission bits only: the type never changes */
    u32 uid, gid;
    u64 size;
    struct timespec64 atime, mtime; /* resolved by the caller: no UTIME_NOW/UTIME_OMIT here */
};

/* Inode operations: one table per filesystem. The VFS (vfs.c) has checked, before a namespace op runs: the
 * directory is a directory; the name is not "." or ".."; the superblock is writable (EROFS); link and
 * rename stay inside one superblock (EXDEV); victims are not mount points (EBUSY). Every op returns 0 or
 * -errno (or the inode, with *err set on NULL). Inodes a filesystem hands out stay valid while the
 * superblock is mounted (ramfs: while named or held; 9p: cached per superblock). */
struct inode_ops {
    /* *out, or -ENOENT. name: len bytes, not NUL-terminated. */
    int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
    /* A new node of mode's type (S_IFREG, S_IFDIR, S_IFIFO, S_IFSOCK; permission bits already masked);
     * EEXIST when the name is taken. */
    struct inode *(*create)(struct inode *dir, const char *name, u32 mode, int *err);
    struct inode *(*symlink)(struct inode *dir, const char *name, const char *target, int *err);
    int (*link)(struct inode *dir, const char *name, struct inode *target);
    /* want_dir: rmdir (ENOTDIR for a non-directory, ENOTEMPTY); else unlink (EISDIR for a directory). */
    int (*unlink)(struct inode *dir, const char *name, bool want_dir);
    int (*rename)(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags);
    int (*readdir)(struct inode *dir, struct dir_context *ctx);   /* including "." and ".." */
    /* Symlinks: make ino->target current (a kmalloc'ed string the inode owns). */
    int (*readlink)(struct inode *ino);
    int (*getattr)(struct inode *ino);            /* optional: refresh mode/nlink/size/times from the store */
    int (*setattr)(struct inode *ino, const struct iattr *ia);
    /* Data in the kernel: exec, /proc, sendfile. Bytes read (short at EOF) or -errno. */
    ssize_t (*kread)(struct inode *ino, void *kbuf, size_t n, u64 off);
    /* The page cache: the page holding file offset pos, read in (or allocated) if absent; NULL when out of
     * memory or unreadable. mmap and exec map these pages. */
    u8 *(*page)(struct inode *ino, u64 pos);
    int (*writeback)(struct inode *ino);          /* optional: shared-mapped pages back to the store */
    int (*fsync)(struct inode *ino, bool datasync); /* optional */
    struct inode *(*real)(struct inode *ino);     /* optional: the inode that holds the data (overlay) */
    /* optional: extended attributes, names checked by syscalls/xattr.c, buffers in the kernel. get: the
     * value's length, copied when size holds it (size 0: the length only; ERANGE); list: the names, each
     * NUL-ended, the same way; set: XATTR_CREATE/XATTR_REPLACE flags, value NULL removes. Absent: EOPNOTSUPP */
    long (*getxattr)(struct inode *ino, const char *name, void *kbuf, size_t size);
    long (*listxattr)(struct inode *ino, char *kbuf, size_t size);
    int (*setxattr)(struct inode *ino, const char *name, const void *value, size_t len, int flags);
    bool posix_acl;                 /* keeps POSIX ACLs in acl_access/acl_default (fs/acl.c): RAM filesystems, and
                                     * the overlay in its real layer (vfs_real) */
    int (*copy_up)(struct inode *ino); /* optional: before a change made on vfs_real(ino) (overlay: copy-up) */
};

struct dirent_node {
    char *name;
    struct inode *inode;
    struct dirent_node *next, *prev; /* its directory's entries, oldest first */
    struct dirent_node *hnext;       /* ramfs_dir.c's index: the next entry in its bucket */
    struct inode *dir;
    u64 hash;
    u64 cookie;                      /* its readdir offset (ramfs_dir.c) */
};

struct inode {
    u64 ino;
    u32 mode, nlink, uid, gid;
    u64 size, rdev;
    struct timespec64 atime, mtime, ctime;
    int refs;                       /* open files and the cwd; the namespace holds it through nlink */
    const struct inode_ops *iops;
    struct super_block *sb;
    struct inode *mounted;          /* a mount point: the root of what is mounted on it (namei.c) */
    char *name;                     /* filesystems without children lists (9p): the name it was found by */
    void *fs;                       /* the filesystem's own state (9p: its fid and cache) */
    void *watches;                  /* inotify watches on it (fs/inotify.c), NULL when none */
    void *dnotify;                  /* directories: fcntl F_NOTIFY entries (fs/dnotify.c), NULL when none */
    void *leases;                   /* regular files: fcntl F_SETLEASE leases (fs/lease.c), NULL when none */
    void *xattrs;                   /* RAM filesystems: extended attributes (fs/xattr.c), NULL when none */
    struct posix_acl *acl_access, *acl_default; /* RAM filesystems: POSIX ACLs (fs/acl.c), NULL when none */
    int readers;                    /* regular files open read-only (Linux's i_readcount: write leases) */
    u32 iflags;                     /* FS_IOC_SETFLAGS: FS_*_FL (RAM filesystems; syscalls/iflags.c) */
    int mapcount;                   /* shared mappings of its pages (truncate must not free them) */
    /* ETXTBSY (Linux's i_writecount): files open for writing, and address spaces running it (vm_space.exe) */
    int writers, execs;
    u32 seals;                      /* memfd seals (syscalls/seals.c): SEALS_SEALABLE | F_SEAL_* bits; 0 otherwise */
    u8 write_hint;                  /* fcntl F_SET_RW_HINT: RWH_WRITE_LIFE_* (syscalls/rwhint.c) */
    bool linkable;                  /* an O_TMPFILE file opened without O_EXCL, not yet named: linkat may name
                                     * it though it has no link (any other inode without one: ENOENT) */
    const struct file_ops *fops;    /* what open() gives: ramfs ops for files, a driver's for devices */
    struct inode *parent;           /* directories: for ".." */
    struct dirent_node *children;   /* directories, in creation order */
    struct dirent_node *last_child;
    u64 nchildren;
    u64 next_cookie;                /* the offset its next entry takes (ramfs_dir.c) */
    struct dirent_node *rd_hint;    /* where its last listing stopped */
    u8 **pages;                     /* regular files: one kernel page per 4 KiB, NULL for holes */
    u64 npages;                     /* capacity of pages[] */
    char *target;                   /* symlinks */
    void *priv;                     /* devices, /proc entries */
    /* Synthetic nodes (/proc): refresh regenerates a directory's entries or a symlink's text before use;
     * resolve makes a "magic" symlink lead straight to an inode (/proc/self/fd/N, even when unnamed). */
    void (*refresh)(struct inode *ino);
    struct inode *(*resolve)(struct inode *link);
    bool (*own_access)(struct inode *ino); /* true: the caller may use it whatever its mode (/proc/PID/fd) */
};

/* inode->iflags (chattr's flags, as FS_IOC_GETFLAGS gives them) */
#define FS_IMMUTABLE_FL 0x10        /* no change at all: EPERM for writes, names, attributes */
#define FS_APPEND_FL 0x20           /* writes only at the end; not removed, renamed or truncated */
#define FS_NODUMP_FL 0x40
#define FS_NOATIME_FL 0x80

#define SEALS_SEALABLE 0x80000000u /* inode->seals: a memfd, which takes seals */

struct file {
    int refs;
    u64 serial;                     /* unique for the kernel's life: epoll tells a new file at a freed one's address */
    char *path;                     /* as opened (absolute), for /proc/self/fd; NULL for devices */
    u32 flags;                      /* O_ACCMODE | O_APPEND | O_NONBLOCK ... as given to open */
    u64 off;
    struct inode *inode;
    struct inode *dir;              /* opened by path: the directory it was found in (inotify), held */
    const struct file_ops *ops;
    void *priv;
    int own_type, own_id, own_sig;  /* F_SETOWN_EX/F_SETSIG (syscalls/fasync.c) */
    struct sigio *sigio;            /* O_ASYNC: its entry on the file's poll channel (fs/sigio.c) */
    bool writer;                    /* counted in inode->writers */
    bool reader;                    /* counted in inode->readers */
    struct ep_item *epitems;        /* the epoll entries that watch it (fs/epoll.c): dropped at its release */
};

/* A mounted filesystem instance. */
#define SB_RDONLY 1
#define SB_NOSUID 2                 /* set-user-ID and set-group-ID bits are ignored by execve */
/* The other mount flags, with the values of statfs's ST_* bits (skiff has one mount per superblock, so
 * Linux's per-mount flags live here too): */
#define SB_NODEV 4                  /* device nodes cannot be opened (EACCES) */
#define SB_NOEXEC 8                 /* no execve, no PROT_EXEC file mappings */
#define SB_SYNCHRONOUS 16
#define SB_NOATIME 1024
#define SB_NODIRATIME 2048
#define SB_STRICTATIME (1u << 24)   /* MS_STRICTATIME: not relatime (which every other mount is) */
#define SB_MOUNT_FLAGS (SB_RDONLY | SB_NOSUID | SB_NODEV | SB_NOEXEC | SB_SYNCHRONOUS | SB_NOATIME | SB_NODIRATIME | \
                        SB_STRICTATIME)
struct fs_type;
struct super_block {
    const struct fs_type *type;
    struct inode *root;
    struct inode *covered;          /* the directory it is mounted on (NULL for the root filesystem) */
    unsigned flags;                 /* SB_RDONLY */
    u64 dev;                        /* st_dev of its inodes */
    char *source;                   /* /proc/mounts' first column */
    char *opts;                     /* extra options for /proc/mounts ("" or ",trans=virtio,...") */
    bool expiry_mark;               /* umount2 MNT_EXPIRE marked it; a path walk into it clears the mark */
    int (*statfs)(struct super_block *sb, u64 *out);  /* optional: the struct statfs words as Linux's */
    void (*sync)(struct super_block *sb);             /* optional: write back what it holds */
    /* optional, cleared once called: makes more of the root's entries, at the first lookup there that finds
     * nothing or the first listing of the root (/proc's fixed files, which a static hello never reads) */
    void (*fill_root)(struct super_block *sb);
    void *priv;
    /* tmpfs size= and nr_inodes= (fs/ramfs.c): 0 is no limit; each inode counts once, and each extra hard
     * link to a non-directory once more, as Linux's tmpfs; pages are the regular files' data pages.
     * used_xattr: bytes of extended attributes, taken from the same nr_inodes= space (fs/xattr.c) */
    u64 max_pages, used_pages, max_inodes, used_inodes, used_xattr;
};
struct fs_type {
    const char *name;               /* as mount -t and /proc/mounts say it */
    /* A new instance: source and data as mount(2) gives them (kernel strings, data may be NULL). */
    int (*mount)(const char *source, const char *data, unsigned flags, struct super_block **out);
};

/* mount.c */
struct super_block *sb_new(const char *type_name, const char *source);
int vfs_mount_at(struct inode *dir, struct super_block *sb);    /* dir: an existing directory */
int vfs_mount_path(const char *path, struct super_block *sb);  /* path made (mkdir -p) if missing */
int vfs_umount(struct inode *root, int flags);   /* flags VFS_UMOUNT_CHECK: only whether it could (0, EBUSY) */
#define VFS_UMOUNT_CHECK 0x100
int vfs_bind_file(struct inode *target, struct inode *source); /* a bind mount of a non-directory: ENOTDIR */
bool vfs_is_bound(const struct inode *ino);      /* what a file bind mount shows */
int vfs_unbind(struct inode *ino, struct inode *named); /* undo the file bind showing ino (EINVAL: none) */
extern bool vfs_walk_keeps_marks;               /* umount2's own lookup does not count as a use (MNT_EXPIRE) */
int mounts_text(char *buf, size_t size);                        /* /proc/mounts */
int mountinfo_text(char *buf, size_t size);                     /* /proc/PID/mountinfo */
void vfs_sync_all(void);                                        /* every superblock's sync (exit, poweroff) */
int vfs_move_mount(struct super_block *sb, const char *path);
struct super_block *vfs_mounted_type(const char *name);         /* the first mount of a type, or NULL */
/* mount_boot.c: /.skiff/mounts' records (type, source, target, options; each NUL-ended). 0, or -errno with
 * *why naming the target that failed. A live root ("/") takes /dev and /proc along and gets a fresh /tmp. */
int vfs_boot_mounts(const char *buf, size_t len, const char **why);
extern const struct fs_type tmpfs_type, p9fs_type;

/* vfs.c — namespace operations with the generic checks, then the inode's filesystem. */
int vfs_child(struct inode *dir, const char *name, size_t len, struct inode **out); /* no "." / ".." */
struct inode *vfs_create(struct inode *dir, const char *name, u32 mode, int *err);
struct inode *vfs_symlink(struct inode *dir, const char *name, const char *target, int *err);
int vfs_link(struct inode *dir, const char *name, struct inode *target);
int vfs_unlink(struct inode *dir, const char *name, bool want_dir);
int vfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags);
int vfs_readdir(struct inode *dir, struct dir_context *ctx);
const char *vfs_readlink(struct inode *ino);                   /* the target, or NULL */
int vfs_getattr(struct inode *ino);
/* What stat's st_dev says for ino: its filesystem's device (a non-directory of an overlay: its real layer's, as
 * Linux's overlayfs with layers on different filesystems); a pipe's is VFS_PIPEFS_DEV (syscalls/stat.c). */
#define VFS_RAMFS_DEV 0x15  /* the root filesystem's (an anonymous device, as tmpfs has) */
#define VFS_PIPEFS_DEV 0xd
u64 vfs_st_dev(struct inode *ino);
int vfs_setattr(struct inode *ino, const struct iattr *ia);
int vfs_truncate(struct inode *ino, u64 size);
ssize_t vfs_kread(struct inode *ino, void *kbuf, size_t n, u64 off);
u8 *vfs_page(struct inode *ino, u64 pos);
u8 *vfs_cached_page(struct inode *ino, u64 pos);               /* without reading: NULL when absent */
extern u64 p9fs_pages_read;                  /* 9pfs_data.c: file pages read in from the host so far */
int vfs_writeback(struct inode *ino);
int vfs_fsync(struct inode *ino, bool datasync);
struct inode *vfs_real(struct inode *ino);     /* the inode holding the data: ino, or an overlay's layer */
bool vfs_readonly(const struct inode *ino);
bool vfs_noexec(const struct inode *ino);           /* on a MS_NOEXEC mount */
unsigned vfs_statfs_flags(const struct super_block *sb); /* struct statfs's f_flags */
u8 vfs_dtype(u32 mode);
bool vfs_emit_dots(struct inode *dir, struct dir_context *ctx);  /* "." and ".." at pos 0 and 1 */

/* overlay.c: a RAM layer over a read-only filesystem (the live root of --rootfs DIR). */
int overlay_mount(struct super_block *lower, struct super_block **out);

/* 9pfs.c */
void p9fs_mapped_shared(struct inode *ino);   /* a shared writable mapping touched its pages */
bool p9fs_file(const struct file *f);          /* an open regular file of a 9P volume */

/* inotify.c: what the VFS and the syscalls report (each returns at once when nothing watches), and the
 * inotify file (syscalls/inotify.c). */
void fsnotify(struct inode *dir, const char *name, struct inode *ino, u32 mask, u32 cookie);
void fsnotify_gone(struct inode *ino);           /* IN_DELETE_SELF; its watches end */
void fsnotify_file(struct file *f, u32 mask);    /* an open file's IN_OPEN, IN_ACCESS, IN_MODIFY */
void fsnotify_close(struct file *f);
u32 fsnotify_cookie(void);                       /* IN_MOVED_FROM/IN_MOVED_TO pairs */
extern int watches_total;                        /* inotify watches and dnotify entries */
/* dnotify.c: fcntl F_NOTIFY; fsnotify() hands it each event of a directory that has entries. */
long dnotify_fcntl(struct file *f, int fd, u64 arg);
void dnotify_event(struct inode *dir, u32 fsn);  /* FSN_* bits, and FSN_DN_RENAME */
void dnotify_release(struct file *f);
void dnotify_gone(struct inode *dir);
/* lease.c: fcntl F_SETLEASE/F_GETLEASE; opens and truncates break leases in their way. */
long lease_fcntl(struct file *f, int fd, int cmd, u64 arg);
long lease_break(struct inode *ino, bool write, bool nonblock); /* 0, EAGAIN (nonblock), EINTR */
void lease_release(struct file *f);
static inline bool fsnotify_active(void) { return watches_total > 0; } /* no lookups for nobody */
struct file *inotify_create(u32 flags, int *err);
bool inotify_file(const struct file *f);
long inotify_watch(struct file *f, struct inode *ino, u32 mask);
long inotify_unwatch(struct file *f, int wd);
#define FSN_ACCESS 0x1
#define FSN_MODIFY 0x2
#define FSN_ATTRIB 0x4
#define FSN_OPEN 0x20
#define FSN_MOVED_FROM 0x40
#define FSN_MOVED_TO 0x80
#define FSN_CREATE 0x100
#define FSN_DELETE 0x200
#define FSN_MOVE_SELF 0x800
#define FSN_DN_RENAME 0x1000000 /* dnotify only: a rename inside one directory (DN_RENAME) */

/* ramfs.c — the in-memory filesystem that is the root (and tmpfs, /dev, /proc). */
extern struct inode *vfs_root;
extern const struct inode_ops ramfs_iops;
/* xattr.c: a RAM inode's extended attributes (ramfs_iops' getxattr, setxattr, listxattr) */
long xattr_ram_get(struct inode *ino, const char *name, void *kbuf, size_t size);
int xattr_ram_set(struct inode *ino, const char *name, const void *kvalue, size_t len, int flags);
long xattr_ram_list(struct inode *ino, char *kbuf, size_t size);
void xattr_ram_free(struct inode *ino);
void xattr_ram_move(struct inode *ino, struct super_block *to); /* its bytes now counted on another filesystem */
void xattr_kill_priv(struct inode *ino); /* a write, truncate or chown: security.capability goes (RAM inodes) */

/* acl.c: POSIX ACLs (acl(5)) of RAM inodes, seen as system.posix_acl_access/_default; an entry is laid out
 * as in the attribute's value */
#define ACL_USER_OBJ 0x01
#define ACL_USER 0x02
#define ACL_GROUP_OBJ 0x04
#define ACL_GROUP 0x08
#define ACL_MASK 0x10
#define ACL_OTHER 0x20
#define ACL_TYPE_ACCESS 0
#define ACL_TYPE_DEFAULT 1
struct acl_entry {
    u16 tag, perm;
    u32 id;                         /* a uid or gid for ACL_USER and ACL_GROUP, else 0xffffffff */
};
struct posix_acl {
    u32 count;
    struct acl_entry e[];
};
int acl_from_xattr(const void *value, size_t size, struct posix_acl **out); /* *out NULL: remove */
int acl_valid(const struct posix_acl *acl);
void acl_set(struct inode *ino, int type, struct posix_acl *acl, bool keep_sgid);
long acl_get(struct inode *ino, int type, void *kbuf, size_t size);
void acl_chmod(struct inode *ino, u32 mode);
void acl_inherit(struct inode *dir, struct inode *ino);
void acl_free(struct inode *ino);
#define RAMFS_INODE_SPACE 1024ull /* what an inode takes of nr_inodes='s space (ramfs.c) */
u64 ramfs_free_ispace(const struct super_block *sb);
void ramfs_init(void);
void ramfs_root_cap(void);    /* after unpacking: the root's room to grow, half the free memory */
struct inode *ramfs_new_inode(u32 mode);
struct inode *ramfs_new_root(struct super_block *sb);          /* a tmpfs instance's root directory */
struct inode *nsfs_inode(const char *kind, u32 inum);          /* fs/nsfs.c: a namespace's inode ("uts", N) */
void nsfs_forget(const char *kind, u32 inum);                  /* the namespace is gone */
void inode_get(struct inode *ino);
void inode_put(struct inode *ino);
struct inode *ramfs_lookup(struct inode *dir, const char *name, size_t len);
/* ramfs_dir.c: a directory's entries, indexed by name, with offsets that survive removals */
void ramfs_dir_init(void);
struct dirent_node *ramfs_dir_find(const struct inode *dir, const char *name, size_t len);
void ramfs_dir_add(struct inode *dir, struct dirent_node *d);
void ramfs_dir_del(struct inode *dir, struct dirent_node *d);
struct dirent_node *ramfs_dir_seek(struct inode *dir, u64 pos); /* the first entry at offset pos or past it */
void ramfs_dir_stopped(struct inode *dir, struct dirent_node *d); /* a listing stopped before d */
int ramfs_link(struct inode *dir, const char *name, struct inode *child);
int ramfs_unlink(struct inode *dir, const char *name, bool want_dir);
int ramfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname, unsigned flags);
struct inode *ramfs_create(struct inode *dir, const char *name, u32 mode, int *err);
struct inode *ramfs_mkdir(struct inode *dir, const char *name, u32 mode, int *err);
struct inode *ramfs_symlink(struct inode *dir, const char *name, const char *target, int *err);
ssize_t ramfs_pread(struct inode *ino, void *kbuf, size_t n, u64 off); /* kernel buffer */
ssize_t ramfs_pwrite(struct inode *ino, const void *kbuf, size_t n, u64 off);
int ramfs_truncate(struct inode *ino, u64 size);
u8 *ramfs_page(struct inode *ino, u64 pos);   /* the page at pos, allocated if it was a hole */
int ramfs_reserve_pages(struct inode *ino, u64 n);     /* room for n pages: ramfs_set_page cannot fail */
void ramfs_set_page(struct inode *ino, u64 idx, u8 *page); /* adopt a page (the initrd's) as the file's */
extern const struct file_ops ramfs_file_ops;
extern const struct file_ops ramfs_dir_ops;
struct timespec64 vfs_now(void);
void vfs_now_fixed(const struct timespec64 *t); /* vfs_now gives *t until called with NULL (fs/file.c) */
/* sigio.c — O_ASYNC: SIGIO (or F_SETSIG's signal) to the owner when the file becomes ready */
void sigio_update(struct file *f, int fd); /* O_ASYNC changed, through descriptor fd */
void sigio_release(struct file *f);
void sigio_notify(struct file *f, int fd, int reason); /* one signal to f's owner now (dnotify: POLL_MSG) */
void sigio_urgent(struct file *f);           /* SIGURG to f's owner: urgent data came (TCP, unix MSG_OOB) */

/* perm.c — permission checks (path_resolution(7)): the caller's fsuid, fsgid, groups and capabilities against
 * an inode's owner, group and mode. 0 or -EACCES/-EPERM. */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
int perm_inode(struct inode *ino, int mask);          /* MAY_* bits; root's DAC override as Linux */
int perm_may_create(struct inode *dir);               /* write and search in dir */
int perm_may_delete(struct inode *dir, struct inode *victim);  /* also the sticky bit (EPERM) */
bool perm_owner(const struct inode *ino);             /* fsuid owns it, or CAP_FOWNER */
void perm_init_owner(struct inode *ino);                        /* a new inode: the caller's fsuid and fsgid */
void perm_new_inode(struct inode *dir, struct inode *ino);      /* owner fsuid, group fsgid or dir's (setgid) */
int perm_may_link(struct inode *target);                        /* protected_hardlinks: EPERM */
int perm_open(struct inode *ino, u32 flags);                    /* open(2) of an existing file */
void perm_file_written(struct inode *ino);                      /* write, truncate: set-ID bits cleared */
int perm_setattr(struct inode *ino, struct iattr *ia);          /* chmod, chown, utimes rules; may clear bits */

/* namei.c — path lookup. */
#define WALK_FOLLOW 1         /* follow a symlink in the last component */
struct walk {
    struct inode *dir;        /* the directory holding the last component */
    struct inode *node;       /* the last component itself, NULL when it does not exist */
    char name[NAME_MAX + 1];  /* the last component's name */
    bool trailing_slash;
};
int vfs_walk(struct inode *cwd, const char *path, unsigned flags, struct walk *w);
/* openat2's restrictions on a walk (open_how.resolve) */
#define RESOLVE_NO_XDEV 0x01        /* no mount crossing: EXDEV */
#define RESOLVE_NO_MAGICLINKS 0x02  /* no procfs magic link followed: ELOOP */
#define RESOLVE_NO_SYMLINKS 0x04    /* no symlink followed: ELOOP */
#define RESOLVE_BENEATH 0x08        /* never above cwd (no "/", no ".." past it): EXDEV */
#define RESOLVE_IN_ROOT 0x10        /* cwd is "/" for the whole walk */
#define RESOLVE_CACHED 0x20         /* only what needs no I/O (open's EAGAIN; every skiff lookup counts) */
int vfs_walk_resolve(struct inode *cwd, const char *path, unsigned flags, unsigned resolve, struct walk *w);
int vfs_lookup(struct inode *cwd, const char *path, unsigned flags, struct inode **out);
int vfs_path_of(struct inode *dir, char *buf, size_t size); /* absolute path of a directory */
struct inode *vfs_task_root(void);              /* the caller's root (chroot), NULL: the filesystem's own */
struct inode *vfs_covering(struct inode *dir);  /* the root of what is mounted on dir, or dir itself */
char *vfs_walk_path(const struct walk *w); /* kmalloc'ed absolute path of what a walk found, or NULL */

/* cpio.c — unpack a newc archive into the ramfs (the pure reader: cpio.h, cpio_parse.c). */
#include "cpio.h"

/* file.c — open files; fdtable.c — fd tables. */
#define FD_NR_OPEN 1048576 /* Linux's default fs.nr_open: no fd reaches it */
#define RLIMIT_NOFILE 7 /* index into proc->rlimits */
struct fdtable {
    struct file **files;      /* cap entries */
    u8 *cloexec;              /* per fd */
    u64 *used;                /* bitmap: the fds in use */
    int cap;                  /* a power of two, at least 64 */
    int next;                 /* no free fd below it */
    int refs;                 /* processes using it (clone CLONE_FILES shares it); big kernel lock */
};
struct file *file_open_inode(struct inode *ino, u32 flags);
struct file *file_open(struct inode *ino, u32 flags, int *err);  /* the same, with the open op's error */
struct file *file_new(const struct file_ops *ops, u32 flags, void *priv); /* NULL: no memory, or file_room() */
long file_room(void);             /* -ENFILE when fs.file-max open files leave the caller none (fs/file.c) */
void file_discard(struct file *f); /* a file_new file never installed */
int files_sysctl_max(char *buf, size_t size);
int files_sysctl_nr(char *buf, size_t size);
int files_sysctl_set_max(const char *text, size_t n);
void file_get(struct file *f);
unsigned file_poll(struct file *f);  /* POLL* bits ready now */
/* A file's read/write op on a kernel buffer (the ops take user pointers): sendfile, copy_file_range. */
ssize_t file_kernel_read(struct file *f, void *kbuf, size_t n, u64 *off);
ssize_t file_kernel_write(struct file *f, const void *kbuf, size_t n, u64 *off);
void file_put(struct file *f);
struct fdtable *fdtable_create(void);
struct fdtable *fdtable_dup(struct fdtable *src);  /* fork: the same files, one more reference each */
void fdtable_close_all(struct fdtable *t);
void fdtable_free(struct fdtable *t);              /* the table itself (close_all first) */
void fdtable_put(struct fdtable *t);               /* one process less: the last closes the files and frees it */
struct fdtable *fdtable_unshare(struct fdtable *t); /* unshare, exec: t if no other process uses it, else a copy
                                                     (t loses that reference); NULL: no memory, t kept */
int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec);  /* lowest free fd >= min, EMFILE */
int fd_install_at(struct fdtable *t, int fd, struct file *f, bool cloexec); /* dup2: fd (closing what was there) */
int fd_limit(struct fdtable *t);           /* RLIMIT_NOFILE: every fd is below it */
struct file *fd_get(struct fdtable *t, int fd);                           /* borrowed, NULL if bad */
struct file *fd_take(struct fdtable *t, int fd);   /* fd freed, its reference handed to the caller */
int fd_close(struct fdtable *t, int fd);
bool fd_cloexec(struct fdtable *t, int fd);
void fd_set_cloexec(struct fdtable *t, int fd, bool on);
int fd_next_open(struct fdtable *t, int fd);       /* the first open fd >= fd, or -1 */

/* pipe.c — pipes: a 64 KiB ring shared by a read end and a write end. */
int pipe_create(struct file **rd, struct file **wr, u32 flags);
bool pipe_inode(const struct inode *ino);   /* a pipe's anonymous inode (S_IFIFO, no name) */
int pipe_sysctl_max_size(char *buf, size_t size); /* /proc/sys/fs/pipe-max-size */
long pipe_fcntl_size(struct file *f, bool set, u64 arg); /* F_GETPIPE_SZ, F_SETPIPE_SZ: bytes, or -errno */
/* splice, tee, vmsplice (syscalls/splice.c) */
struct pipe;
struct pipe *pipe_of(const struct file *f);  /* either end of a pipe or an open FIFO, else NULL */
size_t pipe_avail(const struct pipe *p);     /* bytes a peek can see (0 for a packet-mode pipe) */
size_t pipe_room(const struct pipe *p);      /* bytes a write could add now */
size_t pipe_peek(const struct pipe *p, u8 *kbuf, size_t n);
void pipe_take(struct pipe *p, size_t n);
long pipe_wait_splice(struct pipe *p, bool room, bool nonblock); /* 0, 1 at EOF, or -errno */
extern const struct file_ops fifo_ops;      /* a named FIFO's file ops (any filesystem's S_IFIFO inodes) */

/* eventfd.c, epoll.c */
struct file *eventfd_create(u64 initval, u32 flags);
bool eventfd_is(struct file *f);
void eventfd_signal(struct file *f);     /* adds 1 (an AIO completion with IOCB_FLAG_RESFD); never waits */
extern const struct file_ops epoll_ops;
struct file *epoll_create_file(u32 flags);
long epoll_control(struct file *epf, int op, int fd, struct file *target, u32 events, u64 data);
int epoll_collect(struct file *epf, u32 *ev, u64 *data, int max);
void epoll_file_gone(struct file *f);        /* f's last reference went: its entries leave their epolls */
struct file *epoll_target(struct file *epf, int fd, u64 toff, long *err); /* kcmp KCMP_EPOLL_TFD */
void epoll_wait_sleep(struct file *epf, u64 ns); /* epoll_wait's sleep once nothing was ready */
int epoll_proc_stats(char *buf, size_t size); /* /proc/skiff/poll */

/* procfs.c — /proc: files whose text is generated when they are opened. */
void procfs_init(void);
void sysfs_init(void);
extern const struct file_ops kmsg_ops;     /* devkmsg.c: /dev/kmsg */
long kmsg_seek(struct file *f, i64 off, int whence);      /* sysfs.c: /sys/devices/system/{cpu,node} */
int procfs_add_pid(int pid);   /* -ENOMEM when out of memory */
void procfs_remove_pid(int pid);

/* devfs.c — /dev. */
void devfs_init(void);
struct inode *devfs_add(const char *name, u32 mode, u64 rdev, const struct file_ops *ops, void *priv);
const struct file_ops *devfs_driver(u64 rdev, void **priv); /* a character device's driver, or NULL */
bool devfs_has_major(u32 major);

#endif
