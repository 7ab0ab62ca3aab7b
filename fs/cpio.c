/* fs/cpio.c — the initrd: a cpio archive in the "newc" format (cpio_parse.c reads it); cpio_unpack creates
 * the entries in the ramfs. */
#include "vfs.h"
#include "../kernel/errno.h"

#define CPIO_PG 4096u /* the ramfs's page size */

/* Creates the directories leading to the last component; returns that directory, or NULL with *rc set
 * (-ENOTDIR: an earlier entry made one of them something else; -ENAMETOOLONG: a component longer than
 * NAME_MAX, which no path lookup could reach again, as Linux refuses to create it; -ENOMEM). "." and ".."
 * mean what they mean in a path ("/.." is "/"). */
static struct inode *make_parents(char *path, char **last, int *rc)
{
    struct inode *dir = vfs_root;
    char *p = path;
    for (;;) {
        char *slash = strchr(p, '/');
        if ((slash ? (size_t)(slash - p) : strlen(p)) > NAME_MAX) {
            *rc = -ENAMETOOLONG;
            return NULL;
        }
        if (!slash) {
            *last = p;
            return dir;
        }
        *slash = 0;
        struct inode *next = !*p || !strcmp(p, ".") ? dir
                           : !strcmp(p, "..") ? (dir->parent ? dir->parent : dir)
                           : ramfs_lookup(dir, p, strlen(p));
        int err = -ENOMEM;
        if (!next)
            next = ramfs_mkdir(dir, p, 0755, &err);
        *slash = '/';
        if (!next || !S_ISDIR(next->mode)) {
            *rc = next ? -ENOTDIR : (err ? err : -ENOMEM);
            return NULL;
        }
        dir = next;
        p = slash + 1;
    }
}

/* Directory mtimes are applied after the whole archive: adding children would otherwise overwrite them. */
struct dir_time {
    struct inode *dir;
    i64 mtime;
    struct dir_time *next;
};

struct unpack {
    struct dir_time *times;
    bool (*claim)(const u8 *page);
};

/* A regular file's data. Whole pages that lie on page boundaries of the archive (tools/pack aligns a file's
 * data when it holds one) become the file's own pages when claim takes them out of the archive's memory: the
 * archive is read once and its pages are freed behind the reader, so such a page has no other user and needs
 * no copy (nor copy-on-write: it is the file's alone from here on, as a page ramfs_pwrite allocated would be).
 * The rest, the last partial page included (what follows it in the archive must not show past the end of the
 * file), is copied. */
static int fill_file(struct inode *ino, const struct cpio_entry *e, bool (*claim)(const u8 *page))
{
    size_t off = 0;
    if (claim && e->size >= CPIO_PG && !((u64)(uintptr_t)e->data & (CPIO_PG - 1)) &&
        !ramfs_reserve_pages(ino, e->size / CPIO_PG))
        for (; off + CPIO_PG <= e->size && claim(e->data + off); off += CPIO_PG)
            ramfs_set_page(ino, off / CPIO_PG, (u8 *)e->data + off);
    if (off < e->size && ramfs_pwrite(ino, e->data + off, e->size - off, off) != (ssize_t)(e->size - off))
        return -ENOMEM;
    ino->size = e->size;
    return 0;
}

static int unpack_one(const struct cpio_entry *e, void *ctx)
{
    struct unpack *u = ctx;
    const char *name = e->name;
    size_t n = e->namelen;
    while (n && (*name == '/' || (*name == '.' && (n == 1 || name[1] == '/')))) {
        name++; /* strip "./" and leading "/" */
        n--;
    }
    while (n && name[n - 1] == '/')
        n--;
    if (n == 0)
        return 0; /* the root itself */
    char *path = kstrndup(name, n), *last;
    if (!path)
        return -ENOMEM;
    int err = 0;
    struct inode *dir = make_parents(path, &last, &err), *ino = NULL;
    if (dir && (!strcmp(last, ".") || !strcmp(last, ".."))) {
        kfree(path);
        return 0; /* a directory that exists already */
    }
    if (dir) {
        ino = ramfs_lookup(dir, last, strlen(last));
        if (ino && S_ISDIR(ino->mode) && !S_ISDIR(e->mode)) {
            kfree(path);
            return 0; /* never replace a directory (and what is in it) with a file */
        }
        if (ino && !S_ISDIR(ino->mode)) {
            ramfs_unlink(dir, last, false); /* a later entry replaces an earlier one */
            ino = NULL;
        }
        if (ino)
            ;
        else if (S_ISDIR(e->mode))
            ino = ramfs_mkdir(dir, last, e->mode, &err);
        else if (S_ISLNK(e->mode)) {
            char *target = kstrndup((const char *)e->data, e->size);
            ino = target ? ramfs_symlink(dir, last, target, &err) : NULL;
            kfree(target);
        } else if (S_ISREG(e->mode)) {
            ino = ramfs_create(dir, last, e->mode, &err);
            if (ino && e->size && fill_file(ino, e, u->claim))
                ino = NULL;
        }
        /* Device nodes, fifos and sockets in the archive are skipped: /dev is devfs's. */
    }
    kfree(path);
    if (!ino)
        return (S_ISDIR(e->mode) || S_ISLNK(e->mode) || S_ISREG(e->mode)) ? (err ? err : -ENOMEM) : 0;
    ino->mode = (ino->mode & S_IFMT) | (e->mode & 07777);
    ino->uid = e->uid;
    ino->gid = e->gid;
    ino->mtime = ino->ctime = ino->atime = (struct timespec64){ (i64)e->mtime, 0 };
    if (S_ISDIR(ino->mode)) {
        struct dir_time *t = kmalloc(sizeof(*t));
        if (t) {
            *t = (struct dir_time){ ino, (i64)e->mtime, u->times };
            u->times = t;
        }
    }
    return 0;
}

int cpio_unpack(const u8 *buf, size_t len, const char **err, void (*done_upto)(size_t off))
{
    return cpio_unpack_inplace(buf, len, err, done_upto, NULL);
}

int cpio_unpack_inplace(const u8 *buf, size_t len, const char **err, void (*done_upto)(size_t off),
                        bool (*claim)(const u8 *page))
{
    struct unpack u = { NULL, claim };
    int rc = cpio_parse_progress(buf, len, unpack_one, &u, err, done_upto);
    while (u.times) {
        struct dir_time *t = u.times;
        t->dir->mtime = t->dir->ctime = t->dir->atime = (struct timespec64){ t->mtime, 0 };
        u.times = t->next;
        kfree(t);
    }
    return rc;
}
