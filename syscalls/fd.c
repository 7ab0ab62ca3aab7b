/* syscalls/fd.c — reading, writing and managing file descriptors: read/write and their p- and v- forms,
 * lseek, close, dup/dup2/dup3, fcntl, ioctl. */
#include "syscalls.h"
#include "../drivers/console.h"
#include "../fs/lock.h"
#include "../net/socket.h"

#define MAX_RW 0x7ffff000ul   /* Linux caps one read or write at this many bytes */
#define IOV_MAX 1024
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define O_LARGEFILE 0100000

struct iovec_k { u64 base, len; };

/* f if it can be read (or written): EBADF for the wrong access mode or no file, EINVAL without the op. */
static struct file *open_for(struct file *f, bool write, long *err)
{
    *err = -EBADF;
    if (!f || (f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY) || (f->flags & O_PATH))
        return NULL;
    *err = -EINVAL;
    return f->ops && (write ? f->ops->write != NULL : f->ops->read != NULL) ? f : NULL;
}


/* Whether pread/pwrite/preadv may name an offset (Linux's FMODE_PREAD): regular files, directories, and
 * character devices but the terminal (/dev/null, zero, full, random read and write at any offset). */
static bool seekable(struct file *f)
{
    if (f->ops && f->ops->pread_ok)
        return true;
    if (!f->inode)
        return false;
    return S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) || (S_ISCHR(f->inode->mode) && f->ops != &console_ops);
}

/* Linux's vfs_read/vfs_write order: the file (EBADF, EINVAL), then the buffer (access_ok: EFAULT), then the
 * count is capped at MAX_RW. */
static struct file *rw_file(struct file *f, bool write, u64 buf, u64 count, long *err)
{
    if (!open_for(f, write, err))
        return NULL;
    *err = -EFAULT;
    return access_ok(buf, count) ? f : NULL;
}

#define SIGXFSZ 25

/* RLIMIT_FSIZE, as Linux's write checks: a write to a regular file at or past the limit fails with EFBIG
 * (and SIGXFSZ, which kills unless handled or ignored); one that crosses it is cut at the limit. pos: where
 * the write goes (the end with O_APPEND). Returns the count to write, or -EFBIG. */
static long fsize_cap(struct file *f, u64 pos, u64 count)
{
    if (!f->inode || !S_ISREG(f->inode->mode) || !current)
        return (long)count;
    if (f->flags & O_APPEND)
        pos = f->inode->size;
    long sealed = seals_check_write(f->inode, pos, count);
    if (sealed)
        return sealed;
    u64 lim = current->proc->rlimits[RLIMIT_FSIZE].cur;
    if (count && pos >= lim) {
        signal_send(current, SIGXFSZ);
        return -EFBIG;
    }
    return (long)(lim - pos < count ? lim - pos : count);
}

/* Bytes moved: inotify hears IN_ACCESS or IN_MODIFY (nothing to do when nothing watches); /proc/PID/io counts
 * the call and the bytes, as Linux's vfs_read/vfs_write. */
static long moved(struct file *f, long n, bool write)
{
    struct task_io *io = &current->ioac;
    if (write) {
        io->syscw++;
        io->wchar += n > 0 ? (u64)n : 0;
    } else {
        io->syscr++;
        io->rchar += n > 0 ? (u64)n : 0;
    }
    if (n > 0)
        fsnotify_file(f, write ? FSN_MODIFY : FSN_ACCESS);
    if (n > 0 && write && f->inode)
        perm_file_written(f->inode); /* set-ID bits go unless the writer has CAP_FSETID */
    return n;
}

SYSCALL(read)
{
    long err;
    struct file *f = rw_file(fd_file((int)a0), false, a1, a2, &err);
    return f ? moved(f, f->ops->read(f, (void *)a1, MIN(a2, MAX_RW), &f->off), false) : err;
}

SYSCALL(write)
{
    long err;
    struct file *f = rw_file(fd_file((int)a0), true, a1, a2, &err);
    long n = f ? fsize_cap(f, f->off, MIN(a2, MAX_RW)) : err;
    /* as Linux: a write of nothing is not passed on, except to a socket (an empty datagram is a datagram) */
    if (n < 0 || (!n && f->ops != &sock_file_ops))
        return n;
    return moved(f, f->ops->write(f, (const void *)a1, (u64)n, &f->off), true);
}

/* pread64/pwrite64's checks in Linux's order: the offset, the descriptor, ESPIPE, then the access mode and
 * the buffer as read/write check them. */
static struct file *positional(u64 fd, u64 buf, u64 count, i64 pos, bool write, long *err)
{
    struct file *f = fd_file_io((int)fd);
    *err = pos < 0 ? -EINVAL : !f ? -EBADF : !seekable(f) ? -ESPIPE : 0;
    return *err ? NULL : rw_file(f, write, buf, count, err);
}

SYSCALL(pread64)
{
    long err;
    struct file *f = positional(a0, a1, a2, (i64)a3, false, &err);
    if (!f)
        return err;
    u64 off = a3;
    return moved(f, f->ops->read(f, (void *)a1, MIN(a2, MAX_RW), &off), false);
}

SYSCALL(pwrite64)
{
    long err;
    struct file *f = positional(a0, a1, a2, (i64)a3, true, &err);
    if (!f)
        return err;
    u64 off = a3; /* with O_APPEND the write still goes to the end, as on Linux (pwrite(2), BUGS) */
    long n = fsize_cap(f, off, MIN(a2, MAX_RW));
    return n > 0 ? moved(f, f->ops->write(f, (const void *)a1, (u64)n, &off), true) : n;
}

#define RWF_HIPRI 1
#define RWF_DSYNC 2
#define RWF_SYNC 4
#define RWF_NOWAIT 8
#define RWF_APPEND 0x10
#define RWF_KNOWN (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)
#define POS_FILE (-1)   /* do_iov: at the file's position, which moves (readv, preadv2 with offset -1) */

/* readv/writev and the p- forms: as Linux's import_iovec, every iovec is copied in and checked first (a
 * negative length: EINVAL; a base outside user space, even with length 0: EFAULT) so that a bad one fails the
 * call before anything moves; the total is capped at MAX_RW. Then one op per iovec, stopping at the first
 * short one. pos: an offset (the file position stays), or POS_FILE. rwf: preadv2/pwritev2's flags; the RAM
 * file system never blocks and has nothing to sync, so HIPRI, DSYNC and SYNC change nothing; NOWAIT makes this
 * one call non-blocking (a pipe or socket with nothing to give: EAGAIN). */
static long do_iov(int fd, const struct iovec_k *uiov, int cnt, bool is_write, i64 pos, u32 rwf)
{
    long err;
    if (pos < POS_FILE)
        return -EINVAL;
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (pos != POS_FILE && !seekable(f))
        return -ESPIPE;
    if (!open_for(f, is_write, &err))
        return err;
    if (cnt < 0 || cnt > IOV_MAX)
        return -EINVAL;
    if (rwf & ~(u32)RWF_KNOWN)
        return -EOPNOTSUPP;
    if ((rwf & RWF_NOWAIT) && f->inode && f->inode->sb && !strcmp(f->inode->sb->type->name, "proc"))
        return -EOPNOTSUPP; /* as Linux: /proc's files have no non-blocking mode */
    if (!cnt)
        return 0;
    struct iovec_k *iov = kmalloc(cnt * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    long rc = iov_import_user(iov, uiov, cnt);
    if (!rc)
        rc = iov_transfer(f, iov, cnt, is_write, pos, rwf);
    kfree(iov);
    return rc;
}

/* For syscalls/aio.c: 0 when f can be read (or written), else do_iov's errno; whether it has a position. */
long iov_file_check(struct file *f, bool write)
{
    long err;
    return open_for(f, write, &err) ? 0 : err;
}

bool iov_file_seekable(struct file *f) { return seekable(f); }

/* cnt iovecs from user memory into iov, checked as Linux's import_iovec: a negative length is EINVAL, a base
 * outside user space (even with length 0) EFAULT. */
long iov_import_user(struct iovec_k *iov, const struct iovec_k *uiov, int cnt)
{
    if (copy_from_user(iov, uiov, cnt * sizeof(*iov)))
        return -EFAULT;
    for (int i = 0; i < cnt; i++)
        if ((i64)iov[i].len < 0)
            return -EINVAL;
    for (int i = 0; i < cnt; i++)
        if (!access_ok(iov[i].base, iov[i].len))
            return -EFAULT; /* checked at its full length, then capped */
    return 0;
}

/* The transfer itself, the iovecs imported (iov_import_user) and f checked for the direction: bytes moved or
 * -errno. pos: an offset or POS_FILE; rwf: RWF_APPEND and RWF_NOWAIT act (syscalls/aio.c calls it too). */
long iov_transfer(struct file *f, struct iovec_k *iov, int cnt, bool is_write, i64 pos, u32 rwf)
{
    u64 at = pos == POS_FILE ? 0 : (u64)pos, *off = pos == POS_FILE ? &f->off : &at;
    if (is_write && (rwf & RWF_APPEND) && f->inode)
        off = &at, at = f->inode->size;
    u64 room = MAX_RW;
    if (is_write) { /* RLIMIT_FSIZE caps the total (EFBIG at or past it) */
        u64 want = 0;
        for (int i = 0; i < cnt; i++)
            want += MIN(iov[i].len, MAX_RW);
        long cap = fsize_cap(f, *off, MIN(want, MAX_RW));
        if (cap < 0)
            return cap;
        room = (u64)cap;
    }
    for (int i = 0; i < cnt; i++) {
        iov[i].len = MIN(iov[i].len, room);
        room -= iov[i].len;
    }
    long total = 0, rc = 0;
    u32 saved = f->flags;
    if (rwf & RWF_NOWAIT)
        f->flags |= O_NONBLOCK; /* for this call only */
    for (int i = 0; i < cnt; i++) {
        if (!iov[i].len)
            continue;
        long n = is_write ? f->ops->write(f, (const void *)iov[i].base, iov[i].len, off)
                          : f->ops->read(f, (void *)iov[i].base, iov[i].len, off);
        if (n < 0) {
            if (!total)
                rc = n;
            break;
        }
        total += n;
        if ((u64)n < iov[i].len)
            break;
    }
    if (rwf & RWF_NOWAIT)
        f->flags = (f->flags & ~O_NONBLOCK) | (saved & O_NONBLOCK);
    return rc ? rc : moved(f, total, is_write);
}

SYSCALL(readv)
{
    return do_iov((int)a0, (const struct iovec_k *)a1, (int)a2, false, POS_FILE, 0);
}

SYSCALL(writev)
{
    return do_iov((int)a0, (const struct iovec_k *)a1, (int)a2, true, POS_FILE, 0);
}

/* vmsplice(2): user memory into a pipe (its write end: as writev) or out of it (its read end: as readv);
 * pages are copied, never gifted (SPLICE_F_GIFT is accepted and changes nothing). SPLICE_F_NONBLOCK or the
 * pipe's O_NONBLOCK: EAGAIN rather than a wait. */
SYSCALL(vmsplice) /* (fd, iov, nr_segs, flags) */
{
    if ((u32)a3 & ~(u32)SPLICE_F_ALL)
        return -EINVAL;
    struct file *f = fd_file_io((int)a0);
    if (!f)
        return -EBADF;
    if (!pipe_of(f))
        return -EBADF; /* Linux: not a pipe is EBADF here */
    bool nonblock = (a3 & SPLICE_F_NONBLOCK) || (f->flags & O_NONBLOCK);
    bool to_pipe = (f->flags & O_ACCMODE) != O_RDONLY; /* an O_RDWR FIFO is written, as Linux's rule */
    return do_iov((int)a0, (const struct iovec_k *)a1, (int)a2, to_pipe, POS_FILE, nonblock ? RWF_NOWAIT : 0);
}

/* (fd, iov, cnt, pos_l, pos_h[, flags]): on x86_64 pos_l is the whole offset. A negative one is EINVAL,
 * except preadv2/pwritev2's -1: the file position. */
SYSCALL(preadv)
{
    return do_iov((int)a0, (const struct iovec_k *)a1, (int)a2, false, (i64)a3 < 0 ? -2 : (i64)a3, 0);
}

SYSCALL(pwritev)
{
    return do_iov((int)a0, (const struct iovec_k *)a1, (int)a2, true, (i64)a3 < 0 ? -2 : (i64)a3, 0);
}

SYSCALL(preadv2)
{
    return do_iov((int)a0, (const struct iovec_k *)a1, (int)a2, false, (i64)a3 < -1 ? -2 : (i64)a3, (u32)a5);
}

SYSCALL(pwritev2)
{
    return do_iov((int)a0, (const struct iovec_k *)a1, (int)a2, true, (i64)a3 < -1 ? -2 : (i64)a3, (u32)a5);
}

SYSCALL(lseek)
{
    struct file *f = fd_file_io((int)a0);
    if (!f)
        return -EBADF;
    if (f->ops && f->ops->lseek_noop)
        return (long)f->off; /* Linux's noop_llseek: the position, unchanged (it never moves) */
    if (!f->inode || (f->inode->mode & S_IFMT) == S_IFSOCK || (f->inode->mode & S_IFMT) == S_IFIFO)
        return -ESPIPE; /* a pipe, a socket, a pidfd */
    if (S_ISCHR(f->inode->mode) && f->ops == &kmsg_ops)
        return kmsg_seek(f, (i64)a1, (int)a2);
    if (S_ISCHR(f->inode->mode))
        return f->ops == &console_ops ? -ESPIPE : 0; /* devices: the tty cannot seek, others ignore it */
    i64 off = (i64)a1, size = (i64)f->inode->size, pos;
    switch ((int)a2) {
    case SEEK_SET: pos = off; break;
    case SEEK_CUR: pos = (i64)f->off + off; break;
    case SEEK_END: pos = size + off; break;
    case SEEK_DATA: /* unsigned, as Linux: a negative offset is past the end too (ENXIO, not EINVAL) */
        if ((u64)off >= (u64)size) return -ENXIO;
        pos = off;
        break;
    case SEEK_HOLE:
        if ((u64)off >= (u64)size) return -ENXIO;
        pos = size;
        break;
    default: return -EINVAL;
    }
    if (pos < 0)
        return -EINVAL;
    f->off = pos;
    return pos;
}

SYSCALL(close)
{
    return fd_close(current_proc()->fdt, (int)a0);
}

#define CLOSE_RANGE_UNSHARE 2
#define CLOSE_RANGE_CLOEXEC 4

/* close_range: every open fd in [first, last] closed, or marked close-on-exec. UNSHARE first gives a process
 * that shares its table with a CLONE_FILES process a copy; threads of one process keep sharing theirs. */
SYSCALL(close_range) /* (first, last, flags) */
{
    u32 first = (u32)a0, last = (u32)a1, flags = (u32)a2;
    if ((flags & ~(u32)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) || first > last)
        return -EINVAL;
    struct proc *p = current_proc();
    if ((flags & CLOSE_RANGE_UNSHARE) && p->nthreads > 1)
        kerr("skiff: close_range CLOSE_RANGE_UNSHARE with threads: the table stays shared by the threads\n");
    if (flags & CLOSE_RANGE_UNSHARE) {
        struct fdtable *t = fdtable_unshare(p->fdt);
        if (!t)
            return -ENOMEM;
        p->fdt = t;
    }
    for (int fd = fd_next_open(p->fdt, (int)MIN(first, (u32)INT32_MAX)); fd >= 0 && (u32)fd <= last;
         fd = fd_next_open(p->fdt, fd + 1)) {
        if (flags & CLOSE_RANGE_CLOEXEC)
            fd_set_cloexec(p->fdt, fd, true);
        else
            fd_close(p->fdt, fd);
    }
    return 0;
}

SYSCALL(dup)
{
    struct file *f = fd_file((int)a0);
    if (!f)
        return -EBADF;
    int fd = fd_install(current_proc()->fdt, f, 0, false);
    if (fd >= 0)
        file_get(f);
    return fd;
}

static long dup_to(int oldfd, int newfd, bool cloexec)
{
    struct fdtable *t = current_proc()->fdt;
    struct file *f = fd_file(oldfd);
    if (!f || newfd < 0 || newfd >= fd_limit(t)) /* at or above RLIMIT_NOFILE: EBADF, as Linux */
        return -EBADF;
    file_get(f);
    int rc = fd_install_at(t, newfd, f, cloexec);
    if (rc < 0)
        file_put(f);
    return rc;
}

SYSCALL(dup2)
{
    if ((int)a0 == (int)a1)
        return fd_file((int)a0) ? (long)(int)a1 : -EBADF;
    return dup_to((int)a0, (int)a1, false);
}

SYSCALL(dup3)
{
    if (a2 & ~(u64)O_CLOEXEC)
        return -EINVAL;
    if ((int)a0 == (int)a1)
        return -EINVAL;
    return dup_to((int)a0, (int)a1, a2 & O_CLOEXEC);
}

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define SETFL_MASK (O_APPEND | O_NONBLOCK | 020000 /* O_ASYNC */ | 040000 /* O_DIRECT */ | 01000000 /* O_NOATIME */)

SYSCALL(fcntl)
{
    struct fdtable *t = current_proc()->fdt;
    int fd = (int)a0;
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    int cmd = (int)a1;
    if ((f->flags & O_PATH) && cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC && cmd != F_GETFD && cmd != F_SETFD &&
        cmd != F_GETFL)
        return -EBADF; /* an O_PATH fd allows only these */
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if (a2 >= (u64)fd_limit(t)) /* unsigned, as Linux: a negative minimum is EINVAL too */
            return -EINVAL;
        int nfd = fd_install(t, f, (int)a2, (int)a1 == F_DUPFD_CLOEXEC);
        if (nfd >= 0)
            file_get(f);
        return nfd;
    }
    case F_GETFD:
        return fd_cloexec(t, fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fd_set_cloexec(t, fd, a2 & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags;
    case F_SETFL:
        if (((a2 ^ f->flags) & O_APPEND) && f->inode && (f->inode->iflags & FS_APPEND_FL))
            return -EPERM; /* an append-only file's descriptors keep O_APPEND */
        f->flags = (f->flags & ~SETFL_MASK) | (a2 & SETFL_MASK);
        sigio_update(f, fd); /* O_ASYNC on or off */
        return 0;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return fcntl_lock(f, cmd, (void *)a2);
    case 1024: /* F_SETLEASE */
    case 1025: /* F_GETLEASE */
        return lease_fcntl(f, fd, cmd, a2);
    case 1026: /* F_NOTIFY */
        return dnotify_fcntl(f, fd, a2);
    case 1031: /* F_SETPIPE_SZ */
    case 1032: /* F_GETPIPE_SZ */
        return pipe_fcntl_size(f, cmd == 1031, a2);
    case 1033: /* F_ADD_SEALS */
    case 1034: { /* F_GET_SEALS */
        bool handled;
        return seals_fcntl(f, cmd, a2, &handled);
    }
    case 1035: /* F_GET_RW_HINT */
    case 1036: /* F_SET_RW_HINT */
        return rwhint_fcntl(f, cmd, a2);
    default:
        return fasync_fcntl(f, cmd, a2); /* F_SETOWN, F_SETSIG, ... (syscalls/fasync.c); EINVAL for the rest */
    }
}

#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIONBIO 0x5421
#define FIOASYNC 0x5452
#define FS_IOC_GETFLAGS 0x80086601
#define FS_IOC_SETFLAGS 0x40086602

SYSCALL(ioctl)
{
    int fd = (int)a0;
    struct file *f = fd_file_io(fd);
    if (!f)
        return -EBADF;
    switch ((unsigned)a1) {
    case FIOCLEX: fd_set_cloexec(current_proc()->fdt, fd, true); return 0;
    case FIONCLEX: fd_set_cloexec(current_proc()->fdt, fd, false); return 0;
    case FIOASYNC: return fasync_ioctl(f, fd, a2);
    case FS_IOC_GETFLAGS:
    case FS_IOC_SETFLAGS:
        return iflags_ioctl(f, (unsigned)a1, a2);
    case FIONBIO: {
        int on;
        if (copy_from_user(&on, (void *)a2, sizeof(on)))
            return -EFAULT;
        f->flags = on ? (f->flags | O_NONBLOCK) : (f->flags & ~O_NONBLOCK);
        return 0;
    }
    }
    return f->ops && f->ops->ioctl ? f->ops->ioctl(f, (unsigned)a1, a2) : -ENOTTY;
}
