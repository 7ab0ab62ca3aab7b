/* syscalls/syscalls.h — what every syscall handler file includes. Handlers are generated into one switch from
 * syscalls/syscall_64.tbl; each receives the six raw argument registers and returns a value or -errno. */
#ifndef SKIFF_SYSCALLS_H
#define SKIFF_SYSCALLS_H

#include "../kernel/kernel.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/mm.h"
#include "../fs/vfs.h"

#define SYSCALL(name) \
    long sys_##name(u64 a0 unused, u64 a1 unused, u64 a2 unused, u64 a3 unused, u64 a4 unused, u64 a5 unused)

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EACCESS 0x200
#define AT_EMPTY_PATH 0x1000

extern const unsigned syscall_count;
extern const char *const syscall_names[];
extern const char *const syscall_argfmt[];
long syscall_invoke(u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, bool *known);
int syscall_dispatch(struct regs *r);

/* Clocks (syscalls/time.c, syscalls/clockset.c). */
long clock_id_check(int clk);                             /* 0: a clock clock_gettime reads */
long ioprio_check(int v);                                 /* 0: a class and level ioprio_set takes (ioprio.c) */

/* Shared helpers (syscalls/path.c). */
struct file *fd_file(int fd);                             /* borrowed; NULL when fd is not open */
struct file *fd_file_io(int fd);                          /* the same, and NULL for an O_PATH one too */
long fd_install_new(struct file *f, bool cloexec);        /* a made file's descriptor (NULL f: ENFILE or ENOMEM) */
#define SPLICE_F_MOVE 1     /* splice(2), tee(2), vmsplice(2) */
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE 4
#define SPLICE_F_GIFT 8
#define SPLICE_F_ALL 15
/* syscalls/fd.c: readv/writev's parts, for syscalls/aio.c (struct iovec_k: { u64 base, len; }) */
struct iovec_k;
long iov_file_check(struct file *f, bool write);
bool iov_file_seekable(struct file *f);
long iov_import_user(struct iovec_k *iov, const struct iovec_k *uiov, int cnt);
long iov_transfer(struct file *f, struct iovec_k *iov, int cnt, bool is_write, i64 pos, u32 rwf);
int user_path(const char *upath, char *kpath);            /* kpath has PATH_MAX bytes */
int dirfd_inode(int dirfd, const char *path, struct inode **dir); /* where a relative path starts */
int at_walk(int dirfd, const char *upath, unsigned walk_flags, struct walk *w, char *kpath);
int at_walk_resolve(int dirfd, const char *upath, unsigned walk_flags, unsigned resolve, struct walk *w,
                    char *kpath); /* at_walk with openat2's RESOLVE_* */
long do_openat(int dirfd, const char *upath, u32 flags, u32 mode, unsigned resolve); /* open, openat2 */
bool task_may_ptrace(const struct task *t); /* ptrace(2)'s access check, real ids (syscalls/procvm.c) */
/* syscalls/schedprio.c: Linux's check_same_owner, and whether RLIMIT_NICE (or CAP_SYS_NICE) allows nice */
bool sched_same_owner(const struct task *t);
bool sched_can_nice(const struct task *t, int nice);
int at_lookup(int dirfd, const char *upath, unsigned walk_flags, struct inode **out);
/* at_lookup honouring AT_EMPTY_PATH in at_flags: an empty path names dirfd itself (the cwd for AT_FDCWD);
 * *out is NULL for an open file without an inode (a pipe). */
int at_lookup_flags(int dirfd, const char *upath, u32 at_flags, unsigned walk_flags, struct inode **out);

/* What a file's filesystem has of extended attributes (syscalls/xattr_fs.c) */
enum xattr_fs { XFS_ALL, XFS_NONE, XFS_SECURE, XFS_SOCKET }; /* XFS_SECURE: trusted.* and security.* only */
enum xattr_fs xattr_fs_of(const struct inode *ino, struct file *f);
bool xattr_fs_takes(enum xattr_fs k, const char *name, bool set);
struct inode *xattr_anon_inode(void);
long xattr_sock_get(struct file *f, void *kbuf, size_t size);

/* POSIX ACLs as attributes (syscalls/xattr_acl.c) */
int xattr_acl_type(const char *name); /* ACL_TYPE_ACCESS/_DEFAULT for system.posix_acl_*, else -1 */
long xattr_acl_change(struct inode *ino, bool kept, int type, const void *value, size_t size, bool removal);
long xattr_acl_get(struct inode *ino, bool kept, int type, void *kbuf, size_t size);

/* File seals (syscalls/seals.c): memfd_create sets them up; each check returns 0 or -EPERM. */
void seals_init_memfd(struct inode *ino, bool allow, bool noexec, bool hugetlb);
long seals_fcntl(struct file *f, int cmd, u64 arg, bool *handled);  /* F_ADD_SEALS, F_GET_SEALS */
long rwhint_fcntl(struct file *f, int cmd, u64 arg);                /* F_GET_RW_HINT, F_SET_RW_HINT */
long seals_check_write(struct inode *ino, u64 pos, u64 count);
long seals_check_size(struct inode *ino, u64 size);
long fsize_newsize_ok(const struct inode *ino, u64 size); /* attr.c: RLIMIT_FSIZE (EFBIG, SIGXFSZ) */
long seals_check_map(struct inode *ino, bool shared, bool writable);
bool seals_hugetlb(const struct inode *ino);     /* a MFD_HUGETLB memfd */
/* mseal (syscalls/mseal.c): whether a sealed area forbids the change (EPERM) */
bool mseal_blocks(struct vm_space *vs, u64 start, u64 end);
bool mseal_blocks_advice(struct vm_space *vs, u64 start, u64 end, int advice);

/* mmap/madvise/mprotect flags (syscalls/mmflags.c). */
u64 mm_find_32bit(struct vm_space *vs, u64 len);
void mm_populate(struct vm_space *vs, u64 start, u64 end, bool write);
void mm_mark(struct vm_space *vs, u64 start, u64 len, u32 flags);  /* adds flags to the areas of a new mapping */
long mm_madvise(struct vm_space *vs, u64 start, u64 len, int advice, bool *handled);
struct proc *pidfd_proc(int fd, long *err); /* syscalls/pidfd.c: its process; NULL: *err EBADF/ESRCH */
long mm_advise(struct vm_space *vs, u64 start, u64 len, int advice); /* syscalls/mm.c: madvise(2) on vs */
long zero_range(struct inode *ino, u64 off, u64 end); /* xfer.c: zeros over a RAM file's range */
bool mm_mlock_room(struct vm_space *vs, u64 more); /* mm.c: may vs lock more bytes (RLIMIT_MEMLOCK)? */
bool mm_brk_fits(struct vm_space *vs, u64 new_brk);
long mm_mprotect_check(struct vm_space *vs, u64 start, u64 len, u32 prot);

/* A process's resource usage as struct rusage at u (syscalls/sys.c): 0 or -EFAULT. */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
#define RUSAGE_BOTH (-2) /* the process and its collected children: what wait4 reports of a child */
int proc_rusage_user(struct proc *p, int who, void *u);

/* prctl's credential and capability commands (syscalls/capability.c); *handled false for the others */
long cred_prctl(int option, u64 a2, u64 a3, u64 a4, u64 a5, bool *handled);
long prctl_misc(int option, u64 a2, u64 a3, u64 a4, u64 a5, bool *handled); /* syscalls/prctl.c */
long prctl_cpu(int option, u64 a2, u64 a3, u64 a4, u64 a5, bool *handled);  /* syscalls/prctl_cpu.c */
void prctl_cpu_fork(struct task *child, const struct task *parent);
long prctl_mm(int option, u64 a2, u64 a3, u64 a4, u64 a5, bool *handled);   /* syscalls/prctl_mm.c: PR_SET_MM */
/* Syscall user dispatch (syscalls/sud.c): prctl PR_SET_SYSCALL_USER_DISPATCH, and the entry's check */
long sud_prctl(int option, u64 a2, u64 a3, u64 a4, u64 a5, bool *handled);
bool sud_syscall(struct regs *r, u64 nr, long *ret); /* true: SIGSYS instead of the call (*ret) */
void prctl_creds_changed(u32 euid, u32 egid, u32 fsuid, u32 fsgid);         /* the ids before a set*id call */

/* restart_syscall's continuations of a timed wait (syscalls/futex.c, syscalls/poll.c) */
long futex_restart(void);
long poll_restart(void);
/* I/O signal ownership (syscalls/fasync.c): fcntl F_SETOWN/F_GETOWN(_EX)/F_SETSIG/F_GETSIG (other commands:
 * EINVAL, logged) and ioctl FIOASYNC. */
long fasync_fcntl(struct file *f, int cmd, u64 arg);
long fasync_ioctl(struct file *f, int fd, u64 arg);
/* iflags.c: FS_IOC_GETFLAGS/FS_IOC_SETFLAGS, and statx's STATX_ATTR_* from them */
bool iflags_supported(const struct inode *ino);
long iflags_ioctl(struct file *f, unsigned cmd, u64 arg);
void iflags_statx(const struct inode *ino, u64 *attrs, u64 *mask);

/* strace (syscalls/strace.c) */
extern bool strace_on;
void strace_init(void);
void strace_enter(u64 nr, const struct regs *r);
void strace_exit(u64 nr, long ret);
const char *errno_name(long e);

#endif
