/* fs/file.c — open file objects (the fd table is fs/fdtable.c). A file is shared by every fd dup'ed from it (one offset,
 * one set of status flags), as on Linux; close-on-exec belongs to the fd. Also the ramfs read/write ops, which
 * copy straight between file pages and user memory. */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/mm.h"
#include "../kernel/boot.h"
#include "../kernel/proc.h"
#include "lock.h"
#include "../kernel/cred.h"

static const struct timespec64 *now_fixed;

/* While a synthetic tree is built at its first use (/sys), its nodes take the time of its root, made at boot:
 * reading the clock there would calibrate the TSC (5 ms) in a program that never asked for the time. */
void vfs_now_fixed(const struct timespec64 *t)
{
    now_fixed = t;
}

struct timespec64 vfs_now(void)
{
    if (now_fixed)
        return *now_fixed;
    u64 ns = clock_realtime_coarse_ns();
    return (struct timespec64){ (i64)(ns / 1000000000u), (i64)(ns % 1000000000u) };
}

static u64 file_serial; /* process context only (files are never made from an interrupt) */

/* Open files in the whole system and fs.file-max, as Linux's nr_files and files_stat.max_files: once as many
 * are open as the limit allows, only CAP_SYS_ADMIN gets another (ENFILE for the rest). The default is Linux's:
 * a tenth of RAM in KiB, at least 8192. Process context only, as file_serial. */
static u64 files_nr, files_limit;
static bool files_limit_set;

static u64 files_max(void)
{
    if (!files_limit_set)
        return MAX(pmm_total_pages() * (PAGE_SIZE / 1024) / 10, 8192ul);
    return files_limit;
}

/* 0 when the caller may have one more file, else -ENFILE. */
long file_room(void)
{
    return files_nr >= files_max() && !capable(CAP_SYS_ADMIN) ? -ENFILE : 0;
}

/* /proc/sys/fs/file-max (read and set) and file-nr (allocated, 0 free, max). */
int files_sysctl_max(char *buf, size_t size) { return ksnprintf(buf, size, "%lu\n", files_max()); }
int files_sysctl_nr(char *buf, size_t size) { return ksnprintf(buf, size, "%lu\t0\t%lu\n", files_nr, files_max()); }

int files_sysctl_set_max(const char *text, size_t n)
{
    u64 v = 0;
    size_t i = 0;
    while (i < n && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i == n || text[i] < '0' || text[i] > '9')
        return -EINVAL;
    for (; i < n && text[i] >= '0' && text[i] <= '9'; i++) {
        if (v > ((u64)INT64_MAX - (u64)(text[i] - '0')) / 10)
            return -EINVAL; /* past LONG_MAX, the sysctl's bound */
        v = v * 10 + (u64)(text[i] - '0');
    }
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
        i++;
    if (i != n)
        return -EINVAL;
    files_limit = v;
    files_limit_set = true;
    return 0;
}

/* A file made by file_new that was never installed (its creator failed half-way): freed and uncounted. */
void file_discard(struct file *f)
{
    if (!f)
        return;
    files_nr--;
    kfree(f);
}

struct file *file_new(const struct file_ops *ops, u32 flags, void *priv)
{
    if (file_room())
        return NULL;
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    files_nr++;
    f->refs = 1;
    f->serial = ++file_serial;
    f->flags = flags;
    f->ops = ops;
    f->priv = priv;
    return f;
}

struct file *file_open(struct inode *ino, u32 flags, int *err)
{
    struct file *f = file_new(ino->fops, flags, ino->priv);
    *err = file_room() ? -ENFILE : -ENOMEM;
    if (!f)
        return NULL;
    f->inode = ino;
    inode_get(ino);
    if (f->ops && f->ops->open) {
        int rc = f->ops->open(f);
        if (rc) {
            /* as Linux: a file whose open failed is not released (its priv is still the inode's, not the
             * file's own state) */
            inode_put(ino);
            file_discard(f);
            *err = rc;
            return NULL;
        }
    }
    if (S_ISREG(ino->mode) && (flags & O_ACCMODE) != O_RDONLY && !(flags & O_PATH)) {
        f->writer = true; /* a program being run cannot be opened so (ETXTBSY), nor run while it is */
        ino->writers++;
    } else if (S_ISREG(ino->mode) && !(flags & O_PATH)) {
        f->reader = true; /* write leases need to know nobody else reads */
        ino->readers++;
    }
    return f;
}

struct file *file_open_inode(struct inode *ino, u32 flags)
{
    int err;
    return file_open(ino, flags, &err);
}

/* What poll reports for f now; a file without a poll op (ramfs files) is always ready, as on Linux. */
unsigned file_poll(struct file *f)
{
    return f->ops && f->ops->poll ? f->ops->poll(f) : (POLLIN | POLLOUT);
}

ssize_t file_kernel_read(struct file *f, void *kbuf, size_t n, u64 *off)
{
    bool was = current->uaccess_kernel;
    current->uaccess_kernel = true;
    ssize_t rc = f->ops->read(f, kbuf, n, off);
    current->uaccess_kernel = was;
    return rc;
}

ssize_t file_kernel_write(struct file *f, const void *kbuf, size_t n, u64 *off)
{
    bool was = current->uaccess_kernel;
    current->uaccess_kernel = true;
    ssize_t rc = f->ops->write(f, kbuf, n, off);
    current->uaccess_kernel = was;
    return rc;
}

void file_get(struct file *f)
{
    f->refs++;
}

void file_put(struct file *f)
{
    if (--f->refs > 0)
        return;
    fsnotify_close(f);
    if (f->epitems)
        epoll_file_gone(f); /* out of every epoll that watches it, as Linux drops them at the last close */
    lock_release_file(f); /* its flock and OFD locks */
    sigio_release(f);
    dnotify_release(f);
    lease_release(f);
    if (f->ops && f->ops->release)
        f->ops->release(f);
    if (f->writer)
        f->inode->writers--;
    if (f->reader)
        f->inode->readers--;
    if (f->inode)
        inode_put(f->inode);
    if (f->dir)
        inode_put(f->dir);
    kfree(f->path);
    file_discard(f);
}

static ssize_t ramfs_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    static const u8 zero_page[4096];
    struct inode *ino = f->inode;
    if (!n || *off >= ino->size)
        return 0;
    n = MIN(n, ino->size - *off);
    size_t done = 0;
    while (done < n) {
        u64 pos = *off + done, in = pos % PAGE_SIZE;
        size_t c = MIN(n - done, PAGE_SIZE - in);
        u64 idx = pos / PAGE_SIZE;
        u8 *page = idx < ino->npages ? ino->pages[idx] : NULL; /* NULL: a hole */
        size_t got = copy_to_user_partial((u8 *)ubuf + done, (page ? page : zero_page) + in, c);
        done += got;
        if (got < c)
            break; /* a fault: the bytes up to it count, as on Linux */
    }
    if (!done)
        return -EFAULT;
    *off += done;
    ino->atime = vfs_now();
    return done;
}

static ssize_t ramfs_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    struct inode *ino = f->inode;
    if (f->flags & O_APPEND)
        *off = ino->size;
    size_t done = 0;
    int err = 0;
    while (done < n) {
        u64 pos = *off + done, in = pos % PAGE_SIZE;
        size_t c = MIN(n - done, PAGE_SIZE - in);
        u8 *page = ramfs_page(ino, pos);
        if (!page) {
            err = -ENOSPC;
            break;
        }
        size_t got = copy_from_user_partial(page + in, (const u8 *)ubuf + done, c);
        done += got;
        if (got < c) {
            err = -EFAULT; /* a fault: the bytes up to it were written, as on Linux */
            break;
        }
    }
    if (!done)
        return n ? err : 0;
    *off += done;
    if (*off > ino->size)
        ino->size = *off;
    ino->mtime = ino->ctime = vfs_now();
    return done;
}

static ssize_t dir_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)ubuf, (void)n, (void)off;
    return -EISDIR;
}

const struct file_ops ramfs_file_ops = { .read = ramfs_read, .write = ramfs_write };
const struct file_ops ramfs_dir_ops = { .read = dir_read };
