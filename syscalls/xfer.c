/* syscalls/xfer.c — moving bytes between files inside the kernel and advising about them: sendfile,
 * copy_file_range, fallocate, fadvise64, readahead. The source of sendfile and both ends of copy_file_range are
 * regular files; sendfile's destination is any writable file (a socket, a pipe, the console), written through
 * its own ops with a kernel buffer (file_kernel_write). */
#include "syscalls.h"

#define MAX_RW 0x7ffff000ul
#define CHUNK PAGE_SIZE /* a page at a time: no contiguous run of free memory needed */

static bool is_reg(struct file *f) { return f->inode && S_ISREG(f->inode->mode); }
/* A file of the RAM file system itself (not a /proc or device file that only looks regular). */
static bool is_ram_file(struct file *f) { return is_reg(f) && f->ops == &ramfs_file_ops; }
/* A file whose bytes are its filesystem's data: a RAM file, or a host file on a 9P volume. */
static bool is_data_file(struct file *f) { return is_ram_file(f) || (is_reg(f) && p9fs_file(f)); }
static bool can_read(struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY && !(f->flags & O_PATH); }
static bool can_write(struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY && !(f->flags & O_PATH); }

/* Copies up to count bytes of in from *pos to out at *out_pos, a chunk at a time, through both files' own
 * ops (a /proc file's text exists only in its open file); stops at the end of in or at a short write.
 * Returns the bytes moved, or the first error when none moved. */
static long copy_chunks(struct file *in, u64 *pos, struct file *out, u64 *out_pos, size_t count)
{
    u8 *buf = page_alloc();
    if (!buf)
        return -ENOMEM;
    long total = 0, rc = 0;
    while ((size_t)total < count) {
        size_t want = MIN(CHUNK, count - (size_t)total);
        u64 at = *pos;
        ssize_t n = file_kernel_read(in, buf, want, &at);
        if (n <= 0) {
            rc = n;
            break;
        }
        ssize_t w = file_kernel_write(out, buf, (size_t)n, out_pos);
        if (w <= 0) {
            rc = w;
            break;
        }
        *pos += (u64)w;
        total += w;
        if (w < n)
            break;
        if (signal_pending())
            break; /* a long copy stops at a signal, with what it moved */
    }
    page_free(buf);
    return total ? total : rc;
}

SYSCALL(sendfile) /* (out_fd, in_fd, off_t *offset, count) */
{
    struct file *in = fd_file((int)a1), *out;
    if (!in || !can_read(in))
        return -EBADF;
    u64 *ppos = (u64 *)a2;
    i64 pos = (i64)in->off;
    if (ppos && !is_reg(in))
        return -ESPIPE;
    if (!(out = fd_file((int)a0)) || !can_write(out))
        return -EBADF;
    if (out->flags & O_APPEND)
        return -EINVAL;
    if (!is_reg(in) || !out->ops || !out->ops->write)
        return -EINVAL; /* sources other than regular files are not implemented (Linux takes a few more) */
    if (ppos && copy_from_user(&pos, ppos, sizeof(pos)))
        return -EFAULT;
    if (pos < 0 || (i64)((u64)pos + a3) < 0)
        return -EINVAL; /* Linux's rw_verify_area: the range's end must be a valid offset */
    u64 at = (u64)pos;
    long n = copy_chunks(in, &at, out, &out->off, MIN(a3, MAX_RW));
    if (n > 0 && ppos && copy_to_user(ppos, &at, sizeof(at)))
        return -EFAULT;
    if (n > 0 && !ppos)
        in->off = at;
    return n;
}

/* Reads *uoff into *pos when a pointer is given (else the file position); a negative offset is EOVERFLOW,
 * as Linux 6 answers (its range check sees offset + length wrap). */
static long read_off(u64 uoff, struct file *f, u64 *pos)
{
    i64 v = (i64)f->off;
    if (uoff && copy_from_user(&v, (const void *)uoff, sizeof(v)))
        return -EFAULT;
    if (v < 0)
        return -EOVERFLOW;
    *pos = (u64)v;
    return 0;
}

SYSCALL(copy_file_range) /* (fd_in, off_t *off_in, fd_out, off_t *off_out, len, flags) */
{
    if (a5)
        return -EINVAL;
    struct file *in = fd_file((int)a0), *out = fd_file((int)a2);
    if (!in || !out || !can_read(in) || !can_write(out) || (out->flags & O_APPEND))
        return -EBADF;
    if ((in->inode && S_ISDIR(in->inode->mode)) || (out->inode && S_ISDIR(out->inode->mode)))
        return -EISDIR;
    if (!is_reg(in) || !is_reg(out))
        return -EINVAL;
    if (!is_data_file(in) || !is_data_file(out) || in->inode->sb->type != out->inode->sb->type)
        return -EXDEV; /* /proc and the like: not the same filesystem (cp then copies by read and write) */
    vfs_getattr(in->inode); /* a host file's size now */
    u64 pin, pout;
    long rc = read_off(a1, in, &pin);
    if (!rc)
        rc = read_off(a3, out, &pout);
    if (rc)
        return rc;
    size_t len = MIN(a4, MAX_RW);
    if (in->inode == out->inode && pin < pout + len && pout < pin + len)
        return -EINVAL; /* overlapping ranges of one file */
    if (pin >= in->inode->size || !len)
        return 0;
    len = MIN(len, in->inode->size - pin);
    u64 start_in = pin, start_out = pout;
    long n = copy_chunks(in, &pin, out, &pout, len);
    if (n <= 0)
        return n;
    if ((a1 && copy_to_user((void *)a1, &pin, 8)) || (a3 && copy_to_user((void *)a3, &pout, 8)))
        return -EFAULT;
    if (!a1)
        in->off = start_in + (u64)n;
    if (!a3)
        out->off = start_out + (u64)n;
    return n;
}

#define FALLOC_FL_KEEP_SIZE 0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE 0x10
#define FALLOC_FL_INSERT_RANGE 0x20
#define FALLOC_FL_UNSHARE_RANGE 0x40
#define FALLOC_KNOWN 0x7f

/* Writes zeros over [off, end) of a file, within its size (fallocate; madvise MADV_REMOVE). */
long zero_range(struct inode *ino, u64 off, u64 end)
{
    static const u8 zeros[4096];
    end = MIN(end, ino->size);
    for (u64 at = off; at < end;) {
        size_t c = MIN(sizeof(zeros), end - at);
        if (ramfs_pwrite(ino, zeros, c, at) != (ssize_t)c)
            return -ENOSPC;
        at += c;
    }
    return 0;
}

/* The RAM file system allocates as it writes, so "allocate" only has to make the size right; punching a hole
 * or zeroing a range writes zeros. COLLAPSE, INSERT and UNSHARE are not implemented (EOPNOTSUPP, as on a
 * filesystem without them, tmpfs for one). */
SYSCALL(fallocate) /* (fd, mode, offset, len) */
{
    struct file *f = fd_file((int)a0);
    int mode = (int)a1;
    i64 off = (i64)a2, len = (i64)a3;
    if (!f)
        return -EBADF;
    if (off < 0 || len <= 0)
        return -EINVAL;
    if (mode & ~FALLOC_KNOWN)
        return -EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
        return -EOPNOTSUPP;
    if (!can_write(f))
        return -EBADF;
    if (!f->inode || (f->inode->mode & S_IFMT) == S_IFIFO)
        return -ESPIPE;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (!S_ISREG(f->inode->mode))
        return -ENODEV;
    if (off + len < off)
        return -EFBIG;
    if (mode & (FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE)) {
        kerr("skiff: fallocate mode %#x is not implemented: EOPNOTSUPP\n", mode);
        return -EOPNOTSUPP;
    }
    struct inode *ino = f->inode;
    if (ino->iops != &ramfs_iops)
        return -EOPNOTSUPP; /* as Linux's 9p client, which has no fallocate */
    u64 end = (u64)(off + len);
    /* tmpfs checks RLIMIT_FSIZE for an allocation even with FALLOC_FL_KEEP_SIZE; a punched hole grows nothing */
    long big = (mode & FALLOC_FL_PUNCH_HOLE) ? 0 : fsize_newsize_ok(ino, end);
    if (big)
        return big;
    if (mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) {
        long rc = zero_range(ino, (u64)off, end);
        if (rc)
            return rc;
    }
    if (!(mode & FALLOC_FL_KEEP_SIZE) && end > ino->size) {
        int rc = ramfs_truncate(ino, end);
        if (rc)
            return rc;
    }
    ino->mtime = ino->ctime = vfs_now();
    return 0;
}

/* Advice about future reads: the files are in RAM already, so there is nothing to do once it is valid. */
SYSCALL(fadvise64) /* (fd, offset, len, advice) */
{
    struct file *f = fd_file_io((int)a0);
    if (!f)
        return -EBADF;
    if (!f->inode || (f->inode->mode & S_IFMT) == S_IFIFO)
        return -ESPIPE; /* a pipe (or a socket, which Linux also refuses) */
    if ((i64)a2 < 0 || (int)a3 < 0 || (int)a3 > 5)
        return -EINVAL;
    return 0;
}

SYSCALL(readahead) /* (fd, offset, count) */
{
    struct file *f = fd_file((int)a0);
    if (!f || !can_read(f))
        return -EBADF;
    if (!is_reg(f))
        return -EINVAL;
    return 0; /* the file is in RAM already */
}
