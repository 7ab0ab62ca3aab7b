/* fs/9pfs_data.c — the 9p filesystem's file data (fs/9pfs.c has the inodes and the namespace): open files
 * with their own fids, read and write straight to the host through bounce buffers, and the page cache that
 * mmap and exec use (inode->pages), written back for shared writable mappings. The contract is at the top of
 * fs/9pfs.c. */
#include "vfs.h"
#include "p9.h"
#include "../kernel/mm.h"
#include "../kernel/proc.h"
#include "../kernel/errno.h"

#define O_RDWR_ 2

/* Pages past a new, smaller size leave the cache (unless mapped: they stay, as ramfs keeps them). */
void p9fs_cache_truncate(struct inode *ino, u64 size)
{
    u64 keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    for (u64 i = keep; i < ino->npages; i++) {
        if (ino->pages[i] && !ino->mapcount)
            page_free(ino->pages[i]);
        ino->pages[i] = NULL;
    }
    if (size % PAGE_SIZE && keep && keep <= ino->npages && ino->pages[keep - 1])
        memset(ino->pages[keep - 1] + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
}

/* The fid the page cache and kernel reads use: opened read-write when the host allows, else read-only. */
static int p9fs_io_fid(struct inode *ino, u32 *fid)
{
    struct p9ino *pi = p9fs_ino(ino);
    if (pi->io_fid == P9_NOFID) {
        int rc = p9fs_open_fid(ino, O_RDWR_, &pi->io_fid);
        if (rc) {
            rc = p9fs_open_fid(ino, 0, &pi->io_fid);
            pi->io_rdonly = true;
        }
        if (rc) {
            pi->io_fid = P9_NOFID;
            return rc;
        }
    }
    *fid = pi->io_fid;
    return 0;
}

ssize_t p9fs_kread(struct inode *ino, void *kbuf, size_t n, u64 off)
{
    u32 fid;
    int rc = p9fs_io_fid(ino, &fid);
    return rc ? rc : p9_read(p9fs_client(ino), fid, off, kbuf, n);
}

static u8 **page_slot(struct inode *ino, u64 idx)
{
    if (idx >= ino->npages) {
        u64 cap = MAX(idx + 1, ino->npages * 2);
        u8 **p = kzalloc(cap * sizeof(*p));
        if (!p)
            return NULL;
        if (ino->pages)
            memcpy(p, ino->pages, ino->npages * sizeof(*p));
        kfree(ino->pages);
        ino->pages = p;
        ino->npages = cap;
    }
    return &ino->pages[idx];
}

u64 p9fs_pages_read; /* pages read in from the host: a page fault that moved it was a major fault (kernel/vm.c) */

u8 *p9fs_page(struct inode *ino, u64 pos)
{
    u8 **slot = page_slot(ino, pos / PAGE_SIZE);
    if (!slot)
        return NULL;
    if (*slot)
        return *slot;
    u8 *page = page_alloc(); /* zeroed: bytes past the end of the file read as zeros */
    if (!page)
        return NULL;
    u64 at = ALIGN_DOWN(pos, PAGE_SIZE);
    if (at < ino->size && p9fs_kread(ino, page, MIN(PAGE_SIZE, ino->size - at), at) < 0) {
        page_free(page);
        return NULL;
    }
    if (at < ino->size)
        p9fs_pages_read++;
    *slot = page;
    return page;
}

/* Cached pages back to the host: all of them within the size (no per-page dirty bits yet). */
int p9fs_writeback(struct inode *ino)
{
    struct p9ino *pi = p9fs_ino(ino);
    if (!pi->mapped_writable || !S_ISREG(ino->mode))
        return 0;
    u32 fid;
    int rc = p9fs_io_fid(ino, &fid);
    if (rc)
        return rc;
    if (pi->io_rdonly)
        return -EACCES;
    for (u64 i = 0; i < ino->npages && i * PAGE_SIZE < ino->size; i++) {
        if (!ino->pages[i])
            continue;
        size_t len = (size_t)MIN(PAGE_SIZE, ino->size - i * PAGE_SIZE);
        long n = p9_write(p9fs_client(ino), fid, i * PAGE_SIZE, ino->pages[i], len);
        if (n < 0)
            return (int)n;
    }
    if (!ino->mapcount)
        pi->mapped_writable = false;
    return 0;
}

int p9fs_fsync(struct inode *ino, bool datasync)
{
    u32 fid;
    if (!S_ISREG(ino->mode))
        return 0;
    int rc = p9fs_io_fid(ino, &fid);
    return rc ? rc : p9_fsync(p9fs_client(ino), fid, datasync);
}

bool p9fs_file(const struct file *f)
{
    return f->ops == &p9fs_file_ops;
}

void p9fs_mapped_shared(struct inode *ino)
{
    if (ino->iops == &p9fs_iops)
        p9fs_ino(ino)->mapped_writable = true;
}

/* ---- open regular files ---- */

static int pf_open(struct file *f)
{
    struct p9file *pf = kzalloc(sizeof(*pf));
    if (!pf)
        return -ENOMEM;
    u32 acc = f->flags & O_ACCMODE;
    int rc = (f->flags & O_PATH) ? -EINVAL : p9fs_open_fid(f->inode, acc, &pf->fid);
    if (rc == -EINVAL)
        pf->fid = P9_NOFID, rc = 0; /* O_PATH: no I/O through it */
    if (rc) {
        kfree(pf);
        return rc;
    }
    f->priv = pf;
    return 0;
}

static void pf_release(struct file *f)
{
    struct p9file *pf = f->priv;
    if (!pf)
        return;
    if (pf->fid != P9_NOFID)
        p9_clunk(p9fs_client(f->inode), pf->fid);
    kfree(pf);
}

#define BOUNCE (64u * 1024u)

static ssize_t pf_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    struct inode *ino = f->inode;
    struct p9file *pf = f->priv;
    u8 *buf = kmalloc(MIN(n, (size_t)BOUNCE) + 1);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    while (done < n) {
        size_t want = MIN(n - done, (size_t)BOUNCE);
        long got;
        if (ino->mapcount) { /* a mapping's pages are the newest bytes */
            vfs_getattr(ino);
            u64 pos = *off + done;
            got = pos >= ino->size ? 0 : (long)MIN(want, ino->size - pos);
            got = MIN((u64)got, PAGE_SIZE - pos % PAGE_SIZE);
            u8 *page = got ? p9fs_page(ino, pos) : NULL;
            if (got && !page)
                got = -EIO;
            else if (got)
                memcpy(buf, page + pos % PAGE_SIZE, (size_t)got);
        } else {
            got = p9_read(p9fs_client(ino), pf->fid, *off + done, buf, want);
        }
        if (got <= 0) {
            if (got < 0 && !done) {
                kfree(buf);
                return got;
            }
            break;
        }
        size_t put = copy_to_user_partial((u8 *)ubuf + done, buf, (size_t)got);
        done += put;
        if (put < (size_t)got) { /* a fault: the bytes up to it count, as on Linux */
            kfree(buf);
            if (!done)
                return -EFAULT;
            *off += done;
            return (ssize_t)done;
        }
        if ((size_t)got < want && !ino->mapcount)
            break;
    }
    kfree(buf);
    *off += done;
    return (ssize_t)done;
}

/* Bytes just written also go into cached pages, so mappings and exec see them. */
static void cache_update(struct inode *ino, const u8 *data, size_t n, u64 off)
{
    for (size_t done = 0; done < n;) {
        u64 pos = off + done, idx = pos / PAGE_SIZE, in = pos % PAGE_SIZE;
        size_t c = (size_t)MIN(n - done, PAGE_SIZE - in);
        if (idx < ino->npages && ino->pages[idx])
            memcpy(ino->pages[idx] + in, data + done, c);
        done += c;
    }
}

static ssize_t pf_write(struct file *f, const void *ubuf, size_t n, u64 *off)
{
    struct inode *ino = f->inode;
    struct p9file *pf = f->priv;
    if (f->flags & O_APPEND) {
        int rc = p9fs_getattr(ino);
        if (rc)
            return rc;
        *off = ino->size;
    }
    u8 *buf = kmalloc(MIN(n, (size_t)BOUNCE) + 1);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long rc = 0;
    while (done < n) {
        size_t want = MIN(n - done, (size_t)BOUNCE);
        size_t have = copy_from_user_partial(buf, (const u8 *)ubuf + done, want);
        if (!have) {
            rc = -EFAULT;
            break;
        }
        rc = p9_write(p9fs_client(ino), pf->fid, *off + done, buf, have);
        if (rc > 0 && have < want && (size_t)rc == have) { /* a fault: what came before it is written */
            cache_update(ino, buf, (size_t)rc, *off + done);
            done += (size_t)rc;
            break;
        }
        if (rc <= 0)
            break;
        cache_update(ino, buf, (size_t)rc, *off + done);
        done += (size_t)rc;
        if ((size_t)rc < want)
            break;
    }
    kfree(buf);
    if (!done)
        return rc < 0 ? rc : 0;
    *off += done;
    if (*off > ino->size)
        ino->size = *off;
    ino->mtime = ino->ctime = vfs_now();
    return (ssize_t)done;
}

static ssize_t dir_read(struct file *f, void *ubuf, size_t n, u64 *off)
{
    (void)f, (void)ubuf, (void)n, (void)off;
    return -EISDIR;
}

const struct file_ops p9fs_file_ops = { .open = pf_open, .read = pf_read, .write = pf_write,
                                               .release = pf_release };
const struct file_ops p9fs_dir_ops = { .read = dir_read };
