/* fs/cpio.c — the initrd: a cpio archive in the "newc" format (cpio_parse.c reads it); cpio_unpack creates
 * the entries in the ramfs. */
#include "vfs.h"
#include "../kernel/errno.h"

/* Creates the directories leading to the last component; returns that directory, or NULL with *rc set
 * (-ENOTDIR: an earlier entry made one of them something else; -ENOMEM). "." and ".." mean what they mean
 * in a path ("/.." is "/"). */
static struct inode *make_parents(char *path, char **last, int *rc)
{
    struct inode *dir = vfs_root;
    char *p = path;
    for (;;) {
        char *slash = strchr(p, '/');
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

static int unpack_one(const struct cpio_entry *e, void *ctx)
{
    struct dir_time **times = ctx;
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
            if (ino && e->size && ramfs_pwrite(ino, e->data, e->size, 0) != (ssize_t)e->size)
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
            *t = (struct dir_time){ ino, (i64)e->mtime, *times };
            *times = t;
        }
    }
    return 0;
}

int cpio_unpack(const u8 *buf, size_t len, const char **err, void (*done_upto)(size_t off))
{
    struct dir_time *times = NULL;
    int rc = cpio_parse_progress(buf, len, unpack_one, &times, err, done_upto);
    while (times) {
        struct dir_time *t = times;
        t->dir->mtime = t->dir->ctime = t->dir->atime = (struct timespec64){ t->mtime, 0 };
        times = t->next;
        kfree(t);
    }
    return rc;
}
