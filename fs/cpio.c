/* fs/cpio.c — the initrd: a cpio archive in the "newc" format (070701: a 110-byte ASCII-hex header, the name,
 * padding to 4 bytes, the data, padding to 4 bytes; ends with "TRAILER!!!"). cpio_parse is pure and builds
 * on the host for the unit tests and fuzzing; cpio_unpack creates the entries in the ramfs. */
#include "vfs.h"
#include "../kernel/errno.h"

#define HDR_LEN 110

static bool hex8(const u8 *p, u32 *out)
{
    u32 v = 0;
    for (int i = 0; i < 8; i++) {
        u8 c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return false;
        v = v << 4 | (u32)d;
    }
    *out = v;
    return true;
}

static size_t pad4(size_t x) { return (x + 3) & ~(size_t)3; }

/* "initrd entry NAME: why" for an entry the unpacker refused (the caller prints it on one line). */
static const char *entry_error(const struct cpio_entry *e, int rc)
{
    static char msg[200];
    const char *why = rc == -ENOTDIR ? "a directory in its path is not a directory in the archive"
                    : rc == -ENOMEM || rc == -ENOSPC ? "out of memory (give the VM more: tools/skiff run --mem)"
                    : rc == -ENAMETOOLONG ? "a name in its path is too long"
                    : "cannot be created";
    ksnprintf(msg, sizeof(msg), "entry %.*s: %s", (int)MIN(e->namelen, 120u), e->name, why);
    return msg;
}

int cpio_parse(const u8 *buf, size_t len, int (*fn)(const struct cpio_entry *, void *), void *ctx,
               const char **err)
{
    return cpio_parse_progress(buf, len, fn, ctx, err, NULL);
}

int cpio_parse_progress(const u8 *buf, size_t len, int (*fn)(const struct cpio_entry *, void *), void *ctx,
                        const char **err, void (*done_upto)(size_t off))
{
    size_t off = 0;
    for (;;) {
        if (len - off < HDR_LEN) {
            *err = "truncated header (no TRAILER!!! entry)";
            return -1;
        }
        const u8 *h = buf + off;
        if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0) {
            *err = "bad magic: not a cpio newc archive";
            return -1;
        }
        u32 f[13];
        for (int i = 0; i < 13; i++) {
            if (!hex8(h + 6 + 8 * i, &f[i])) {
                *err = "bad hex digit in header";
                return -1;
            }
        }
        struct cpio_entry e = { .mode = f[1], .uid = f[2], .gid = f[3], .nlink = f[4], .mtime = f[5],
                                .size = f[6], .namelen = f[11] };
        if (e.namelen == 0 || e.namelen > len - off - HDR_LEN) {
            *err = "name runs past the end of the archive";
            return -1;
        }
        e.name = (const char *)h + HDR_LEN;
        e.namelen--; /* namesize counts the NUL */
        size_t data_off = pad4(off + HDR_LEN + e.namelen + 1);
        if (data_off > len || e.size > len - data_off) {
            *err = "file data runs past the end of the archive";
            return -1;
        }
        e.data = buf + data_off;
        if (e.namelen == 10 && memcmp(e.name, "TRAILER!!!", 10) == 0)
            return 0;
        int rc = fn(&e, ctx);
        if (rc) {
            *err = entry_error(&e, rc);
            return rc;
        }
        off = pad4(data_off + e.size);
        if (off > len) {
            *err = "truncated archive";
            return -1;
        }
        if (done_upto)
            done_upto(off); /* everything before off has been consumed */
    }
}

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
