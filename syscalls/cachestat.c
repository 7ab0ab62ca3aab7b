/* syscalls/cachestat.c — cachestat(2) (Linux 6.5): how much of a file's range is in the page cache. skiff's
 * cache is the file's own page array (a RAM file's pages are its data, so every page that exists is cached
 * and none is ever evicted; a 9P file's pages are those read in or written so far). Like Linux's tmpfs, no page
 * counts as dirty or under writeback. Files without pages (pipes, sockets, directories, devices, /proc)
 * answer all zeros. */
#include "syscalls.h"

struct cachestat_range { u64 off, len; };
struct cachestat { u64 nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; };

/* Linux's check: the file is open for writing, or the caller owns it or could open it for writing. */
static bool may_cachestat(struct file *f)
{
    struct inode *ino = f->inode;
    return (f->flags & O_ACCMODE) != O_RDONLY || !ino || perm_owner(ino) || !perm_inode(ino, MAY_WRITE);
}

/* Pages [first, last] that exist. */
static u64 cached_pages(struct inode *ino, u64 first, u64 last)
{
    ino = vfs_real(ino);
    if (!S_ISREG(ino->mode) || !ino->pages)
        return 0;
    u64 n = 0;
    for (u64 i = first; i < ino->npages && i <= last; i++)
        n += ino->pages[i] != NULL;
    return n;
}

SYSCALL(cachestat) /* (fd, struct cachestat_range *range, struct cachestat *cstat, unsigned flags) */
{
    struct file *f = fd_file_io((int)a0);
    if (!f)
        return -EBADF;
    struct cachestat_range r;
    if (copy_from_user(&r, (const void *)a1, sizeof(r)))
        return -EFAULT;
    if (f->inode && seals_hugetlb(f->inode))
        return -EOPNOTSUPP; /* hugetlbfs: before the flags, as Linux */
    if ((u32)a3)
        return -EINVAL;
    if (!may_cachestat(f))
        return -EPERM;
    /* len 0, or a range that runs past the largest offset: to the end of the file */
    u64 first = r.off / PAGE_SIZE, last = (!r.len || r.off + r.len < r.off) ? ~0ull : (r.off + r.len - 1) / PAGE_SIZE;
    struct cachestat cs = { 0 };
    if (f->inode)
        cs.nr_cache = cached_pages(f->inode, first, last);
    return copy_to_user((void *)a2, &cs, sizeof(cs)) ? -EFAULT : 0;
}
